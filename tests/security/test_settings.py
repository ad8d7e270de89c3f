"""Production settings: the deploy checks pass, the secret key must come from the environment,
cookies are secure, HSTS is on, and every page carries a strict Content-Security-Policy."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _clean_env(**extra) -> dict:
    """A process environment with none of this shell's settings (no DEBUG, no SECRET_KEY)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    env["DJANGO_SETTINGS_MODULE"] = "dialogue_portal.settings"
    env.update(extra)
    return env


def _production_env(**extra) -> dict:
    return _clean_env(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50)[:50], ALLOWED_HOSTS="example.vn", **extra)


def _run(args, env, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _parse_csp(header: str) -> dict:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def test_check_deploy_in_production_reports_no_issues():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_settings_refuse_to_load_without_a_secret_key_when_debug_is_off():
    code = "import django; django.setup()"
    result = _run(["-c", code], _clean_env(DEBUG="false", ALLOWED_HOSTS="example.vn"))
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set the SECRET_KEY environment variable" in result.stderr
    # The same import with the key set works: the key is the only thing missing.
    assert _run(["-c", code], _production_env()).returncode == 0


def test_the_development_key_is_never_used_in_production():
    code = (
        "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.SECRET_KEY))"
    )
    env = _production_env()
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == env["SECRET_KEY"]


def test_production_turns_on_secure_cookies_https_and_hsts():
    names = [
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS", "SECURE_PROXY_SSL_HEADER", "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    ]  # fmt: skip
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = _run(["-c", code], _production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client, staff_user):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert _parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    client.force_login(staff_user)
    response = client.get(reverse("sessions:list"))
    assert _parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy forbids inline scripts: data goes through json_script, code through static files."""
    import re

    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted(ROOT.glob("*/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
