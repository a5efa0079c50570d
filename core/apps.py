from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "EdPool foundation"

    def ready(self):
        from django.db.models.signals import pre_save

        import core.checks  # noqa: F401 - registers the deployment check of SITE_URL
        import core.converters  # noqa: F401 - registers <id:...>, <year:...> and <quarter:...> for the URL confs

        from core.textguard import refuse_unstorable_text

        pre_save.connect(refuse_unstorable_text, dispatch_uid="core.refuse_unstorable_text")
