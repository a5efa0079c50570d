"""The spend report's filters, checked for the actor (`check_filters`), and the choices of the
filter form (`filter_options`). Who sees what is stated in `analytics.spend`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.acting import APPROVER, BUYER, STAFF
from catalog.selectors import category_list
from core import clock
from core.fiscal import FiscalYear, fiscal_year_api
from members.selectors import district_for_actor, member_directory_states
from orders.spend import spend_years
from vendors.selectors import vendor_list

DISTRICT_READERS = (BUYER, APPROVER)
READERS = (STAFF, *DISTRICT_READERS)


@dataclass
class Filters:
    fiscal_year: FiscalYear
    state: str = ""
    category_id: int = 0
    vendor_id: int = 0
    district_id: int = 0
    category: str = ""
    vendor: str = ""
    district: str = ""

    def query(self) -> dict:
        """The filters as query-string parameters (those set), for links and exports."""
        q = {"fy": self.fiscal_year.ends_in}
        for name in ("state", "category_id", "vendor_id", "district_id"):
            if getattr(self, name):
                q[name.removesuffix("_id")] = getattr(self, name)
        return q

    def describe(self) -> str:
        parts = [self.fiscal_year.label + f" ({self.fiscal_year.start:%-d %B %Y} to {self.fiscal_year.end:%-d %B %Y})"]
        parts += [v for v in (self.category, self.vendor, self.state, self.district) if v]
        return ", ".join(parts)


def _fiscal_year(value) -> FiscalYear:
    """The rule of `core.fiscal` for a fiscal year named in a request (ValidationError under "fy")."""
    return fiscal_year_api(value or None, today=clock.today(), field="fy")


def check_filters(*, actor, state: str, category_id: int, vendor_id: int, district_id: int,
                   fiscal_year) -> tuple[Filters, Optional[object]]:
    """The filters, checked; and the district a district user is limited to (None for staff)."""
    if actor is None or actor.role not in READERS:
        raise PermissionDenied("Spend figures are for consortium staff and member districts' buyers and approvers.")
    errors: dict[str, str] = {}
    try:
        fy = _fiscal_year(fiscal_year)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        fy = FiscalYear.of(clock.today())
    state = (state or "").strip().upper()
    if state and (len(state) != 2 or not state.isalpha()):
        errors["state"] = "A state is two letters, such as CA."
    filters = Filters(fy, state=state, category_id=category_id or 0, vendor_id=vendor_id or 0,
                      district_id=district_id or 0)
    own = None
    if actor.role in DISTRICT_READERS:
        own = district_for_actor(actor)
        if district_id and district_id != own.pk:
            raise PermissionDenied("You can see your own district's spend and the consortium's totals only.")
        if state and state != own.state:
            raise PermissionDenied(f"Your district is in {own.state}: other states' figures are for staff only.")
        filters.district_id, filters.district = own.pk, own.name
    if category_id:
        category = category_list().filter(pk=category_id).first()
        if category is None:
            errors["category"] = "No such category."
        else:
            filters.category = category.name
    if vendor_id:
        vendor = vendor_list().filter(pk=vendor_id).first()
        if vendor is None:
            errors["vendor"] = "No such vendor."
        else:
            filters.vendor = vendor.legal_name
    if district_id and own is None:
        from members.selectors import member_directory

        membership = member_directory().filter(district_id=district_id).first()
        if membership is None:
            errors["district"] = "No such member district."
        else:
            filters.district = membership.district.name
    if errors:
        raise ValidationError(errors)
    return filters, own


def filter_options(*, actor) -> dict:
    """Choices for the filter form: fiscal years with spend (and this one), states, categories,
    vendors, and for staff whether to offer the member-district search."""
    first, last = spend_years()
    this = FiscalYear.of(clock.today())
    years = {this}
    if first and last:
        fy, end = FiscalYear.of(first), FiscalYear.of(last)
        while fy <= end:
            years.add(fy)
            fy = fy.next()
    options = {"years": sorted(years, reverse=True),
               "categories": list(category_list().values_list("pk", "name")),
               "vendors": list(vendor_list().order_by("legal_name").values_list("pk", "legal_name"))}
    if actor.role == STAFF:
        options["states"] = member_directory_states()
        options["district_search"] = True  # a search field (members.fields), not a list of every member
    return options
