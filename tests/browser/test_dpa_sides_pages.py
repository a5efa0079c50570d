"""The district's side of a DPA a vendor proposed, in a real browser with axe-core: a district
buyer countersigns it (confirmation page, then the result), and staff record another district's
signed copy (a refusal shown on the form, then the date and the PDF). Screenshots in
var/screenshots/dpa-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from django.conf import settings
from django.utils import timezone

from tests.browser.helpers import axe_violations, login
from tests.cast import PASSWORD
from tests.helpers import PDF

pytestmark = pytest.mark.browser


@pytest.fixture
def proposed_world(cast):
    """Two agreements vendor A recorded and no district signed yet: one naming district A (its
    buyer countersigns), one naming district B (staff record B's signed copy)."""
    from compliance.tests.conftest import add_dpa, make_product

    cast.product = make_product(cast.vendor_a)
    cast.for_a = add_dpa(cast.vendor_a, cast.district_a, [cast.product], countersigned=False)
    cast.for_b = add_dpa(cast.vendor_a, cast.district_b, [cast.product], countersigned=False, offer=True)
    return cast


def _check(page, problems: dict, where: str, shots: Path, name: str) -> None:
    found = axe_violations(page)
    if found:
        problems[where] = found
    page.screenshot(path=str(shots / f"dpa-{name}.png"), full_page=True)


def test_countersign_and_district_copy_forms(proposed_world, live_server, page, tmp_path):
    from compliance.models import DataPrivacyAgreement

    c, base = proposed_world, live_server.url
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}

    # the district's buyer countersigns the agreement naming its district
    login(page, base, c.buyer_a.email, PASSWORD)
    page.goto(base + "/compliance/offers/")
    assert "proposed by the vendor" in page.content()
    page.click(f"a[href='/compliance/dpas/{c.for_a.pk}/countersign/']")
    page.wait_for_load_state()
    assert f"Countersign DPA #{c.for_a.pk}" in page.content() and c.product.name in page.content()
    _check(page, problems, "countersign confirmation", shots, "countersign-confirm")
    page.click("main button[type=submit]:has-text('Countersign')")
    page.wait_for_load_state()
    assert f"Countersigned: DPA #{c.for_a.pk} now counts for your district." in page.content()
    _check(page, problems, "after countersigning", shots, "countersign-done")
    c.for_a.refresh_from_db()
    assert c.for_a.district_side == "countersigned" and c.for_a.district_signed_on == timezone.localdate()

    # staff record district B's signed copy: first without anything (refused on the form)
    login(page, base, c.staff.email, PASSWORD)
    page.goto(base + "/compliance/offers/?state=CA")
    page.click(f"a[href='/compliance/dpas/{c.for_b.pk}/district-copy/']")
    page.wait_for_load_state()
    assert "Record the signed copy" in page.content()
    _check(page, problems, "district copy form", shots, "district-copy-form")
    page.click("main button[type=submit]:has-text('Record the signed copy')")
    page.wait_for_load_state()
    expect(page.locator(".error-summary")).to_be_visible()
    _check(page, problems, "district copy form with errors", shots, "district-copy-errors")
    assert DataPrivacyAgreement.objects.get(pk=c.for_b.pk).proposed  # nothing recorded
    signed_on = c.for_b.signed_on
    page.fill("#id_signed_on", signed_on.isoformat())
    copy = tmp_path / "district-copy.pdf"
    copy.write_bytes(PDF)
    page.set_input_files("#id_document", str(copy))
    page.click("main button[type=submit]:has-text('Record the signed copy')")
    page.wait_for_load_state()
    assert f"The district's signed copy of DPA #{c.for_b.pk} is recorded: it now counts." in page.content()
    _check(page, problems, "after recording the copy", shots, "district-copy-done")
    c.for_b.refresh_from_db()
    assert (c.for_b.district_side, c.for_b.district_signed_on) == ("copy_recorded", signed_on)
    assert c.for_b.district_document

    assert not problems, "\n".join(f"{where}:\n  " + "\n  ".join(v) for where, v in problems.items())
