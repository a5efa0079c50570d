from django.apps import AppConfig


class SourcingConfig(AppConfig):
    name = "sourcing"
    verbose_name = "Sourcing: solicitations, sealed bids, evaluation and award"

    def ready(self) -> None:
        from django.utils import timezone

        from audit.redaction import register_sealed

        def sealed_bid_ids():
            from sourcing.models import Bid

            return Bid.objects.filter(solicitation__bid_deadline__gt=timezone.now()).values_list("pk", flat=True)

        # Who bid is not known to anyone but the bidder before the deadline.
        register_sealed("sourcing.bid", sealed_bid_ids)
