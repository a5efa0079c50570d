"""edpool award-solve PROBLEM.json [-o RESULT.json] [--time-limit S]: solve an award problem.

Prints the result as JSON (or writes it to -o). Bad input is reported on stderr with exit status 2.
The format is documented in awards/engine/README.md and problem.schema.json.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from awards.engine import ProblemError, parse_problem, solve


class Command(BaseCommand):
    help = "Solve an award problem (JSON) and print the optimal award as JSON."

    def add_arguments(self, parser):
        parser.add_argument("problem", help="problem file (JSON), or - for standard input")
        parser.add_argument("-o", "--output", help="write the result to this file instead of printing it")
        parser.add_argument("--time-limit", type=float, help="seconds (overrides options.time_limit_seconds)")

    def handle(self, *args, problem: str, output: str | None, time_limit: float | None, **options):
        try:
            text = sys.stdin.read() if problem == "-" else Path(problem).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {problem}: {error.strerror}", returncode=2) from None
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise CommandError(f"{problem} is not valid JSON: {error}", returncode=2) from None
        if time_limit is not None and time_limit <= 0:
            raise CommandError("--time-limit must be positive", returncode=2)
        try:
            parsed = parse_problem(data)
        except ProblemError as error:
            raise CommandError(f"invalid problem: {error}", returncode=2) from None
        result = solve(parsed, time_limit=time_limit)
        rendered = json.dumps(result.to_dict(), indent=2)
        if output:
            Path(output).write_text(rendered + "\n", encoding="utf-8")
        else:
            self.stdout.write(rendered)
