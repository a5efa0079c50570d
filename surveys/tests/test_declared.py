"""Declared vs bought: units ordered under the survey's solicitation beside what was declared."""

from orders.selectors import ordered_quantities
from orders.services import order_cancel, order_create, order_submit
from surveys import selectors
from surveys.models import SurveySolicitation
from surveys.services.answers import response_save
from surveys.tests.conftest import answer


def _place(cast, district, buyer, lines):
    order = order_create(district=district, agreement=cast.agreement, lines=lines, actor=cast.actor(buyer))
    return order_submit(order=order, actor=cast.actor(buyer))


def test_ordered_quantities_count_placed_orders_by_district_and_line(joined):
    c = joined
    _place(c, c.district_a, c.buyer_a, [(c.device, 10), (c.licence, 4)])
    _place(c, c.district_a, c.buyer_a, [(c.device, 5)])
    cancelled = _place(c, c.district_b, c.buyer_b, [(c.device, 7)])
    order_cancel(order=cancelled, reason="Ordered twice", actor=c.actor(c.buyer_b))
    draft = order_create(district=c.district_b, agreement=c.agreement, lines=[(c.device, 3)], actor=c.actor(c.buyer_b))
    assert draft.state == "draft"
    got = ordered_quantities(solicitation_id=c.agreement.solicitation_id)
    assert got == {(c.district_a.pk, "CB"): 15, (c.district_a.pk, "LIC"): 4}


def test_declared_vs_bought_per_member_and_need(cast, survey, ny, monkeypatch):
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_a),
                  answers=[answer(quantities={"K-2": 100}), answer("N2", "interested", quantities={"6-8": 30})])
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_b), answers=[answer(quantities={"K-2": 40})])
    # before any solicitation: declared only, nothing ordered
    rows = selectors.declared_vs_bought(survey)
    assert [(r.district, r.need, r.declared, r.ordered) for r in rows] == [
        ("Alpha Unified", "N1", 100, 0), ("Alpha Unified", "N2", 30, 0), ("Beta Unified", "N1", 40, 0)]
    # with one: A bought 120 of N1 (more), B 10 (less), nobody N2; an undeclared buyer shows too
    from sourcing.services.solicitations import solicitation_create
    from tests.helpers import content

    sol = solicitation_create(content=content(survey.needs.first().category, lines=[
        {"reference": "N1", "description": "Student Chromebooks", "unit": "device", "estimated_quantity": 140},
        {"reference": "N2", "description": "Math practice", "unit": "licence", "estimated_quantity": 1}]),
        actor=cast.actor(cast.staff), questions_deadline=survey.closes_at, bid_deadline=survey.closes_at)
    SurveySolicitation.objects.create(survey=survey, solicitation=sol, created_at=survey.closes_at)
    other = ny
    monkeypatch.setattr(selectors, "ordered_quantities", lambda solicitation_id: {
        (cast.district_a.pk, "N1"): 120, (cast.district_b.pk, "N1"): 10, (other.pk, "N1"): 5, (other.pk, "ZZ"): 9})
    rows = {(r.district, r.need): r for r in selectors.declared_vs_bought(survey)}
    assert rows[("Alpha Unified", "N1")].verdict == "Bought more than declared"
    assert rows[("Alpha Unified", "N1")].difference == 20
    assert rows[("Alpha Unified", "N2")].verdict == "Declared, bought nothing"
    assert rows[("Beta Unified", "N1")].verdict == "Bought less than declared"
    undeclared = [r for r in rows.values() if r.commitment == "Not declared"]
    assert [(r.district, r.need, r.declared, r.ordered) for r in undeclared] == [(ny.name, "N1", 0, 5)]  # "ZZ" is no need


def test_a_new_york_member_brings_new_yorks_rules_into_the_solicitation(cast, survey, ny, devices):
    from django.core.management import call_command

    from surveys.services.solicitation import survey_solicitation_create

    call_command("load_rules", stdout=__import__("io").StringIO())
    response_save(survey=survey, submit=True, actor=cast.actor(ny.buyer), answers=[answer(quantities={"K-2": 25})])
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_a), answers=[answer()])
    rules = selectors.state_rules(["NY"])["NY"]
    assert rules, "load_rules loads New York's rules"
    link = survey_solicitation_create(survey=survey, category=devices, actor=cast.actor(cast.staff))
    texts = list(link.solicitation.requirements.values_list("text", flat=True))
    assert any(t.endswith("for members in New York") for t in texts)
    assert any(t.endswith("for members in California") for t in texts)
    assert link.solicitation.lines.get().estimated_quantity == 25 + 150
