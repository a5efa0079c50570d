"""The award-plan job tells the person watching what the engine is doing in plain words, never
the engine's own step names ("pattern pool", "lagrangian bound", ...)."""

from __future__ import annotations

from awards.engine import parse_problem, solve
from bench.generate import Size, generate
from sourcing.jobs import engine_step


def test_every_step_of_a_real_search_is_told_in_plain_words() -> None:
    events: list[str] = []
    solve(parse_problem(generate(Size(60, 10, 3, share_cap=0.15), 1)), time_limit=3,
          on_progress=lambda entry: events.append(entry["event"]))
    assert "lagrangian bound" in events and len(set(events)) >= 3
    for event in set(events) | {None, "something new"}:
        line = engine_step(event)
        assert line.startswith("The award engine is ") and line.endswith(".")
        assert event is None or event not in line
    assert engine_step("lagrangian bound") != engine_step("pattern pool")
    assert engine_step("branch-and-price bound") == engine_step("lagrangian bound")
    assert engine_step("enumeration bound") == engine_step("lagrangian bound")
    assert engine_step("branch-and-price") == engine_step("pattern pool")  # its awards
