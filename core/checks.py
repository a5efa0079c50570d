"""Deployment checks (`edpool check --deploy`): the links in emails, the edge's receipt clock."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


@register(Tags.security, deploy=True)
def edge_clock_check(app_configs, **kwargs):
    """Behind a proxy (TRUSTED_PROXY_COUNT) with no EDPOOL_EDGE_PROXIES, sealed bids are judged by
    when an application server read them, after any wait for a free worker (core/received.py)."""
    behind_proxy = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0) > 0
    if behind_proxy and not getattr(settings, "EDPOOL_EDGE_PROXIES", None):
        return [Warning(
            "EdPool runs behind a proxy (TRUSTED_PROXY_COUNT) but trusts no proxy's receipt time: "
            "a sealed bid is judged by when an application server read it, so a bid that waited "
            "for a free worker at the deadline is refused as late.",
            hint="Set EDPOOL_EDGE_PROXIES to nginx's address as the application servers see it "
                 "(docs/deploy.md); nginx sets X-Request-Start (deploy/nginx/edpool.conf).",
            id="core.W001")]
    return []
