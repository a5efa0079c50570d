from django.apps import AppConfig


class SourcingConfig(AppConfig):
    name = "sourcing"
    verbose_name = "Sourcing: solicitations, sealed bids, evaluation and award"

    def ready(self) -> None:
        from django.utils import timezone

        from sourcing import checks  # noqa: F401  (registers the deployment checks)

        from jobs.registry import register
        from sourcing.jobs import AWARD_PLAN_CHART, AWARD_PLAN_FIGURES, STOP_LABEL, award_plan_job
        from sourcing.services.awards import AWARD_PLAN_JOB

        register(AWARD_PLAN_JOB, label="Compute the award plan", run=award_plan_job,
                 figures=AWARD_PLAN_FIGURES, stop_label=STOP_LABEL, chart=AWARD_PLAN_CHART)

        from audit.redaction import register_sealed

        def sealed_bid_ids():
            from django.db.models import CharField
            from django.db.models.functions import Cast

            from sourcing.models import Bid

            # The ids as text (audit events store object ids as text), used as a subquery.
            return (Bid.objects.filter(solicitation__bid_deadline__gt=timezone.now())
                    .annotate(sealed_id=Cast("pk", output_field=CharField()))
                    .values_list("sealed_id", flat=True))

        # Who bid is not known to anyone but the bidder before the deadline.
        register_sealed("sourcing.bid", sealed_bid_ids)
