"""A notice in a person's inbox: the same event as the email sent about it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notice(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True,
                            help_text="The page to open: a path on this site, e.g. /orders/12/.")
    created_at = models.DateTimeField(help_text="When the event happened.")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # the inbox page, newest first
            models.Index(fields=["recipient", "-created_at", "-id"], name="inbox_notice_newest"),
            # the header's unread count: only unread rows are indexed
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="inbox_notice_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.recipient_id})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
