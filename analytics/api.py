"""API under /api/v1/analytics/: each subject adds its operations to this router."""

from ninja import Router

router = Router(tags=["analytics"])
