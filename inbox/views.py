"""The inbox pages: my notices, newest first; opening one marks it read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import signed_in
from inbox import selectors, services

PAGE_SIZE = 25


@signed_in
def notice_list(request):
    page = Paginator(selectors.notices_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inbox/list.html", {"page": page})


@signed_in
@require_POST
def notice_open(request, notice_id: int):
    """Mark the notice read and go to the page it links to (the inbox if it links nowhere)."""
    notice = selectors.notice_of(request.user, notice_id)
    if notice is None:
        raise Http404("No such notice in your inbox.")
    notice = services.notice_mark_read(notice=notice, user=request.user)
    return redirect(notice.link or "inbox:list")


@signed_in
@require_POST
def read_all(request):
    services.notices_mark_all_read(user=request.user)
    return redirect("inbox:list")
