"""Settings for Dialogue Portal, read once from environment variables.

Every value has a working default for a laptop (SQLite, no Redis, DEBUG on). Production sets
``DEBUG=false`` and supplies the secrets; see README.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=True)
# With DEBUG on, a 404 still shows the portal's page; true shows Django's technical 404 page.
DEBUG_TECHNICAL_404 = env.bool("DEBUG_TECHNICAL_404", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-insecure-key-change-me" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "axes",
    "csp",
    "simple_history",
]
# In layer order: each app imports only the ones above it in this list (see README, Architecture).
LOCAL_APPS = [
    "units.apps.UnitsConfig",
    "regulations.apps.RegulationsConfig",
    "sessions.apps.DialogueSessionsConfig",
    "petitions.apps.PetitionsConfig",
    "notifications.apps.NotificationsConfig",
    "reports.apps.ReportsConfig",
    "public.apps.PublicConfig",
    "ops.apps.OpsConfig",
    "demo.apps.DemoConfig",
    "benchmarks.apps.BenchmarksConfig",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First: every log line of the request carries its id; the metrics time the whole answer.
    "ops.middleware.RequestIdMiddleware",
    "ops.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After a write, the user's reads stay on the primary for a few seconds (common/replicas.py).
    "common.replicas.PrimaryAfterWriteMiddleware",
    "dialogue_portal.middleware.VietnameseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers to a signed-in user are never stored by a cache: Cache-Control: private, no-store.
    "dialogue_portal.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records the request's user on every history row (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # After a successful form post, notify the events it wrote on petitions' timelines.
    "notifications.middleware.EventDispatchMiddleware",
    # For administrators: is a periodic job late? (the red banner, the alert e-mail)
    "ops.middleware.LateJobMiddleware",
    # The portal's 404 page even with DEBUG on (DEBUG_TECHNICAL_404=true shows Django's).
    "dialogue_portal.middleware.NotFoundPageMiddleware",
    # Last, as django-axes requires: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dialogue_portal.urls"
WSGI_APPLICATION = "dialogue_portal.wsgi.application"

# Django's form renderer, with faster selects (common.forms.FormRenderer).
FORM_RENDERER = "common.forms.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.notifications",
                "ops.context_processors.operations",
                "common.replicas.replica_context",
            ],
            # Template helpers of every page (navigation, dates, state labels).
            "libraries": {"portal": "dialogue_portal.templatetags"},
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A PostgreSQL streaming replica of the primary for the read-only report work (common/replicas.py):
# views marked @reads_from_replica read there; writes and access decisions stay on the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    # Tests: the replica serves the test database the primary creates (streamed to it).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["common.replicas.ReplicaRouter"]
# Apps whose reads stay on the primary even in report views: who the user is and what they may
# see (users, sessions, memberships and the unit tree), and the bell they have just cleared.
REPLICA_PRIMARY_APPS = frozenset(
    {"auth", "sessions", "contenttypes", "admin", "axes", "units", "notifications", "django_celery_beat"}
)
# After a write, that user's reads stay on the primary for this many seconds (read your writes).
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=15)
REPLICA_READS = env.bool("REPLICA_READS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A small office on the default SQLite file: WAL lets readers work while one request writes,
    # and every transaction takes the write lock when it begins (IMMEDIATE), so a concurrent
    # writer waits up to ``timeout`` seconds for its turn. With SQLite's default (DEFERRED) a
    # transaction that read first and writes second fails at once with "database is locked"
    # when another one writes: 8 replies posted together gave 7 server errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's cache: the dashboards' figures and the lists' counts (reports/cache.py,
# units/versions.py), the public pages and the lookup's rate limit. The default (one process's
# memory) suits a laptop; with several web processes set CACHE_URL=redis://127.0.0.1:6379/1 so
# they share the figures, counters and pages.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=26 * 3600)
# The apps whose saved rows change the dashboards' figures: every save gives the row's areas a new
# data version in its transaction (units/versions.py), so no cached figure outlives a write.
DATA_VERSION_APPS = ("units", "dialogue_sessions", "petitions")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: 5 failures for a username from one address lock it for 15 minutes.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind the reverse proxy every connection comes from it: throttle by the client's address.
AXES_CLIENT_IP_CALLABLE = "common.web.client_ip"
# Requests from these addresses carry the client's address in X-Real-IP (deploy/nginx sets it).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root by WhiteNoise (/favicon.ico, which browsers ask for on every page).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded documents are private: never served as static media, only through views that check access.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media-not-public/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email -----------------------------------------------------------------------------------
if env("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cổng đối thoại <no-reply@localhost>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Celery ----------------------------------------------------------------------------------
# The default needs no server: kombu's filesystem transport under var/.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "broker" / "out"),
        "data_folder_out": str(VAR_DIR / "broker" / "out"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    # A message a dead worker never acknowledged is delivered again after this many seconds.
    else {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Separate queues, so that a backlog of mail never delays the deadline jobs (and the reverse);
# each can have its own workers (README, Running in production).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_DEADLINE_QUEUE = env("CELERY_DEADLINE_QUEUE", default="deadlines")
CELERY_MAIL_QUEUE = env("CELERY_MAIL_QUEUE", default="mail")
CELERY_TASK_ROUTES = {
    "notifications.enforce_deadlines": {"queue": CELERY_DEADLINE_QUEUE},
    "ops.*": {"queue": CELERY_DEADLINE_QUEUE},
    "notifications.send_*": {"queue": CELERY_MAIL_QUEUE},
}
# Deadline jobs (installed in the beat tables on migrate; the admin may change them later).
DEADLINE_JOBS_CRONTAB = env("DEADLINE_JOBS_CRONTAB", default="0 7 * * *")
NOTIFICATION_EMAIL_SWEEP_MINUTES = env.int("NOTIFICATION_EMAIL_SWEEP_MINUTES", default=15)
NOTIFICATION_EMAIL_MAX_ATTEMPTS = env.int("NOTIFICATION_EMAIL_MAX_ATTEMPTS", default=5)
# The daily digest of the notifications users chose to receive that way (after the 07:00 job,
# so the day's reminders are in it for those who chose the digest for them too).
NOTIFICATION_DIGEST_CRONTAB = env("NOTIFICATION_DIGEST_CRONTAB", default="30 7 * * *")

# --- Operations (ops): job runs, health, metrics ------------------------------------------------
# A periodic job is late when it has not completed this many minutes after its scheduled time
# (the 07:00 daily job by 08:00). Fractions are allowed.
JOB_LATE_AFTER_MINUTES = env.float("JOB_LATE_AFTER_MINUTES", default=60)
JOB_RUN_RETENTION_DAYS = env.int("JOB_RUN_RETENTION_DAYS", default=365)
JOB_RUNS_CLEANUP_CRONTAB = env("JOB_RUNS_CLEANUP_CRONTAB", default="30 3 * * *")
# Who may read /suc-khoe/ (readiness) and /suc-khoe/chi-so/ (metrics): these client addresses
# or networks, or a request with "Authorization: Bearer <MONITORING_TOKEN>". Liveness
# (/suc-khoe/song/) is open.
MONITORING_ALLOWED_IPS = env.list("MONITORING_ALLOWED_IPS", default=["127.0.0.1", "::1"])
MONITORING_TOKEN = env("MONITORING_TOKEN", default="")
# The open obligations of the whole country (``portal_obligations_open``) are counted at most
# once in this many seconds and shared through the cache by every worker (~0.3 s of counting at
# 1,000,000 petitions; Prometheus scrapes every 15–60 s); ``portal_obligations_open_age_seconds``
# says how old they are. 0: counted at every scrape.
METRICS_OBLIGATIONS_CACHE_SECONDS = env.int("METRICS_OBLIGATIONS_CACHE_SECONDS", default=60)

# --- The legal clock (Regulation 07-QC/TU; other provinces differ, hence settings) -------------
# day_type is "calendar" (Civil Code counting with roll-over past rest days) or "working".
DEADLINE_RULES = {
    "notice": {
        "days": env.int("NOTICE_DUE_DAYS", default=10),
        "day_type": env("NOTICE_DAY_TYPE", default="calendar"),
    },
    "reply": {
        "days": env.int("REPLY_DUE_DAYS", default=30),
        "day_type": env("REPLY_DAY_TYPE", default="calendar"),
    },
    # The competent unit's own target after a forwarding (R4), from the day of the forwarding.
    "forwarded": {
        "days": env.int("FORWARDED_REPLY_DAYS", default=30),
        "day_type": env("FORWARDED_REPLY_DAY_TYPE", default="calendar"),
    },
    # A supplementary reply asked for after the Front judged a reply unsatisfactory.
    "supplementary": {
        "days": env.int("SUPPLEMENTARY_REPLY_DAYS", default=15),
        "day_type": env("SUPPLEMENTARY_REPLY_DAY_TYPE", default="calendar"),
    },
}
# R3's clock starts on the notice's issue date ("issue") or, where "sau khi có thông báo" is read
# as its receipt, on the day each responsible unit received it ("receipt", the receipt dates
# recorded on the session page; until one is recorded the issue date is used).
REPLY_CLOCK_START = env("REPLY_CLOCK_START", default="issue")
# A complex-case target further than this many days after its notice needs a stated reason.
COMPLEX_TARGET_MAX_DAYS = env.int("COMPLEX_TARGET_MAX_DAYS", default=90)
# A notice dated more than this many days before the day it is recorded needs a stated reason.
NOTICE_BACKDATE_DAYS = env.int("NOTICE_BACKDATE_DAYS", default=3)
DEADLINE_WARNING_DAYS = env.int("DEADLINE_WARNING_DAYS", default=3)
HOLIDAY_COUNTRY = env("HOLIDAY_COUNTRY", default="VN")
# Reminder stages, in days before the due date.
NOTICE_REMINDER_DAYS = env.list("NOTICE_REMINDER_DAYS", cast=int, default=[3, 1])
REPLY_REMINDER_DAYS = env.list("REPLY_REMINDER_DAYS", cast=int, default=[5, 1])
# Party documents restart their numbering each committee term (Hướng dẫn 36-HD/VPTW).
PARTY_TERM_STARTS = env.list("PARTY_TERM_STARTS", default=["2015-10-01", "2020-10-01", "2025-10-01"])
# The heads' annual cycle. R1 ("at least once a year") and the annual dialogue plan count by the
# dialogue year: the calendar year by default; a province counting from 15/12 sets 15 and 12.
DIALOGUE_YEAR_START_DAY = env.int("DIALOGUE_YEAR_START_DAY", default=1)
DIALOGUE_YEAR_START_MONTH = env.int("DIALOGUE_YEAR_START_MONTH", default=1)
# The annual plan is due by this day of its year (default 31 January; a rest day moves it on).
PLAN_DUE_DAY = env.int("PLAN_DUE_DAY", default=31)
PLAN_DUE_MONTH = env.int("PLAN_DUE_MONTH", default=1)
PLAN_REMINDER_DAYS = env.list("PLAN_REMINDER_DAYS", cast=int, default=[14, 3])
# Reminders before the target date of a chair's conclusion item or commitment.
COMMITMENT_REMINDER_DAYS = env.list("COMMITMENT_REMINDER_DAYS", cast=int, default=[7, 1])
# Reporting year cut-off: many reports run from 15/12 to 14/12.
REPORT_CUTOFF_DAY = env.int("REPORT_CUTOFF_DAY", default=15)
REPORT_CUTOFF_MONTH = env.int("REPORT_CUTOFF_MONTH", default=12)
# The reporting calendar a province starts with (then kept as data, editable in the admin): the
# periods it reports on (month, q1, 6m, 9m, year) and, per unit level, the days after the
# period's cut-off within which a unit's report is due (communes before the province compiles).
REPORT_PERIOD_KINDS = env.list("REPORT_PERIOD_KINDS", default=["6m", "year"])
REPORT_DUE_DAYS = env.dict(
    "REPORT_DUE_DAYS", cast={"value": int}, default={"commune": 5, "district": 7, "province": 10, "other": 10}
)
REPORT_REMINDER_DAYS = env.list("REPORT_REMINDER_DAYS", cast=int, default=[5, 1])

# --- The citizen's side (public pages) ---------------------------------------------------------
# Lookups by receipt code per address and window (then HTTP 429 with a Vietnamese message).
PUBLIC_LOOKUP_LIMIT = env.int("PUBLIC_LOOKUP_LIMIT", default=20)
PUBLIC_LOOKUP_WINDOW_SECONDS = env.int("PUBLIC_LOOKUP_WINDOW_SECONDS", default=600)
PUBLIC_LOOKUP_CACHE_SECONDS = env.int("PUBLIC_LOOKUP_CACHE_SECONDS", default=60)
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=3600)
# The public figures per unit and year: the province switches them on.
PUBLIC_FIGURES = env.bool("PUBLIC_FIGURES", default=False)

# --- Security ----------------------------------------------------------------------------------
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): every script and font is served from this site; no inline
# script runs (data reaches scripts through json_script blocks). Inline styles stay allowed for
# the widgets (tom-select, Chart.js) that set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers and monitoring may probe gunicorn directly over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^suc-khoe/"]

# Logs go to stderr (journald under systemd), each line with the request's or task's id;
# LOG_FORMAT=json writes one JSON object per line for a log collector.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
# The worker logs through the handler above when JSON is asked for (else Celery's own format).
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
