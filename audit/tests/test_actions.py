"""The audit vocabulary (audit/actions.py): every action listed once with a human label, the codes
those already stored, and nothing else recorded."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from accounts.acting import Actor
from audit import actions
from audit.actions import AuditAction, action_label
from audit.models import AuditEvent, AuditHead
from audit.services import audit_chain_verify, audit_record
from tests.cast import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ACTOR = Actor.system("test")

# The codes stored before the vocabulary existed: stored events keep them and the hash chain covers
# them, so a member's value never changes (a better wording changes its label only).
STORED_CODES = {
    "user": "created updated password_changed email_verified",
    "role": "assigned revoked",
    "api_token": "created revoked",
    "organisation": "created updated",
    "consortium": "created updated",
    "audit": "head_rebuilt incident_acknowledged",
    "admin": "added changed deleted",
    "job": "queued started done failed cancelled requeued stop_requested file_removed",
    "district": "created updated approval_limit_set directory_imported",
    "membership": "applied approve_board sign_agreement activate suspend reinstate withdraw",
    "vendor": "created updated registered user_invited",
    "category": "created updated",
    "product": "created updated facts_checked",
    "jurisdiction": "created updated",
    "rule": "version_created version_retired",
    "rules": "loaded",
    "compliance": "decision_recorded",
    "dpa": "created updated joinder_adopted offer_closed withdrawn district_signed joinder_review_required joinder_reviewed",
    "accessibility_report": "created updated withdrawn",
    "attestation": "created updated withdrawn",
    "solicitation": "drafted draft_updated published addendum_published document_added followed "
                    "cancelled bids_opened bids_read bids_exported evaluation_started award_notice "
                    "award_revision",
    "question": "asked answered",
    "bid": "submitted replaced confirmed withdrawn document_read",
    "sealing_key": "rotated retired",
    "evaluation": "seated declaration_signed scored consensus_recorded",
    "award": "plan_computed notice_published",
    "protest": "filed upheld denied",
    "agreement": "created schedule_mapped schedule_unmapped activated renewed terminated "
                 "document_added notice_expiry_180 notice_expiry_90 notice_expiry_30 notice_successor",
    "amendment": "proposed approved rejected",
    "minicompetition": "started scored decided",
    "quote": "requested answered",
    "participation": "prepared approved countersigned withdrawn rejected",
    "order": "drafted submitted approved acknowledged fulfilled cancelled rejected",
    "rebate": "settled",
    "sales_report": "submitted replaced item_resolved reconciled_again reminder_before_due reminder_due",
    "fee_invoice": "issued paid",
    "need": "saved unmet matched",
    "survey": "created updated published closed answers_saved answers_submitted reminder_sent "
              "solicitation_created districts_told need_linked",
    "outside_price": "recorded withdrawn",
    "usage": "imported replaced",
}


def test_the_codes_are_the_stored_ones():
    stored = {f"{prefix}.{name}" for prefix, names in STORED_CODES.items() for name in names.split()}
    assert set(AuditAction.values) == stored


def test_labels_are_unique_and_human():
    labels = [str(label) for label in AuditAction.labels]
    assert len(set(labels)) == len(labels), sorted(x for x in labels if labels.count(x) > 1)
    for member in AuditAction:
        label = str(member.label)
        assert label and label[0].isupper() and "." not in label and "_" not in label, member.value
        assert label != member.name.replace("_", " ").title(), f"{member.name}: write its label"
        assert action_label(member.value) == label
    assert action_label("long.gone") == "long.gone"  # an unlisted code in old data shows as it is


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["order.acknowledge", "Order submitted", "", "thing.changed"])
def test_audit_record_refuses_an_unlisted_action(action):
    audit_record(actor=ACTOR, action=AuditAction.ORGANISATION_UPDATED, object_type="tests.thing",
                 object_id="1")
    head = AuditHead.objects.get()
    with pytest.raises(ValueError, match="audit/actions.py"):
        audit_record(actor=ACTOR, action=action, object_type="tests.thing", object_id="2")
    assert AuditEvent.objects.count() == 1
    assert AuditHead.objects.get().last_seq == head.last_seq


@pytest.mark.django_db
def test_a_listed_action_is_stored_as_its_plain_code_and_verifies():
    event = audit_record(actor=ACTOR, action=AuditAction.ORDER_ACKNOWLEDGED, object_type="tests.thing",
                         object_id="1")
    assert type(event.action) is str and event.action == "order.acknowledged"
    event.refresh_from_db()
    assert event.action == "order.acknowledged"
    assert audit_chain_verify().ok


def test_families_build_listed_members_only():
    from contracts.models import AgreementNotice
    from contracts.states import AmendmentState
    from members.states import TRANSITIONS
    from orders.states import TRANSITIONS as ORDER_TRANSITIONS
    from reports.models import ReportReminder
    from sourcing.models import BidReceipt, Protest

    assert [actions.membership_step(step) for step in TRANSITIONS] == list(actions.MEMBERSHIP_STEPS)
    vendor_targets = [ORDER_TRANSITIONS[step].target for step in ("acknowledge", "fulfil")]
    assert [actions.order_vendor_step(t) for t in vendor_targets] == list(actions.ORDER_VENDOR_STEPS)
    assert [actions.amendment_decision(s) for s in (AmendmentState.APPROVED, AmendmentState.REJECTED)] \
        == list(actions.AMENDMENT_DECISIONS)
    assert [actions.protest_decision(s) for s in (Protest.State.UPHELD, Protest.State.DENIED)] \
        == list(actions.PROTEST_DECISIONS)
    assert [actions.bid_arrival(a) for a in (BidReceipt.Action.SUBMITTED, BidReceipt.Action.REPLACED)] \
        == list(actions.BID_ARRIVALS)
    assert [actions.agreement_notice(k) for k in AgreementNotice.Kind] == list(actions.AGREEMENT_NOTICES)
    assert [actions.sales_report_reminder(k) for k in ReportReminder.Kind] \
        == list(actions.SALES_REPORT_REMINDERS)
    # A listed action outside the family, or a name outside the vocabulary, is refused.
    for build, name in [(actions.membership_step, "applied"), (actions.order_vendor_step, "cancelled"),
                        (actions.bid_arrival, "withdrawn"), (actions.protest_decision, "open"),
                        (actions.agreement_notice, "expiry_60")]:
        with pytest.raises(ValueError):
            build(name)


# Every package of the project (a listed set once missed new apps): directories holding an __init__.py.
PACKAGES = tuple(sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()))


def _sources(*, tests: bool) -> list[tuple[Path, ast.Module]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).glob("**/*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or (not tests and ("tests" in parts or path.name == "conftest.py")):
                continue
            found.append((path, ast.parse(path.read_text(), str(path))))
    return found


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def test_every_recording_names_a_listed_action():
    """No free text at a call site: an action is `AuditAction.X` or built by a family function,
    never a string or an f-string."""
    checked = 0
    for path, tree in _sources(tests=False):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called_name(node) in ("audit_record", "_append"):
                [action] = [k.value for k in node.keywords if k.arg == "action"] or [None]
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                assert action is not None, where
                assert not any(isinstance(n, ast.JoinedStr) or (isinstance(n, ast.Constant)
                                                              and isinstance(n.value, str))
                               for n in ast.walk(action)), f"{where}: use a member of AuditAction"
                checked += 1
    assert checked >= 100


def _members_named(trees) -> set[str]:
    return {node.attr for _, tree in trees for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "AuditAction" and node.attr.isupper()}


def test_every_member_named_in_the_code_exists():
    named = _members_named(t for t in _sources(tests=True) if t[0].name != "actions.py")
    assert named - set(AuditAction.names) == set()


def test_every_listed_action_is_recorded_somewhere():
    code = [t for t in _sources(tests=False) if t[0] != ROOT / "audit" / "actions.py"]
    named = _members_named(code)
    called = {_called_name(node) for _, tree in code for node in ast.walk(tree) if isinstance(node, ast.Call)}
    families = {"membership_step": actions.MEMBERSHIP_STEPS, "order_vendor_step": actions.ORDER_VENDOR_STEPS,
                "amendment_decision": actions.AMENDMENT_DECISIONS, "protest_decision": actions.PROTEST_DECISIONS,
                "bid_arrival": actions.BID_ARRIVALS, "agreement_notice": actions.AGREEMENT_NOTICES,
                "sales_report_reminder": actions.SALES_REPORT_REMINDERS}
    built = {m.name for function, members in families.items() if function in called for m in members}
    assert set(AuditAction.names) - named - built == set()


@pytest.mark.django_db
def test_the_audit_trail_shows_labels_and_keeps_the_codes(client, cast):
    assert client.login(email=cast.staff.email, password=PASSWORD)
    page = client.get("/audit/").content.decode()
    assert "Role assigned" in page and '<code class="muted">role.assigned</code>' in page
    # The action filter offers labels; the stored code stays the value sent.
    assert '<option value="role.assigned" >Role assigned</option>' in page
    assert ">role.assigned</option>" not in page
    # Actor roles and object types as labels, never codes; times to the minute in the local zone.
    assert "District buyer" in page or "Consortium staff" in page
    assert ">district_buyer<" not in page and ">consortium_staff<" not in page
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d P[SD]T</td>", page)
    assert not re.search(r"\d\d:\d\d:\d\d", page)
    filtered = client.get("/audit/", {"action": "role.assigned"}).content.decode()
    assert '<option value="role.assigned" selected>Role assigned</option>' in filtered
    assert "Role assigned<br>" in filtered and "User account created<br>" not in filtered
    one = client.get(f"/audit/accounts.user/{cast.buyer_a.pk}/").content.decode()
    assert "User account created" in one and "user.created" in one
