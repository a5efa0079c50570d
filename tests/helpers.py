"""Small functions every app's tests share: documents to upload, signing in, API tokens, and the
scene builders that more than one app's fixtures use. Fixtures live in `tests/fixtures/`."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cast import PASSWORD, SYSTEM

# The smallest file that passes `core.documents.validate_pdf`'s checks of a real PDF.
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf(name: str = "doc.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    """A PDF upload (`content` to send other bytes under a PDF name)."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def login(client, user) -> None:
    """Sign the test client in as `user` (signing out whoever was signed in)."""
    client.logout()
    assert client.login(email=user.email, password=PASSWORD)


def token(user) -> dict:
    """Headers with a new API token of the user's first role."""
    from accounts.acting import Actor
    from accounts.services import api_token_create

    assignment = user.role_assignments.first()
    _, secret = api_token_create(user=user, assignment=assignment, actor=Actor.from_assignment(assignment))
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def make_product(vendor, name, price="330.00", category_code="chromebooks", kind="device"):
    """An active catalog product of `vendor` (software collects student identifiers)."""
    from catalog.services import ProductData, category_ensure, product_create

    category = category_ensure(code=category_code, name=category_code.title(), actor=SYSTEM)
    return product_create(vendor=vendor, data=ProductData(
        name=name, category=category, kind=kind, list_price=Decimal(price), unit="each",
        data_collected=["student_identifiers"] if kind != "device" else []), actor=SYSTEM)


def content(category, **overrides):
    """A solicitation's content: Chromebooks (CB-11) and licences (LIC), two requirements (dpa,
    wcag), price 40 / functionality 35 / support 25."""
    from sourcing.services.solicitations import SolicitationContent

    data = dict(
        title="Chromebooks 2027", description="Student Chromebooks for the 2027 school year.",
        category=category,
        lines=[{"reference": "CB-11", "description": "11-inch Chromebook", "unit": "device",
                "estimated_quantity": 1200},
               {"reference": "LIC", "description": "Management licence", "unit": "licence",
                "estimated_quantity": 1200}],
        requirements=[{"code": "dpa", "text": "Will sign the California Student Data Privacy Agreement"},
                      {"code": "wcag", "text": "WCAG 2.1 AA conformance report provided"}],
        criteria=[{"name": "Price", "weight": 40, "is_price": True},
                  {"name": "Functionality", "weight": 35},
                  {"name": "Support", "weight": 25}],
        score_threshold=Decimal("60"))
    data.update(overrides)
    return SolicitationContent(**data)


def bid_data(price1="289.00", price2="20.00", dpa=True, wcag=True, max_quantity=None):
    """A bid on `content`'s lines (the second tier of CB-11 ten dollars cheaper)."""
    return {"lines": [
        {"line": "CB-11", "tiers": [{"min_quantity": 1, "unit_price": price1},
                                    {"min_quantity": 1000, "unit_price": str(Decimal(price1) - 10)}],
         "max_quantity": max_quantity},
        {"line": "LIC", "tiers": [{"min_quantity": 1, "unit_price": price2}]}],
        "attestations": {"dpa": dpa, "wcag": wcag}, "notes": "Includes 3-year warranty."}


def decided_competition(cast, awarded, agreements, chosen_vendor):
    """District A's mini-competition on `awarded`, quoted by and decided for `chosen_vendor`."""
    from contracts.services.participation import (minicompetition_decide, minicompetition_start,
                                                  quote_answer, quote_request)

    buyer = cast.actor(cast.buyer_a)
    competition = minicompetition_start(district=cast.district_a, solicitation=awarded,
                                        quantities={"CB": 800, "LIC": 800}, actor=buyer)
    agreement = agreements[chosen_vendor.pk]
    quote = quote_request(competition=competition, agreement=agreement, message="Delivery by July?",
                          actor=buyer)
    vendor_user = cast.vendor_user_a if chosen_vendor == cast.vendor_a else cast.vendor_user_b
    quote_answer(quote=quote, quote_total=Decimal("250000.00"), implementation_plan="Deliver in July",
                 actor=cast.actor(vendor_user))
    return minicompetition_decide(competition=competition, agreement=agreement,
                                  reasons="Best total and plan", actor=buyer)


NY_RULE = "ny-piggyback-single-award"


def products_of(agreement):
    from contracts.selectors.agreements import current_schedule

    return [e.product for e in current_schedule(agreement).entries.select_related("product")]


def own_dpa(vendor, district, products, *, template="state_variant", variant="CSDPA"):
    """`vendor`'s DPA signed by `district` itself 60 days ago, for `products`."""
    import datetime as dt

    from django.utils import timezone

    from compliance.services.evidence import dpa_create

    from compliance.services.dpa_sides import dpa_district_sign

    signed = timezone.localdate() - dt.timedelta(days=60)
    dpa = dpa_create(vendor=vendor, district=district, template=template, template_version="v2",
                     state_variant=variant if district.state == "CA" else "",
                     signed_on=signed, expires_on=None, products=products, document=pdf(), actor=SYSTEM)
    # the district's side, recorded by staff from its signed copy (a vendor alone only proposes)
    return dpa_district_sign(dpa=dpa, signed_on=signed, document=pdf(), actor=SYSTEM)


def ny_evidence(district, agreement):
    """The New York district's own DPA with the agreement's vendor, and a current VPAT for every
    product: only the piggyback rule is left to refuse the join."""
    import datetime as dt

    from django.utils import timezone

    from compliance.services.evidence import accessibility_report_add

    products = products_of(agreement)
    own_dpa(agreement.vendor, district, [p for p in products if p.data_collected], template="ndpa")
    for product in products:
        if not product.accessibility_reports.exists():
            accessibility_report_add(product=product, standard="WCAG 2.1", level="AA",
                                     report_date=timezone.localdate() - dt.timedelta(days=30),
                                     document=pdf(), actor=SYSTEM)


def confirm_page(client, url, data=None):
    """GET an irreversible action's confirmation page (core.confirm); returns (response, token)."""
    import re

    page = client.get(url, data or {})
    found = re.search(r'name="confirm" value="([^"]+)"', page.content.decode())
    return page, found.group(1) if found else None


def confirmed_post(client, url, data=None, **kwargs):
    """Perform an irreversible action as a person does: read its confirmation page, then POST
    with the page's token (and `data`)."""
    page, confirm = confirm_page(client, url, data)
    assert confirm, f"no confirmation page at {url} ({page.status_code})"
    return client.post(url, {**(data or {}), "confirm": confirm}, **kwargs)
