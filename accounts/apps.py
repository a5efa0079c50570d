from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.admin_access import sync_after_migrate
        from accounts.models import Role
        from core.labels import register_labels

        register_labels(Role)

        post_migrate.connect(sync_after_migrate, dispatch_uid="accounts.admin_group_sync")
