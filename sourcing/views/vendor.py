"""Vendors: bid (submit, replace, re-confirm, withdraw), receipts, follow, ask, protest."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import VENDOR
from core.received import received_at_of, received_clock_of
from sourcing import selectors
from sourcing.forms import BidForm, ProtestForm, QuestionForm
from sourcing.lifecycle import effective_state
from sourcing.receipts import rising_prices
from sourcing.services import awards as award_services
from sourcing.services import bids as bid_services
from sourcing.services.questions import question_ask
from sourcing.services.solicitations import solicitation_follow
from core.views import run_service, submit_form
from sourcing.views.common import get_solicitation
from vendors.selectors import vendor_for_actor


def _bid_url(solicitation) -> str:
    return reverse("sourcing:bid", kwargs={"solicitation_id": solicitation.pk})


def _detail_url(solicitation) -> str:
    return reverse("sourcing:detail", kwargs={"solicitation_id": solicitation.pk})


def _received(submitted) -> str:
    saved, receipt = submitted
    return (f"Bid received at {timezone.localtime(saved.submitted_at):%Y-%m-%d %H:%M:%S %Z} (revision "
            f"{receipt.revision}). SHA-256 {receipt.digest}. Download your receipt below and keep it.")


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
    if request.method == "POST":
        done = submit_form(request, form, lambda: bid_services.bid_submit(
            solicitation=solicitation, data=form.bid_data(), documents=form.documents(),
            confirm_rising_prices=form.cleaned_data["confirm_rising_prices"],
            received_at=received_at_of(request),
            received_clock=received_clock_of(request), actor=request.actor),
            success=_received, redirect_to=_bid_url(solicitation))
        if done:
            return done
    current = mine[1] if mine and mine[0].state == "submitted" else None
    rising = rising_prices(current) if current else []
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
    """A receipt as JSON, for the vendor's files (`sourcing.receipts`). The current version
    includes the full bid."""
    solicitation = get_solicitation(request, solicitation_id)
    vendor = vendor_for_actor(request.actor)
    found = selectors.own_receipt(solicitation=solicitation, vendor=vendor, receipt_id=receipt_id)
    if found is None:
        raise Http404
    response = HttpResponse(json.dumps(found.as_dict(), indent=2), content_type="application/json")
    response["Content-Disposition"] = (f'attachment; filename="{solicitation.number}-receipt-'
                                       f'{receipt_id}.json"')
    return response


@roles(VENDOR)
@require_POST
def bid_withdraw(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    return run_service(request, lambda: bid_services.bid_withdraw(
        solicitation=solicitation, received_at=received_at_of(request),
        received_clock=received_clock_of(request), actor=request.actor),
        success="Your bid is withdrawn. You may submit a new one before the deadline.",
        redirect_to=_bid_url(solicitation))


@roles(VENDOR)
@require_POST
def bid_confirm(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    return run_service(request, lambda: bid_services.bid_confirm(
        solicitation=solicitation, actor=request.actor,
        confirm_rising_prices=request.POST.get("confirm_rising_prices") == "on",
        received_at=received_at_of(request),
        received_clock=received_clock_of(request)),
        success="Your bid is re-confirmed against every addendum.", redirect_to=_bid_url(solicitation))


@roles(VENDOR)
@require_POST
def follow(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    return run_service(request, lambda: solicitation_follow(solicitation=solicitation, actor=request.actor),
                       success="You will be emailed addenda and answers for this solicitation.",
                       redirect_to=_detail_url(solicitation))


@roles(VENDOR)
@require_POST
def ask(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    form = QuestionForm(request.POST)
    return run_service(request, lambda: question_ask(solicitation=solicitation, text=form.cleaned_data["text"],
                                                     actor=request.actor),
                       success="Question sent. The answer will be published to all bidders.",
                       redirect_to=_detail_url(solicitation), form=form, invalid="Write your question.")


@roles(VENDOR)
@require_POST
def protest(request, solicitation_id: int):
    solicitation = get_solicitation(request, solicitation_id)
    form = ProtestForm(request.POST, request.FILES)
    return run_service(request, lambda: award_services.protest_file(
        solicitation=solicitation, grounds=form.cleaned_data["grounds"],
        document=form.cleaned_data.get("document"), actor=request.actor),
        success="Protest filed. Staff will decide it and tell you the reasons.",
        redirect_to=_detail_url(solicitation), form=form, invalid="State the grounds of the protest.")
