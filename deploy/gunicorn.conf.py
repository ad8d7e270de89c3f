"""gunicorn settings of the portal's web process (deploy/systemd/portal-web.service).

Environment: GUNICORN_BIND (127.0.0.1:8000), GUNICORN_WORKERS (2 x cores + 1), GUNICORN_TIMEOUT
(120 s: the largest exports), PROMETHEUS_MULTIPROC_DIR (the unit sets it: every worker process
writes its request metrics there and /suc-khoe/chi-so/ adds them up).
"""

import multiprocessing
import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so a slow leak never grows for ever.
max_requests = 2000
max_requests_jitter = 200
# nginx on this machine is the only client: trust its X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# To stderr (journald). The request id is the one nginx sent and Django logs with.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}i)s'


def on_starting(server):
    """Start each life of the service with an empty metrics folder (the counts of dead
    processes from a previous run must not be added up)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
