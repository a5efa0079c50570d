from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from accounts.access import public, signed_in
from edpool.workspaces import workspace_for
from members.selectors import member_directory_totals


@public
def home(request):
    """The public page; a signed-in person also gets a prominent link to their workspace."""
    from analytics.savings_selectors import consortium_headline
    from core.clock import today
    from core.fiscal import FiscalYear

    # The savings headline sums a fiscal year of order lines: kept a minute (core.figures_cache).
    savings, _ = consortium_headline(FiscalYear.of(today()))
    return render(request, "home.html", {"totals": member_directory_totals(), "savings": savings})


@signed_in
def workspace(request):
    """Where people land after signing in: the panels of the role they act in."""
    actor = request.actor
    if actor is None and request.role_assignments:
        return redirect(reverse("accounts:act-as") + "?" + urlencode({"next": reverse("workspace")}))
    found = workspace_for(actor) if actor is not None else None
    if found is None:
        return render(request, "home/no_role.html")
    return render(request, f"home/{found.role}.html", {"workspace": found})


def _api(request) -> bool:
    """Errors raised outside the API's own handlers (no route, a malformed request, a failing
    middleware) still answer the API's JSON error shape under /api/."""
    return request.path_info.startswith("/api/")


def error_400(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": "The request is malformed or too large."}, status=400)
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": str(exception or "") or "Not allowed."}, status=403)
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_404(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": "Not found: no such address in the API (see /api/v1/docs)."},
                            status=404)
    return render(request, "404.html", status=404)


def error_500(request):
    if _api(request):
        return JsonResponse({"detail": "Something went wrong on our side; the error has been "
                                       "logged. Try again in a moment."}, status=500)
    return render(request, "500.html", status=500)
