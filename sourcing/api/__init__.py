"""API for sourcing, one router in parts: solicitations, questions, addenda and documents
(`solicitations`); the vendor's own sealed bid, opened bids and the tabulation (`bids`); the
committee, declarations and scores (`evaluation`); award plans, the notice and protests
(`awards`). Request bodies are in `schemas`, response bodies in `responses`; the router and shared
lookups in `common`."""

from sourcing.api import awards, bids, evaluation, solicitations  # noqa: F401 (register the routes)
from sourcing.api.common import router

__all__ = ["router"]
