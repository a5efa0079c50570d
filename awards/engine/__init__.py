"""EdPool award engine: optimal multi-vendor awards with volume-tier (all-units) prices.

Pure Python + HiGHS (``highspy``), numpy and scipy; imports nothing from Django, so it can be tested and
benchmarked alone. Public API:

    parse_problem(dict) -> Problem        validate; raises ProblemError naming the element
    solve(problem_or_dict, *, time_limit=None) -> Result
    Result.to_dict()                      the JSON answer (see result.schema.json)
    violations(problem, award) -> [str]   exact check of an award {bid id: quantity}
"""

from .model import Bid, Bundle, Constraints, Item, Options, Problem, Tier
from .result import Allocation, Result
from .rules import exact_cost, violations
from .solve import solve
from .validate import ProblemError, parse_problem

__all__ = [
    "Allocation",
    "Bid",
    "Bundle",
    "Constraints",
    "Item",
    "Options",
    "Problem",
    "ProblemError",
    "Result",
    "Tier",
    "exact_cost",
    "parse_problem",
    "solve",
    "violations",
]
