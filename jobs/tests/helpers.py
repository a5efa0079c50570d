"""For tests in any app: run the queued jobs as `edpool worker` would, until none is left."""

from django.core.management import call_command


def run_queued_jobs() -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
