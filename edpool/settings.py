"""The settings module (DJANGO_SETTINGS_MODULE). Everything that differs between machines comes from
the environment. The groups live in edpool/conf/ (the environment and VAR_DIR, the keys, the
database and cache, security, storage, observability: see edpool/conf/__init__.py); this module
runs them in order and adds the application's own settings.

Environment variables (all optional on a developer machine):
  DEBUG               "true" for local development; off by default.
  SECRET_KEY          required when DEBUG is off.
  DATABASE_URL        default sqlite:///var/edpool.sqlite3; postgres://user@host/db for PostgreSQL.
  ALLOWED_HOSTS       comma-separated; default "localhost,127.0.0.1" (plus "*" under DEBUG).
  CSRF_TRUSTED_ORIGINS comma-separated origins, e.g. https://edpool.example.org
  REDIS_URL           use Redis for the cache (rate limits); default: a table in the database.
  EMAIL_URL-like settings: EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
                      EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL. Console backend by default.
  SECURE_HTTPS        "true" behind HTTPS: secure cookies, HSTS, SSL redirect.
  BID_SEALING_KEY     required in production (`edpool check --deploy` fails without it): the
                      master key that seals bids; a development key is kept in var/.
  SITE_URL            where people open EdPool, for the links in emails (scheme and host, e.g.
                      https://edpool.example.org); default http://127.0.0.1:8000.
  EDPOOL_EDGE_PROXIES comma-separated addresses or CIDRs of the proxies (nginx) whose
                      X-Request-Start header says when a request reached the consortium's edge,
                      which sealed bids are then judged by (core/received.py); default empty:
                      trust no one, use the server's own clock.
  EDPOOL_EDGE_MAX_AGE_SECONDS  how far before the server's own clock such a header may be and
                      still be believed (default 60); older, it is refused and a warning logged.
  EDPOOL_OCDS_PREFIX, EDPOOL_OCDS_PUBLISHER, EDPOOL_OCDS_LICENSE, EDPOOL_OCDS_PUBLICATION_POLICY,
  OCDS_API_LIMIT, OCDS_API_WINDOW_SECONDS: the open contracting data (README, "Open contracting data").
  EDPOOL_VAR_DIR      where the SQLite database, uploads and the dev secrets live (default ./var).
  EDPOOL_ENV_FILE     a file of KEY=value lines read first (default ./.env, which `make` writes
                      for local development with DEBUG=true); "" reads none. Variables already
                      in the environment win over the file.
"""

from __future__ import annotations

import importlib
import ipaddress
import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def _include(part: str) -> None:
    """Run `edpool.conf.<part>` (again, if this module is reloaded: the environment may have
    changed) and take every name Django would take from it as a setting (UPPERCASE)."""
    name = f"edpool.conf.{part}"
    module = importlib.reload(sys.modules[name]) if name in sys.modules else importlib.import_module(name)
    globals().update({key: value for key, value in vars(module).items() if key.isupper()})


# In this order: each part reads the ones before it.
for _part in ("env", "keys", "database", "security", "storage", "observability"):
    _include(_part)
# The names this module uses itself, as the parts just set them (env_bool and env_list stay
# importable from here too).
from edpool.conf.env import BASE_DIR, VAR_DIR, env_bool, env_list  # noqa: E402,F401

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # its Swagger UI templates and assets, served locally (no CDN: schools block them)
    "core",
    "accounts",
    "orgs",
    "members",
    "vendors",
    "catalog",
    "audit",
    "django_tasks",  # the backport of Django 6's django.tasks (then: drop these two lines)
    "django_tasks_db",  # its database backend: the queue is a table in EdPool's database
    "jobs",
    "inbox",
    "awards",
    "sourcing",
    "compliance",
    "contracts",
    "orders",
    "reports",
    "matching",
    "surveys",
    "analytics",
    "prices",
    "usage",
    "opendata",  # OCDS 1.1.5 releases and records (issue 17)
    "bulkdata",  # members' bulk downloads of their own data (issue 17)
    "portal",  # the public portal, no sign-in (issue 17)
    "ops",  # backups and restore (edpool backup / restore)
    "edpool",
    "django_prometheus",  # metrics (edpool.conf.observability)
]

MIDDLEWARE = [
    "core.received.ReceivedAtMiddleware",  # first: when the request reached the server (sealed bids)
    # Request latencies by route name (django-prometheus: the `view` label is the URL's name,
    # never the raw path, so no ids reach a label).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.requestid.RequestIdMiddleware",  # X-Request-ID in and out
    "django_structlog.middlewares.RequestMiddleware",  # binds request_id; one line per request
    "core.dbrouter.ReplicaReadsMiddleware",  # read replica: which requests may read it (issue 18)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.ActingAsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A NUL character anywhere in a request: 422 (API) or a page naming the field, never a
    # database error.
    "core.middleware.RefuseNulMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "edpool.urls"
WSGI_APPLICATION = "edpool.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "edpool" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.acting",
                "inbox.context_processors.inbox",
            ],
            "builtins": ["core.template_builtins"],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "home"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "EdPool <noreply@localhost>")
# Where people open EdPool: emails end with SITE_URL + the page's path (core.notify). Scheme and
# host, e.g. https://edpool.example.org; `edpool check --deploy` refuses one without a scheme.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").strip()

LANGUAGE_CODE = "en-us"
# Dates on pages for people ("July 1, 2026": the `long_day` filter, the statement PDF); CSV, XLSX
# and the API keep ISO dates. A Django date format (https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date).
EDPOOL_LONG_DATE_FORMAT = "F j, Y"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

EDPOOL_CONSORTIUM_SLUG = os.environ.get("EDPOOL_CONSORTIUM_SLUG", "")
# The first month of the fiscal year districts budget and report by (core.fiscal): July by default.
EDPOOL_FISCAL_YEAR_START_MONTH = int(os.environ.get("EDPOOL_FISCAL_YEAR_START_MONTH", "7"))

# Seconds the award engine may search when staff compute a bulk-buy award plan (in the background
# worker since jobs/: no longer bound by the web server's request timeout).
AWARD_ENGINE_TIME_LIMIT_SECONDS = float(os.environ.get("AWARD_ENGINE_TIME_LIMIT_SECONDS", "20"))
# core.locks checks that transactions take row locks in the global order (README, "Concurrency"):
# on under DEBUG and the test suite unless EDPOOL_CHECK_LOCK_ORDER=false; off in production.
EDPOOL_CHECK_LOCK_ORDER = env_bool("EDPOOL_CHECK_LOCK_ORDER") if os.environ.get("EDPOOL_CHECK_LOCK_ORDER") else None
# Checkpoints of the audit chain, kept outside the database (audit/checkpoints.py): put this file
# where the database's users cannot write (the application servers, or ship it to a log server).
AUDIT_CHECKPOINT_FILE = Path(os.environ.get("AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit-checkpoints.txt"))
# Sealed bids are judged by when the server received them (core.received) and open, all at once,
# this many seconds after the deadline, once every bid received in time is stored: keep it at
# least the web server's request timeout (gunicorn --timeout, 30 s).
BID_OPENING_DELAY_SECONDS = int(os.environ.get("BID_OPENING_DELAY_SECONDS", "30"))
# The edge's clock (core/received.py): a sealed bid is judged by when the proxy in front (nginx,
# deploy/nginx/edpool.conf) had the whole request, from its X-Request-Start header, but only for
# connections from these addresses or networks (REMOTE_ADDR, the connection's own address) and only
# when that moment is at most EDPOOL_EDGE_MAX_AGE_SECONDS before the server's own clock (nginx gives
# up on an application server after 35 s; a header older than that is a stuck or wrong clock).
# Empty (the default): no header is trusted; every request is received on the server's own clock.
EDPOOL_EDGE_PROXIES = [p.strip() for p in os.environ.get("EDPOOL_EDGE_PROXIES", "").split(",") if p.strip()]
for _proxy in EDPOOL_EDGE_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"EDPOOL_EDGE_PROXIES: {_proxy!r} is not an IP address or network "
                                   f"(e.g. 10.0.0.10 or 10.0.0.0/29).") from None
EDPOOL_EDGE_MAX_AGE_SECONDS = float(os.environ.get("EDPOOL_EDGE_MAX_AGE_SECONDS", "60"))
if not 0 < EDPOOL_EDGE_MAX_AGE_SECONDS <= 3600:
    raise ImproperlyConfigured("EDPOOL_EDGE_MAX_AGE_SECONDS must be more than 0 and at most 3600.")
# Background tasks (jobs/, README "Background tasks"): the queue is a table in EdPool's own
# database (django-tasks-db), so SQLite in development and PostgreSQL in production need no extra
# service; `edpool worker` runs the tasks (`make run` starts one beside the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job whose worker has not reported for this long is given to another worker (a worker
# on the same machine whose process is gone is noticed at once).
JOBS_STALE_AFTER_SECONDS = int(os.environ.get("JOBS_STALE_AFTER_SECONDS", "120"))
# A sales-report CSV with more lines than this is stored and reconciled by the worker (reports/uploads.py).
SALES_REPORT_BACKGROUND_ROWS = int(os.environ.get("SALES_REPORT_BACKGROUND_ROWS", "2000"))
# Members' bulk downloads (bulkdata/background.py): an Excel file of more rows than this is written
# by the worker (the page shows its progress, then offers the file to the person who asked); the
# file is kept this many days after it is written, then removed by `edpool tick`.
BULK_XLSX_BACKGROUND_ROWS = int(os.environ.get("BULK_XLSX_BACKGROUND_ROWS", "20000"))
BULK_FILE_KEEP_DAYS = int(os.environ.get("BULK_FILE_KEEP_DAYS", "7"))
# Open contracting data (opendata/, README "Open contracting data (OCDS)"): the ocid prefix (a
# consortium publishing for real registers its own ocds-xxxxxx with the Open Contracting
# Partnership), what the packages say of their publisher, license and publication policy, and the
# public API's rate limit per client address.
EDPOOL_OCDS_PREFIX = os.environ.get("EDPOOL_OCDS_PREFIX", "")
EDPOOL_OCDS_PUBLISHER = os.environ.get("EDPOOL_OCDS_PUBLISHER", "")
EDPOOL_OCDS_LICENSE = os.environ.get("EDPOOL_OCDS_LICENSE", "")
EDPOOL_OCDS_PUBLICATION_POLICY = os.environ.get("EDPOOL_OCDS_PUBLICATION_POLICY", "")
OCDS_API_LIMIT = int(os.environ.get("OCDS_API_LIMIT", "120"))
OCDS_API_WINDOW_SECONDS = int(os.environ.get("OCDS_API_WINDOW_SECONDS", "60"))
