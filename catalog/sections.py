"""Parts of a product's page that higher apps contribute.

The product page (`catalog.views.product_detail`) shows the vendor's compliance evidence, which
`compliance` owns and which sits above `catalog`. So `compliance` registers, in its
`AppConfig.ready`, a function giving the page what it needs, and the catalog never imports it.
"""

from __future__ import annotations

from typing import Callable

_providers: list[Callable[..., dict]] = []


def register_product_context(provider: Callable[..., dict]) -> None:
    """`provider(product=..., actor=...)` returns template context for the product page."""
    if provider not in _providers:
        _providers.append(provider)


def product_page_context(*, product, actor) -> dict:
    context: dict = {}
    for provider in _providers:
        context.update(provider(product=product, actor=actor))
    return context
