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


def upload_from_base64(content_base64: str, *, filename: str, field: str) -> UploadedFile:
    """A document sent inside a JSON request (API clients), as an upload the services accept.
    Checks the encoded size first, so an oversized body is refused before it is decoded."""
    import base64
    import binascii

    from django.core.files.uploadedfile import SimpleUploadedFile

    limit = settings.MAX_DOCUMENT_BYTES
    if len(content_base64) > (limit // 3 + 1) * 4 + 4:
        raise ValidationError({field: f"The file is larger than the limit of {limit:,} bytes."})
    try:
        content = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({field: "content_base64 is not valid base64."})
    name = (filename or "document.pdf").rsplit("/", 1)[-1][:100] or "document.pdf"
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    validate_pdf(upload, field=field)
    return upload
