"""Who may do what: the roles of the cast and the helpers that build expected statuses.

The matrix tables live beside this module, one file per area (pages_*.py, api_*.py); the test
module tests/test_authorization_matrix.py merges them in file-name order (the API tables' order
matters where an operation changes state: the numbers in the file names keep it)."""

from __future__ import annotations

ROLES = ["anon", "staff", "buyer_a", "approver_a", "buyer_b", "approver_b", "evaluator",
         "vendor_a", "vendor_b"]
DISTRICT_A = ["buyer_a", "approver_a", "evaluator"]
DISTRICT_B = ["buyer_b", "approver_b"]
VENDORS = ["vendor_a", "vendor_b"]
DISTRICT_BUYERS_APPROVERS = ["buyer_a", "approver_a", "buyer_b", "approver_b"]
SIGNED_IN = [r for r in ROLES if r != "anon"]


def expect(default: int, **by_role: int) -> dict[str, int]:
    table = {role: default for role in ROLES}
    for role, status in by_role.items():
        table[role] = status
    return table


def only(roles: list[str], ok: int = 200, others: int = 403, anon: int = 302) -> dict[str, int]:
    table = {role: (ok if role in roles else others) for role in ROLES}
    table["anon"] = anon
    return table



def SUR(c) -> dict:
    return {"survey_id": 999999}


def SOL(c) -> dict:
    return {"solicitation_id": c.sol.pk}


def AGR(c) -> dict:
    return {"agreement_id": c.agreement.pk}


def PART(c) -> dict:
    return {"participation_id": c.participation.pk}


def ORD(c) -> dict:
    return {"order_id": c.order.pk}


def COMP(c) -> dict:
    return {"competition_id": c.competition.pk}


def REP(c) -> dict:
    return {"report_id": c.sales_report.pk}


def REP_Q(c) -> dict:
    return {"agreement_id": c.agreement.pk, "year": c.sales_report.year, "quarter": c.sales_report.quarter}


# vendors manage their own evidence: an invalid body (422) for vendor A, 404 for vendor B
OWN_EVIDENCE_422 = {**only(["vendor_a"], ok=422, anon=401), "vendor_b": 404}
