"""A worker process for jobs/tests/test_worker_restart.py, with the test job kinds registered:

    python -m jobs.tests.worker_main enqueue SECONDS STARTED_FILE   (prints the job id)
    python -m jobs.tests.worker_main work [edpool worker options]
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edpool.settings")
    import django

    django.setup()
    from jobs.tests import kinds

    if argv[0] == "enqueue":
        from accounts.acting import Actor
        from jobs.services import job_enqueue

        job = job_enqueue(kind=kinds.EFFECT, params={"seconds": float(argv[1]), "started_file": argv[2]},
                          actor=Actor.system("worker restart test"))
        print(job.pk)
    elif argv[0] == "work":
        from django.core.management import call_command

        call_command("worker", "--no-startup-delay", *argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
