"""The one settings module. Everything that differs between machines comes from the environment.

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

import ipaddress
import os
import secrets
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent
# `make` writes .env (DEBUG=true) so that `.venv/bin/edpool ...` works outside make as the README
# shows; production has no .env and sets its environment. The environment wins over the file.
_ENV_FILE = os.environ.get("EDPOOL_ENV_FILE", str(BASE_DIR / ".env"))
if _ENV_FILE:
    load_dotenv(_ENV_FILE, override=False)
VAR_DIR = Path(os.environ.get("EDPOOL_VAR_DIR", BASE_DIR / "var")).resolve()

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if os.environ.get("PYTEST_VERSION"):  # set by pytest itself while it runs the test suite
        return "insecure-test-only-secret-key-" + "x" * 30
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development)."
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


# Whether an earlier run of this checkout already kept its development secret in var/ (see
# `_bid_sealing_key`), noted before `_secret_key` creates it.
_EARLIER_DEV_SECRET = (VAR_DIR / "dev-secret-key").exists()
SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
if DEBUG:
    ALLOWED_HOSTS.append("*")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
]

MIDDLEWARE = [
    "core.received.ReceivedAtMiddleware",  # first: when the request reached the server (sealed bids)
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'edpool.sqlite3'}",
        # Persistent connections in production; none under the test runner (threads would keep
        # the test database open at teardown).
        conn_max_age=0 if os.environ.get("PYTEST_VERSION") else int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20,
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Read replica (issue 18; core/dbrouter.py) --------------------------------------------------
#   DATABASE_REPLICA_URL   a PostgreSQL streaming replica of DATABASE_URL. Analytics and exports
#                          (REPLICA_READ_PATHS, GET only) read it; writes, transactions, sign-in
#                          and permission tables, and any client that wrote in the last
#                          REPLICA_PIN_SECONDS (the `edpool_primary` cookie) read the primary.
#                          Unset: everything uses the default database.
# The test suite always has a "replica" alias mirroring the default database (TEST MIRROR, no
# second database), used only where a test sets DATABASE_REPLICA_ALIAS = "replica".
DATABASE_REPLICA_ALIAS = ""
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0))
    DATABASE_REPLICA_ALIAS = "replica"
elif os.environ.get("PYTEST_VERSION"):
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["core.dbrouter.ReplicaRouter"]
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
REPLICA_READ_PATHS = (
    r"^/savings/", r"^/analytics/", r"^/prices/", r"^/usage/",
    r"^/compliance/matrix(\.csv$|/export/)", r"/demand\.(csv|xlsx)$",
    r"^/api/v1/(savings|analytics|spend|prices|usage)(/|$)",
    r"^/downloads/.+", r"^/api/v1/bulk/",  # members' bulk downloads (streamed: core.dbrouter)
)
# --- end of read replica ---------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "home"


def _redis_location(url: str, worker: str) -> str:
    """Tests run side by side (pytest-xdist workers gw0, gw1, ...) and each empties the cache
    before it starts (FLUSHDB): give each worker its own Redis database (the URL's, then the ones
    below it) so one never wipes another's counters mid-test. Anything else: the URL unchanged."""
    if not worker.startswith("gw") or not worker[2:].isdigit():
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base - int(worker[2:])) % 16}"))


# The cache holds the sign-in, password-reset and registration counters, so every worker process
# must share it: Redis when REDIS_URL is set, otherwise a table in EdPool's own database
# (created by `edpool migrate`; counts are atomic, see core/cache.py).
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": _redis_location(os.environ["REDIS_URL"],
                                                      os.environ.get("PYTEST_XDIST_WORKER", ""))}}
else:
    CACHES = {"default": {"BACKEND": "core.cache.DatabaseCache", "LOCATION": "edpool_cache",
                          "OPTIONS": {"MAX_ENTRIES": 100_000}}}

# Sign-in rate limiting, per window: failures allowed for one email from one client address (the
# right password from another address still works), and failures from one address for any email.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "50"))
# Password-reset requests, per window: per email (whether or not it has an account) and per address.
PASSWORD_RESET_LIMIT = int(os.environ.get("PASSWORD_RESET_LIMIT", "3"))
PASSWORD_RESET_IP_LIMIT = int(os.environ.get("PASSWORD_RESET_IP_LIMIT", "20"))
PASSWORD_RESET_WINDOW_SECONDS = int(os.environ.get("PASSWORD_RESET_WINDOW_SECONDS", "3600"))
# How many reverse proxies in front of EdPool append to X-Forwarded-For (0: use the connection's
# address). Behind one proxy set 1, or every client shares the proxy's address and its limits.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Sessions: server-side, HTTP-only, expire after 8 working hours or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if env_bool("SECURE_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

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

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "edpool" / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Uploaded documents (board resolutions, ...) are served only through permission-checked views.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_DOCUMENT_BYTES = int(os.environ.get("MAX_DOCUMENT_BYTES", str(10 * 1024 * 1024)))
# API clients send documents base64-encoded inside JSON (4 bytes for every 3). The request body
# must fit a bid with MAX_DOCUMENTS_PER_REQUEST documents at the limit plus the rest of the JSON,
# so that an oversized document gets the document-size message naming its field rather than
# Django's generic "request too large" 400.
MAX_DOCUMENTS_PER_REQUEST = 4
DATA_UPLOAD_MAX_MEMORY_SIZE = (MAX_DOCUMENTS_PER_REQUEST * ((MAX_DOCUMENT_BYTES + 2) // 3) * 4
                               + 2 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

EDPOOL_CONSORTIUM_SLUG = os.environ.get("EDPOOL_CONSORTIUM_SLUG", "")
# The first month of the fiscal year districts budget and report by (core.fiscal): July by default.
EDPOOL_FISCAL_YEAR_START_MONTH = int(os.environ.get("EDPOOL_FISCAL_YEAR_START_MONTH", "7"))

# Serve static files straight from the apps when `collectstatic` has not been run (development,
# tests); production runs `edpool collectstatic` into STATIC_ROOT and WhiteNoise serves that.
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_ROOT.exists()
if not STATIC_ROOT.exists():
    WHITENOISE_AUTOREFRESH = True
    # STATIC_ROOT stays set (collectstatic needs it); WhiteNoise would only warn it is missing.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")


def _bid_sealing_key() -> str:
    """The master key that seals bids (see sourcing/sealing.py). Production: BID_SEALING_KEY from
    the environment; without it bids are sealed under a key derived from SECRET_KEY and
    `edpool check --deploy` fails (sourcing.E001). Development (DEBUG): kept in
    var/dev-bid-sealing-key beside the database, created on first use."""
    key = os.environ.get("BID_SEALING_KEY", "")
    if key or not DEBUG or os.environ.get("PYTEST_VERSION"):
        return key
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "dev-bid-sealing-key"
    if not key_file.exists():
        # A checkout that ran before this file existed sealed its bids under the key derived from
        # SECRET_KEY: keep exactly that key (sealing.py hashes this text into the same master
        # key), so the bids in its database stay readable. A fresh var/ gets a random key.
        key_file.write_text("derived-from-secret-key:" + SECRET_KEY if _EARLIER_DEV_SECRET
                            else secrets.token_urlsafe(48))
    return key_file.read_text().strip()


BID_SEALING_KEY = _bid_sealing_key()

# --- Sealing-key rotation (issue 18, `edpool keys`; sourcing/services/keys.py) -----------------
#   BID_SEALING_KEYS_READ  comma-separated previous keys this server may still unseal with (never
#                          seal with) during a rotation's grace period; empty once `edpool keys
#                          status` shows no bid sealed under them. Development keeps them in
#                          var/dev-bid-sealing-keys-read, one a line, written by `keys rotate --new-key`.
# BID_SEALING_KEY_FILE is the development key file when the key came from it (`keys rotate
# --new-key` may then write a new one); None when the environment sets the key.
_FROM_KEY_FILE = bool(DEBUG and not os.environ.get("BID_SEALING_KEY") and not os.environ.get("PYTEST_VERSION"))
BID_SEALING_KEY_FILE = VAR_DIR / "dev-bid-sealing-key" if _FROM_KEY_FILE else None
BID_SEALING_KEYS_READ_FILE = VAR_DIR / "dev-bid-sealing-keys-read" if _FROM_KEY_FILE else None
if os.environ.get("BID_SEALING_KEYS_READ") is not None or BID_SEALING_KEYS_READ_FILE is None:
    BID_SEALING_KEYS_READ = env_list("BID_SEALING_KEYS_READ")
else:
    BID_SEALING_KEYS_READ = ([line.strip() for line in BID_SEALING_KEYS_READ_FILE.read_text().splitlines()
                              if line.strip()] if BID_SEALING_KEYS_READ_FILE.exists() else [])
# --- end of sealing-key rotation -----------------------------------------------------------------
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

# --- Several application servers as one (issue 18, docs/deploy.md) --------------------------------
# Every application server behind nginx must share, besides SECRET_KEY and BID_SEALING_KEY:
# - sessions: kept in the database (explicit here; Django's default), so a person signed in
#   through one server is signed in on all of them;
# - the cache (CACHES above): Redis when REDIS_URL is set, else the edpool_cache table; never
#   process memory. The rate limits (accounts/ratelimit.py, vendors/ratelimit.py) count there;
# - CSRF: the token is in a cookie signed with SECRET_KEY, so any server checks what another issued;
# - uploaded documents and exports (every FileField goes through Django's default storage): the
#   local MEDIA_ROOT, which must then be one shared folder (NFS or similar) mounted on every
#   application server and worker, or an S3-compatible bucket through django-storages when
#   S3_MEDIA_BUCKET is set. The bucket stays private: documents are served only through EdPool's
#   permission-checked pages, which read them from the bucket.
#     S3_MEDIA_BUCKET     the bucket's name (turns S3 on; needs `pip install 'edpool[s3]'`)
#     S3_ENDPOINT_URL     for a store other than AWS (MinIO, Ceph, ...), e.g. https://s3.internal:9000
#     S3_REGION           e.g. us-east-1
#     S3_MEDIA_PREFIX     a folder inside the bucket, default "media"
#     S3_ADDRESSING_STYLE "path" for most self-hosted stores; default: the store's own
#   Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the
#   environment, or the machine's role), never from this file.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
S3_MEDIA_BUCKET = os.environ.get("S3_MEDIA_BUCKET", "").strip()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if S3_MEDIA_BUCKET:
    try:
        import storages.backends.s3  # noqa: F401 - only to say clearly what is missing
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImproperlyConfigured(
            "S3_MEDIA_BUCKET is set but django-storages is not installed: pip install 'edpool[s3]'."
        ) from exc
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": S3_MEDIA_BUCKET,
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("S3_REGION") or None,
        "location": os.environ.get("S3_MEDIA_PREFIX", "media").strip("/"),
        "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        "default_acl": "private",  # never public: documents go out through permission checks
        "querystring_auth": True,
        "file_overwrite": False,  # two uploads of one name get two names, as on a local disk
    }}

# ---------------------------------------------------------------------------------------------
# Operating EdPool: health, readiness, metrics and structured logs (issue 18; README "Operating
# EdPool"). Kept together here, apart from the deployment settings of several servers.
#   EDPOOL_LOG_FORMAT         "json" or "console"; default json when DEBUG is off, console with it.
#   EDPOOL_REQUEST_LOG_LEVEL  level of the one line per request (default INFO).
#   EDPOOL_METRICS_TOKEN      the bearer token Prometheus sends to /metrics; unset: /metrics is 404.
#   PROMETHEUS_MULTIPROC_DIR  a directory shared by the gunicorn workers of one server (emptied
#                             before gunicorn starts): request metrics then add up across workers.
#   EDPOOL_READY_MIN_FREE_MB  /readyz fails below this much free disk where uploads and the
#                             SQLite database live (default 1024).
#   EDPOOL_READY_WORKER_MAX_AGE_SECONDS  /readyz fails when no `edpool worker` has reported for
#                             this long (default 90; it reports every 10 s). 0 leaves the check out
#                             (a server that runs no workers anywhere).
# ---------------------------------------------------------------------------------------------
import logging as _logging  # noqa: E402

import structlog as _structlog  # noqa: E402

from core.logs import redact_secrets as _redact_secrets  # noqa: E402

INSTALLED_APPS += ["django_prometheus"]  # noqa: F405
MIDDLEWARE = [
    MIDDLEWARE[0],  # core.received first: when the request reached the server (sealed bids)
    # Request latencies by route name (django-prometheus: the `view` label is the URL's name,
    # never the raw path, so no ids reach a label).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.requestid.RequestIdMiddleware",  # X-Request-ID in and out
    "django_structlog.middlewares.RequestMiddleware",  # binds request_id; one line per request
    *MIDDLEWARE[1:],
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
EDPOOL_METRICS_TOKEN = os.environ.get("EDPOOL_METRICS_TOKEN", "").strip()
EDPOOL_READY_MIN_FREE_MB = int(os.environ.get("EDPOOL_READY_MIN_FREE_MB", "1024"))
EDPOOL_READY_WORKER_MAX_AGE_SECONDS = int(os.environ.get("EDPOOL_READY_WORKER_MAX_AGE_SECONDS", "90"))
# django-prometheus: no metrics of its own migrations export at start-up (it would query the
# database while the app loads); /readyz tells whether migrations are applied.
PROMETHEUS_EXPORT_MIGRATIONS = False

# django-structlog: trust an incoming X-Request-ID (core.requestid has already replaced an
# insane one); the request's start at DEBUG, so one INFO line per request (its end, status, time).
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = _logging.DEBUG
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = True

EDPOOL_LOG_FORMAT = (os.environ.get("EDPOOL_LOG_FORMAT", "").strip().lower()
                     or ("console" if DEBUG else "json"))
if EDPOOL_LOG_FORMAT not in ("json", "console"):
    raise ImproperlyConfigured("EDPOOL_LOG_FORMAT must be json or console.")
_LOG_SHARED = [
    _structlog.contextvars.merge_contextvars,  # request_id (and job_id in the worker)
    _structlog.stdlib.add_log_level,
    _structlog.stdlib.add_logger_name,
    _structlog.processors.TimeStamper(fmt="iso", utc=True),
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": _structlog.stdlib.ProcessorFormatter,
            "foreign_pre_chain": _LOG_SHARED,  # Django's and other libraries' log lines
            "processors": [
                _structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                # Tracebacks as plain text (never with local variables: they may hold secrets).
                _structlog.processors.format_exc_info,
                _redact_secrets,  # last before rendering: covers the traceback text too
                (_structlog.processors.JSONRenderer(sort_keys=True) if EDPOOL_LOG_FORMAT == "json"
                 else _structlog.dev.ConsoleRenderer(colors=False)),
            ],
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own lines once, through the structured handler (its default console handler
        # would print them a second time, unformatted).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_structlog": {"level": os.environ.get("EDPOOL_REQUEST_LOG_LEVEL", "INFO")},
        "edpool": {"level": os.environ.get("LOG_LEVEL", "INFO")},
    },
}
_structlog.configure(
    processors=[*_LOG_SHARED, _structlog.stdlib.PositionalArgumentsFormatter(),
                _structlog.processors.StackInfoRenderer(),
                _structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
    logger_factory=_structlog.stdlib.LoggerFactory(),
    wrapper_class=_structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)
