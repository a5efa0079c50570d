"""Pooled demand computed exactly; CSV uploads; the API; reminders; survey -> solicitation."""

import datetime as dt
import json
from decimal import Decimal

from django.core import mail

from inbox.models import Notice
from sourcing.services.solicitations import solicitation_publish
from surveys import selectors
from surveys.models import Reminder, Response
from surveys.pooled import DemandRow
from surveys.services.answers import response_save
from surveys.services.solicitation import survey_solicitation_create
from surveys.tests.conftest import answer
from surveys.tick import survey_reminders
from surveys.uploads import COLUMNS
from tests.helpers import login, token


def _two_answers(cast, survey):
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_a), answers=[
        answer(quantities={"K-2": 100, "3-5": 50}, budget_min="250.00", budget_max="300.00",
               must_haves=["interop:google_sso", "grade:K-2"], current_contract_end="2027-06-30")])
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_b), answers=[
        answer(commitment="interested", quantities={"K-2": 10}, budget_min="200.00", budget_max=None,
               must_haves=["interop:google_sso"], current_contract_end="2027-09-01")])


def test_pooled_figures_are_exact(cast, survey):
    _two_answers(cast, survey)
    n1 = selectors.survey_demand(survey)[0]
    assert n1.committed == {"K-2": 100, "3-5": 50} and n1.interested == {"K-2": 10}
    assert (n1.committed_districts, n1.interested_districts, n1.states) == (1, 1, ["CA"])
    # budgets: midpoints 275.00 and 200.00 -> median 237.50; range 200.00 to 300.00
    assert (n1.budget_median, n1.budget_low, n1.budget_high) == (Decimal("237.50"), Decimal("200.00"), Decimal("300.00"))
    assert n1.must_haves == [("interop:google_sso", 2, Decimal("100.0")), ("grade:K-2", 1, Decimal("50.0"))]
    assert [m[0] for m in n1.shared_must_haves] == ["interop:google_sso"]  # 50% is not "most"
    assert n1.contract_ends == {"2027 Q2": 1, "2027 Q3": 1}


def test_extra_demand_rows_join_the_pool(cast, survey):
    _two_answers(cast, survey)
    extra = DemandRow(need="N2", district_id=999, district="Somewhere", state="NY", commitment="interested",
                      quantities={"6-8": 40}, source="unmet need")
    n2 = selectors.survey_demand(survey, extra=[extra])[1]
    assert n2.interested == {"6-8": 40} and n2.states == ["NY"]


CSV_HEADER = ",".join(COLUMNS)


def _csv(client, survey, text, submit=False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile("a.csv", text if isinstance(text, bytes) else text.encode(), "text/csv")}
    if submit:
        data["submit"] = "on"
    return client.post(f"/surveys/{survey.pk}/answers/csv/", data)


def _row(need="N1", k2="10", band35="", budget="250.00", funding="E-Rate"):
    values = {"need": need, "commitment": "committed", "qty_K-2": k2, "qty_3-5": band35, "qty_6-8": "",
              "needed_by": "2027-08", "budget_min": budget, "budget_max": "", "funding_source": funding,
              "must_haves": "grade:K-2;interop:oneroster", "current_product": "Old", "current_price": "",
              "current_contract_end": ""}
    return ",".join(values.get(c, "") for c in COLUMNS)


def test_csv_good_file_is_saved(client, cast, survey):
    login(client, cast.buyer_a)
    response = _csv(client, survey, f"{CSV_HEADER}\n{_row()}\n{_row('N2', k2='', band35='')}".replace(
        "N2,committed,,,", "N2,interested,,,,"), submit=False)
    # the second row has no 6-8 quantity: the whole file is refused
    assert response.status_code == 400 and b"line 3" in response.content
    assert not Response.objects.exists()
    response = _csv(client, survey, f"{CSV_HEADER}\n{_row()}\n", submit=True)
    assert response.status_code == 302
    saved = Response.objects.get()
    assert saved.state == "submitted"
    answer_ = saved.answers.get()
    assert answer_.quantities == {"K-2": 10} and answer_.funding_source == "e_rate"
    assert answer_.must_haves == ["grade:K-2", "interop:oneroster"]


def test_csv_bad_rows_are_all_named_and_nothing_saved(client, cast, survey):
    login(client, cast.buyer_a)
    text = f"{CSV_HEADER}\n{_row(k2='lots')}\n{_row('N7')}\n"
    response = _csv(client, survey, text)
    body = response.content.decode()
    assert response.status_code == 400 and "line 2, qty_K-2" in body and "line 3, need" in body
    assert not Response.objects.exists()


def test_csv_huge_nul_and_unknown_columns_are_refused(client, cast, survey):
    login(client, cast.buyer_a)
    assert b"larger than" in _csv(client, survey, CSV_HEADER.encode() + b"\n" + b"x" * 300_000).content
    assert b"NUL" in _csv(client, survey, f"{CSV_HEADER}\n{_row()}\x00\n").content
    assert b"Unknown column" in _csv(client, survey, "need,colour\nN1,red\n").content
    assert not Response.objects.exists()


def test_api_answers_get_and_put(client, cast, survey):
    headers = token(cast.buyer_a)
    url = f"/api/v1/surveys/{survey.pk}/answers"
    assert client.get(url, **headers).json()["state"] == "not_started"
    body = {"submit": True, "answers": [answer(budget_min="250.00", budget_max="300.00")]}
    put = client.put(url, data=json.dumps(body), content_type="application/json", **headers)
    assert put.status_code == 200, put.content
    assert put.json()["state"] == "submitted" and put.json()["answers"][0]["quantities"] == {"K-2": 100, "3-5": 50}
    # out of bounds and unknown fields: 422, nothing changed
    bad = {"answers": [answer(quantities={"K-2": 10**12})]}
    assert client.put(url, data=json.dumps(bad), content_type="application/json", **headers).status_code == 422
    bad = {"answers": [dict(answer(), colour="red")]}
    assert client.put(url, data=json.dumps(bad), content_type="application/json", **headers).status_code == 422
    assert client.get(url, **headers).json()["answers"][0]["quantities"] == {"K-2": 100, "3-5": 50}
    # the other district sees its own (nothing), never A's
    assert client.get(url, **token(cast.buyer_b)).json()["state"] == "not_started"
    assert client.get(f"/api/v1/surveys/{survey.pk}/demand", **token(cast.buyer_a)).status_code == 403
    demand = client.get(f"/api/v1/surveys/{survey.pk}/demand", **token(cast.staff)).json()
    assert demand["needs"][0]["committed_total"] == 150
    assert client.get("/api/v1/surveys/999999", **headers).status_code == 404


def test_another_districts_response_is_not_found(client, cast, survey):
    response = response_save(survey=survey, answers=[answer()], actor=cast.actor(cast.buyer_a))
    login(client, cast.buyer_b)
    assert client.get(f"/surveys/{survey.pk}/responses/{response.pk}/").status_code == 404
    login(client, cast.buyer_a)
    assert client.get(f"/surveys/{survey.pk}/responses/{response.pk}/").status_code == 200
    login(client, cast.staff)
    assert client.get(f"/surveys/{survey.pk}/responses/{response.pk}/").status_code == 200


def test_reminders_go_once_to_members_that_have_not_submitted(cast, survey, clock):
    response_save(survey=survey, submit=True, answers=[answer()], actor=cast.actor(cast.buyer_a))
    assert survey_reminders(clock.today()) == "survey reminders sent: 0"  # not yet: closes in 10 days
    clock.set(survey.closes_at - dt.timedelta(days=2))
    assert survey_reminders(clock.today()) == "survey reminders sent: 1"
    assert survey_reminders(clock.today()) == "survey reminders sent: 0"
    assert list(Reminder.objects.values_list("district_id", flat=True)) == [cast.district_b.pk]
    assert Notice.objects.filter(recipient__email=cast.buyer_b.email).count() == 1


def test_pages_render(client, cast, survey):
    _two_answers(cast, survey)
    login(client, cast.staff)
    for path in ("", "demand/", "declared-vs-bought/", "demand.csv", "demand.xlsx"):
        assert client.get(f"/surveys/{survey.pk}/{path}").status_code == 200, path
    page = client.get(f"/surveys/{survey.pk}/demand/").content.decode()
    assert "<svg" in page and "<table" in page and "$237.50" in page
    login(client, cast.buyer_a)
    assert client.get(f"/surveys/{survey.pk}/").status_code == 200
    assert client.get(f"/surveys/{survey.pk}/demand/").status_code == 403


def test_a_solicitation_from_the_survey_and_the_declarers_told_on_publication(cast, survey, devices):
    _two_answers(cast, survey)
    staff = cast.actor(cast.staff)
    link = survey_solicitation_create(survey=survey, category=devices, actor=staff)
    lines = list(link.solicitation.lines.values_list("reference", "estimated_quantity"))
    assert lines == [("N1", 150)]  # committed only; N2 has no committed demand
    texts = list(link.solicitation.requirements.values_list("text", flat=True))
    assert any("Google sign-in" in t for t in texts)
    assert set(link.districts.values_list("pk", flat=True)) == {cast.district_a.pk, cast.district_b.pk}
    import pytest
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError, match="already"):
        survey_solicitation_create(survey=survey, category=devices, actor=staff)
    mail.outbox.clear()
    solicitation_publish(solicitation=link.solicitation, actor=staff)
    told = Notice.objects.filter(subject__startswith="Published:").values_list("recipient__email", flat=True)
    assert {cast.buyer_a.email, cast.buyer_b.email} <= set(told)
    link.refresh_from_db()
    assert link.told_at is not None


def test_drafts_are_staff_only(client, cast, survey_draft):
    assert client.get("/api/v1/surveys", **token(cast.buyer_a)).json() == []
    assert client.get(f"/api/v1/surveys/{survey_draft.pk}", **token(cast.buyer_a)).status_code == 404
    assert [s["state"] for s in client.get("/api/v1/surveys", **token(cast.staff)).json()] == ["draft"]
    login(client, cast.buyer_a)
    assert client.get(f"/surveys/{survey_draft.pk}/").status_code == 404


def test_workspaces_list_open_surveys(client, cast, survey):
    response_save(survey=survey, submit=True, actor=cast.actor(cast.buyer_a), answers=[answer()])
    login(client, cast.buyer_b)
    page = client.get("/home/").content.decode()
    assert "Needs surveys to answer" in page and "Tell the consortium what we need" in page
    login(client, cast.buyer_a)  # submitted: nothing waits
    assert "No open needs survey waits for our answers." in client.get("/home/").content.decode()
    login(client, cast.staff)
    assert "1 of 2 members submitted" in client.get("/home/").content.decode()


def test_unmet_needs_from_buyers_searches_show_in_the_pooled_demand(client, cast, survey, agreements):
    from matching.services import need_save
    from matching.spec import need_spec

    login(client, cast.staff)
    page = client.get(f"/surveys/{survey.pk}/demand/").content.decode()
    assert "No unmet needs" in page
    need_save(district=cast.district_a, spec=need_spec(text="K-2 phonics", quantity=300, budget_per_unit="12"),
              actor=cast.actor(cast.buyer_a))
    page = client.get(f"/surveys/{survey.pk}/demand/").content.decode()
    section = page[page.index('id="unmet-needs"'):]
    assert "K-2 phonics" in section and "300" in section and "$12.00" in section


def test_demand_page_names_states_and_counts_in_whole_ticks(client, cast, survey):
    """States read "California", not "CA" (the CSV keeps the code and adds the name); the
    contract-end histogram counts in whole numbers (two answers: ticks 0, 1, never 0.5)."""
    import csv
    import io
    import re

    _two_answers(cast, survey)
    login(client, cast.staff)
    page = client.get(f"/surveys/{survey.pk}/demand/").content.decode()
    assert "<dt>States</dt><dd>California</dd>" in page
    assert re.search(r"<h3>California</h3>", page) and "<h3>CA</h3>" not in page
    ends = page[page.index('id="ends-N1-t"'):]
    ends = ends[:ends.index("</svg>")]
    ticks = re.findall(r'text-anchor="end" fill="#4a5560" font-size="11"[^>]*>([^<]*)<', ends)
    assert ticks == ["0", "1"]
    rows = list(csv.reader(io.StringIO(client.get(f"/surveys/{survey.pk}/demand.csv").content.decode())))
    header, n1 = rows[0], rows[1]
    assert n1[header.index("states")] == "CA" and n1[header.index("state_names")] == "California"
    rule_header = next(r for r in rows[2:] if r and r[0] == "state")
    assert rule_header[:2] == ["state", "state_name"]
    assert all(r[1] == "California" for r in rows[rows.index(rule_header) + 1:] if r)
