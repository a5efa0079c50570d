from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from accounts.access import public
from members.selectors import member_directory_totals


@public
def home(request):
    return render(request, "home.html", {"totals": member_directory_totals()})


@public
def healthz(request):
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_403(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
