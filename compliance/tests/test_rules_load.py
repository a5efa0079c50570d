"""Loading rules: every state present, idempotent, changed rules become new versions (old ones
kept for recorded decisions), effective dates, and errors that name file, rule and field."""

from __future__ import annotations

import datetime as dt
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from compliance.engine.schema import REQUIRED_STATES, RuleDataError
from compliance.models import Jurisdiction, RuleVersion
from compliance.selectors.verdicts import compliance_check
from compliance.services.decisions import compliance_decision_record
from compliance.services.rules import RULES_DIR, rules_load
from compliance.tests.conftest import make_district, make_product
from tests.cast import SYSTEM


@pytest.fixture
def data_dir(tmp_path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_all_states_dc_and_federal_are_loaded_once(db):
    out = StringIO()
    call_command("load_rules", stdout=out)
    assert "new version" in out.getvalue()
    codes = set(Jurisdiction.objects.values_list("code", flat=True))
    assert set(REQUIRED_STATES) <= codes and {"US", "EDPOOL"} <= codes and len(REQUIRED_STATES) == 51
    versions = RuleVersion.objects.count()
    out = StringIO()
    call_command("load_rules", stdout=out)
    assert "0 new version(s), 0 retired" in out.getvalue()
    assert RuleVersion.objects.count() == versions


def test_a_changed_rule_is_a_new_version_and_old_decisions_keep_theirs(cast, data_dir):
    rules_load(directory=data_dir, actor=SYSTEM)
    product = make_product(cast.vendor_a)
    decision = compliance_decision_record(district=cast.district_a, product=product,
                                          purpose="order 1", actor=SYSTEM)
    old = RuleVersion.objects.get(rule__rule_id="ca-ab1584", retired_at__isnull=True)
    assert old in decision.rule_versions.all()
    edit(data_dir / "states.yaml", 'agreement_name: "CA-NDPA (CSDPA)"', 'agreement_name: "CA-NDPA v2 (CSDPA)"')
    report = rules_load(directory=data_dir, actor=SYSTEM)
    assert (report.created, report.retired) == (1, 1)
    old.refresh_from_db()
    new = RuleVersion.objects.get(rule__rule_id="ca-ab1584", retired_at__isnull=True)
    assert new.number == 2 and old.retired_at is not None and old.requires["agreement_name"] == "CA-NDPA (CSDPA)"
    # the recorded decision still points at version 1 and its reasons are unchanged
    decision.refresh_from_db()
    assert old in decision.rule_versions.all() and new not in decision.rule_versions.all()
    assert any("CA-NDPA (CSDPA)" in r["summary"] for r in decision.reasons)
    # a fresh check uses version 2
    v = compliance_check(district=cast.district_a, product=product).verdict
    assert v.main.rule_id == "ca-ab1584" and v.main.version == 2 and "CA-NDPA v2" in v.main.summary


def test_rule_versions_are_immutable(rules):
    version = RuleVersion.objects.first()
    version.citation = "tampered"
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_a_rule_that_starts_next_year_does_not_apply_today(cast, data_dir, clock):
    start = dt.date(clock.today().year + 1, 1, 1)
    edit(data_dir / "states.yaml", "  - code: WY\n    name: Wyoming\n    rules:\n",
         f"""  - code: WY
    name: Wyoming
    rules:
      - id: wy-test-dpa
        kind: privacy_agreement
        title: A future Wyoming privacy law
        citation: "Wyo. Stat. (test)"
        effective: {start.isoformat()}
        sureness: verified
        applies_if: {{collects_student_data: true}}
        requires: {{written_agreement: true}}
""")
    rules_load(directory=data_dir, actor=SYSTEM)
    district = make_district("Cowboy Unified", "WY", "900")
    product = make_product(cast.vendor_a, bands=("9-12",))
    now = compliance_check(district=district, product=product).verdict
    assert all(r.rule_id != "wy-test-dpa" for r in now.reasons)
    later = compliance_check(district=district, product=product, on_date=start).verdict
    assert later.verdict == "blocked" and later.main.rule_id == "wy-test-dpa"


def test_utah_rule_changes_on_its_date(cast, rules):
    district = make_district("Beehive SD", "UT", "800")
    product = make_product(cast.vendor_a, bands=("9-12",))
    before = compliance_check(district=district, product=product, on_date=dt.date(2026, 6, 30)).verdict
    after = compliance_check(district=district, product=product, on_date=dt.date(2026, 7, 1)).verdict
    v1 = next(r for r in before.reasons if r.rule_id == "ut-53e-9-309")
    v2 = next(r for r in after.reasons if r.rule_id == "ut-53e-9-309")
    assert v1.version_id != v2.version_id


@pytest.mark.parametrize("old,new,message", [
    ("sureness: verified\n        applies_if: {collects_student_data: true}\n        requires:\n          written_agreement: true\n          agreement_name",
     "sureness: maybe\n        applies_if: {collects_student_data: true}\n        requires:\n          written_agreement: true\n          agreement_name",
     "states.yaml: rule ca-ab1584: field sureness"),
    ("breach_notice_to_lea_days: 7", "breach_notice_to_lea_days: seven",
     "states.yaml: rule ny-ed-law-2d: field requires.breach_notice_to_lea_days"),
    ("competitive_threshold_usd: 50000\n", "competitive_threshold_usd: 50000.5\n",
     "states.yaml: rule tx-educ-44-031: field requires.competitive_threshold_usd"),
    ("kind: procurement\n        title: Competitive methods", "kind: buying\n        title: Competitive methods",
     "states.yaml: rule tx-educ-44-031: field kind"),
    # Wyoming's heading removed: its rules fall under Wisconsin and WY is missing.
    ("  - code: WY\n    name: Wyoming\n    rules:\n", "", "states missing from the data"),
    ("        ends: 2026-07-01\n", "", "states.yaml: rule ut-53e-9-309: field effective: periods overlap"),
    ("          piggyback_only_single_award: true", "          piggyback_only_single_award: true\n          color: blue",
     "states.yaml: rule ny-piggyback-single-award: field requires.color: unknown"),
])
def test_bad_data_names_file_rule_and_field_and_loads_nothing(db, data_dir, old, new, message):
    edit(data_dir / "states.yaml", old, new)
    with pytest.raises(RuleDataError) as info:
        rules_load(directory=data_dir, actor=SYSTEM)
    assert message in str(info.value)
    assert not RuleVersion.objects.exists() and not Jurisdiction.objects.exists()
    with pytest.raises(CommandError, match="Nothing loaded"):
        call_command("load_rules", str(data_dir))


def test_a_removed_rule_is_retired_not_deleted(cast, data_dir):
    rules_load(directory=data_dir, actor=SYSTEM)
    text = (data_dir / "federal.yaml").read_text()
    start = text.index("      - id: us-ppra")
    end = text.index("      - id: us-cipa")
    (data_dir / "federal.yaml").write_text(text[:start] + text[end:])
    report = rules_load(directory=data_dir, actor=SYSTEM)
    assert report.retired == 1 and report.created == 0
    assert RuleVersion.objects.get(rule__rule_id="us-ppra").retired_at is not None


def test_a_newly_loaded_jurisdiction_is_a_matrix_column(cast, data_dir):
    """Adding a state-like jurisdiction (Puerto Rico) is a data change: the matrix accepts it and
    shows it by default, besides the 50 states and DC."""
    from catalog.models import Product
    from compliance.selectors.verdicts import compliance_matrix
    from django.core.exceptions import ValidationError

    rules_load(directory=data_dir, actor=SYSTEM)
    make_product(cast.vendor_a)
    products = Product.objects.all()
    with pytest.raises(ValidationError):
        compliance_matrix(products=products, states=["PR"])
    edit(data_dir / "states.yaml", "  - code: WY\n", "  - code: PR\n    name: Puerto Rico\n    rules: []\n  - code: WY\n")
    rules_load(directory=data_dir, actor=SYSTEM)
    matrix = compliance_matrix(products=products, states=["PR", "CA"])
    assert matrix.states == ["PR", "CA"] and len(matrix.rows[0][1]) == 2
    pr = make_district("San Juan Schools", "PR", "0000001", population=None, enrollment=None)
    single = compliance_check(district=pr, product=products.get())
    from compliance.selectors.verdicts import matrix_cell_of
    assert matrix.rows[0][1][0] == matrix_cell_of(single)
    default = compliance_matrix(products=products)
    assert default.states[:51] == list(REQUIRED_STATES) and default.states[51:] == ["PR"]
    with pytest.raises(ValidationError) as info:
        compliance_matrix(products=products, states=["XX", "US", "CA"])
    assert "XX" in info.value.message_dict["states"][0] and "US" in info.value.message_dict["states"][0]
