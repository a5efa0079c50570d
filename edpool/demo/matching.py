"""Demo: buyers' needs (issue 14). buyer1 (ABC Unified) saved a need for 1:1 Chromebooks that the
Chromebook agreements meet, and one for K-2 phonics in Spanish; other buyers saved needs nothing on
contract meets (social-emotional check-ins, high-dosage tutoring, a dyslexia screener), so staff
see unmet needs grouped at /needs/unmet/."""

from __future__ import annotations

from accounts.acting import Actor
from accounts.models import RoleAssignment
from matching.models import Need
from matching.services import need_save
from matching.spec import need_spec
from members.selectors import district_of_organisation

# (buyer's email, need as written, hard must-haves, nice-to-haves, quantity, budget per unit)
NEEDS = [
    ("buyer1@demo.edpool.org", "1:1 chromebooks for grade 6", ["kind:device"], [], 600, "320.00"),
    ("buyer1@demo.edpool.org", "K-2 phonics", ["grade:K-2"], ["language:es", "essa:3"], 900, "15.00"),
    ("buyer2@demo.edpool.org", "SEL check-ins for middle school", [], ["essa:3"], 1500, "8.00"),
    ("buyer3@demo.edpool.org", "high dosage tutoring math", [], [], 200, "600.00"),
    ("buyer4@demo.edpool.org", "dyslexia screener K-2", [], ["language:es"], 400, "6.00"),
    ("buyer5@demo.edpool.org", "social emotional learning elementary", [], [], 2500, "6.00"),
]


def build_matching_demo(report) -> None:
    """Idempotent: needs already saved are not saved again."""
    if Need.objects.exists():
        report.add("Needs already saved.")
        return
    saved = unmet = 0
    for email, text, hard, soft, quantity, budget in NEEDS:
        assignment = (RoleAssignment.objects.select_related("user", "organisation")
                      .filter(user__email=email, role="district_buyer").first())
        if assignment is None:
            continue
        need = need_save(district=district_of_organisation(assignment.organisation),
                         spec=need_spec(text=text, must_haves=hard, nice_to_haves=soft, quantity=quantity,
                                        budget_per_unit=budget),
                         actor=Actor.from_assignment(assignment))
        saved += 1
        unmet += need.status == "unmet"
    report.add(f"Needs: {saved} saved by buyers, {unmet} of them unmet (nothing on contract fits).")
