"""The member catalog: search what members may buy, at what price, under which agreement, and
(signed in as a district) whether it is allowed here."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render

from accounts.access import public
from catalog.facts import facts_panel
from catalog.choices import GRADE_BANDS, INTEROPERABILITY, PRODUCT_FAMILIES, SUBJECTS
from catalog.models import Category, Product
from contracts.selectors.catalog import best_offer, catalog_items, catalog_page, catalog_search
from core.limits import SHORT_TEXT_MAX, page_number
from members.selectors import district_acting

FILTERS = ("q", "category", "grade_band", "subject", "interoperability", "kind")
PAGE_SIZE = 20


@dataclass(frozen=True)
class CatalogPage:
    """What the template needs of a page (like Django's Page, without a separate count query)."""

    number: int
    count: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))

    @property
    def paginator(self):
        return self

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def _filters(request) -> dict:
    return {name: request.GET.get(name, "").strip()[:SHORT_TEXT_MAX] for name in FILTERS}


@public
def search(request):
    filters = _filters(request)
    district = district_acting(getattr(request, "actor", None))
    number = page_number(request.GET.get("page"))
    entries, total = catalog_page(page=number, page_size=PAGE_SIZE, **filters)
    page = CatalogPage(number=number, count=total)
    items = catalog_items(entries, district=district)
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(request, "contracts/catalog.html", {
        "items": items, "page": page, "filters": filters, "district": district, "query": query,
        "categories": Category.objects.filter(products__schedule_entries__isnull=False).distinct().order_by("name"),
        "grade_bands": GRADE_BANDS, "subjects": SUBJECTS, "interoperability": INTEROPERABILITY,
        "kinds": PRODUCT_FAMILIES})


@public
def product(request, product_id: int):
    item_product = Product.objects.select_related("vendor", "category").filter(pk=product_id, active=True).first()
    if item_product is None:
        raise Http404("No such product.")
    district = district_acting(getattr(request, "actor", None))
    items = catalog_items(list(catalog_search(product_id=product_id)), district=district)
    actor = getattr(request, "actor", None)
    context = {"product": item_product, "items": items, "district": district,
               **facts_panel(item_product, actor=actor)}
    if district is not None:
        from compliance.selectors.verdicts import compliance_check

        best = best_offer(items)
        context["best"] = best
        # under the agreement the catalog offers first (the same choice as `best_offer`)
        context["check"] = compliance_check(district=district, product=item_product,
                                            agreement_id=best.agreement.pk if best else None)
    from compliance.selectors.evidence import product_dpas_for, report_list

    context["reports"] = report_list(product=item_product)
    context["dpas"] = product_dpas_for(product=item_product, actor=request.actor, district=district)
    return render(request, "contracts/catalog_product.html", context)
