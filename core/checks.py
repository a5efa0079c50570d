"""Deployment checks for the links in emails (`edpool check --deploy`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def site_url_check(app_configs, **kwargs):
    """Emails link to SITE_URL + a path: without a scheme and host they would be dead links."""
    url = getattr(settings, "SITE_URL", "") or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
        return [Error(
            f"SITE_URL is {url!r}: the links in emails need the site's scheme and host.",
            hint="Set SITE_URL to where people open EdPool, e.g. https://edpool.example.org "
                 "(no path after the host).",
            id="core.E001")]
    return []
