"""Parts of a product's page that higher apps contribute.

The product page (`catalog.views.product_detail`) shows the vendor's compliance evidence, which
`compliance` owns and which sits above `catalog`. So `compliance` registers, in its
`AppConfig.ready`, functions giving the page what it needs, and the catalog never imports it:

- `register_product_context(provider)`: template context for the evidence sections;
- `register_fact_evidence(provider)`: the evidence behind a stated fact, shown beside it
  ("Accessibility: conforms to WCAG 2.1 AA, VPAT dated ...", "Student data collected: ... DPA
  #12"), as `EvidenceLink`s keyed by the Product field the fact is in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

_providers: list[Callable[..., dict]] = []
_fact_providers: list[Callable[..., dict]] = []


@dataclass(frozen=True)
class EvidenceLink:
    text: str  # e.g. "VPAT (WCAG 2.1 AA), dated 2026-08-01"
    url: str = ""  # the document, or the section of the page listing it
    warning: str = ""  # e.g. "The report does not support the claim: level A only."


def register_product_context(provider: Callable[..., dict]) -> None:
    """`provider(product=..., actor=...)` returns template context for the product page."""
    if provider not in _providers:
        _providers.append(provider)


def register_fact_evidence(provider: Callable[..., dict]) -> None:
    """`provider(product=..., actor=...)` returns {fact field: [EvidenceLink, ...]}."""
    if provider not in _fact_providers:
        _fact_providers.append(provider)


def product_page_context(*, product, actor) -> dict:
    context: dict = {}
    for provider in _providers:
        context.update(provider(product=product, actor=actor))
    return context


def fact_evidence(*, product, actor) -> dict[str, list[EvidenceLink]]:
    found: dict[str, list[EvidenceLink]] = {}
    for provider in _fact_providers:
        for name, links in provider(product=product, actor=actor).items():
            found.setdefault(name, []).extend(links)
    return found
