"""API conformance: every /api/v1/ response a test receives is checked against the OpenAPI document.

`ConformingClient` is Django's test Client (the `client` fixture of every test, see the root
conftest) that, after each request to /api/v1/, finds the operation the document declares for the
method and path and fails the test when

- the status is not among the operation's documented responses, or
- the body does not validate against the schema the document declares for that status ($refs
  resolved from the document itself, `date-time` and `date` formats checked), or
- the response is of another media type than the one documented.

Paths the document does not know (an unknown address answering 404, the docs page, the document
itself) and operations in `UNTYPED_YET` are not checked.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from typing import Any, Optional

from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

API_PREFIX = "/api/v1/"

# Operations whose answers are not typed yet, which the check skips. Empty: contracts and reports
# were the last (typed on the api2 branch). List an operation here only while its schemas are being
# written; `test_api_conformance` fails once a listed operation is typed, so the entry is removed.
UNTYPED_YET: frozenset[str] = frozenset()


class ConformanceError(AssertionError):
    """A response that the OpenAPI document does not describe."""


@functools.cache
def document() -> dict[str, Any]:
    """The OpenAPI document, as clients read it (plain JSON)."""
    from edpool.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def operations() -> list[dict[str, Any]]:
    """Every operation of the document, with its `method` and `path` added."""
    return [{**operation, "method": method, "path": path}
            for path, methods in document()["paths"].items() for method, operation in methods.items()]


@functools.cache
def _routes() -> list[tuple[re.Pattern, str, dict[str, Any]]]:
    routes = []
    for operation in operations():
        path = operation["path"]
        pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "/?$")
        routes.append((path.count("{"), pattern, operation["method"], operation))
    routes.sort(key=lambda route: route[0])  # a literal segment wins over a parameter
    return [(pattern, method, operation) for _, pattern, method, operation in routes]


def operation_for(method: str, path: str) -> Optional[dict[str, Any]]:
    method = method.lower()
    for pattern, route_method, operation in _routes():
        if route_method == method and pattern.match(path):
            return operation
    return None


def _is_moment(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return dt.datetime.fromisoformat(value).tzinfo is not None and "T" in value
    except ValueError:
        return False


def _is_day(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


FORMATS = FormatChecker(formats=())
FORMATS.checks("date-time")(_is_moment)
FORMATS.checks("date")(_is_day)


@functools.cache
def validator(operation_id: str, status: str, media_type: str) -> Draft202012Validator:
    """A validator of the schema declared for (operation, status, media type); its `$ref`s to
    `#/components/...` resolve in the document."""
    operation = next(op for op in operations() if op["operationId"] == operation_id)
    schema = operation["responses"][status]["content"][media_type]["schema"]
    return Draft202012Validator({**schema, "components": document()["components"]}, format_checker=FORMATS)


def check_response(method: str, path: str, response) -> None:
    """Raise ConformanceError if the document does not describe this response of the API."""
    if not path.startswith(API_PREFIX):
        return
    operation = operation_for(method, path)
    if operation is None or operation["operationId"] in UNTYPED_YET:
        return
    where = f"{method.upper()} {path} ({operation['operationId']}) answered {response.status_code}"
    status = str(response.status_code)
    declared = operation["responses"].get(status)
    if declared is None:
        raise ConformanceError(f"{where}, a status the document does not declare "
                               f"(declared: {', '.join(sorted(operation['responses']))}).")
    content = declared.get("content") or {}
    # A streamed file (CSV row by row, a workbook from disk) is not read here: the test reads it.
    streaming = getattr(response, "streaming", False)
    body = b"" if streaming else response.content
    if not content:
        if body or streaming:
            raise ConformanceError(f"{where} with a body, but the document declares none.")
        return
    media_type = (response.get("Content-Type") or "").split(";")[0].strip()
    if media_type not in content:
        raise ConformanceError(f"{where} as {media_type!r}; the document declares {sorted(content)}.")
    if media_type != "application/json":
        return
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ConformanceError(f"{where} with a body that is not JSON: {exc}") from None
    error = best_match(validator(operation["operationId"], status, media_type).iter_errors(data))
    if error is not None:
        at = "".join(f"[{p!r}]" for p in error.absolute_path) or "the body"
        raise ConformanceError(f"{where}: {at} does not match the documented schema: {error.message}")


class ConformingClient(Client):
    """Django's test Client, checking every /api/v1/ response against the OpenAPI document."""

    def request(self, **request):
        response = super().request(**request)
        check_response(request.get("REQUEST_METHOD", "GET"), request.get("PATH_INFO", ""), response)
        return response


def schema_classes() -> dict[str, set[str]]:
    """Every pydantic model the API reads or writes, nested ones included: class name -> the
    dotted names of the classes that bear it."""
    from ninja.params.models import ParamModel
    from pydantic import BaseModel

    from edpool.api import api

    found: dict[str, set] = {}

    def visit(annotation, seen):
        args = getattr(annotation, "__args__", ()) or ()
        for arg in args:
            visit(arg, seen)
        origin = getattr(annotation, "__origin__", None)
        if origin is not None and origin is not annotation:
            visit(origin, seen)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
            seen.add(annotation)
            if not issubclass(annotation, ParamModel) and annotation.__name__ != "NinjaResponseSchema":
                found.setdefault(annotation.__name__, set()).add(f"{annotation.__module__}.{annotation.__qualname__}")
            for field in annotation.model_fields.values():
                visit(field.annotation, seen)

    seen: set = set()
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    visit(model, seen)
                for model in operation.response_models.values():
                    visit(model, seen)
    return found
