"""Files: static files (WhiteNoise), uploads and their size limits, and where uploaded documents
and exports are kept (every FileField goes through Django's default storage: the local
MEDIA_ROOT, or a private S3-compatible bucket when S3_MEDIA_BUCKET is set)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from edpool.conf.env import BASE_DIR, DEBUG, VAR_DIR

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "edpool" / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Uploaded documents (board resolutions, ...) are served only through permission-checked views.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_DOCUMENT_BYTES = int(os.environ.get("MAX_DOCUMENT_BYTES", str(10 * 1024 * 1024)))
# API clients send documents base64-encoded inside JSON (4 bytes for every 3). The request body
# must fit a bid with MAX_DOCUMENTS_PER_REQUEST documents at the limit plus the rest of the JSON,
# so that an oversized document gets the document-size message naming its field rather than
# Django's generic "request too large" 400.
MAX_DOCUMENTS_PER_REQUEST = 4
DATA_UPLOAD_MAX_MEMORY_SIZE = (MAX_DOCUMENTS_PER_REQUEST * ((MAX_DOCUMENT_BYTES + 2) // 3) * 4
                               + 2 * 1024 * 1024)

# Serve static files straight from the apps when `collectstatic` has not been run (development,
# tests); production runs `edpool collectstatic` into STATIC_ROOT and WhiteNoise serves that.
WHITENOISE_USE_FINDERS = DEBUG or not STATIC_ROOT.exists()
if not STATIC_ROOT.exists():
    WHITENOISE_AUTOREFRESH = True
    # STATIC_ROOT stays set (collectstatic needs it); WhiteNoise would only warn it is missing.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

# --- Several application servers as one (issue 18, docs/deploy.md) --------------------------------
# Uploaded documents and exports must be shared by every application server and worker: the
# local MEDIA_ROOT, which must then be one shared folder (NFS or similar) mounted on every
# application server and worker, or an S3-compatible bucket through django-storages when
# S3_MEDIA_BUCKET is set. The bucket stays private: documents are served only through EdPool's
# permission-checked pages, which read them from the bucket.
#     S3_MEDIA_BUCKET     the bucket's name (turns S3 on; needs `pip install 'edpool[s3]'`)
#     S3_ENDPOINT_URL     for a store other than AWS (MinIO, Ceph, ...), e.g. https://s3.internal:9000
#     S3_REGION           e.g. us-east-1
#     S3_MEDIA_PREFIX     a folder inside the bucket, default "media"
#     S3_ADDRESSING_STYLE "path" for most self-hosted stores; default: the store's own
#   Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the
#   environment, or the machine's role), never from this file.
# (Sessions and the cache are shared too: edpool.conf.security and edpool.conf.database.)
S3_MEDIA_BUCKET = os.environ.get("S3_MEDIA_BUCKET", "").strip()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if S3_MEDIA_BUCKET:
    try:
        import storages.backends.s3  # noqa: F401 - only to say clearly what is missing
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImproperlyConfigured(
            "S3_MEDIA_BUCKET is set but django-storages is not installed: pip install 'edpool[s3]'."
        ) from exc
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": S3_MEDIA_BUCKET,
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("S3_REGION") or None,
        "location": os.environ.get("S3_MEDIA_PREFIX", "media").strip("/"),
        "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        "default_acl": "private",  # never public: documents go out through permission checks
        "querystring_auth": True,
        "file_overwrite": False,  # two uploads of one name get two names, as on a local disk
    }}
