from accounts.models import Role
from orgs.selectors import consortium_profile


def acting(request):
    actor = getattr(request, "actor", None)
    return {
        "actor": actor,
        "role_assignments": getattr(request, "role_assignments", []),
        "Role": Role,
        "consortium": consortium_profile(),
    }
