"""Vendors manage their products; staff and districts read them."""

from __future__ import annotations

from django.shortcuts import render

from accounts.access import roles
from accounts.acting import READERS, VENDOR
from catalog import selectors
from catalog.forms import ProductForm
from catalog.sections import product_page_context
from catalog.services import product_create, product_update
from core.views import submit_form
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


@roles(VENDOR)
def vendor_product_edit(request, product_id: int):
    product = selectors.product_for_actor(product_id=product_id, actor=request.actor)
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
    product = selectors.product_for_actor(product_id=product_id, actor=request.actor)
    # The vendor's compliance evidence comes from `compliance` (above catalog): see catalog.sections.
    return render(request, "catalog/product.html", {
        "product": product, **product_page_context(product=product, actor=request.actor)})
