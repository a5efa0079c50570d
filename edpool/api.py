"""The versioned JSON API, /api/v1/, with its OpenAPI document at /api/v1/openapi.json.

Every error, whatever its cause, answers the same JSON shape (`core.api_types.ApiError`):
`{"detail": "a sentence", "errors": {"field": ["message", ...]}}` (`errors` only for refused
input), with the status: 400 unreadable body, 401 no or bad token, 403 not allowed, 404 not found,
409 conflict, 422 refused input (out of bounds, wrong type, NUL character, domain rule), 429 too
many attempts, 500 an unexpected error (logged with its traceback). The OpenAPI document declares
these for every operation that can answer them (`EdPoolOpenAPISchema`).
"""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema

from core.api_types import ApiError

from accounts.api import router as accounts_router
from accounts.api_auth import BearerTokenAuth, SessionActorAuth
from members.api import router as members_router
from vendors.api import router as vendors_router
from sourcing.api import router as sourcing_router
from contracts.api import router as contracts_router
from orders.api import router as orders_router
from reports.api import router as reports_router
from catalog.api import router as catalog_router
from compliance.api import router as compliance_router
from compliance.api_dpa_sides import router as compliance_dpa_sides_router
from compliance.api_evidence import router as compliance_evidence_router
from inbox.api import router as inbox_router
from jobs.api import router as jobs_router
from matching.api import router as matching_router
from surveys.api import router as surveys_router
from analytics.api import router as analytics_router
from prices.api import router as prices_router
from usage.api import router as usage_router
from bulkdata.api import router as bulkdata_router
from opendata.api import router as opendata_router

logger = logging.getLogger("edpool.api")

ERROR_DESCRIPTIONS = {
    400: "The request body is not readable JSON (or the request is malformed).",
    401: "No bearer token, or one that is unknown, expired or revoked.",
    403: "Not allowed for the role the request acts in.",
    404: "No such object, or not one the caller may see.",
    409: "In conflict with the current state.",
    422: "Refused input: every problem by field (`errors`), nothing stored.",
    429: "Too many attempts; wait and try again.",
}


def _error_response(status: int) -> dict:
    return {"description": ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"schema": {"$ref": REF_TEMPLATE.format(model="ApiError")}}}}


class EdPoolOpenAPISchema(OpenAPISchema):
    """Ninja's document, plus the error answers of each operation in the ApiError shape: 422 for
    all (refused input), 400 with a request body, 401 and 403 with authentication (public
    operations that also take a token can answer 401 for a bad one), 404 with an id in the path
    or for a signed-in caller (e.g. "your organisation is not a vendor"). Operations declare any
    other status themselves (`response={409: ApiError}`)."""

    def operation_details(self, operation):
        result = super().operation_details(operation)
        responses = result["responses"]
        signed_in = bool(operation.auth_callbacks)
        anonymous_too = any(getattr(a, "__name__", "") == "anonymous" for a in operation.auth_callbacks)
        wanted = {422}
        if result.get("requestBody"):
            wanted.add(400)
        if signed_in:
            wanted |= {401, 403, 404}
        if "{" in operation.path:
            wanted.add(404)
        for status in sorted(wanted):
            responses.setdefault(status, _error_response(status))
        for status, details in responses.items():
            if int(status) in ERROR_DESCRIPTIONS and "content" not in details:
                responses[status] = _error_response(int(status))
        if anonymous_too and result.get("security"):
            result["security"].append({})  # a token is optional
        return result

    def get_components(self):
        components = super().get_components()
        schema = ApiError.model_json_schema(ref_template=REF_TEMPLATE)
        components["schemas"].setdefault("ApiError", schema)
        return components


class EdPoolAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return EdPoolOpenAPISchema(self, path_prefix)


api = EdPoolAPI(
    title="EdPool API",
    version="1",
    description=(
        "The EdPool API. Get a token with POST /api/v1/auth/token (email, password, and the role "
        "to act in), then send `Authorization: Bearer <token>`. Every call acts for one "
        "(user, organisation, role). Every error comes as {\"detail\": ..., \"errors\": {field: "
        "[...]}} (`errors` for refused input), also for an unexpected error (500)."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
# Documented security schemes (operations name which they accept).
_ = (BearerTokenAuth, SessionActorAuth)

api.add_router("", accounts_router)
api.add_router("", members_router)
api.add_router("", vendors_router)
api.add_router("", sourcing_router)
api.add_router("", contracts_router)
api.add_router("", orders_router)
api.add_router("", reports_router)
api.add_router("", catalog_router)
api.add_router("", inbox_router)
api.add_router("", compliance_router)
api.add_router("", compliance_evidence_router)
api.add_router("", compliance_dpa_sides_router)
api.add_router("", jobs_router)
api.add_router("", matching_router)
api.add_router("", surveys_router)
api.add_router("", analytics_router)
api.add_router("", prices_router)
api.add_router("", usage_router)
api.add_router("", bulkdata_router)
api.add_router("", opendata_router)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = exc.message_dict
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    else:
        errors = {"__all__": exc.messages}
        detail = " ".join(exc.messages)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "Not allowed."}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "Sign in first: send a bearer token (POST /api/v1/auth/token)."},
        status=401)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(ObjectDoesNotExist)
def on_does_not_exist(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


def _field_name(loc) -> str:
    """Ninja's error location as the API names fields: ('body', 'payload', 'lines', 0,
    'quantity') -> 'lines[0].quantity'; ('query', 'page') -> 'page'."""
    parts = list(loc)
    source = parts.pop(0) if parts else ""
    if source == "body" and parts:
        parts.pop(0)  # the operation's parameter name, not a field of the request
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or source or "__all__"


@api.exception_handler(RequestValidationError)
def on_request_invalid(request, exc: RequestValidationError):
    """Input that does not fit the schema (a missing or extra field, a wrong type, out of
    bounds): the same shape as a domain refusal, each message under its field."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        message = str(error.get("msg", "Invalid."))
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        errors.setdefault(_field_name(error.get("loc", ())), []).append(message)
    detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    """A bug: logged with its traceback; the caller still gets the API's JSON shape."""
    logger.error("Unexpected error in %s %s", request.method, request.get_full_path(), exc_info=exc)
    return api.create_response(
        request, {"detail": "Something went wrong on our side; the error has been logged. "
                            "Try again in a moment."}, status=500)
