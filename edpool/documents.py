"""Checking uploaded documents by their content, not their name."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile


def validate_pdf(upload: UploadedFile, *, field: str) -> None:
    """Refuse anything that is not a PDF (by its first bytes) or is larger than the limit."""
    limit = settings.MAX_DOCUMENT_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError({field: f"The file is {upload.size:,} bytes; the limit is {limit:,}."})
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" not in head[:1024] or not head.lstrip().startswith(b"%PDF-"):
        raise ValidationError({field: "The file must be a PDF document (its content is not PDF)."})
