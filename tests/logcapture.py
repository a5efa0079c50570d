"""Capture log lines as EdPool's settings render them (structlog's formatter of LOGGING), as JSON."""

from __future__ import annotations

import io
import json
import logging
from contextlib import contextmanager
from typing import Iterator

import structlog


class Lines(io.StringIO):
    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.getvalue().splitlines() if line.startswith("{")]


@contextmanager
def json_logs() -> Iterator[Lines]:
    from edpool import settings as conf

    spec = dict(conf.LOGGING["formatters"]["structured"])
    factory = spec.pop("()")
    spec["processors"] = [*spec["processors"][:-1], structlog.processors.JSONRenderer(sort_keys=True)]
    stream = Lines()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(factory(**spec))
    targets = [logging.getLogger(), logging.getLogger("django")]  # "django" does not propagate
    levels = {name: logging.getLogger(name).level for name in ("django_structlog", "edpool")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.INFO)
    for logger in targets:
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for logger in targets:
            logger.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
