from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from audit.actions import AuditAction
        from core.labels import register_labels

        register_labels(AuditAction)
