"""The files of ``deploy/`` turned into what a test can run on loopback: the nginx site with
private ports, paths and a self-signed certificate, the systemd units' commands with this
checkout's paths, and the example environment file. Every placeholder that is replaced must be
found in the file, so a change of the recipe that the tests would silently miss fails instead."""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ("portal-web", "portal-worker", "portal-beat")
SITE_NAME = "doithoai.example.gov.vn"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary(name: str) -> str | None:
    """A system binary, also where root's PATH has it but a user's may not (/usr/sbin)."""
    return shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None
    )


def replace_all(text: str, replacements: list[tuple[str, str]], what: str) -> str:
    for old, new in replacements:
        assert old in text, f"{what} no longer contains {old!r}: update the test's substitutions"
        text = text.replace(old, new)
    return text


# --- nginx --------------------------------------------------------------------------------------


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "portal.pem", folder / "portal.key"
    subprocess.run(
        [binary("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={SITE_NAME}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def nginx_config(folder: Path, *, http_port: int, https_port: int, upstream_port: int, static_root: Path) -> Path:
    """deploy/nginx/portal.conf on private ports and paths, inside a minimal main configuration
    (as Debian's /etc/nginx/nginx.conf includes the sites). Returns the main file."""
    for sub in ("logs", "tmp", "acme"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    cert, key = self_signed_certificate(folder)
    site = replace_all(
        (DEPLOY / "nginx" / "portal.conf").read_text(),
        [
            ("listen 80;", f"listen 127.0.0.1:{http_port};"),
            ("listen [::]:80;", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;", ""),
            ("server 127.0.0.1:8000", f"server 127.0.0.1:{upstream_port}"),
            ("/etc/ssl/certs/doithoai.example.gov.vn.pem", str(cert)),
            ("/etc/ssl/private/doithoai.example.gov.vn.key", str(key)),
            ("/srv/portal/staticfiles/", f"{static_root}/"),
            ("/var/log/nginx/", f"{folder}/logs/"),
            ("/var/www/letsencrypt", str(folder / "acme")),
        ],
        "deploy/nginx/portal.conf",
    )
    (folder / "site.conf").write_text(site)
    mime = Path("/etc/nginx/mime.types")
    main = folder / "nginx.conf"
    # Started as root, nginx's workers would drop to "nobody", who cannot read pytest's private
    # temporary folders (in production, www-data must be able to read STATIC_ROOT).
    user = "user root;" if os.geteuid() == 0 else ""
    main.write_text(
        f"""{user}
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log warn;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    {f"include {mime};" if mime.exists() else ""}
    default_type application/octet-stream;
    access_log {folder}/logs/access.log;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    include {folder}/site.conf;
}}
"""
    )
    return main


def nginx_test(main: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary("nginx"), "-t", "-c", str(main), "-p", str(main.parent), "-g", "daemon off;"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


# --- systemd ------------------------------------------------------------------------------------


def unit_text(name: str) -> str:
    return (DEPLOY / "systemd" / f"{name}.service").read_text()


def localised_unit(name: str, runtime: Path | None = None) -> str:
    """The unit with this checkout's paths (its virtualenv, its code), as installed here."""
    text = unit_text(name).replace("/srv/portal/.venv/bin/", f"{VENV_BIN}/").replace("/srv/portal", str(ROOT))
    if runtime is not None:
        text = text.replace("/run/", f"{runtime}/run-")
    return text


def unit_settings(name: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in unit_text(name).splitlines() if line.startswith(f"{key}=")]


def unit_command(name: str, runtime: Path) -> list[str]:
    """ExecStart of the unit, with this checkout's paths and ``/run/X/`` under ``runtime``."""
    text = localised_unit(name, runtime)
    (exec_start,) = [line.split("=", 1)[1] for line in text.splitlines() if line.startswith("ExecStart=")]
    return [arg.replace("%%", "%") for arg in shlex.split(exec_start)]


def unit_environment(name: str, runtime: Path) -> dict[str, str]:
    text = localised_unit(name, runtime)
    env = {}
    for line in text.splitlines():
        if line.startswith("Environment="):
            key, value = line.split("=", 1)[1].split("=", 1)
            env[key] = value
    return env


# --- the environment file -----------------------------------------------------------------------


def example_environment() -> dict[str, str]:
    """deploy/portal.env.example as systemd's EnvironmentFile= reads it."""
    env = {}
    for line in (DEPLOY / "portal.env.example").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, value = line.split("=", 1)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env[key] = value
    return env
