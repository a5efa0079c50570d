from decimal import Decimal

import pytest
from django.template import Context, Template

from core.formatting import money


@pytest.mark.parametrize("value,shown", [(Decimal("407800"), "$407,800.00"), (Decimal("-1000"), "-$1,000.00"),
                                         ("1794000000.00", "$1,794,000,000.00"), (None, "—"),
                                         (Decimal("0.005"), "$0.01"), (12, "$12.00")])
def test_money(value, shown):
    assert money(value) == shown


def test_every_template_has_the_money_filter():
    assert Template("{{ x|money }}").render(Context({"x": Decimal("1234.5")})) == "$1,234.50"


# Dates and times: the consortium's zone (settings.TIME_ZONE, America/Los_Angeles in tests).

import datetime as dt  # noqa: E402

from django.test import override_settings  # noqa: E402

from core.formatting import day, label, percent, quantity, rate_percent, when  # noqa: E402

UTC = dt.timezone.utc


def test_when_is_local_to_the_minute_with_the_zone():
    moment = dt.datetime(2026, 12, 3, 6, 32, 15, 123456, tzinfo=UTC)
    assert when(moment) == "2026-12-02 22:32 PST"


def test_when_drops_seconds_and_microseconds_of_iso_text():
    assert when("2026-07-01T17:05:59.999999+00:00") == "2026-07-01 10:05 PDT"


def test_when_across_the_dst_boundary_day():
    # 2026-03-08: clocks jump from 02:00 PST to 03:00 PDT.
    assert when(dt.datetime(2026, 3, 8, 9, 59, tzinfo=UTC)) == "2026-03-08 01:59 PST"
    assert when(dt.datetime(2026, 3, 8, 10, 0, tzinfo=UTC)) == "2026-03-08 03:00 PDT"
    # 2026-11-01: 01:00-02:00 happens twice; the zone tells them apart.
    assert when(dt.datetime(2026, 11, 1, 8, 30, tzinfo=UTC)) == "2026-11-01 01:30 PDT"
    assert when(dt.datetime(2026, 11, 1, 9, 30, tzinfo=UTC)) == "2026-11-01 01:30 PST"


@override_settings(TIME_ZONE="America/New_York")
def test_when_follows_the_configured_zone():
    assert when(dt.datetime(2026, 1, 15, 17, 0, tzinfo=UTC)) == "2026-01-15 12:00 EST"


def test_day_is_the_local_date_of_a_moment():
    # 03:00 UTC on the 9th is still the 8th in California.
    assert day(dt.datetime(2026, 3, 9, 3, 0, tzinfo=UTC)) == "2026-03-08"
    assert day(dt.date(2026, 3, 9)) == "2026-03-09"
    assert when(dt.date(2026, 3, 9)) == "2026-03-09"


@pytest.mark.parametrize("formatter", [when, day, percent, rate_percent, quantity, label])
def test_nothing_is_an_em_dash(formatter):
    assert formatter(None) == "—"
    assert formatter("") == "—"


def test_unreadable_values_are_shown_as_given():
    assert when("soon") == "soon"
    assert quantity("many") == "many"


@pytest.mark.parametrize("value,shown", [(2, "2%"), (Decimal("2.50"), "2.5%"), (Decimal("12.345"), "12.35%"),
                                         (Decimal("-0.89"), "-0.89%"), ("100.00", "100%")])
def test_percent_takes_a_percentage(value, shown):
    assert percent(value) == shown


@pytest.mark.parametrize("value,shown", [(Decimal("0.02"), "2%"), (Decimal("0.0250"), "2.5%"), ("0.125", "12.5%")])
def test_rate_percent_takes_a_fraction(value, shown):
    assert rate_percent(value) == shown


@pytest.mark.parametrize("value,shown", [(1234, "1,234"), (Decimal("1234567"), "1,234,567"), (Decimal("1234.50"), "1,234.5"),
                                         (Decimal("1E+3"), "1,000"), (-5, "-5"), (0, "0")])
def test_quantity(value, shown):
    assert quantity(value) == shown


def test_money_negative_has_the_sign_before_the_dollar():
    assert money(Decimal("-407800")) == "-$407,800.00"
    assert money("-0.001") == "$0.00"


# Labels: one registry (core.labels) for roles, states, audit actions and model names.

@pytest.mark.parametrize("code,shown", [
    ("district_buyer", "District buyer"),                 # accounts.Role, registered in AccountsConfig.ready
    ("membership.applied", "Membership applied for"),     # audit.actions.AuditAction, registered in AuditConfig.ready
    ("reports.salesreport 33", "Sales report 33"),        # a model label and id, through the app registry
    ("sourcing.bid", "Bid"),
    ("rfq", "Request for quotations (RFQ)"),              # a kind, collected from the model field's choices
    ("no_conflict", "Signed: no conflict of interest"),   # a state, likewise
    ("never_heard_of_it", "Never heard of it"),           # unknown: the code made readable
    ("no.such_model 4", "No such model 4"),
])
def test_label(code, shown):
    assert label(code) == shown


def test_label_of_a_choices_member_is_its_label():
    from accounts.models import Role
    assert label(Role.VENDOR_USER) == "Vendor user"


def test_a_code_shared_by_fields_takes_the_common_label():
    assert label("approved") == "Approved"
    assert label("active") == "Active"


def test_every_filter_is_builtin():
    rendered = Template("{{ m|money }} {{ t|when }} {{ d|day }} {{ p|percent }} {{ r|rate_percent }} {{ q|quantity }} "
                        "{{ c|label }} {{ n|when:'never' }} {{ n|day:'no end' }}").render(Context({
                            "m": Decimal("-1000"), "t": dt.datetime(2026, 7, 1, 12, 0, 30, 5, tzinfo=UTC),
                            "d": dt.date(2026, 7, 1), "p": Decimal("2.50"), "r": Decimal("0.02"), "q": 1105,
                            "c": "reports.salesreport 33", "n": None}))
    assert rendered == "-$1,000.00 2026-07-01 05:00 PDT 2026-07-01 2.5% 2% 1,105 Sales report 33 never no end"


def test_numbers_that_are_not_finite_are_shown_as_given_not_crashing():
    from core.number_format import money, percent, quantity, rate_percent

    assert [money("NaN"), percent("Infinity"), rate_percent("-inf"), quantity("nan")] == \
        ["NaN", "Infinity", "-inf", "nan"]


def test_long_day_is_a_date_as_people_write_it(settings):
    import datetime as dt

    from core import formatting

    assert formatting.long_day(dt.date(2026, 7, 1)) == "July 1, 2026"
    assert formatting.long_day("2026-09-30") == "September 30, 2026"
    assert formatting.long_day(None) == "—"
    settings.EDPOOL_LONG_DATE_FORMAT = "j F Y"  # one project-wide setting
    assert formatting.long_day(dt.date(2026, 7, 1)) == "1 July 2026"
