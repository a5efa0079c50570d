"""Irreversible steps go through a confirmation page (core.confirm): it says what will happen and
who is told (counts, never a sealed detail); the one-click POST without its token does nothing;
a double submission is harmless."""

from __future__ import annotations

from audit.actions import AuditAction
from audit.models import AuditEvent
from sourcing.models import Protest
from sourcing.services.awards import award_issue_notice, protest_file
from sourcing.services.evaluation import consensus_record
from sourcing.states import SolicitationState as S
from tests.helpers import confirm_page, confirmed_post, login


def test_publish_is_confirmed_and_a_double_submission_is_harmless(client, cast, draft):
    login(client, cast.staff)
    url = f"/solicitations/{draft.pk}/publish/"
    page, token = confirm_page(client, url)
    text = page.content.decode()
    assert page.status_code == 200 and "What will happen" in text and "Who is told" in text
    assert "registered Devices: Chromebooks vendor" in text and "by email" in text
    # The old one-click button: refused, nothing done, the page says so.
    one_click = client.post(url)
    assert one_click.status_code == 409 and "Nothing was done yet" in one_click.content.decode()
    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    # A token forged or made for another page is refused too.
    assert client.post(url, {"confirm": "x"}).status_code == 409
    _, other = confirm_page(client, f"/solicitations/{draft.pk}/cancel/", {"reason": "Budget"})
    assert client.post(url, {"confirm": other}).status_code == 409
    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    assert client.post(url, {"confirm": token}).status_code == 302
    again = client.post(url, {"confirm": token}, follow=True)  # a double click
    draft.refresh_from_db()
    assert draft.state == S.PUBLISHED and again.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.SOLICITATION_PUBLISHED).count() == 1


def test_cancel_before_the_bids_open_does_not_tell_how_many_bid(client, cast, open_solicitation):
    login(client, cast.staff)
    url = f"/solicitations/{open_solicitation.pk}/cancel/"
    page, token = confirm_page(client, url, {"reason": "Budget withdrawn"})
    text = page.content.decode()
    assert "Budget withdrawn" in text and "how many stays sealed until the bids open" in text
    assert "bidding vendor" not in text
    assert client.post(url, {"reason": "Budget withdrawn"}).status_code == 409
    open_solicitation.refresh_from_db()
    assert open_solicitation.state == S.PUBLISHED
    confirmed_post(client, url, {"reason": "Budget withdrawn"})
    open_solicitation.refresh_from_db()
    assert open_solicitation.state == S.CANCELLED


def _all_consensus(cast, s):
    for bid in s.bids.all():
        for criterion in s.criteria.filter(is_price=False):
            consensus_record(solicitation=s, bid=bid, criterion=criterion, points=9, comment="agreed",
                             actor=cast.actor(cast.staff))


def test_award_notice_confirmation_names_the_recipients_and_needs_the_rationale(client, cast, evaluating):
    _all_consensus(cast, evaluating)
    login(client, cast.staff)
    url = f"/solicitations/{evaluating.pk}/award-notice/"
    page, token = confirm_page(client, url, {"rationale": "Best value"})
    text = page.content.decode()
    assert "2 bidding vendors" in text and "standstill starts now" in text
    assert 'name="rationale"' in text and "Best value</textarea>" in text
    assert client.post(url, {"rationale": "Best value"}).status_code == 409
    assert not evaluating.awards.exists()
    refused = client.post(url, {"rationale": " ", "confirm": token}, follow=True)
    assert "rationale" in refused.content.decode() and not evaluating.awards.exists()
    client.post(url, {"rationale": "Best value", "confirm": token})
    client.post(url, {"rationale": "Best value", "confirm": token})  # a double click
    assert evaluating.awards.count() == 1


def test_protest_decision_is_confirmed(client, cast, evaluating):
    _all_consensus(cast, evaluating)
    award = award_issue_notice(solicitation=evaluating, rationale="Best value", actor=cast.actor(cast.staff))
    protest = protest_file(solicitation=evaluating, grounds="Support under-scored",
                           actor=cast.actor(cast.vendor_user_b))
    login(client, cast.staff)
    url = f"/solicitations/{evaluating.pk}/protests/{protest.pk}/decision/"
    data = {"decision": "upheld", "reasons": "Scores mis-recorded"}
    page, _ = confirm_page(client, url, data)
    text = page.content.decode()
    assert f"Award notice version {award.version} is superseded" in text
    assert "1 protesting vendor" in text and "Scores mis-recorded" in text
    assert client.post(url, data).status_code == 409
    protest.refresh_from_db()
    assert protest.state == Protest.State.OPEN
    confirmed_post(client, url, data)
    protest.refresh_from_db()
    assert protest.state == Protest.State.UPHELD


def test_an_addendum_is_confirmed_with_its_document_attached_on_the_confirmation_page(
        client, cast, open_solicitation):
    from tests.helpers import pdf

    login(client, cast.staff)
    url = f"/solicitations/{open_solicitation.pk}/addenda/"
    data = {"summary": "Clarified installation hours"}
    page, token = confirm_page(client, url, data)
    text = page.content.decode()
    assert page.status_code == 200 and "Addendum 1 to" in text and "must re-confirm" in text
    assert "how many bid stays sealed" in text and 'type="file"' in text
    assert client.post(url, data).status_code == 409 and not open_solicitation.addenda.exists()
    client.post(url, {**data, "confirm": token, "document": pdf(), "document_title": "Hours"})
    addendum = open_solicitation.addenda.get()
    assert addendum.summary == "Clarified installation hours"
    assert open_solicitation.documents.filter(addendum=addendum, title="Hours").exists()
    # Without a summary the manage page asks for it; nothing is published.
    assert client.get(url, {"summary": ""}).status_code == 400
    assert open_solicitation.addenda.count() == 1
