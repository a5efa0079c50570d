"""For tests in any app: run the queued jobs as `edpool worker` would, until none is left."""

import signal
from unittest import mock

from django.core.management import call_command

_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def run_queued_jobs() -> None:
    # The worker installs its own SIGINT/SIGTERM handlers: give the test process its own back.
    saved = {number: signal.getsignal(number) for number in _SIGNALS}
    try:
        # The worker drops "old" connections between tasks, as a request does. Inside a test's
        # transaction (autocommit off) Django counts the connection as unusable and closes it,
        # which ends the test's transaction on PostgreSQL (SQLite's in-memory database never
        # closes): keep it, as Django's test client does for requests.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
