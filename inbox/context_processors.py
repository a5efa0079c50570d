from inbox.selectors import unread_count


def inbox(request):
    """The header's "Inbox (3)": counted only when a template reads it (one query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = None

    def unread() -> int:
        nonlocal count
        if count is None:
            count = unread_count(user)
        return count

    return {"inbox_unread": unread}
