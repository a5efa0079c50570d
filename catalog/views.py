"""Vendors manage their products; staff and districts read them."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import roles
from accounts.acting import READERS, STAFF, VENDOR, is_staff
from catalog import selectors
from catalog.facts import facts_panel
from catalog.forms import ProductForm
from catalog.sections import product_page_context
from catalog.services import product_create, product_facts_check, product_update
from core.limits import parse_id
from core.views import run_service, submit_form
from vendors.selectors import vendor_for_actor


@roles(VENDOR)
def vendor_products(request):
    vendor = vendor_for_actor(request.actor)
    form = ProductForm(request.POST or None)
    if request.method == "POST":
        done = submit_form(request, form, lambda: product_create(vendor=vendor, data=form.product_data(),
                                                                 actor=request.actor),
                           success=lambda product: f"{product.name} added.", redirect_to="catalog:vendor-products")
        if done:
            return done
    return render(request, "catalog/vendor_products.html", {
        "vendor": vendor, "products": selectors.products_of_vendor(vendor), "form": form},
        status=400 if form.errors else 200)


def _saved(product) -> str:
    if product.facts_checked:
        return f"{product.name} saved. Its facts (version {product.facts_version}) are checked by consortium staff."
    return (f"{product.name} saved. Its facts are version {product.facts_version}, which consortium staff "
            "have not checked yet.")


@roles(VENDOR)
def vendor_product_edit(request, product_id: int):
    product = selectors.product_for_actor(product_id=product_id, actor=request.actor)
    form = ProductForm(request.POST or None, initial=ProductForm.initial_from(product))
    if request.method == "POST":
        done = submit_form(request, form, lambda: product_update(product=product, data=form.product_data(),
                                                                 actor=request.actor),
                           success=_saved, redirect_to="catalog:vendor-products")
        if done:
            return done
    return render(request, "catalog/product_edit.html", {"product": product, "form": form},
                  status=400 if form.errors else 200)


@roles(*READERS, VENDOR)
def product_detail(request, product_id: int):
    product = selectors.product_for_actor(product_id=product_id, actor=request.actor)
    # The vendor's compliance evidence comes from `compliance` (above catalog): see catalog.sections.
    panel = facts_panel(product, actor=request.actor, show_emails=is_staff(request.actor))
    return render(request, "catalog/product.html", {
        "product": product, **panel,
        "may_check": is_staff(request.actor) and panel["history"] and not product.facts_checked,
        **product_page_context(product=product, actor=request.actor)})


@roles(STAFF)
@require_POST
def product_facts_check_view(request, product_id: int):
    """Staff mark the version of the facts they reviewed (sent by the page) as checked."""
    product = selectors.product_for_actor(product_id=product_id, actor=request.actor)
    back = reverse("catalog:product", args=[product.pk])

    def check():
        version = parse_id(request.POST.get("version"), field="version")
        return product_facts_check(product=product, version=version, actor=request.actor)

    return run_service(request, check, redirect_to=back,
                       success=lambda v: f"Version {v.number} of {product.name}'s facts is marked checked.")


@roles(STAFF)
def facts_to_check(request):
    """Staff: products whose current facts nobody on staff has checked yet."""
    page = Paginator(selectors.facts_to_check(), 50).get_page(request.GET.get("page"))
    return render(request, "catalog/facts_to_check.html", {"page": page})
