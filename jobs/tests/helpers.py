"""For tests in any app: run the queued jobs as `edpool worker` would, until none is left."""

import signal

from django.core.management import call_command

_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def run_queued_jobs() -> None:
    # The worker installs its own SIGINT/SIGTERM handlers: give the test process its own back.
    saved = {number: signal.getsignal(number) for number in _SIGNALS}
    try:
        call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
