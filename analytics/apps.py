from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Savings, spend and price intelligence"

    def ready(self) -> None:
        from analytics.savings_hooks import connect

        connect()
        from analytics.savings_jobs import SAVINGS_RECOMPUTE_JOB, savings_recompute_job
        from jobs.registry import register

        register(SAVINGS_RECOMPUTE_JOB, label="Recompute a member's savings", run=savings_recompute_job,
                 figures=(("lines", "Order lines", "number"),))
