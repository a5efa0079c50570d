"""Probes and metrics for machines (README "Operating EdPool"): no sign-in, no session, no
cookies, nothing cached; each answers in a few milliseconds."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from accounts.access import public
from ops import health, metrics as ops_metrics


@public
@csrf_exempt  # they take no form: a POST is told 405 (Allow: GET, HEAD), not the CSRF page
@require_safe
@never_cache
def healthz(request):
    """Liveness: the process answers. No database, cache or disk: those are /readyz's."""
    return JsonResponse({"status": "ok"})


@public
@csrf_exempt  # they take no form: a POST is told 405 (Allow: GET, HEAD), not the CSRF page
@require_safe
@never_cache
def readyz(request):
    """Readiness: 200 when every check passes, else 503; only each check's name and ok/failing."""
    results = health.readiness()
    ready = all(results.values())
    return JsonResponse({"status": "ok" if ready else "failing",
                         "checks": {name: ("ok" if ok else "failing") for name, ok in results.items()}},
                        status=200 if ready else 503)


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8")).digest()


def _token_matches(request, token: str) -> bool:
    """The request's `Authorization: Bearer <token>` is `token`, compared in constant time (both
    hashed first, so not even the length is told)."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return hmac.compare_digest(_digest(given.strip() if scheme.lower() == "bearer" else ""), _digest(token))


@public
@csrf_exempt  # they take no form: a POST is told 405 (Allow: GET, HEAD), not the CSRF page
@require_safe
@never_cache
def metrics(request):
    """Prometheus metrics behind a bearer token (EDPOOL_METRICS_TOKEN): none configured, the page
    does not exist (404); a missing or wrong token, 401."""
    token = getattr(settings, "EDPOOL_METRICS_TOKEN", "")
    if not token:
        raise Http404("No metrics here.")
    if not _token_matches(request, token):
        response = HttpResponse("A valid bearer token is needed.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(ops_metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
