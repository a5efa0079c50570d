"""The public portal: no sign-in, every page a stable address with a CSV download (and the OCDS
record's link where a contracting process exists). Views parse, call `portal.selectors`, render."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render

from accounts.access import public
from core.fiscal import FiscalYear
from core import clock
from portal import feeds, selectors
from portal.csvout import csv_response


def _category(request):
    """The ?category= filter: a known category or None (an unknown code is ignored)."""
    return selectors.category_or_none(request.GET.get("category", "").strip())


def _solicitation_or_404(solicitation_id: int):
    try:
        return selectors.solicitation_public(solicitation_id)
    except ObjectDoesNotExist:
        raise Http404


@public
def index(request):
    from analytics.savings_selectors import consortium_headline

    rows, days = selectors.calendar()
    return render(request, "portal/index.html", {
        "open_count": sum(1 for r in rows if r.accepting_bids), "upcoming": rows[:5],
        "award_count": selectors.award_notice_list().count(),
        "agreement_count": selectors.agreements_in_force().count(),
        "savings": consortium_headline(FiscalYear.of(clock.today()))[0],
        "categories": selectors.categories()})


# --- Solicitations and their calendar ----------------------------------------------------------

@public
def solicitations(request):
    category = _category(request)
    rows, days = selectors.calendar(category_code=category.code if category else "")
    return render(request, "portal/solicitations.html", {
        "rows": rows, "days": days, "category": category, "categories": selectors.categories()})


CALENDAR_HEADER = ["ocid", "number", "title", "category", "status", "questions_close", "bids_due",
                   "award_expected_estimate", "page"]


def _calendar_rows(request, rows):
    for r in rows:
        s = r.solicitation
        yield [selectors.ocds_link(s.pk)["ocid"], s.number, s.title, s.category.name, r.state_label,
               r.questions_close, r.bids_due, r.award_expected,
               request.build_absolute_uri(f"/public/solicitations/{s.pk}/")]


@public
def solicitations_csv(request):
    category = _category(request)
    rows, _ = selectors.calendar(category_code=category.code if category else "")
    return csv_response("solicitations.csv", CALENDAR_HEADER, _calendar_rows(request, rows))


@public
def solicitation(request, solicitation_id: int):
    s = _solicitation_or_404(solicitation_id)
    rows, days = selectors.calendar()
    entry = next((r for r in rows if r.solicitation.pk == s.pk), None)
    try:
        notice = selectors.award_notice(s.pk)
    except ObjectDoesNotExist:
        notice = None
    return render(request, "portal/solicitation.html", {
        "s": s, "entry": entry, "days": days, "notice": notice, "ocds": selectors.ocds_link(s.pk),
        "lines": s.lines.all()})


@public
def solicitation_csv(request, solicitation_id: int):
    s = _solicitation_or_404(solicitation_id)
    ocid = selectors.ocds_link(s.pk)["ocid"]
    return csv_response(f"{s.number}-lines.csv",
                        ["ocid", "number", "title", "line", "description", "unit", "estimated_quantity"],
                        ([ocid, s.number, s.title, line.reference, line.description, line.unit,
                          line.estimated_quantity] for line in s.lines.all()))


@public
def solicitation_ics(request, solicitation_id: int):
    s = _solicitation_or_404(solicitation_id)
    rows, _ = selectors.calendar()
    entries = [r for r in rows if r.solicitation.pk == s.pk]
    return feeds.ics_response(request, entries, name=f"{s.number}: {s.title}", filename=f"{s.number}.ics")


# --- Feeds ---------------------------------------------------------------------------------------

_atom = feeds.SolicitationFeed()


@public
def feed_atom(request):
    return _atom(request)


@public
def feed_ics(request):
    rows, _ = selectors.calendar()
    return feeds.ics_response(request, rows[:feeds.MAX_ITEMS], name="Open and upcoming solicitations",
                              filename="solicitations.ics")


@public
def category_atom(request, category: str):
    if selectors.category_or_none(category) is None:
        raise Http404
    return _atom(request, category=category)


@public
def category_ics(request, category: str):
    found = selectors.category_or_none(category)
    if found is None:
        raise Http404
    rows, _ = selectors.calendar(category_code=found.code)
    return feeds.ics_response(request, rows[:feeds.MAX_ITEMS],
                              name=f"Open and upcoming solicitations: {found.name}",
                              filename=f"solicitations-{found.code}.ics")


# --- Award notices -----------------------------------------------------------------------------

@public
def awards(request):
    category = _category(request)
    page = Paginator(selectors.award_notice_list(category_code=category.code if category else ""), 50).get_page(
        request.GET.get("page"))
    return render(request, "portal/awards.html", {"page": page, "category": category,
                                                  "categories": selectors.categories()})


@public
def awards_csv(request):
    rows = []
    for s in selectors.award_notice_list()[:5000]:
        notice = selectors.award_notice(s.pk)
        award, awardees, _ = notice.awards[0]
        rows.append([selectors.ocds_link(s.pk)["ocid"], s.number, s.title, s.category.name, notice.state_label,
                     award.version, award.notice_published_at, award.standstill_ends_at,
                     "; ".join(a.vendor for a in awardees)])
    return csv_response("award-notices.csv", ["ocid", "number", "title", "category", "status",
                                              "award_version", "notice_published", "standstill_ends",
                                              "awarded_vendors"], rows)


def _notice_or_404(solicitation_id: int):
    try:
        return selectors.award_notice(solicitation_id)
    except ObjectDoesNotExist:
        raise Http404


@public
def award(request, solicitation_id: int):
    notice = _notice_or_404(solicitation_id)
    return render(request, "portal/award.html", {"n": notice, "s": notice.solicitation,
                                                 "ocds": selectors.ocds_link(solicitation_id)})


@public
def award_csv(request, solicitation_id: int):
    notice = _notice_or_404(solicitation_id)
    s = notice.solicitation
    rows = []
    for award, awardees, protests in notice.awards:
        for a in awardees:
            rows.append([s.number, award.version, award.notice_published_at, "awarded", a.vendor, a.total_score,
                         "", ""])
        for p in protests:
            rows.append([s.number, award.version, award.notice_published_at, "protest", p.vendor, "",
                         p.state_label, p.decision])
    return csv_response(f"{s.number}-award.csv", ["number", "award_version", "notice_published", "entry",
                                                  "vendor", "total_score", "protest_status",
                                                  "protest_decision"], rows)


# --- Agreements --------------------------------------------------------------------------------

AGREEMENT_HEADER = ["number", "title", "vendor", "status", "start_date", "end_date", "renewals_used",
                    "renewal_options", "solicitation", "ocid"]


def _agreement_row(a):
    return [a.number, a.title, a.vendor.legal_name, a.effective_state(), a.start_date, a.end_date,
            a.renewals_used, a.renewal_options, a.solicitation.number,
            selectors.ocds_link(a.solicitation_id)["ocid"]]


@public
def agreements(request):
    page = Paginator(selectors.agreements_in_force(), 50).get_page(request.GET.get("page"))
    return render(request, "portal/agreements.html", {"page": page})


@public
def agreements_csv(request):
    return csv_response("agreements-in-force.csv", AGREEMENT_HEADER,
                        (_agreement_row(a) for a in selectors.agreements_in_force()[:5000]))


def _agreement_or_404(agreement_id: int):
    try:
        return selectors.agreement_public(agreement_id)
    except ObjectDoesNotExist:
        raise Http404


@public
def agreement(request, agreement_id: int):
    a = _agreement_or_404(agreement_id)
    return render(request, "portal/agreement.html", {
        "a": a, "state": a.effective_state(), "rows": selectors.agreement_schedule(a),
        "amendments": selectors.agreement_amendments(a), "ocds": selectors.ocds_link(a.solicitation_id)})


@public
def agreement_csv(request, agreement_id: int):
    a = _agreement_or_404(agreement_id)
    rows = []
    for r in selectors.agreement_schedule(a):
        e = r["entry"]
        for tier in e.tiers:
            rows.append([a.number, e.line_reference, r["product"].name, e.unit, e.list_price,
                         tier["min_quantity"], tier["unit_price"], r["volume"]])
    return csv_response(f"{a.number}-price-schedule.csv",
                        ["agreement", "line", "product", "unit", "list_price", "tier_min_quantity",
                         "tier_unit_price", "consortium_volume"], rows)


# --- Vendors -------------------------------------------------------------------------------------

@public
def vendors(request):
    page = Paginator(selectors.public_vendors(), 100).get_page(request.GET.get("page"))
    return render(request, "portal/vendors.html", {"page": page})


@public
def vendors_csv(request):
    return csv_response("vendors.csv", ["vendor", "page"],
                        ([v.legal_name, request.build_absolute_uri(f"/public/vendors/{v.pk}/")]
                         for v in selectors.public_vendors()[:5000]))


def _vendor_or_404(vendor_id: int):
    try:
        return selectors.vendor_public(vendor_id)
    except LookupError:
        raise Http404


@public
def vendor(request, vendor_id: int):
    v = _vendor_or_404(vendor_id)
    return render(request, "portal/vendor.html", {"v": v, "agreements": selectors.vendor_agreements(v)})


@public
def vendor_csv(request, vendor_id: int):
    v = _vendor_or_404(vendor_id)
    return csv_response(f"vendor-{v.pk}-agreements.csv", AGREEMENT_HEADER,
                        (_agreement_row(a) for a in selectors.vendor_agreements(v)))


# --- Members and savings -------------------------------------------------------------------------

@public
def members(request):
    page = Paginator(selectors.members(), 100).get_page(request.GET.get("page"))
    from members.selectors import member_directory_totals

    return render(request, "portal/members.html", {"page": page, "totals": member_directory_totals()})


@public
def members_csv(request):
    return csv_response("members.csv", ["member", "state", "city", "member_since", "students"],
                        ([m.district.name, m.district.state, m.district.city, m.member_since,
                          m.district.enrollment] for m in selectors.members()))


def _savings():
    """The consortium's savings by fiscal year and the latest year's by category, as the staff's
    dashboard keeps them (at most a minute old)."""
    from analytics.savings_selectors import consortium_by_fiscal_year, consortium_dashboard

    years, _ = consortium_by_fiscal_year()
    latest = years[-1] if years else None
    by_category = []
    if latest is not None:
        fy = FiscalYear(latest.key, FiscalYear.of(clock.today()).first_month)
        by_category = consortium_dashboard("category", fiscal_year=fy)[0].rows
    return years, latest, by_category


@public
def savings(request):
    years, latest, by_category = _savings()
    return render(request, "portal/savings.html", {"years": years, "latest": latest, "by_category": by_category})


@public
def savings_csv(request):
    years, _, _ = _savings()
    return csv_response("savings.csv", ["fiscal_year", "order_lines", "paid", "rebates", "saved_vs_list_price",
                                        "saved_vs_buying_alone"],
                        ([y.label, y.totals.lines, y.totals.paid, y.totals.rebate, y.totals.vs_list,
                          y.totals.vs_alone] for y in years))


# --- Search ---------------------------------------------------------------------------------------

def _search(request):
    q = request.GET.get("q", "")
    try:
        return q[:selectors.QUERY_MAX], selectors.search(q), ""
    except ValidationError as e:
        return "", selectors.SearchResults([]), " ".join(e.messages)


@public
def search(request):
    q, results, error = _search(request)
    response = render(request, "portal/search.html", {"q": q, "r": results, "error": error,
                                                       "limit": selectors.PER_KIND})
    if error:
        response.status_code = 400
    return response


@public
def search_csv(request):
    q, r, error = _search(request)
    if error:
        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    rows = ([["solicitation", s.number, s.title, f"/public/solicitations/{s.pk}/"] for s in r.solicitations]
            + [["agreement", a.number, f"{a.vendor.legal_name}: {a.title}", f"/public/agreements/{a.pk}/"]
               for a in r.agreements]
            + [["vendor", "", v.legal_name, f"/public/vendors/{v.pk}/"] for v in r.vendors]
            + [["member", m.district.state, m.district.name, "/public/members/"] for m in r.members]
            + [["product", e.version.agreement.number, e.product.name,
                f"/public/agreements/{e.version.agreement_id}/"] for e in r.products])
    return csv_response("search.csv", ["kind", "reference", "name", "page"],
                        ([k, ref, name, request.build_absolute_uri(url)] for k, ref, name, url in rows))
