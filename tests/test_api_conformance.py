"""The OpenAPI document types every answer, and the conformance check (`tests.api_conformance`) that
every API test runs through its `client` holds responses to it."""

from __future__ import annotations

import pytest
from django.http import HttpResponse, JsonResponse

from tests.api_conformance import (UNTYPED_YET, ConformanceError, ConformingClient, check_response,
                                   document, operation_for, operations, schema_classes)

SUCCESS_WITHOUT_BODY = {"204"}


def _typed(schema: dict) -> bool:
    """A schema that names its fields: a component, a list of them, or an object with properties
    (not a bare `{"type": "object", "additionalProperties": true}`)."""
    if "$ref" in schema:
        return True
    if "anyOf" in schema or "oneOf" in schema:
        return all(_typed(s) for s in schema.get("anyOf", schema.get("oneOf")))
    if schema.get("type") == "array":
        return _typed(schema.get("items", {}))
    return schema.get("type") == "object" and bool(schema.get("properties"))


def _is_file(content: dict) -> bool:
    """A file answer (e.g. CSV or XLSX, bulkdata.api): no JSON, only string bodies of named media types."""
    return bool(content) and "application/json" not in content and all(
        (c.get("schema") or {}).get("type") == "string" for c in content.values())


def _success_schemas(operation: dict) -> dict[str, object]:
    """Each 2xx status of the operation -> its JSON schema (None if it declares none); a status
    that answers a file (`_is_file`) is typed by its media types and left out."""
    result = {}
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            content = response.get("content") or {}
            if _is_file(content):
                continue
            result[status] = (content.get("application/json") or {}).get("schema")
    return result


def test_every_operation_declares_a_typed_schema_for_each_success_status():
    missing = []
    for operation in operations():
        if operation["operationId"] in UNTYPED_YET:
            continue
        schemas = _success_schemas(operation)
        files = [s for s, r in operation["responses"].items() if s.startswith("2") and _is_file(r.get("content") or {})]
        if not schemas and not files:
            missing.append((operation["operationId"], "no 2xx status"))
        for status, schema in schemas.items():
            if status in SUCCESS_WITHOUT_BODY:
                continue
            if schema is None or not _typed(schema):
                missing.append((operation["operationId"], status))
    assert not missing, f"operations without a typed response schema: {missing}"


def test_untyped_yet_names_only_operations_still_untyped():
    """Remove an operation from UNTYPED_YET as soon as it is typed (the set must end up empty)."""
    by_id = {op["operationId"]: op for op in operations()}
    unknown = sorted(UNTYPED_YET - set(by_id))
    assert not unknown, f"UNTYPED_YET names operations the document does not have: {unknown}"
    typed = sorted(op_id for op_id in UNTYPED_YET
                   if all(schema is not None and _typed(schema)
                          for status, schema in _success_schemas(by_id[op_id]).items()
                          if status not in SUCCESS_WITHOUT_BODY))
    assert not typed, f"typed now, remove from UNTYPED_YET: {typed}"


def test_schema_class_names_are_unique():
    """The OpenAPI document names each schema by its class name: two classes with one name collapse
    into one, and the document then describes one body with the other's fields."""
    found = schema_classes()
    assert {"OrderIn", "OrderOut", "SolicitationOut", "SalesReportIn", "ApiError"} <= set(found)
    shared = {name: sorted(where) for name, where in found.items() if len(where) > 1}
    assert not shared, f"schema classes sharing a name: {shared}"
    schemas = document()["components"]["schemas"]
    enums = {name for name, body in schemas.items() if "enum" in body}  # choices, e.g. NeedStatus
    components = set(schemas) - enums
    assert components - {"ApiError"} <= set(found), components - set(found)


def test_money_and_scores_are_documented_as_the_strings_they_are():
    schemas = document()["components"]["schemas"]
    for component, field in [("OrderOut", "total"), ("OrderLineOut", "list_price"),
                             ("RebateStatementRowOut", "outstanding"), ("SettlementOut", "amount"),
                             ("TabulationBidOut", "evaluated_total"), ("SourcingScoreOut", "points"),
                             ("SolicitationCriterionOut", "weight")]:
        assert schemas[component]["properties"][field]["type"] == "string", (component, field)
    unit_price = schemas["OrderLineOut"]["properties"]["unit_price"]
    assert {s.get("type") for s in unit_price["anyOf"]} == {"string", "null"}


def _order_id_path() -> str:
    return "/api/v1/orders/7"


def _an_order(**changes) -> dict:
    order = {"id": 7, "number": "ORD-7", "district": "A", "agreement": "MA-1", "agreement_id": 1,
             "state": "draft", "needs_approval": False, "reference": "", "total": "80.00",
             "submitted_at": None,
             "lines": [{"id": 1, "product_id": 2, "product": "P", "line": "L1", "quantity": 1,
                        "list_price": "80.00", "unit_price": None, "amount": None, "volume_after": None}]}
    return {**order, **changes}


def test_the_check_finds_the_operation_of_a_path():
    assert operation_for("GET", "/api/v1/orders/7")["path"] == "/api/v1/orders/{order_id}"
    assert operation_for("post", "/api/v1/orders")["path"] == "/api/v1/orders"
    assert operation_for("GET", "/api/v1/rebates")["path"] == "/api/v1/rebates"
    assert operation_for("PATCH", "/api/v1/orders/7") is None
    assert operation_for("GET", "/api/v1/no-such-thing") is None


def test_the_check_accepts_what_the_document_describes():
    check_response("GET", _order_id_path(), JsonResponse(_an_order()))
    check_response("GET", _order_id_path(), JsonResponse({"detail": "No such order."}, status=404))
    check_response("GET", "/api/v1/no-such-thing", JsonResponse({"detail": "Not found."}, status=404))
    check_response("GET", "/elsewhere/", HttpResponse("<p>a page</p>", status=418))


@pytest.mark.parametrize("method, path, response, complaint", [
    ("GET", "/api/v1/orders/7", JsonResponse(_an_order(), status=201), "does not declare"),
    ("GET", "/api/v1/orders/7", JsonResponse(_an_order(total=80.0)), "'total'"),
    ("GET", "/api/v1/orders/7", JsonResponse(_an_order(submitted_at="yesterday")), "'submitted_at'"),
    ("GET", "/api/v1/orders/7", JsonResponse({k: v for k, v in _an_order().items() if k != "state"}),
     "'state' is a required property"),
    ("GET", "/api/v1/orders/7", JsonResponse({"detail": 404}, status=404), "'detail'"),
    ("GET", "/api/v1/orders/7", HttpResponse("id,total", content_type="text/csv"), "text/csv"),
    ("GET", "/api/v1/orders", JsonResponse(_an_order()), "is not of type 'array'"),
])
def test_the_check_refuses_what_the_document_does_not_describe(method, path, response, complaint):
    with pytest.raises(ConformanceError, match=complaint):
        check_response(method, path, response)


def test_untyped_operations_are_skipped_until_typed(monkeypatch):
    import tests.api_conformance as conformance

    response = JsonResponse({"anything": True}, status=299)
    with pytest.raises(ConformanceError):
        check_response("GET", "/api/v1/orders/7", response)
    monkeypatch.setattr(conformance, "UNTYPED_YET", frozenset({operation_for("GET", "/api/v1/orders/7")["operationId"]}))
    check_response("GET", "/api/v1/orders/7", response)


def test_the_client_fixture_checks_api_responses(client, db, monkeypatch):
    assert isinstance(client, ConformingClient)
    assert client.get("/api/v1/solicitations").json() == []
    assert client.get("/api/v1/solicitations", {"state": "x" * 10_000}).status_code == 422

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("sourcing.selectors.solicitation_list", broken)
    with pytest.raises(ConformanceError, match="GET /api/v1/solicitations .* answered 500"):
        client.get("/api/v1/solicitations")
