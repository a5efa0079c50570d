"""The consortium's sealed-bid settings (columns of `orgs.ConsortiumProfile`, editable in the
admin), with the defaults that apply when no consortium is set up yet."""

from __future__ import annotations


from orgs.selectors import consortium_profile

DEFAULT_ADDENDUM_NOTICE_HOURS = 72


def addendum_notice_hours() -> int:
    """Least number of hours between an addendum and the bid deadline (default 72)."""
    profile = consortium_profile()
    hours = profile.addendum_notice_hours if profile is not None else DEFAULT_ADDENDUM_NOTICE_HOURS
    return max(1, int(hours or DEFAULT_ADDENDUM_NOTICE_HOURS))


def bid_count_public() -> bool:
    """Whether the number of bids received is public before the deadline (default: no)."""
    profile = consortium_profile()
    return bool(profile.bid_count_public) if profile is not None else False
