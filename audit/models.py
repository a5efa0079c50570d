"""The audit trail: an append-only, hash-chained record of every state change."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One state change. Never updated or deleted; `hash` chains it to the event before it.

    `seq` is the position in the chain (1, 2, 3, ...), gap-free; `prev_hash` is the hash of event
    seq-1 (64 zeros for the first). Names and emails of the actor are copied in, so the record
    still reads right after a user or organisation is renamed.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    actor_organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_organisation_name = models.CharField(max_length=300, blank=True)
    actor_role = models.CharField(max_length=40)
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The request (or the job a request queued) that caused the change, as in the logs' request_id
    # (core.requestid): finds the log lines of an event. None for events recorded outside any
    # request (commands, the events stored before it existed). Inside the hash when present.
    request_id = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only; they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only; they cannot be deleted.")


class AuditHead(models.Model):
    """The single row that serialises appends and remembers the end of the chain.

    Locking it (SELECT ... FOR UPDATE) makes concurrent writers take turns; its `last_seq` and
    `last_hash` let `edpool audit verify` notice that the newest events were removed.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
