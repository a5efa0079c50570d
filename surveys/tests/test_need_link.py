"""Linking an existing solicitation's line to a survey's need, so that declared vs bought works
for solicitations not created from the survey (issue 14 leftover)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from catalog.services import category_ensure
from sourcing.models import Solicitation
from sourcing.services.solicitations import solicitation_create
from surveys import selectors
from surveys.models import NeedLink
from surveys.services.answers import response_save
from surveys.services.solicitation import need_solicitation_link
from surveys.tests.conftest import answer
from tests.cast import SYSTEM
from tests.helpers import confirm_page, confirmed_post, content, login


@pytest.fixture
def existing(cast, devices, survey):
    """A devices solicitation drafted by staff before the survey (lines CB-11 and LIC)."""
    return solicitation_create(content=content(devices), actor=cast.actor(cast.staff),
                               questions_deadline=survey.closes_at, bid_deadline=survey.closes_at)


def _need(survey, ref):
    return survey.needs.get(reference=ref)


def test_link_rules(cast, survey, existing):
    staff = cast.actor(cast.staff)
    n1, n2 = _need(survey, "N1"), _need(survey, "N2")
    software = category_ensure(code="software", name="Instructional software", actor=SYSTEM)
    other = solicitation_create(content=content(software, title="Reading software"), actor=staff,
                                questions_deadline=survey.closes_at, bid_deadline=survey.closes_at)
    with pytest.raises(PermissionDenied):
        need_solicitation_link(need=n1, solicitation=existing, line_reference="CB-11", actor=cast.actor(cast.buyer_a))
    with pytest.raises(ValidationError, match="buys Instructional software; N1 asks for Devices"):
        need_solicitation_link(need=n1, solicitation=other, line_reference="CB-11", actor=staff)
    with pytest.raises(ValidationError, match="has no line"):
        need_solicitation_link(need=n1, solicitation=existing, line_reference="ZZ\x00", actor=staff)
    assert not NeedLink.objects.exists()
    link = need_solicitation_link(need=n1, solicitation=existing, line_reference="CB-11", actor=staff)
    assert (link.need, link.line_reference, link.linked_by) == (n1, "CB-11", cast.staff)
    event = AuditEvent.objects.get(action="survey.need_linked")
    assert event.after == {"need": "N1", "solicitation": existing.number, "line": "CB-11"}
    with pytest.raises(ValidationError, match="N1 is already linked"):  # double submit
        need_solicitation_link(need=n1, solicitation=existing, line_reference="LIC", actor=staff)
    with pytest.raises(ValidationError, match="already stands for N1"):  # counted twice otherwise
        need_solicitation_link(need=n2, solicitation=existing, line_reference="CB-11", actor=staff)
    Solicitation.objects.filter(pk=existing.pk).update(state="cancelled")
    with pytest.raises(ValidationError, match="cancelled"):
        need_solicitation_link(need=n2, solicitation=existing, line_reference="LIC", actor=staff)
    assert NeedLink.objects.count() == 1 and AuditEvent.objects.filter(action="survey.need_linked").count() == 1


def test_a_draft_survey_cannot_link(cast, survey_draft, devices):
    sol = solicitation_create(content=content(devices), actor=cast.actor(cast.staff),
                              questions_deadline=survey_draft.closes_at, bid_deadline=survey_draft.closes_at)
    with pytest.raises(ValidationError, match="draft"):
        need_solicitation_link(need=_need(survey_draft, "N1"), solicitation=sol, line_reference="CB-11",
                               actor=cast.actor(cast.staff))


def test_declared_vs_bought_counts_a_linked_line(cast, survey, existing, ny, monkeypatch):
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_a),
                  answers=[answer(quantities={"K-2": 100}), answer("N2", "interested", quantities={"6-8": 30})])
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_b), answers=[answer(quantities={"K-2": 40})])
    monkeypatch.setattr(selectors, "ordered_quantities", lambda solicitation_id: {
        (cast.district_a.pk, "CB-11"): 120, (ny.pk, "CB-11"): 5, (cast.district_b.pk, "LIC"): 9})
    # before the link: nothing to compare, never "bought nothing"
    before = {(r.district, r.need): r for r in selectors.declared_vs_bought(survey)}
    assert {r.verdict for r in before.values()} == {"Nothing to compare: no solicitation linked"}
    assert before[("Alpha Unified", "N1")].difference is None
    need_solicitation_link(need=_need(survey, "N1"), solicitation=existing, line_reference="CB-11",
                           actor=cast.actor(cast.staff))
    rows = {(r.district, r.need): r for r in selectors.declared_vs_bought(survey)}
    assert (rows[("Alpha Unified", "N1")].ordered, rows[("Alpha Unified", "N1")].verdict) == (120, "Bought more than declared")
    assert rows[("Beta Unified", "N1")].verdict == "Declared, bought nothing"  # LIC is not N1's line
    assert rows[("Alpha Unified", "N2")].verdict == "Nothing to compare: no solicitation linked"
    assert (rows[(ny.name, "N1")].commitment, rows[(ny.name, "N1")].ordered) == ("Not declared", 5)
    assert len(rows) == 4


def test_link_pages(client, cast, survey, existing):
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_a), answers=[answer()])
    n1 = _need(survey, "N1")
    url = f"/surveys/{survey.pk}/needs/{n1.pk}/link/"
    login(client, cast.buyer_a)
    assert client.get(url).status_code == 403
    login(client, cast.staff)
    page = client.get(f"/surveys/{survey.pk}/declared-vs-bought/").content.decode()
    assert "Link an existing solicitation to N1" in page and "nothing to compare" in page
    chooser = client.get(url).content.decode()
    line = existing.lines.get(reference="CB-11")
    assert f'value="{line.pk}"' in chooser and "line CB-11" in chooser
    # a line that is not offered (absurd id), and another survey's need: refused, nothing linked
    assert client.get(url, {"line": "99999999"}).status_code == 400
    assert client.get(url, {"line": "1e999"}).status_code == 400
    assert client.get(f"/surveys/{survey.pk}/needs/99999999/link/").status_code == 404
    page, token = confirm_page(client, url, {"line": line.pk})
    assert token and "cannot be changed afterwards" in page.content.decode()
    assert client.post(url, {"line": line.pk}).status_code == 409  # no confirmation: nothing done
    assert not NeedLink.objects.exists()
    done = confirmed_post(client, url, {"line": line.pk})
    assert done.status_code == 302 and done["Location"].endswith("/declared-vs-bought/")
    assert NeedLink.objects.get().line_reference == "CB-11"
    page = client.get(f"/surveys/{survey.pk}/declared-vs-bought/").content.decode()
    assert f"{existing.number}</a> line CB-11 (linked)" in page
    again = client.post(url, {"line": line.pk, "confirm": token}, follow=True).content.decode()
    assert "already" in again and NeedLink.objects.count() == 1
