"""How much of each state's law is sourced: privacy, cooperative purchasing (piggyback) and the
bid threshold, each with the best sureness recorded, for the coverage table and the tile map.

A topic counts as *sourced* when a rule on it is `secondary` or `verified`; an `unverified` rule
is recorded but not sourced (it never blocks and says "verify")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from compliance.engine.schema import REQUIRED_STATES
from compliance.models import Jurisdiction, RuleVersion

TOPICS = ("privacy", "piggyback", "threshold")
RANK = {"verified": 3, "secondary": 2, "unverified": 1}
SOURCED = ("secondary", "verified")
# Levels of the tile map, in order: (code, label, short text shown on the tile)
LEVELS = (
    ("none", "Nothing sourced yet", "none"),
    ("some", "Some sourced", "some"),
    ("core", "Privacy and piggyback sourced", "P+C"),
    ("full", "Privacy, piggyback and bid threshold sourced", "all"),
)
LEVEL_LABELS = {code: label for code, label, _ in LEVELS}
LEVEL_SHORT = {code: short for code, _, short in LEVELS}

# The usual 11 x 8 US tile grid: (column, row) of each state and DC.
TILE_GRID = {
    "AK": (0, 0), "ME": (10, 0),
    "VT": (9, 1), "NH": (10, 1),
    "WA": (0, 2), "ID": (1, 2), "MT": (2, 2), "ND": (3, 2), "MN": (4, 2), "IL": (5, 2),
    "WI": (6, 2), "MI": (7, 2), "NY": (8, 2), "RI": (9, 2), "MA": (10, 2),
    "OR": (0, 3), "NV": (1, 3), "WY": (2, 3), "SD": (3, 3), "IA": (4, 3), "IN": (5, 3),
    "OH": (6, 3), "PA": (7, 3), "NJ": (8, 3), "CT": (9, 3),
    "CA": (0, 4), "UT": (1, 4), "CO": (2, 4), "NE": (3, 4), "MO": (4, 4), "KY": (5, 4),
    "WV": (6, 4), "VA": (7, 4), "MD": (8, 4), "DE": (9, 4),
    "AZ": (1, 5), "NM": (2, 5), "KS": (3, 5), "AR": (4, 5), "TN": (5, 5), "NC": (6, 5),
    "SC": (7, 5), "DC": (8, 5),
    "OK": (3, 6), "LA": (4, 6), "MS": (5, 6), "AL": (6, 6), "GA": (7, 6),
    "HI": (0, 7), "TX": (3, 7), "FL": (8, 7),
}


def rule_topics(kind: str, requires: dict) -> set[str]:
    """Which coverage topics a rule speaks to."""
    topics = set()
    if kind == "privacy_agreement" or (kind == "notice" and requires.get("topic") == "privacy"):
        topics.add("privacy")
    if kind == "procurement":
        if "piggyback_allowed" in requires or requires.get("cooperative_satisfies_bidding"):
            topics.add("piggyback")
        if requires.get("competitive_threshold_usd") is not None or requires.get("bid_threshold_usd_by_year"):
            topics.add("threshold")
    return topics


@dataclass
class StateCoverage:
    code: str
    name: str
    sureness: dict[str, Optional[str]] = field(default_factory=lambda: dict.fromkeys(TOPICS))
    dpa_terms: bool = False
    links: list[str] = field(default_factory=list)

    def sourced(self, topic: str) -> bool:
        return self.sureness[topic] in SOURCED

    @property
    def level(self) -> str:
        if all(self.sourced(t) for t in TOPICS):
            return "full"
        if self.sourced("privacy") and self.sourced("piggyback"):
            return "core"
        if any(self.sourced(t) for t in TOPICS):
            return "some"
        return "none"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    def describe(self) -> str:
        """One sentence for a tile's accessible name."""
        parts = []
        for topic, name in (("privacy", "privacy law"), ("piggyback", "piggyback"), ("threshold", "bid threshold")):
            parts.append(f"{name} {self.sureness[topic] or 'not recorded'}")
        return f"{self.name}: {self.level_label.lower()} ({', '.join(parts)})"


def state_coverage() -> list[StateCoverage]:
    """One entry per state and DC (REQUIRED_STATES order), from the rule versions in the current
    data (retired versions left out; any effective period counts)."""
    names = dict(Jurisdiction.objects.filter(code__in=REQUIRED_STATES).values_list("code", "name"))
    out = {code: StateCoverage(code=code, name=names.get(code, code)) for code in REQUIRED_STATES}
    versions = (RuleVersion.objects.filter(retired_at__isnull=True, rule__jurisdiction__code__in=REQUIRED_STATES)
                .values_list("rule__jurisdiction__code", "kind", "requires", "sureness", "source_url"))
    for code, kind, requires, sureness, url in versions:
        entry = out[code]
        for topic in rule_topics(kind, requires or {}):
            if RANK[sureness] > RANK.get(entry.sureness[topic] or "", 0):
                entry.sureness[topic] = sureness
        if kind == "privacy_agreement" and (requires or {}).get("terms"):
            entry.dpa_terms = True
        if url and url not in entry.links:
            entry.links.append(url)
    return list(out.values())


TILE, GAP, PAD = 52, 4, 2


def tile_map(coverage: list[StateCoverage]) -> dict:
    """Geometry for the SVG tile map (drawn by compliance/_tile_map.html)."""
    tiles = []
    for entry in coverage:
        col, row = TILE_GRID[entry.code]
        x, y = PAD + col * (TILE + GAP), PAD + row * (TILE + GAP)
        tiles.append({"code": entry.code, "name": entry.name, "level": entry.level,
                      "short": LEVEL_SHORT[entry.level],
                      # the visible text (code and level word) starts the accessible name
                      "label": f"{entry.code} {LEVEL_SHORT[entry.level]}. {entry.describe()}",
                      "x": x, "y": y, "cx": x + TILE // 2, "size": TILE,
                      "code_y": y + 22, "short_y": y + 40})
    counts = {code: sum(1 for e in coverage if e.level == code) for code, _, _ in LEVELS}
    summary = "; ".join(f"{label}: {counts[code]}" for code, label, _ in LEVELS)
    return {"tiles": tiles, "width": PAD * 2 + 11 * TILE + 10 * GAP, "height": PAD * 2 + 8 * TILE + 7 * GAP,
            "legend": [{"code": c, "label": label, "short": s, "count": counts[c]} for c, label, s in LEVELS],
            "summary": f"{len(coverage)} jurisdictions. {summary}."}
