"""Operating EdPool: health, readiness, metrics and structured logs (issue 18; README "Operating
EdPool"). The middleware these need (django-prometheus, request ids, django-structlog) is listed
with the others in edpool.settings.
  EDPOOL_LOG_FORMAT         "json" or "console"; default json when DEBUG is off, console with it.
  EDPOOL_REQUEST_LOG_LEVEL  level of the one line per request (default INFO).
  EDPOOL_METRICS_TOKEN      the bearer token Prometheus sends to /metrics; unset: /metrics is 404.
  PROMETHEUS_MULTIPROC_DIR  a directory shared by the gunicorn workers of one server (emptied
                            before gunicorn starts): request metrics then add up across workers.
  EDPOOL_READY_MIN_FREE_MB  /readyz fails below this much free disk where uploads and the
                            SQLite database live (default 1024).
  EDPOOL_READY_WORKER_MAX_AGE_SECONDS  /readyz fails when no `edpool worker` has reported for
                            this long (default 90; it reports every 10 s). 0 leaves the check out
                            (a server that runs no workers anywhere)."""

from __future__ import annotations

import logging as _logging
import os

import structlog as _structlog
from django.core.exceptions import ImproperlyConfigured

from core.logs import redact_secrets as _redact_secrets
from edpool.conf.env import DEBUG

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
