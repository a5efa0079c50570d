"""Enrollment ESTIMATES for demo districts. Not official figures.

The California directory file has no enrollment. So that the demo consortium can show "students
served", each demo member gets an estimate drawn from a log-normal distribution whose median
depends on the LEA type (unified districts are larger than elementary ones), seeded by the CDS
code so the figure is the same on every machine. The members' estimates are then scaled so the
demo membership totals about 2.3 million students, the size the California Education
Technology JPA reports for its 163 member districts. Every such figure is stored with
`enrollment_is_estimate=True` and the source text below, and shown as "est.".
"""

from __future__ import annotations

import hashlib
import math
import random

ESTIMATE_SOURCE = ("EdPool demo estimate (log-normal by LEA type, seeded by CDS code, scaled to a "
                   "2.3 million student membership); not an official enrollment count")
TARGET_MEMBER_STUDENTS = 2_300_000

# (median students, sigma of the log) by the directory's district_type.
TYPE_MODEL = {
    "Unified School District": (5000, 1.1),
    "Elementary School District": (1200, 1.2),
    "High School District": (6000, 0.9),
    "County Office of Education (COE)": (1200, 0.8),
}
DEFAULT_MODEL = (800, 1.0)


def raw_estimate(state_leaid: str, lea_type: str) -> float:
    median, sigma = TYPE_MODEL.get(lea_type, DEFAULT_MODEL)
    seed = int(hashlib.sha256(f"enrollment:{state_leaid}".encode()).hexdigest()[:16], 16)
    return median * math.exp(random.Random(seed).gauss(0.0, sigma))


def member_estimates(districts: list[tuple[str, str]]) -> dict[str, int]:
    """(state_leaid, lea_type) pairs -> estimated students, totalling about 2.3 million."""
    raw = {leaid: raw_estimate(leaid, lea_type) for leaid, lea_type in districts}
    total = sum(raw.values()) or 1.0
    scale = TARGET_MEMBER_STUDENTS / total
    return {leaid: max(50, int(round(value * scale, -1))) for leaid, value in raw.items()}
