"""The versioned JSON API, /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

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
from compliance.api_evidence import router as compliance_evidence_router

api = NinjaAPI(
    title="EdPool API",
    version="1",
    description=(
        "The EdPool API. Get a token with POST /api/v1/auth/token (email, password, and the role "
        "to act in), then send `Authorization: Bearer <token>`. Every call acts for one "
        "(user, organisation, role). Errors come as {\"detail\": ..., \"errors\": {field: [...]}}."
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
api.add_router("", compliance_router)
api.add_router("", compliance_evidence_router)


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
