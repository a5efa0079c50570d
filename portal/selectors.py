"""What the public portal shows, read through the owning apps' selectors only.

Everything here is public record: solicitations once published, award notices once published
(with the bid tabulation only when `sourcing.selectors.tabulation_refusal` allows it, i.e. after
the notice), agreements once signed, approved amendments, the members list and the consortium's
savings totals. Never: bids before the award notice, bid notes or documents, evaluators, buyers'
or staff's names, vendor contacts (vendors.Vendor has no "make my contact public" flag, so the
portal shows none).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from catalog.selectors import category_list
from contracts.selectors.agreements import (agreement_list, agreements_of_solicitation_public,
                                            approved_amendments, schedule_rows)
from contracts.selectors.catalog import catalog_search
from contracts.states import AgreementState
from members.selectors import member_directory
from opendata.ocid import ocid_for, record_api_path
from sourcing import selectors as sourcing
from sourcing.lifecycle import effective_state
from sourcing.states import SolicitationState as S
from vendors.selectors import vendor_list

QUERY_MAX = 100  # characters of a search
TERMS_MAX = 5  # words of a search
TERM_MAX = 40  # characters of one word
PER_KIND = 10  # results of each kind on the search page (the lists hold the rest)


def ocds_link(solicitation_id: int) -> dict[str, str]:
    """The ocid and the address of the compiled OCDS record of a solicitation's process."""
    ocid = ocid_for("solicitation", solicitation_id)
    return {"ocid": ocid, "url": record_api_path(ocid)}


def categories():
    return category_list()


def category_or_none(code: str):
    """The category of a code from an address or a filter; None for nothing, an unknown code, or
    one no code can be (too long, a NUL byte: PostgreSQL would raise on it)."""
    if not code or len(code) > 60 or "\x00" in code:
        return None
    return category_list().filter(code=code).first()


# --- The calendar of open and upcoming solicitations ------------------------------------------

@dataclass(frozen=True)
class CalendarEntry:
    solicitation: Any
    state: str
    state_label: str
    questions_close: dt.datetime
    bids_due: dt.datetime
    award_expected: dt.date  # an estimate (see `award_estimate_days`)
    accepting_questions: bool
    accepting_bids: bool


def calendar(*, category_code: str = "", now: Optional[dt.datetime] = None) -> tuple[list[CalendarEntry], int]:
    """(the open and upcoming solicitations with their dates, the days after the bid deadline an
    award notice is expected: the median of past award notices)."""
    now = now or timezone.now()
    days = sourcing.days_to_award_notice()
    labels = dict(S.choices)
    rows = []
    for s in sourcing.upcoming_solicitations(category_code=category_code, now=now)[:500]:
        state = effective_state(s, now)
        rows.append(CalendarEntry(s, state, labels.get(state, state), s.questions_deadline, s.bid_deadline,
                                  sourcing.award_expected_on(s, days), s.accepting_questions(now),
                                  state == S.PUBLISHED))
    return rows, days


def solicitation_public(solicitation_id: int):
    """A published solicitation (never a draft), or DoesNotExist."""
    return sourcing.solicitation_get(solicitation_id=solicitation_id, actor=None)


# --- Award notices -----------------------------------------------------------------------------

@dataclass
class AwardNotice:
    solicitation: Any
    state: str
    state_label: str
    awards: list = field(default_factory=list)  # [(award, awardees, protests)], newest first
    tabulation_public: bool = False
    agreements: list = field(default_factory=list)


def award_notice_list(*, category_code: str = ""):
    return sourcing.award_notices(category_code=category_code)


def award_notice(solicitation_id: int) -> AwardNotice:
    """The public record of a solicitation's award, or DoesNotExist when none is published."""
    s = solicitation_public(solicitation_id)
    awards = sourcing.public_awards(s)
    if not awards:
        raise type(s).DoesNotExist(f"No award notice for solicitation {solicitation_id}.")
    state = effective_state(s)
    notice = AwardNotice(s, state, dict(S.choices).get(state, state))
    notice.awards = [(a, sourcing.public_awardees(a), sourcing.public_protests(a)) for a in awards]
    notice.tabulation_public = sourcing.tabulation_refusal(s, None) is None
    notice.agreements = list(agreements_of_solicitation_public(s.pk))
    return notice


# --- Agreements --------------------------------------------------------------------------------

def agreements_in_force():
    return agreement_list(actor=None, state=AgreementState.ACTIVE)


def agreement_public(agreement_id: int):
    """A signed agreement (active, expired or terminated), or DoesNotExist."""
    agreement = agreement_list(actor=None).filter(pk=agreement_id).first()
    if agreement is None:
        from contracts.models import MasterAgreement  # the exception type only

        raise MasterAgreement.DoesNotExist(f"No agreement {agreement_id}.")
    return agreement


def agreement_schedule(agreement) -> list[dict[str, Any]]:
    return schedule_rows(agreement)


def agreement_amendments(agreement):
    return approved_amendments(agreement)


# --- Vendors (those with a public award or agreement) -------------------------------------------

def public_vendors():
    """Vendors that hold a signed agreement: their legal name only (no contact: vendors have no
    flag to make one public)."""
    return vendor_list().filter(pk__in=agreement_list(actor=None).values("vendor_id")).order_by("legal_name")


def vendor_public(vendor_id: int):
    vendor = public_vendors().filter(pk=vendor_id).first()
    if vendor is None:
        raise LookupError(f"No vendor {vendor_id} with a public agreement.")
    return vendor


def vendor_agreements(vendor):
    return agreement_list(actor=None, vendor=vendor)


# --- Members ------------------------------------------------------------------------------------

def members(q: str = ""):
    return member_directory(q=q)


# --- Search -------------------------------------------------------------------------------------

def search_terms(q: str) -> list[str]:
    """The words of a search, bounded: at most `QUERY_MAX` characters, `TERMS_MAX` words of
    `TERM_MAX` characters each (longer ones are cut). Raises ValidationError on a NUL byte."""
    if "\x00" in q:
        raise ValidationError("A search cannot contain a NUL character.")
    q = q[:QUERY_MAX]
    terms = []
    for word in q.split():
        word = word[:TERM_MAX].lower()
        if word and word not in terms:
            terms.append(word)
    return terms[:TERMS_MAX]


@dataclass
class SearchResults:
    terms: list[str]
    solicitations: list = field(default_factory=list)
    agreements: list = field(default_factory=list)
    vendors: list = field(default_factory=list)
    members: list = field(default_factory=list)
    products: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return (len(self.solicitations) + len(self.agreements) + len(self.vendors) + len(self.members)
                + len(self.products))


def _every_term(make, terms):
    """A queryset matching every term: `make(term)` for each, intersected."""
    qs = make(terms[0])
    for term in terms[1:]:
        qs = qs & make(term)
    return qs


def search(q: str, *, limit: int = PER_KIND) -> SearchResults:
    """Solicitations, agreements, vendors, members and products (products in force on an
    agreement) matching every word, at most `limit` of each kind. Each kind is one bounded query
    (LIMIT `limit`): the products through the catalog's search table (trigram-indexed on
    PostgreSQL); the others through their apps' list selectors."""
    terms = search_terms(q)
    results = SearchResults(terms)
    if not terms:
        return results
    for kind, qs in search_querysets(terms).items():
        setattr(results, kind, list(qs[:limit]))
    results.products = list(catalog_search(q=" ".join(terms))[:limit])
    return results


def search_querysets(terms: list[str]) -> dict[str, QuerySet]:
    """The solicitations, agreements, vendors and members matching every term (`icontains`, the
    same on both databases). On PostgreSQL the searched columns have trigram indexes
    (core.trigram) that these queries use: each term is matched on one table at a time."""
    return {
        "solicitations": _every_term(lambda t: sourcing.solicitation_list(actor=None, q=t), terms),
        "agreements": _every_term(lambda t: agreement_list(actor=None, q=t), terms),
        "vendors": _every_term(lambda t: public_vendors().filter(legal_name__icontains=t), terms),
        "members": _every_term(lambda t: member_directory(q=t), terms),
    }
