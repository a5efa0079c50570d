"""API: OCDS open data. Public: everyone (signed in or not, in any role) reads the release
packages and records; an unknown ocid answers 404 to everyone."""

from tests.authz.common import expect

API = {
    ("GET", "/api/v1/ocds/releases"): (lambda c: {}, None, None, expect(200)),
    ("GET", "/api/v1/ocds/records/{ocid}"): (lambda c: {"ocid": "ocds-edpool-sol-999999"}, None, None,
                                             expect(404)),
}
