"""Vendors: bid (submit, replace, re-confirm, withdraw), receipts, follow, ask, protest."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import VENDOR
from core.received import received_at_of
from sourcing import selectors
from sourcing.forms import BidForm, ProtestForm, QuestionForm
from sourcing.lifecycle import effective_state
from sourcing.services import awards as award_services
from sourcing.services import bids as bid_services
from sourcing.services.questions import question_ask
from sourcing.services.solicitations import solicitation_follow
from sourcing.views.common import flash_error, form_errors_from, get_solicitation
from vendors.selectors import vendor_for_actor



@roles(VENDOR)
def bid(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    vendor = vendor_for_actor(request.actor)
    mine = selectors.own_bid(solicitation=solicitation, vendor=vendor)
    initial = BidForm.initial_from(mine[1], solicitation) if mine and mine[0].state == "submitted" else {}
    # As many tier rows as the bid already has (the API allows more than the usual four).
    tiers = max([4] + [len(line.get("tiers", [])) for line in (mine[1].get("lines", []) if mine else [])])
    form = BidForm(request.POST or None, request.FILES or None, solicitation=solicitation,
                   initial=initial, tiers=tiers)
    if request.method == "POST" and form.is_valid():
        try:
            saved, receipt = bid_services.bid_submit(
                solicitation=solicitation, data=form.bid_data(), documents=form.documents(),
                confirm_rising_prices=form.cleaned_data["confirm_rising_prices"],
                received_at=received_at_of(request), actor=request.actor)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, f"Bid received at {timezone.localtime(saved.submitted_at):%Y-%m-%d %H:%M:%S %Z} (revision "
                                      f"{receipt.revision}). SHA-256 {receipt.digest}. Download "
                                      f"your receipt below and keep it.")
            return redirect("sourcing:bid", solicitation_id=solicitation.pk)
    current = mine[1] if mine and mine[0].state == "submitted" else None
    rising = bid_services.rising_prices(current) if current else []
    return render(request, "sourcing/bid.html", {
        "rising": rising, "rising_confirmed": bool(current and current.get("rising_prices_confirmed")),
        "show_rising_confirmation": bool(rising or form["confirm_rising_prices"].errors
                                         or (form.is_bound and form.data.get("confirm_rising_prices"))),
        "s": solicitation, "form": form, "state": effective_state(solicitation),
        "my_bid": mine[0] if mine else None, "content": mine[1] if mine else None,
        "my_documents": selectors.current_bid_documents(mine[0]) if mine else [],
        "receipts": selectors.own_receipts(solicitation=solicitation, vendor=vendor),
        "addenda_count": solicitation.addenda.count()},
        status=400 if form.errors else 200)


@roles(VENDOR)
def receipt(request, solicitation_id: int, receipt_id: int):
    """A receipt as JSON, for the vendor's files. The latest version includes the full bid."""
    solicitation = get_solicitation(request, solicitation_id)
    vendor = vendor_for_actor(request.actor)
    stored = selectors.own_receipts(solicitation=solicitation, vendor=vendor).filter(pk=receipt_id).first()
    if stored is None:
        raise Http404
    mine = selectors.own_bid(solicitation=solicitation, vendor=vendor)
    body = {"solicitation": solicitation.number, "vendor": vendor.legal_name,
            "action": stored.action, "revision": stored.revision,
            "received_at": stored.received_at.isoformat(timespec="microseconds"),
            "sha256": stored.digest, "addenda_acknowledged": stored.addenda_confirmed}
    if mine and mine[0].digest == stored.digest and stored.action in ("submitted", "replaced"):
        body["bid"] = mine[1]
        body["how_to_verify"] = ("sha256 of the JSON 'bid' with keys sorted, separators ',' ':' "
                                 "and UTF-8 encoding equals 'sha256'.")
    response = HttpResponse(json.dumps(body, indent=2), content_type="application/json")
    response["Content-Disposition"] = (f'attachment; filename="{solicitation.number}-receipt-'
                                       f'{stored.pk}.json"')
    return response


@roles(VENDOR)
@require_POST
def bid_withdraw(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    try:
        bid_services.bid_withdraw(solicitation=solicitation, received_at=received_at_of(request),
                                  actor=request.actor)
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "Your bid is withdrawn. You may submit a new one before the deadline.")
    return redirect("sourcing:bid", solicitation_id=solicitation.pk)


@roles(VENDOR)
@require_POST
def bid_confirm(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    try:
        bid_services.bid_confirm(solicitation=solicitation, actor=request.actor,
                                 confirm_rising_prices=request.POST.get("confirm_rising_prices") == "on",
                                 received_at=received_at_of(request))
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "Your bid is re-confirmed against every addendum.")
    return redirect("sourcing:bid", solicitation_id=solicitation.pk)


@roles(VENDOR)
@require_POST
def follow(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    try:
        solicitation_follow(solicitation=solicitation, actor=request.actor)
    except ValidationError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, "You will be emailed addenda and answers for this solicitation.")
    return redirect("sourcing:detail", solicitation_id=solicitation.pk)


@roles(VENDOR)
@require_POST
def ask(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question_ask(solicitation=solicitation, text=form.cleaned_data["text"], actor=request.actor)
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, "Question sent. The answer will be published to all bidders.")
    else:
        messages.error(request, "Write your question.")
    return redirect("sourcing:detail", solicitation_id=solicitation.pk)


@roles(VENDOR)
@require_POST
def protest(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    form = ProtestForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            award_services.protest_file(solicitation=solicitation, grounds=form.cleaned_data["grounds"],
                                        document=form.cleaned_data.get("document"), actor=request.actor)
        except ValidationError as exc:
            flash_error(request, exc)
        else:
            messages.success(request, "Protest filed. Staff will decide it and tell you the reasons.")
    else:
        messages.error(request, "State the grounds of the protest.")
    return redirect("sourcing:detail", solicitation_id=solicitation.pk)
