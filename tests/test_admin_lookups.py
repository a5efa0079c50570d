"""The admin answers only the filters each page declares: an arbitrary lookup in the query string
(on a field, a reverse relation or the audit chain's numbering) is refused, so no count can tell
who has bid before a deadline or where sealed audit events sit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin

from core.admin_lookups import DeclaredLookupsOnly
from tests.helpers import bid_data
from tests.cast import PASSWORD


def test_every_edpool_admin_takes_only_declared_lookups():
    root = Path(__file__).resolve().parents[1]
    edpool_apps = {c.label for c in apps.get_app_configs() if Path(c.path).resolve().parent == root}
    assert {"orders", "surveys", "matching"} <= edpool_apps  # every app of the project, new ones too
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in edpool_apps:
            assert isinstance(model_admin, DeclaredLookupsOnly), model


@pytest.fixture
def staff_admin(client, cast):
    from accounts.services import user_create_or_update

    user_create_or_update(email=cast.staff.email, can_open_admin=True, actor=cast.actor(cast.staff))
    assert client.login(email=cast.staff.email, password=PASSWORD)
    return client


@pytest.mark.parametrize("url", [
    "/admin/vendors/vendor/?bids__isnull=False",
    "/admin/vendors/vendor/?bids=1",
    "/admin/audit/auditevent/?seq=3",
    "/admin/audit/auditevent/?seq__gte=1&seq__lte=5",
    "/admin/sourcing/solicitation/?bids__vendor=1",
])
def test_undeclared_lookups_are_refused(staff_admin, cast, open_solicitation, url):
    from sourcing.services.bids import bid_submit

    bid_submit(solicitation=open_solicitation, data=bid_data(), actor=cast.actor(cast.vendor_user_a))
    response = staff_admin.get(url)
    assert response.status_code in (400, 302) and b"Vendor A" not in response.content
    if response.status_code == 302:
        assert "e=1" in response["Location"]  # Django's "invalid filter" redirect


def test_declared_filters_still_work(staff_admin):
    assert staff_admin.get("/admin/vendors/vendor/").status_code == 200
    assert staff_admin.get("/admin/audit/auditevent/?object_type=members.membership").status_code == 200
