"""The one task the queue knows: run a job. Django 6 has the framework built in (`django.tasks`);
on Django 5.2 the `django-tasks` backport provides the same API."""

from __future__ import annotations

try:  # Django 6
    from django.tasks import task  # type: ignore[import-not-found]
except ImportError:  # Django 5.2: the backport
    from django_tasks import task


@task(takes_context=True)
def run_job(context, job_id: int) -> str:
    """Run job `job_id` if this task still owns it (see jobs.runner)."""
    from jobs.runner import run

    return run(job_id=job_id, task_id=str(context.task_result.id))
