"""Savings per order line against three baselines, kept right through pricing, true-ups and
cancellations; the rollups, the statement (page and PDF) and the public method page."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from analytics.models import LineSaving
from analytics.savings import rebuild
from analytics.savings_selectors import public_headline, savings_by, savings_totals
from analytics.statement import member_statement
from contracts.models import PriorPrice
from core.clock import today
from core.fiscal import FiscalYear
from orders.models import OrderLine
from orders.services import order_cancel, order_create, order_submit
from tests.fixtures.orders import join
from tests.helpers import login


def place(cast, quantity, district="a"):
    buyer = cast.buyer_a if district == "a" else cast.buyer_b
    d = cast.district_a if district == "a" else cast.district_b
    order = order_create(district=d, agreement=cast.agreement, lines=[(cast.device, quantity)],
                         actor=cast.actor(buyer))
    return order_submit(order=order, actor=cast.actor(buyer))


def fy() -> FiscalYear:
    return FiscalYear.of(today())


def test_three_baselines_and_a_true_up_when_earned(cast, joined):
    first = place(cast, 800)                  # 300.00 each: its own quantity's tier too
    line = OrderLine.objects.get(order=first)
    a = savings_totals(fiscal_year=fy(), district_id=cast.district_a.pk)
    assert a.paid == Decimal("240000.00") and a.vs_alone == 0
    assert a.vs_list == line.list_price * 800 - Decimal("240000.00")
    assert a.vs_prior is None and a.prior_lines == 0          # not known, not $0
    place(cast, 400, district="b")            # volume 1200 -> 290: A earns (300-290) x 800
    a = savings_totals(fiscal_year=fy(), district_id=cast.district_a.pk)
    assert a.rebate == Decimal("8000.00") and a.vs_alone == Decimal("8000.00")
    b = savings_totals(fiscal_year=fy(), district_id=cast.district_b.pk)
    # B alone would have paid 300 for 400 units; pooled it paid 290.
    assert b.paid == Decimal("116000.00") and b.vs_alone == Decimal("4000.00")
    assert rebuild(check_only=True).ok


def test_a_cancelled_order_leaves_the_savings_and_earned_rebates_stay(cast, joined):
    place(cast, 600)
    crossing = place(cast, 600, district="b")
    assert LineSaving.objects.filter(district=cast.district_b).exists()
    order_cancel(order=crossing, reason="Budget cut", actor=cast.actor(cast.buyer_b))
    assert not LineSaving.objects.filter(district=cast.district_b).exists()
    assert savings_totals(fiscal_year=fy(), district_id=cast.district_a.pk).rebate == Decimal("6000.00")
    assert rebuild(check_only=True).ok


def test_prior_price_stated_when_joining(cast, awarded, agreements, general_offer):
    agreement = agreements[cast.vendor_a.pk]
    from contracts.selectors.agreements import current_schedule

    device = current_schedule(agreement).entries.get(line_reference="CB").product
    join(cast, cast.district_a, cast.buyer_a, agreement, awarded, prior_prices={device.pk: "320.00"})
    stored = PriorPrice.objects.get(district=cast.district_a, product=device)
    assert stored.unit_price == Decimal("320.00") and stored.source == "join" and stored.stated_on == today()
    cast.district_a.approval_limit = Decimal("10000000.00")
    cast.district_a.save(update_fields=["approval_limit"])
    cast.agreement, cast.device = agreement, device
    place(cast, 10)
    a = savings_totals(fiscal_year=fy(), district_id=cast.district_a.pk)
    assert a.vs_prior == Decimal("200.00") and a.prior_lines == 1   # (320 - 300) x 10
    assert LineSaving.objects.get().prior_source == "join"


@pytest.mark.parametrize("prices, field", [
    ({999999: "10.00"}, "prior_prices[999999]"),
    ("lots", "prior_prices"),
])
def test_prior_prices_refused(cast, awarded, agreements, general_offer, prices, field):
    agreement = agreements[cast.vendor_a.pk]
    with pytest.raises(ValidationError) as refused:
        join(cast, cast.district_a, cast.buyer_a, agreement, awarded, prior_prices=prices)
    assert field in refused.value.message_dict
    assert not PriorPrice.objects.exists()


@pytest.mark.parametrize("price", ["0", "-5", "1e9", "12.345", "abc\x00", "99999999999"])
def test_absurd_prior_prices_are_refused(cast, awarded, agreements, general_offer, price):
    agreement = agreements[cast.vendor_a.pk]
    from contracts.selectors.agreements import current_schedule

    device = current_schedule(agreement).entries.get(line_reference="CB").product
    with pytest.raises(ValidationError):
        join(cast, cast.district_a, cast.buyer_a, agreement, awarded, prior_prices={device.pk: price})
    assert not PriorPrice.objects.exists()


def test_check_finds_and_rebuild_fixes_a_wrong_row(cast, joined):
    place(cast, 800)
    place(cast, 400, district="b")
    row = LineSaving.objects.filter(kind="purchase").first()
    row.vs_list += 1
    row.save()
    LineSaving.objects.filter(kind="rebate").delete()
    with pytest.raises(CommandError):
        call_command("savings", "check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("savings", "rebuild", stdout=out)
    assert "fixed" in out.getvalue()
    call_command("savings", "check", stdout=io.StringIO())


def test_rollups_and_headline(cast, joined):
    place(cast, 800)
    place(cast, 400, district="b")
    members = savings_by("member", fiscal_year=fy())
    assert {r.key for r in members} == {cast.district_a.pk, cast.district_b.pk}
    total = savings_totals(fiscal_year=fy())
    assert sum((r.totals.vs_alone for r in members), Decimal(0)) == total.vs_alone
    for dim in ("agreement", "vendor", "category", "state"):
        assert sum((r.totals.vs_list for r in savings_by(dim, fiscal_year=fy())), Decimal(0)) == total.vs_list
    headline = public_headline(fy())
    assert headline.saved == total.vs_list and headline.members == 2
    # The home page's students and the spend per student count the same students: those of the
    # members that bought (a review found the first counted buyers, the second every member).
    from analytics.spend import spend_report

    assert headline.students == (cast.district_a.enrollment or 0) + (cast.district_b.enrollment or 0)
    per_student = spend_report(actor=cast.actor(cast.staff)).per_student
    assert per_student.students == headline.students and "2 member districts that bought" in per_student.who


def test_home_page_says_whose_students(cast, joined, client):
    from django.core.cache import cache

    place(cast, 800)
    cache.clear()
    page = client.get("/").content.decode()
    assert "students of the 1 member district that bought through the consortium" in page


def test_statement_page_and_pdf(cast, joined, client):
    place(cast, 800)
    place(cast, 400, district="b")
    s = member_statement(district=cast.district_a, fiscal_year=fy())
    assert s.rebates_earned == Decimal("8000.00") and s.totals.rebate == Decimal("8000.00")
    assert [a.number for a in s.agreements] == [cast.agreement.number]
    url = reverse("analytics:statement", args=[cast.district_a.pk, fy().ends_in])
    login(client, cast.buyer_a)
    page = client.get(url)
    assert page.status_code == 200 and b"$8,000.00" in page.content and b"not known" in page.content
    assert f"from {fy().start:%B} 1, {fy().start.year} to" in page.content.decode()
    pdf = client.get(reverse("analytics:statement-pdf", args=[cast.district_a.pk, fy().ends_in]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    login(client, cast.buyer_b)   # another member's statement does not exist for district B
    assert client.get(url).status_code == 404
    assert client.get(reverse("analytics:statement", args=[cast.district_a.pk, 99])).status_code == 404  # not theirs
    login(client, cast.staff)
    dash = client.get(reverse("analytics:savings") + "?by=member")
    assert dash.status_code == 200 and cast.district_a.name.encode() in dash.content


def test_statement_pdf_reads_back(cast, joined):
    from pypdf import PdfReader

    from analytics.statement_pdf import statement_pdf

    place(cast, 800)
    place(cast, 400, district="b")
    s = member_statement(district=cast.district_a, fiscal_year=fy())
    data = statement_pdf(s, consortium_name="Test Consortium")
    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert cast.district_a.name in text
    assert "$8,000.00" in text                # rebates earned
    assert "not known" in text               # no prior price stated
    assert fy().label in text
    assert f"{fy().start:%B} 1, {fy().start.year}" in text  # dates as people write them, not ISO
    assert fy().start.isoformat() not in text


def test_method_page_is_public(client, cast):
    response = client.get(reverse("analytics:savings-method"))
    assert response.status_code == 200
    assert b"not known" in response.content


@pytest.mark.parametrize("fy_text", ["0", "99999", "abc", "2027\x00", "-1"])
def test_absurd_fiscal_years_are_400(cast, joined, client, fy_text):
    login(client, cast.staff)
    response = client.get(reverse("analytics:savings") + "?fy=" + fy_text)
    assert response.status_code == 400  # the rule of core.fiscal (a NUL byte is refused before the view)


def test_a_fiscal_year_not_started_has_no_statement(cast, joined, client):
    from core.clock import today
    from core.fiscal import FiscalYear

    login(client, cast.staff)
    this = FiscalYear.of(today()).ends_in
    district = cast.district_a.pk
    assert client.get(reverse("analytics:statement", args=[district, this])).status_code == 200
    for year in (this + 1, 9999):  # a review found 9999 answered "the fiscal year is in progress"
        page = client.get(reverse("analytics:statement", args=[district, year]))
        assert page.status_code == 400 and b"has not started" in page.content
        assert client.get(reverse("analytics:statement-pdf", args=[district, year])).status_code == 400
        assert client.get(reverse("analytics:savings") + f"?fy={year}").status_code == 400
    # A year in range with nothing counted is answered, and says so.
    empty = client.get(reverse("analytics:savings") + f"?fy={this - 5}")
    assert empty.status_code == 200 and b"No counted order in" in empty.content


def test_a_survey_price_fills_the_prior_baseline_when_the_answers_commit(
        cast, joined, clock, django_capture_on_commit_callbacks, client):
    import datetime as dt

    from surveys.services.answers import response_save
    from surveys.services.surveys import survey_create, survey_publish
    from surveys.tests.conftest import answer

    place(cast, 10)
    assert savings_totals(fiscal_year=fy(), district_id=cast.district_a.pk).vs_prior is None
    now = clock.now()
    staff = cast.actor(cast.staff)
    survey = survey_create(title="Devices", cycle="2027-28", opens_at=now - dt.timedelta(days=1),
                           closes_at=now + dt.timedelta(days=10), actor=staff, needs=[
                               {"category": cast.device.category, "kind": cast.device.kind,
                                "grade_bands": ["K-2"], "description": "Devices", "unit": "device"}])
    survey_publish(survey=survey, actor=staff)
    from jobs.tests.helpers import run_queued_jobs

    from analytics.savings_jobs import savings_recompute_queue

    with django_capture_on_commit_callbacks(execute=True):
        response = response_save(survey=survey, answers=[answer(quantities={"K-2": 5}, current_price="310.00")],
                                 submit=True, actor=cast.actor(cast.buyer_a))
        savings_recompute_queue(district_id=cast.district_a.pk, subject=response)  # a double submit: one job
    # Not in the request: a background job recomputes the lines, and the pages say so meanwhile.
    assert savings_totals(fiscal_year=fy(), district_id=cast.district_a.pk).vs_prior is None
    from jobs.selectors import active_jobs

    assert [j.params for j in active_jobs(kind="analytics.savings_recompute")] == [
        {"district_id": cast.district_a.pk}]
    login(client, cast.buyer_a)
    page = client.get(reverse("analytics:statement", args=[cast.district_a.pk, fy().ends_in])).content.decode()
    assert "being updated" in page
    run_queued_jobs()
    assert not active_jobs(kind="analytics.savings_recompute")
    assert "being updated" not in client.get(reverse("analytics:savings")).content.decode()
    # Run twice (a retry after a worker died): the same rows.
    before = list(LineSaving.objects.values_list("order_line_id", "kind", "month", "vs_prior"))
    with django_capture_on_commit_callbacks(execute=True):
        savings_recompute_queue(district_id=cast.district_a.pk, subject=response)
    run_queued_jobs()
    assert list(LineSaving.objects.values_list("order_line_id", "kind", "month", "vs_prior")) == before
    a = savings_totals(fiscal_year=fy(), district_id=cast.district_a.pk)
    assert a.vs_prior == Decimal("100.00")    # (310 - 300) x 10
    assert LineSaving.objects.get().prior_source == "survey"
    assert rebuild(check_only=True).ok
    from analytics.rollup import check

    assert check().ok


def test_the_consortium_figures_are_kept_a_minute_and_a_members_own_are_not(cast, joined, client, clock, monkeypatch):
    """Dashboards: the consortium-wide figures (the staff's view; the totals beside a member's own)
    are summed at most once a minute and say as of when; a member's own figures are read now."""
    from analytics import savings_views

    place(cast, 800)
    place(cast, 400, district="b")
    login(client, cast.staff)
    url = reverse("analytics:savings") + "?by=member"
    first = client.get(url).content.decode()
    assert "$240,000.00" in first and "These figures are as of" in first
    place(cast, 100)  # district A buys again: 100 more at 290.00
    assert "$240,000.00" in client.get(url).content.decode()  # within the minute: as shown before
    login(client, cast.buyer_a)
    own = client.get(reverse("analytics:savings")).content.decode()
    assert "$269,000.00" in own  # the member's own: now (240,000 + 29,000)
    assert "The consortium's figures are as of" in own and "yours are as of now" in own
    clock.advance(seconds=61)
    login(client, cast.staff)
    later = client.get(url).content.decode()
    assert "$269,000.00" in later and "$240,000.00" not in later

    monkeypatch.setattr(savings_views, "ROWS_PER_PAGE", 1)  # one member per page: two pages
    clock.advance(seconds=61)
    paged = client.get(url).content.decode()
    assert "Page 1 of 2" in paged and cast.district_a.name in paged and cast.district_b.name not in paged
    second = client.get(url + "&page=2").content.decode()
    assert cast.district_b.name in second and cast.district_a.name not in second and "by=member" in second
