"""Creating HiGHS instances quietly (HiGHS prints a banner on stdout the first time)."""

from __future__ import annotations

import os
import sys

import highspy

_banner_shown = False


def new_highs(*, threads: int | None = None) -> highspy.Highs:
    """A silent HiGHS instance; the one-time banner is swallowed so stdout stays clean JSON."""
    global _banner_shown
    if _banner_shown:
        highs = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        try:
            highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _banner_shown = True
    highs.setOptionValue("output_flag", False)
    if threads:
        highs.setOptionValue("threads", threads)
    return highs
