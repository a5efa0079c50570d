"""Vendors manage their products; staff and districts read them."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from accounts.access import roles
from accounts.models import Role
from catalog import selectors
from catalog.forms import ProductForm
from catalog.sections import product_page_context
from catalog.services import product_create, product_update
from core.views import submit_form
from vendors.selectors import vendor_of_organisation

VENDOR = Role.VENDOR_USER
READERS = (Role.CONSORTIUM_STAFF, Role.DISTRICT_BUYER, Role.DISTRICT_APPROVER, Role.EVALUATOR)


def _vendor(request):
    vendor = vendor_of_organisation(request.actor.organisation)
    if vendor is None:
        raise Http404("Your organisation is not a vendor.")
    return vendor


@roles(VENDOR)
def vendor_products(request):
    vendor = _vendor(request)
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


@roles(VENDOR)
def vendor_product_edit(request, product_id: int):
    vendor = _vendor(request)
    product = selectors.products_of_vendor(vendor).filter(pk=product_id).first()
    if product is None:
        raise Http404("No such product of yours.")
    form = ProductForm(request.POST or None, initial=ProductForm.initial_from(product))
    if request.method == "POST":
        done = submit_form(request, form, lambda: product_update(product=product, data=form.product_data(),
                                                                 actor=request.actor),
                           success="Product saved.", redirect_to="catalog:vendor-products")
        if done:
            return done
    return render(request, "catalog/product_edit.html", {"product": product, "form": form},
                  status=400 if form.errors else 200)


@roles(*READERS, VENDOR)
def product_detail(request, product_id: int):
    product = selectors.product_get(product_id)
    if product is None:
        raise Http404("No such product.")
    if request.actor.role == VENDOR and product.vendor_id != _vendor(request).pk:
        raise Http404("No such product.")
    # The vendor's compliance evidence comes from `compliance` (above catalog): see catalog.sections.
    return render(request, "catalog/product.html", {
        "product": product, **product_page_context(product=product, actor=request.actor)})
