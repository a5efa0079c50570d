"""A draft's lines are added and removed in place: with htmx the endpoints answer with the lines
editor (focus placed), without JavaScript they redirect back to the edit page; the services are
audited, keep the draft rules (unique reference, at least one line) and refuse a published
solicitation."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.actions import AuditAction
from audit.models import AuditEvent
from sourcing.services.lines import solicitation_line_add, solicitation_line_remove
from tests.helpers import login

HX = {"HTTP_HX_REQUEST": "true"}


def _new(ref="TAB", qty="40"):
    return {"new-line-reference": ref, "new-line-description": "Tablet", "new-line-unit": "device",
            "new-line-estimated_quantity": qty}


def _refs(s):
    return list(s.lines.order_by("position").values_list("reference", flat=True))


def test_edit_page_shows_the_lines_editor_outside_the_draft_form(client, cast, draft):
    login(client, cast.staff)
    page = client.get(f"/solicitations/{draft.pk}/edit/").content.decode()
    assert 'id="lines-editor"' in page and 'name="lines-TOTAL_FORMS"' not in page
    assert page.index("</form>\n<section id=\"lines-editor\"") > 0  # not nested in the draft's form
    for ref in _refs(draft):
        assert f'Remove<span class="visually-hidden"> line {ref}</span>' in page
    assert '<label for="id_new-line-reference">' in page


def test_add_and_remove_with_htmx_answer_the_editor(client, cast, draft):
    login(client, cast.staff)
    before = _refs(draft)
    added = client.post(f"/solicitations/{draft.pk}/lines/add/", _new(), **HX)
    text = added.content.decode()
    assert added.status_code == 200 and text.startswith('<section id="lines-editor"')
    assert "<!doctype" not in text and "Line TAB added." in text
    assert 'name="new-line-reference" maxlength="40" autofocus' in text  # ready for the next line
    assert _refs(draft) == before + ["TAB"]
    line = draft.lines.get(reference="TAB")
    assert (line.position, line.estimated_quantity, line.unit) == (len(before) + 1, 40, "device")
    first = draft.lines.get(reference=before[0])
    removed = client.post(f"/solicitations/{draft.pk}/lines/{first.pk}/remove/", **HX)
    text = removed.content.decode()
    assert removed.status_code == 200 and f"Line {before[0]} removed." in text
    assert 'id="h-lines" tabindex="-1" autofocus' in text
    assert _refs(draft) == before[1:] + ["TAB"]
    assert [x.position for x in draft.lines.order_by("position")] == list(range(1, len(before) + 1))
    events = AuditEvent.objects.filter(action=AuditAction.SOLICITATION_DRAFT_UPDATED)
    assert events.count() == 2


def test_refusals_with_htmx_name_the_input_and_keep_what_was_typed(client, cast, draft):
    login(client, cast.staff)
    existing = _refs(draft)[0]
    response = client.post(f"/solicitations/{draft.pk}/lines/add/", _new(ref=existing), **HX)
    text = response.content.decode()
    assert response.status_code == 200 and "The line was not added" in text
    assert "is used twice." in text and "Reference" in text
    assert 'aria-describedby="id_new-line-reference_error"' in text and "autofocus" in text
    assert 'value="Tablet"' in text
    bad_qty = client.post(f"/solicitations/{draft.pk}/lines/add/", _new(qty="0"), **HX).content.decode()
    assert "Estimated quantity" in bad_qty and 'id="id_new-line-estimated_quantity_error"' in bad_qty
    assert _refs(draft) == [existing] + _refs(draft)[1:] and "TAB" not in _refs(draft)


def test_without_javascript_the_endpoints_redirect_back(client, cast, draft):
    login(client, cast.staff)
    before = _refs(draft)
    response = client.post(f"/solicitations/{draft.pk}/lines/add/", _new())
    assert response.status_code == 302 and response.url == f"/solicitations/{draft.pk}/edit/#lines-editor"
    page = client.get(response.url).content.decode()
    assert "Line TAB added." in page and _refs(draft) == before + ["TAB"]
    line = draft.lines.get(reference="TAB")
    response = client.post(f"/solicitations/{draft.pk}/lines/{line.pk}/remove/", follow=True)
    assert "Line TAB removed." in response.content.decode() and _refs(draft) == before
    refused = client.post(f"/solicitations/{draft.pk}/lines/add/", _new(ref=before[0]), follow=True)
    assert "is used twice" in refused.content.decode() and _refs(draft) == before


def test_saving_the_draft_form_keeps_the_lines(client, cast, draft):
    """The draft's form no longer carries the lines: saving it leaves those added in place."""
    from django.utils import timezone
    login(client, cast.staff)
    client.post(f"/solicitations/{draft.pk}/lines/add/", _new(), **HX)
    refs = _refs(draft)
    data = {"kind": draft.kind, "title": "Renamed draft", "description": draft.description,
            "category": draft.category_id, "standstill_days": 7, "award_method": draft.award_method,
            "score_threshold": "70",
            "questions_deadline": timezone.localtime(draft.questions_deadline).strftime("%Y-%m-%dT%H:%M"),
            "bid_deadline": timezone.localtime(draft.bid_deadline).strftime("%Y-%m-%dT%H:%M")}
    for prefix, rows in (("reqs", list(draft.requirements.values("text"))),
                         ("crit", list(draft.criteria.values("name", "weight", "is_price")))):
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)})
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{k}": v for k, v in row.items() if v is not False})
    response = client.post(f"/solicitations/{draft.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.title == "Renamed draft" and _refs(draft) == refs and "TAB" in refs


def test_services_keep_the_draft_rules(cast, draft):
    staff = cast.actor(cast.staff)
    lines = list(draft.lines.all())
    for line in lines[:-1]:
        solicitation_line_remove(solicitation=draft, line_id=line.pk, actor=staff)
    with pytest.raises(ValidationError, match="at least one line"):
        solicitation_line_remove(solicitation=draft, line_id=lines[-1].pk, actor=staff)
    with pytest.raises(ValidationError) as exc:
        solicitation_line_add(solicitation=draft, reference="", description="", unit="each",
                              estimated_quantity=0, actor=staff)
    assert set(exc.value.message_dict) == {"reference", "description", "estimated_quantity"}
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        solicitation_line_add(solicitation=draft, reference="X", description="X", unit="each",
                              estimated_quantity=1, actor=cast.actor(cast.buyer_a))


def test_a_published_solicitation_refuses_line_changes(client, cast, open_solicitation):
    staff = cast.actor(cast.staff)
    with pytest.raises(ValidationError, match="only while the solicitation is a draft"):
        solicitation_line_add(solicitation=open_solicitation, reference="X", description="X", unit="each",
                              estimated_quantity=1, actor=staff)
    login(client, cast.staff)
    line = open_solicitation.lines.first()
    text = client.post(f"/solicitations/{open_solicitation.pk}/lines/{line.pk}/remove/", **HX).content.decode()
    assert "only while the solicitation is a draft" in text and open_solicitation.lines.filter(pk=line.pk).exists()
