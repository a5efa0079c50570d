from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.access import roles
from accounts.acting import STAFF
from audit import selectors


@roles(STAFF)
def events(request):
    object_type = request.GET.get("object_type", "")
    action = request.GET.get("action", "").strip()
    actor_email = request.GET.get("actor", "").strip()
    qs = selectors.audit_events_list(object_type=object_type, action=action, actor_email=actor_email)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(request, "audit/events.html", {
        "page": page, "object_type": object_type, "action": action, "actor_email": actor_email,
        "object_types": selectors.audit_object_types(), "actions": selectors.audit_actions(),
        "query": urlencode({"object_type": object_type, "action": action, "actor": actor_email})})


@roles(STAFF)
def object_events(request, object_type: str, object_id: str):
    qs = selectors.audit_events_for_object(object_type=object_type, object_id=object_id)
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(request, "audit/events.html", {
        "page": page, "object_type": object_type, "object_id": object_id, "query": ""})
