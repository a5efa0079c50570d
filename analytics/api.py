"""API under /api/v1/analytics/: each subject adds its operations to this router."""

from ninja import Router

router = Router(tags=["analytics"])

# Spend (analytics.spend_api): its operations register on this router.
from analytics import spend_api  # noqa: E402,F401
