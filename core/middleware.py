"""Refuse NUL characters in any request, once for every page and API operation.

PostgreSQL cannot store or compare text holding a NUL character (\\0): a search or a filter with
one fails deep in the database, and a stored one would differ between databases. So a NUL in the
path, the query string, a form field (or an uploaded file's name) or a JSON body is refused here,
naming the field, before any view runs: the API answers 422 in its JSON error shape, a page
answers 400 with a page saying which field to correct. File contents are not inspected (a PDF
holds NUL bytes); importers check the text they read themselves.

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render

NUL = "\x00"
MESSAGE = "Contains a NUL character (\\0), which EdPool cannot store or search for; remove it."
API_PREFIX = "/api/"


def _shown(name: str) -> str:
    return name.replace(NUL, "\\0")[:100] or "(unnamed)"


def _in_lists(data) -> Optional[str]:
    for key, values in data.lists():
        if NUL in key or any(isinstance(v, str) and NUL in v for v in values):
            return _shown(key)
    return None


def _in_json(value: Any, where: str = "") -> Optional[str]:
    if isinstance(value, str):
        return (where or "body") if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if NUL in str(key):
                return _shown(name)
            found = _in_json(item, name)
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _in_json(item, f"{where}[{index}]")
            if found:
                return found
    return None


def nul_field(request) -> Optional[str]:
    """The name of the first place in the request holding a NUL character, or None."""
    if NUL in request.path_info:
        return "path"
    found = _in_lists(request.GET)
    if found:
        return found
    content_type = (request.content_type or "").lower()
    if request.method == "POST" and content_type in ("application/x-www-form-urlencoded",
                                                     "multipart/form-data"):
        try:
            found = _in_lists(request.POST)
            if not found:
                for key, files in request.FILES.lists():
                    if NUL in key or any(NUL in (f.name or "") for f in files):
                        return _shown(key)
        except RequestDataTooBig:
            return None  # the view gets the same error and answers it
        return found
    if content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
        try:
            body = request.body
        except RequestDataTooBig:
            return None
        if b"\\u0000" not in body and b"\x00" not in body:
            return None
        try:
            data = json.loads(body)
        except ValueError:
            return None  # unreadable JSON: the API answers 400
        return _in_json(data)
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = nul_field(request)
        if field is None:
            return self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": f"{field}: {MESSAGE}", "errors": {field: [MESSAGE]}},
                                status=422)
        return render(request, "400.html", {"field": field, "message": MESSAGE}, status=400)
