"""Charts on the solicitation pages: the timeline (public and manage pages), the bids' evaluated
prices in the tabulation (only once the tabulation may be seen), and a bulk buy's award plan
spend by vendor against the share cap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.clock import date_of
from sourcing.lifecycle import current_award
from sourcing.services.awards import award_plan_compute
from sourcing.services.bids import bid_submit
from sourcing.tests.test_bulk_award import bulk  # noqa: F401 (the bulk-buy scene, a fixture)
from tests.chart_pages import chart_on, has_chart
from tests.helpers import bid_data, login


def nice(day: dt.date) -> str:
    return f"{day:%A} {day:%B} {day.day}, {day:%Y}"


def test_timeline_on_the_public_and_manage_pages(client, cast, awarded, clock):
    s, award = awarded, current_award(awarded)
    steps = [("Published", date_of(s.published_at)), ("Questions close", date_of(s.questions_deadline)),
             ("Bids due", date_of(s.bid_deadline)), ("Bids open", date_of(s.bids_open_at)),
             ("Standstill ends", date_of(award.standstill_ends_at))]
    expected = [[label, nice(day), "done"] for label, day in sorted(steps, key=lambda st: st[1])]
    last = date_of(award.standstill_ends_at)
    summary = f"Every step is past; the last, standstill ends, was on {last:%B} {last.day}, {last.year}."
    for page in (client.get(f"/solicitations/{s.pk}/"),
                 (login(client, cast.staff), client.get(f"/solicitations/{s.pk}/manage/"))[1]):
        chart = chart_on(page.content.decode(), f"timeline-{s.pk}")
        assert chart.title == "Timeline" and chart.summary == summary
        assert chart.headers == ["Step", "Date", ""] and chart.rows == expected
        assert "today" in chart.texts


def test_timeline_of_an_open_solicitation_names_the_next_step(client, cast, open_solicitation, clock):
    s = open_solicitation
    questions = date_of(s.questions_deadline)
    days = (questions - clock.today()).days
    chart = chart_on(client.get(f"/solicitations/{s.pk}/").content.decode(), f"timeline-{s.pk}")
    assert chart.summary == f"Next: questions close on {questions:%B} {questions.day}, {questions.year}, in {days} days."
    assert [row[0] for row in chart.rows] == ["Published", "Questions close", "Bids due", "Bids open"]
    assert [row[2] for row in chart.rows] == ["done", "to come", "to come", "to come"]


def test_timeline_under_evaluation_says_the_award_notice_comes_next(client, cast, evaluating):
    opened = date_of(evaluating.bids_open_at)
    login(client, cast.staff)
    chart = chart_on(client.get(f"/solicitations/{evaluating.pk}/manage/").content.decode(), f"timeline-{evaluating.pk}")
    assert chart.summary == (f"Every step so far is past: the last, bids open, was on {opened:%B} {opened.day}, "
                             f"{opened.year}; the award notice comes next.")
    assert chart.rows[-1] == ["Bids open", nice(opened), "done"]


def test_no_timeline_for_a_draft(client, cast, draft):
    login(client, cast.staff)
    assert not has_chart(client.get(f"/solicitations/{draft.pk}/manage/").content.decode(), f"timeline-{draft.pk}")


def test_evaluated_prices_in_the_public_tabulation(client, cast, awarded):
    page = client.get(f"/solicitations/{awarded.pk}/tabulation/").content.decode()  # public after the notice
    chart = chart_on(page, "evaluated-prices")
    a, b = cast.vendor_a.legal_name, cast.vendor_b.legal_name
    # 6,000 devices and 6,000 licences at each bid's 5,000+ tier: B 270 + 25, A 280 + 26.
    assert chart.summary == (f"2 bids; the lowest evaluated price of a responsive bid pricing every line is "
                             f"{b}'s, $1,770,000.00, the highest {a}'s, $1,836,000.00.")
    assert chart.headers == ["Bidder", "Evaluated price"]
    assert chart.rows == [[b, "$1,770,000.00"], [a, "$1,836,000.00"]]
    short, long = chart.bars()
    assert short / long == pytest.approx(1770 / 1836, abs=0.002)


def test_a_bid_that_is_not_responsive_says_so(client, cast, open_solicitation, clock):
    s = open_solicitation
    bid_submit(solicitation=s, data=bid_data(price1="289.00", price2="20.00"), actor=cast.actor(cast.vendor_user_a))
    bid_submit(solicitation=s, data=bid_data(price1="299.00", price2="15.00", wcag=False),
               actor=cast.actor(cast.vendor_user_b))
    clock.set(s.bid_deadline + dt.timedelta(hours=1))
    login(client, cast.staff)  # the tabulation opens to staff at the deadline
    chart = chart_on(client.get(f"/solicitations/{s.pk}/tabulation/").content.decode(), "evaluated-prices")
    a, b = cast.vendor_a.legal_name, cast.vendor_b.legal_name
    # 1,200 at the 1,000+ tier (ten dollars off) and 1,200 licences: A 279 + 20, B 289 + 15.
    assert chart.rows == [[a, "$358,800.00"], [b, "$364,800.00 (not responsive)"]]
    assert chart.summary == f"2 bids; the lowest evaluated price of a responsive bid pricing every line is {a}'s, $358,800.00."
    assert "$364,800.00 (not responsive)" in chart.texts


def test_sealed_bids_draw_no_prices(client, cast, open_solicitation):
    bid_submit(solicitation=open_solicitation, data=bid_data(price1="123.00"), actor=cast.actor(cast.vendor_user_a))
    for user in (None, cast.staff, cast.vendor_user_a):
        if user is not None:
            login(client, user)
        for url in (f"/solicitations/{open_solicitation.pk}/", f"/solicitations/{open_solicitation.pk}/tabulation/"):
            page = client.get(url).content.decode()
            assert not has_chart(page, "evaluated-prices") and "$147,600.00" not in page and "123.00" not in page


def test_award_plan_spend_against_the_share_cap(client, cast, request, settings):
    settings.AWARD_ENGINE_TIME_LIMIT_SECONDS = 7
    s = request.getfixturevalue("bulk")
    login(client, cast.staff)
    assert not has_chart(client.get(f"/solicitations/{s.pk}/manage/").content.decode(), "plan-spend")
    award_plan_compute(solicitation=s, actor=cast.actor(cast.staff))
    chart = chart_on(client.get(f"/solicitations/{s.pk}/manage/").content.decode(), "plan-spend")
    # A 500 x 280.00 and B 500 x 285.00 (test_bulk_award): no vendor above 60% of $282,500.00.
    assert chart.summary == ("Bulk B, Inc. has the largest share, $142,500.00 (50.4% of $282,500.00); "
                             "the cap is 60% ($169,500.00): no vendor is over it.")
    assert chart.rows[:2] == [["Bulk B, Inc.", "$142,500.00"], ["Bulk A, Inc.", "$140,000.00"]]
    assert chart.rows[-1] == ["Share cap 60%", "$169,500.00"]
    assert "Share cap 60%: $169,500.00" in chart.texts


def test_a_bid_pricing_only_some_lines_is_not_compared_on_its_total():
    from types import SimpleNamespace as NS

    from sourcing.charts import evaluated_prices

    def ev(name, total, lines, responsive=True):
        return NS(bid=NS(vendor_name=name), evaluated_total=Decimal(total), lines=[None] * lines,
                  responsive=responsive)

    chart = evaluated_prices([ev("Full", "900.00", 2), ev("Half", "400.00", 1)], lines=2)
    assert chart.rows == (("Half", "$400.00 (1 of 2 lines)"), ("Full", "$900.00"))
    assert chart.summary == "2 bids; the lowest evaluated price of a responsive bid pricing every line is Full's, $900.00."
    alone = evaluated_prices([ev("Half", "400.00", 1), ev("Odd", "500.00", 2, responsive=False)], lines=2)
    assert alone.summary == ("2 bids; none is responsive and prices every line, so their totals do not compare: "
                             "see the table line by line.")
    assert evaluated_prices([], lines=2) is None
