from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        from core.notify import register_notice_hook

        from inbox.services import notices_store

        register_notice_hook(notices_store)
