from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        # The district directory import, run by `edpool worker` (members.directory_jobs).
        from jobs.registry import register
        from members.directory_jobs import DISTRICT_IMPORT_JOB, FIGURES, district_import_job

        register(DISTRICT_IMPORT_JOB, label="Import the district directory", run=district_import_job,
                 figures=FIGURES)
