from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Needs surveys and pooled demand"

    def ready(self):
        # Sourcing announces publication through a signal (it may not import surveys): the
        # districts that declared the needs behind a solicitation are told when it is published.
        from sourcing.signals import solicitation_published

        solicitation_published.connect(_published, dispatch_uid="surveys.tell_declaring_districts")


def _published(sender, *, solicitation, actor, **kwargs) -> None:
    from surveys.services.solicitation import declaring_districts_tell

    declaring_districts_tell(solicitation=solicitation, actor=actor)
