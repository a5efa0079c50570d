"""Every page and every API operation, asked by every member of the cast.

The tables in tests/authz/ (pages_*.py and api_*.py, one file per area) are the specification. A
URL pattern or API operation missing from them fails the build, and so does a view without an
access declaration (accounts.access), so a new page cannot ship without someone deciding who may
open it. A new area adds its own table file; this module merges them in file-name order.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests.authz
from accounts.acting import Actor
from accounts.services import api_token_create
from edpool.api import api
from members.states import MembershipState
from tests.authz.common import ROLES
from tests.authz.worlds import (attach_resolution, compliance_world, contracts_world,  # noqa: F401 (fixtures)
                                reports_world, sourcing_world)
from tests.cast import PASSWORD


def _tables(prefix: str, name: str) -> dict:
    """The tables of tests/authz/<prefix>_*.py merged in file-name order; a key in two files fails."""
    merged: dict = {}
    modules = sorted(m.name for m in pkgutil.iter_modules(tests.authz.__path__) if m.name.startswith(prefix))
    for module_name in modules:
        table = getattr(importlib.import_module(f"tests.authz.{module_name}"), name)
        twice = set(merged) & set(table)
        assert not twice, f"{module_name} repeats {sorted(twice)}"
        merged.update(table)
    return merged


WORLDS = pytest.mark.usefixtures("sourcing_world", "compliance_world", "contracts_world", "reports_world")

# url name -> (kwargs from the cast, expected GET status per role)
PAGES = _tables("pages_", "PAGES")
# (method, path) -> (path params, body kind, body, expected status per role)
API = _tables("api_", "API")
NOT_OURS = ("admin", "api-v1")  # the Django admin (tested below) and the API (tested below)


def walk(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns and ns.split(":")[0] in NOT_OURS:
                continue
            yield from walk(entry, f"{ns}" if entry.namespace else namespace,
                            prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), entry.callback


def sign_in(client, cast, role: str) -> None:
    if role != "anon":
        assert client.login(email=cast.users_by_role[role].email, password=PASSWORD)



def test_every_page_is_declared_and_in_the_table():
    missing_decl, missing_table = [], []
    for name, route, callback in walk(get_resolver()):
        if getattr(callback, "edpool_access", None) is None:
            missing_decl.append(f"{name or route}")
        if name not in PAGES:
            missing_table.append(f"{name or route}")
    assert not missing_decl, f"views without an access declaration: {missing_decl}"
    assert not missing_table, f"pages missing from the matrix: {missing_table}"


@pytest.mark.parametrize("role", ROLES)
@WORLDS
def test_page_matrix(client, cast, role):
    from django.urls import reverse

    attach_resolution(cast)
    sign_in(client, cast, role)
    wrong = []
    for name, (kwargs, table) in PAGES.items():
        url = reverse(name, kwargs=kwargs(cast))
        status = client.get(url).status_code
        if status != table[role]:
            wrong.append(f"{name} {url}: expected {table[role]}, got {status}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ["anon", "buyer_b", "approver_b", "evaluator", "vendor_a"])
def test_foreign_roles_cannot_change_a_membership(client, cast, role):
    sign_in(client, cast, role)
    url = f"/memberships/{cast.membership_a.pk}/withdraw/"
    response = client.post(url, {"withdraw-reason": "hostile takeover"})
    assert response.status_code == (302 if role == "anon" else 403)
    cast.membership_a.refresh_from_db()
    assert cast.membership_a.state == MembershipState.ACTIVE


@pytest.mark.parametrize("role", [r for r in ROLES if r != "staff"])
def test_only_staff_record_applications(client, cast, role):
    from members.models import District
    from members.services import DistrictRecord, district_upsert
    from tests.cast import SYSTEM

    outsider, _ = district_upsert(record=DistrictRecord(name="Outsider", state="CA",
                                                        state_leaid="CA-0999999"), actor=SYSTEM)
    sign_in(client, cast, role)
    response = client.post(f"/districts/{outsider.pk}/apply/")
    assert response.status_code == (302 if role == "anon" else 403)
    assert not District.objects.get(pk=outsider.pk).memberships.exists()


def test_admin_is_only_for_is_staff_users(client, cast):
    from accounts.services import user_create_or_update
    from tests.cast import SYSTEM

    sign_in(client, cast, "staff")  # consortium staff role, but not a Django admin user
    assert client.get("/admin/").status_code == 302
    user_create_or_update(email=cast.staff.email, can_open_admin=True, actor=SYSTEM)
    index = client.get("/admin/")
    assert index.status_code == 200 and b"/admin/members/district/" in index.content
    assert client.get("/admin/members/district/").status_code == 200
    district = client.get(f"/admin/members/district/{cast.district_a.pk}/change/")
    assert district.status_code == 200 and b'name="_save"' in district.content  # audited: may change
    user = client.get(f"/admin/accounts/user/{cast.staff.pk}/change/")
    assert user.status_code == 200 and b'name="_save"' not in user.content   # users: look only
    assert client.get("/admin/members/district/add/").status_code == 403
    assert client.get("/admin/audit/auditevent/").status_code == 200
    user_create_or_update(email=cast.staff.email, can_open_admin=False, actor=SYSTEM)
    assert client.get("/admin/").status_code == 302



def test_every_api_operation_is_in_the_table():
    schema = api.get_openapi_schema()
    operations = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}
    assert operations == set(API), (
        f"missing from the matrix: {operations - set(API)}; stale: {set(API) - operations}")


def _token(cast, role: str) -> str:
    user = cast.users_by_role[role]
    assignment = user.role_assignments.first()
    _, secret = api_token_create(user=user, assignment=assignment,
                                 actor=Actor.from_assignment(assignment))
    return secret


@pytest.mark.parametrize("role", ROLES)
@WORLDS
def test_api_matrix(client, cast, role):
    wrong = []
    for (method, path), (params, kind, body, table) in API.items():
        url = path.format(**params(cast))
        headers = {} if role == "anon" else {"HTTP_AUTHORIZATION": f"Bearer {_token(cast, role)}"}
        data = body(cast) if callable(body) else body
        if kind == "json":
            response = client.generic(method, url, data=__import__("json").dumps(data),
                                      content_type="application/json", **headers)
        elif kind == "form":
            response = client.post(url, data=data, **headers)
        else:
            response = client.generic(method, url, **headers)
        if response.status_code != table[role]:
            wrong.append(f"{method} {url}: expected {table[role]}, got {response.status_code} "
                         f"{response.content[:200]!r}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
