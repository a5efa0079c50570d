"""Pages of outside prices and consolidation opportunities: record and list outside prices, the
comparison shown on the catalog's product page, the staff's renegotiation list and consolidation
opportunities."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from accounts.access import public, roles
from accounts.acting import BUYER, READERS, STAFF
from catalog.models import Product
from core.confirm import Confirmation
from core.formatting import long_day
from core.limits import parse_id
from core.views import confirm_then_run, submit_form
from members.selectors import district_acting
from prices import selectors
from prices.forms import OutsidePriceForm
from prices.models import OutsidePrice
from prices.services import RECORDERS, may_withdraw, outside_price_record, outside_price_withdraw

PAGE_SIZE = 50


def _product_filter(request):
    raw = request.GET.get("product", "").strip()
    if not raw:
        return None
    try:
        return Product.objects.filter(pk=parse_id(raw, field="product")).select_related("vendor").first()
    except ValidationError:  # an unreadable id filters nothing
        return None


def _pool_prices(rows: list[OutsidePrice]) -> dict[int, Decimal]:
    offers = selectors.pool_offers({r.product_id for r in rows if r.product_id})
    return {pid: min(i.position.unit_price for i in items) for pid, items in offers.items() if items}


@roles(*READERS)
def outside_list(request):
    product = _product_filter(request)
    district = district_acting(request.actor)
    mine = request.GET.get("mine") == "1" and district is not None
    rows = selectors.outside_prices(product_id=product.pk if product else None,
                                    district=district if mine else None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    pool = _pool_prices(list(page.object_list))
    since = selectors.recent_since()
    shown = [selectors.Compared(row=r, pool_price=pool.get(r.product_id), recent=r.seen_on >= since)
             for r in page.object_list]
    query = urlencode({k: v for k, v in (("product", product.pk if product else ""),
                                         ("mine", "1" if mine else "")) if v})
    return render(request, "prices/outside_list.html", {
        "rows": [(c, may_withdraw(request.actor, c.row)) for c in shown], "page": page, "product": product,
        "district": district, "mine": mine, "query": query,
        "may_record": request.actor.role in RECORDERS, "recent_days": selectors.RECENT_DAYS})


@roles(*RECORDERS)
def outside_new(request):
    products = list(selectors.catalog_products())
    staff = request.actor.role == STAFF
    district = district_acting(request.actor) if request.actor.role == BUYER else None
    if request.method == "POST":
        form = OutsidePriceForm(request.POST, products=products, choose_district=staff)
        data = form.cleaned_data if form.is_valid() else {}
        response = submit_form(
            request, form, lambda: outside_price_record(
                description=data["description"], unit_price=data["unit_price"], quantity=data["quantity"],
                seen_on=data["seen_on"], source_kind=data["source_kind"], source_name=data["source_name"],
                source_url=data.get("source_url", ""), product_id=data.get("product_id"),
                match=data["match"], district_id=data.get("district_id"), note=data.get("note", ""),
                confirm_far=bool(data.get("confirm_far")), actor=request.actor),
            success=lambda row: f"Outside price recorded: {row.description} at ${row.unit_price:,.2f}.",
            redirect_to=lambda row: (reverse("prices:product-panel", args=[row.product_id]) if row.product_id
                                     else reverse("prices:outside-list")))
        if response is not None:
            return response
        status = 400
    else:
        initial = {}
        product = _product_filter(request)
        if product is not None:
            initial = {"product_id": product.pk, "description": product.name}
        form = OutsidePriceForm(initial=initial, products=products, choose_district=staff)
        status = 200
    return render(request, "prices/outside_new.html", {"form": form, "district": district}, status=status)


@roles(*RECORDERS)
def outside_withdraw(request, outside_price_id: int):
    row = selectors.outside_price_get(outside_price_id=outside_price_id)
    if not may_withdraw(request.actor, row):
        raise Http404("No such outside price you may withdraw.")
    back = reverse("prices:outside-list")
    return confirm_then_run(
        request, lambda: Confirmation(
            title=f"Withdraw the outside price {row.description} at ${row.unit_price:,.2f}?",
            button="Withdraw the price", back=back,
            effects=["It stays on file (with who withdrew it and when) but leaves every comparison: the "
                     "product page, the renegotiation list and the API.",
                     "This cannot be undone; record the price again if it was right."],
            amounts=[("Unit price", f"${row.unit_price:,.2f}"), ("Seen on", long_day(row.seen_on)),
                     ("Source", row.source_name)]),
        lambda: outside_price_withdraw(outside_price=row, actor=request.actor),
        success="Outside price withdrawn.", redirect_to=back)


@public
def product_panel(request, product_id: int):
    """The pool's price against outside prices for one product: the fragment the catalog's
    product page loads (htmx), or a page of its own when opened directly."""
    product = Product.objects.select_related("vendor", "category").filter(pk=product_id, active=True).first()
    if product is None:
        raise Http404("No such product.")
    actor = getattr(request, "actor", None)
    context = {"product": product, "allowed": selectors.may_read(actor),
               "may_record": actor is not None and actor.role in RECORDERS,
               "recent_days": selectors.RECENT_DAYS}
    if context["allowed"]:
        context["c"] = selectors.product_comparison(product)
    if request.headers.get("HX-Request") == "true":
        return render(request, "prices/_product_panel.html", context)
    return render(request, "prices/product.html", context)


@roles(STAFF)
def renegotiate(request):
    rows = selectors.renegotiation_list()
    return render(request, "prices/renegotiate.html", {"rows": rows, "recent_days": selectors.RECENT_DAYS,
                                                       "outlier_factor": selectors.OUTLIER_FACTOR})


@roles(STAFF)
def consolidation_page(request):
    return render(request, "prices/consolidation.html", {"result": selectors.consolidation_opportunities()})
