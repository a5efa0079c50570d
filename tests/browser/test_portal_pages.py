"""The public portal in a real browser, signed out: every kind of portal page passes axe-core
(no serious or critical issue) at desktop width and at 375 px, the search form works from the
keyboard, and each page is saved as var/screenshots/portal-<name>.png for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.tests.conftest import scene  # noqa: F401 (the portal's scene, a fixture)
from tests.browser.helpers import axe_violations

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_portal_pages_pass_axe_signed_out(cast, scene, live_server, page):  # noqa: F811
    agreement = scene.agreements[cast.vendor_a.pk]
    pages = {
        "index": "/public/", "solicitations": "/public/solicitations/",
        "solicitation": f"/public/solicitations/{scene.open.pk}/",
        "awards": "/public/awards/", "award": f"/public/awards/{scene.awarded.pk}/",
        "agreements": "/public/agreements/", "agreement": f"/public/agreements/{agreement.pk}/",
        "vendors": "/public/vendors/", "vendor": f"/public/vendors/{cast.vendor_a.pk}/",
        "members": "/public/members/", "savings": "/public/savings/", "search": "/public/search/?q=vendor",
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    for width, suffix in ((1280, ""), (375, "-375")):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            found = axe_violations(page)
            if found:
                problems[f"{path} at {width}px"] = found
            page.screenshot(path=str(SHOTS / f"portal-{name}{suffix}.png"), full_page=True)
    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())

    # Search from the keyboard: type, press Enter, land on the results.
    page.goto(live_server.url + "/public/")
    page.fill("#portal-q", "chromebook")
    page.press("#portal-q", "Enter")
    page.wait_for_url("**/public/search/?q=chromebook")
    assert "Vendor A, Inc. Chromebook 11" in page.inner_text("main")
