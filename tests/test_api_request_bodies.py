"""The request bodies in the OpenAPI document are the ones the server accepts.

For every operation with a request body, send the document's own example (or, without one, a
value built from the documented schema: every documented field, each at a value its schema
allows) and check the server did not refuse it for its *shape* (a missing, extra or wrong-typed
field, or an unreadable body). A refusal on the merits (no such agreement, not allowed in this
role, a date in the past) is fine: it comes from the operation, after the body was read.

Bodies are read before the operation checks roles or looks anything up, so one token and made-up
ids reach the body check of every operation.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.cast import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAKE_IDS = {"number": 1}


def resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example(schema: dict, components: dict, *, top: bool = False):
    """A value the schema allows: its example if it has one, else one built from its keywords."""
    schema = resolve(schema, components)
    if "examples" in schema and schema["examples"]:
        return schema["examples"][0]
    if "example" in schema:
        return schema["example"]
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        usable = [b for b in branches if resolve(b, components).get("type") != "null"]
        return example(usable[0], components)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: example(sub, components) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(schema.get("items", {}), components) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind == "integer":
        return max(1, schema.get("minimum", 1)) if schema.get("maximum", 2) >= 1 else schema.get("minimum", 0)
    if kind == "number":
        low = schema.get("minimum", 1)
        return low if low > 0 else min(1, schema.get("maximum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return "2030-03-04"
        if fmt == "date-time":
            return "2030-03-04T10:00:00Z"
        if fmt == "binary":
            return PDF
        if "pattern" in schema:
            for candidate in ("12.50", "12", "2026-Q1"):
                if re.search(schema["pattern"], candidate):
                    return candidate
        if "default" in schema and isinstance(schema["default"], str):
            return schema["default"]
        text = "example"
        return (text * 10)[: max(schema.get("minLength", 0), min(len(text), schema.get("maxLength", 7)))]
    return None


def operations_with_bodies(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody")
            if body:
                for content_type, content in body["content"].items():
                    yield path, method, operation, content_type, content


@pytest.fixture
def shape_errors(monkeypatch):
    """Records every refusal of a request for its shape (Ninja's request validation and the
    unreadable-body error)."""
    from ninja.errors import HttpError
    from ninja.errors import ValidationError as RequestValidationError

    from edpool.api import api

    seen: list = []
    handlers = api._exception_handlers
    for exc_class in (RequestValidationError, HttpError):
        original = handlers[exc_class]

        def spy(request, exc, original=original):
            if isinstance(exc, RequestValidationError) or getattr(exc, "status_code", None) == 400:
                seen.append(getattr(exc, "errors", str(exc)))
            return original(request, exc)

        monkeypatch.setitem(handlers, exc_class, spy)
    return seen


def test_every_documented_request_body_is_accepted_as_documented(client, cast, shape_errors):
    token = client.post("/api/v1/auth/token", data=json.dumps({"email": "staff@example.org", "password": PASSWORD}),
                        content_type="application/json").json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    document = client.get("/api/v1/openapi.json").json()
    components = document["components"]["schemas"]
    checked, problems = 0, []
    for path, method, operation, content_type, content in operations_with_bodies(document):
        if operation["operationId"].startswith("accounts_api_token"):
            continue  # the token itself: covered by the accounts tests
        url = re.sub(r"\{(\w+)\}", lambda m: str(FAKE_IDS.get(m.group(1), 1)), path)
        body = example(content["schema"], components, top=True)
        shape_errors.clear()
        if content_type == "application/json":
            response = client.generic(method.upper(), url, json.dumps(body), content_type="application/json", **auth)
        else:
            assert content_type in ("multipart/form-data", "application/x-www-form-urlencoded"), content_type
            from django.core.files.uploadedfile import SimpleUploadedFile

            form = {k: (SimpleUploadedFile("document.pdf", v, "application/pdf") if isinstance(v, bytes) else v)
                    for k, v in body.items() if v is not None}
            response = client.post(url, form, **auth)
        checked += 1
        if shape_errors or response.status_code >= 500:
            problems.append(f"{method.upper()} {path}: {response.status_code} {shape_errors or response.content[:200]}"
                            f" for {json.dumps(body, default=str)[:300]}")
    assert checked >= 50
    assert not problems, "\n".join(problems)


def test_the_example_builder_follows_the_bounds():
    components = {"Line": {"type": "object", "properties": {
        "quantity": {"type": "integer", "minimum": 1, "maximum": 10},
        "price": {"anyOf": [{"type": "number", "minimum": 0.0, "maximum": 5.0}, {"type": "string"}]},
        "code": {"type": "string", "maxLength": 3}}}}
    assert example({"$ref": "#/components/schemas/Line"}, components) == {"quantity": 1, "price": 1, "code": "exa"}
