"""Issue 15, "All fifty states and DC, sourced": every state has a privacy and a piggyback rule,
provenance fields (source_url, checked) are checked and stored, and the rules page draws the
coverage as a tile map (one linked tile per jurisdiction) with a table alternative."""

from __future__ import annotations

import datetime as dt

import re
import shutil
from pathlib import Path

import pytest

from compliance.engine.schema import REQUIRED_STATES, RuleDataError, parse_rule_files
from compliance.models import RuleVersion
from compliance.selectors.coverage import TILE_GRID, StateCoverage, rule_topics, state_coverage
from compliance.services.rules import RULES_DIR, rules_load
from tests.cast import SYSTEM
from tests.helpers import login

# States whose privacy or piggyback research is not done yet (documented in SOURCES.md): none.
NOT_YET_RESEARCHED: set[str] = set()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_every_state_and_dc_has_a_privacy_and_a_piggyback_rule():
    data = parse_rule_files(RULES_DIR)
    topics: dict[str, set[str]] = {code: set() for code in REQUIRED_STATES}
    for rule in data.rules:
        if rule.jurisdiction in topics:
            topics[rule.jurisdiction] |= rule_topics(rule.kind, rule.requires)
    missing = {code: {"privacy", "piggyback"} - found for code, found in topics.items()
               if {"privacy", "piggyback"} - found and code not in NOT_YET_RESEARCHED}
    assert missing == {}
    assert len(topics) == 51


def test_researched_rules_carry_their_provenance():
    data = parse_rule_files(RULES_DIR)
    dated = [r for r in data.rules if r.checked_on]
    assert len(dated) >= 51  # at least one researched rule a state
    for rule in dated:
        assert rule.source_url.startswith(("http://", "https://")), rule.rule_id
    for rule in data.rules:
        if rule.sureness == "unverified" and rule.checked_on:
            assert "background knowledge" in rule.note or "not recorded" in rule.note or "Verify" in rule.note, rule.rule_id
        if rule.sureness == "secondary" and rule.checked_on:
            assert "Secondary" in rule.note, rule.rule_id  # the note says where the fact is secondary


WY = "      - id: wy-privacy\n"


@pytest.mark.parametrize("extra,message", [
    ("source_url: ftp://example.org/x", "field source_url"),
    ("source_url: \"javascript:alert(1)\"", "field source_url"),
    ("source_url: \"https://exa mple.org/\"", "field source_url"),
    ("source_url: \"https://example.org/\\0\"", "field source_url"),
    ("source_url: \"https://example.org/" + "a" * 600 + "\"", "field source_url"),
    ("source_url: \"https://user:pw@example.org/\"", "field source_url"),
    ("source_url: 42", "field source_url"),
    ("checked: yesterday", "field checked"),
    ("checked: 2999-01-01", "field checked"),
    ("checked: 1999-12-31", "field checked"),
])
def test_bad_provenance_is_refused_naming_the_rule_and_field(data_dir, extra, message):
    path = data_dir / "states.yaml"
    text = path.read_text()
    # replace the wy-privacy rule's own fields with the bad one
    start = text.index(WY)
    block = text[start:]
    block = re.sub(r"        source_url: [^\n]*\n", "", block, count=1)
    block = re.sub(r"        checked: [^\n]*\n", "", block, count=1)
    block = block.replace(WY, WY + f"        {extra}\n", 1)
    path.write_text(text[:start] + block)
    with pytest.raises(RuleDataError) as info:
        parse_rule_files(data_dir, today=dt.date(2026, 12, 3))
    assert f"states.yaml: rule wy-privacy: {message}" in str(info.value)


def test_provenance_is_stored_and_a_new_link_is_a_new_version(db, data_dir):
    rules_load(directory=data_dir, actor=SYSTEM)
    v1 = RuleVersion.objects.get(rule__rule_id="ok-cooperative-purchasing", retired_at__isnull=True)
    assert v1.source_url == "https://lexace.ai/us/statute/oklahoma/61-139"
    assert v1.checked_on.isoformat() == "2026-12-03"
    ca = RuleVersion.objects.get(rule__rule_id="ca-ab1584", retired_at__isnull=True)
    assert ca.source_url == "" and ca.checked_on is None
    edit(data_dir / "states.yaml", "source_url: https://lexace.ai/us/statute/oklahoma/61-139",
         "source_url: https://oksenate.gov/statutes/61-139")
    report = rules_load(directory=data_dir, actor=SYSTEM)
    assert (report.created, report.retired) == (1, 1)
    v2 = RuleVersion.objects.get(rule__rule_id="ok-cooperative-purchasing", retired_at__isnull=True)
    assert v2.number == 2 and v2.source_url == "https://oksenate.gov/statutes/61-139"
    # California's rules, without provenance, are untouched by the new fields
    assert RuleVersion.objects.get(rule__rule_id="ca-ab1584", retired_at__isnull=True).pk == ca.pk


@pytest.mark.parametrize("sureness,level", [
    ({"privacy": None, "piggyback": None, "threshold": None}, "none"),
    ({"privacy": "unverified", "piggyback": "unverified", "threshold": "unverified"}, "none"),
    ({"privacy": "secondary", "piggyback": "unverified", "threshold": None}, "some"),
    ({"privacy": "unverified", "piggyback": "verified", "threshold": "verified"}, "some"),
    ({"privacy": "secondary", "piggyback": "verified", "threshold": "unverified"}, "core"),
    ({"privacy": "verified", "piggyback": "secondary", "threshold": "secondary"}, "full"),
])
def test_coverage_levels(sureness, level):
    assert StateCoverage(code="XX", name="X", sureness=sureness).level == level


def test_coverage_reflects_the_loaded_rules(rules):
    by_code = {c.code: c for c in state_coverage()}
    assert set(by_code) == set(REQUIRED_STATES)
    assert by_code["CA"].level == "full" and by_code["CA"].dpa_terms
    assert by_code["TX"].sureness == {"privacy": "verified", "piggyback": "verified", "threshold": "verified"}
    assert by_code["WY"].level == "none" and by_code["WY"].sureness["privacy"] == "unverified"
    assert by_code["OK"].sureness["piggyback"] == "secondary" and not by_code["OK"].dpa_terms


def test_rules_page_draws_one_linked_tile_per_jurisdiction(client, cast, rules):
    login(client, cast.buyer_a)
    text = client.get("/compliance/rules/").content.decode()
    svg = text[text.index("<svg"):text.index("</svg>")]
    assert 'role="group"' in svg and "<title id=\"tile-map-title\">" in svg and "<desc" in svg
    tiles = re.findall(r'<a href="\?jurisdiction=([A-Z]{2})#j-\1" aria-label="([^"]+)"', svg)
    assert sorted(code for code, _ in tiles) == sorted(REQUIRED_STATES) == sorted(TILE_GRID)
    labels = dict(tiles)
    assert labels["WY"].startswith("WY none. Wyoming: nothing sourced yet (privacy law unverified")
    assert labels["CA"].startswith("CA all. California: privacy, piggyback and bid threshold sourced")
    # the level is written on each tile, not only coloured
    words = re.findall(r'font-size="11">(none|some|P\+C|all)</tspan>', svg)
    assert len(words) == 51
    table = text[text.index("Coverage by state\" tabindex"):]
    assert table.count('<th scope="row">') == 51
    # provenance next to each researched rule
    assert "https://lexace.ai/us/statute/oklahoma/61-139" in text and "checked 2026-12-03" in text


def test_one_state_shows_its_rules_without_the_map(client, cast, rules):
    login(client, cast.buyer_a)
    text = client.get("/compliance/rules/?jurisdiction=OK").content.decode()
    assert "<svg" not in text and "ok-cooperative-purchasing" in text and "61 O.S. 139" in text
    text = client.get("/compliance/rules/ok-cooperative-purchasing/").content.decode()
    assert "Read at" in text and "https://lexace.ai/us/statute/oklahoma/61-139</a>, checked 2026-12-03" in text


def test_sources_md_coverage_table_agrees_with_the_data():
    data = parse_rule_files(RULES_DIR)
    best: dict[str, dict[str, str]] = {code: {} for code in REQUIRED_STATES}
    rank = {"unverified": 1, "secondary": 2, "verified": 3}
    for rule in data.rules:
        for topic in rule_topics(rule.kind, rule.requires) if rule.jurisdiction in best else ():
            if rank[rule.sureness] > rank.get(best[rule.jurisdiction].get(topic, ""), 0):
                best[rule.jurisdiction][topic] = rule.sureness
    text = (RULES_DIR.parent / "SOURCES.md").read_text()
    rows = re.findall(r"^\| [^|]+ \(([A-Z]{2})\) \| ([^|]+) \| ([^|]+) \| ([^|]+) \| (yes|no) \|", text, re.M)
    assert sorted(code for code, *_ in rows) == sorted(REQUIRED_STATES)
    for code, *cells, _terms in rows:
        for topic, cell in zip(("privacy", "piggyback", "threshold"), cells):
            found = re.search(r"\((verified|secondary|unverified)\)$", cell.strip())
            assert (found.group(1) if found else None) == best[code].get(topic), (code, topic)
