"""The nginx site file, rendered from the template in deploy/nginx/edpool.conf.

`edpool nginx-site` prints it for production; ops.loopback renders the same template for the
loopback cluster the tests start. The template's double-brace placeholders are replaced here and
nowhere else; a placeholder left unfilled, or a value that would break out of its nginx
directive (a newline, `;`, `{`, `}`, a quote), is refused.

This module uses Django's settings only (the upload limit) and imports none of EdPool's apps.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from django.conf import settings

DEPLOY_DIR = Path(__file__).resolve().parent.parent / "deploy"
NGINX_TEMPLATE = DEPLOY_DIR / "nginx" / "edpool.conf"
GUNICORN_CONFIG = DEPLOY_DIR / "gunicorn.conf.py"

_PLACEHOLDER = re.compile(r"\{\{ ([A-Z_]+) \}\}")
_UNSAFE = re.compile(r"[\s;{}\"'$#\\]")


class DeployError(ValueError):
    pass


def client_max_body_size() -> str:
    """nginx's client_max_body_size for EdPool: the largest request body EdPool itself accepts
    (DATA_UPLOAD_MAX_MEMORY_SIZE: an API bid with its documents base64-encoded), in whole MiB
    rounded up, so nginx never refuses a request EdPool would answer (with its own message)."""
    limit = max(int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE), int(settings.MAX_DOCUMENT_BYTES))
    return f"{math.ceil(limit / (1024 * 1024))}m"


def _word(name: str, value: str) -> str:
    value = str(value)
    if not value or _UNSAFE.search(value):
        raise DeployError(f"{name}: {value!r} is not a single nginx word (no spaces, quotes, ; {{ }} $ #).")
    return value


def nginx_site(*, server_name: str, upstreams: list[str], tls_certificate: str, tls_certificate_key: str,
               static_root: str, https_listen: str = "443", http_listen: str = "80",
               log_dir: str = "/var/log/nginx", template: Path = NGINX_TEMPLATE) -> str:
    """The site file for `upstreams` ("host:port" of each gunicorn server)."""
    if not upstreams:
        raise DeployError("Give at least one application server (--upstream HOST:PORT).")
    for upstream in upstreams:
        if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", upstream):
            raise DeployError(f"Upstream {upstream!r} is not HOST:PORT.")
    values = {
        "SERVER_NAME": " ".join(_word("server name", part) for part in server_name.split()) or "_",
        "UPSTREAM_SERVERS": "\n".join(f"    server {u} max_fails=3 fail_timeout=10s;" for u in upstreams),
        "HTTPS_LISTEN": _word("HTTPS listen", https_listen),
        "HTTP_LISTEN": _word("HTTP listen", http_listen),
        "TLS_CERTIFICATE": _word("TLS certificate", tls_certificate),
        "TLS_CERTIFICATE_KEY": _word("TLS certificate key", tls_certificate_key),
        "STATIC_ROOT": _word("static root", str(static_root).rstrip("/")),
        "LOG_DIR": _word("log folder", str(log_dir).rstrip("/")),
        "CLIENT_MAX_BODY_SIZE": client_max_body_size(),
    }
    text = template.read_text(encoding="utf-8")
    missing = sorted(set(_PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise DeployError(f"The template has placeholders this code does not fill: {', '.join(missing)}.")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)
