"""core.transitions: the one state-machine table type."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.transitions import Transition, Transitions

STATES = [("new", "New"), ("open", "Open for bids"), ("late", "Past its deadline"),
          ("done", "Done"), ("dropped", "Dropped")]


def table(**overrides) -> Transitions:
    spec = dict(noun="thing", states=STATES, initial=("new",), derived={"late": "open"}, steps={
        "open": Transition(("new",), "open", "Open it"),
        "finish": Transition(("late",), "done", "Finish"),
        "drop": Transition(("new", "open", "late"), "dropped", "Drop the thing"),
    })
    spec.update(overrides)
    return Transitions(**spec)


def test_check_returns_the_target_state():
    t = table()
    assert t.check("new", "open") == "open"
    assert t.check("late", "drop") == "dropped"


def test_a_refusal_names_the_state_in_words_and_what_is_allowed():
    with pytest.raises(ValidationError) as exc:
        table().check("open", "finish", subject="thing T-1")
    assert exc.value.messages == ["Cannot finish: thing T-1 is open for bids. "
                                  "From there you may only: drop the thing."]
    assert exc.value.code == "transition"


def test_a_refusal_from_a_final_state_says_nothing_is_possible():
    with pytest.raises(ValidationError, match=r"Cannot open it: the thing is done\. No step is possible"):
        table().check("done", "open")


def test_a_refusal_can_be_filed_under_a_field():
    with pytest.raises(ValidationError) as exc:
        table().check("done", "drop", field="action")
    assert list(exc.value.message_dict) == ["action"]
    assert "the thing is done" in exc.value.message_dict["action"][0]


def test_an_unknown_action_is_refused_by_name():
    with pytest.raises(ValidationError, match="Unknown thing action 'promote'"):
        table().check("new", "promote")


def test_allowed_from_lists_steps_in_table_order():
    t = table()
    assert [s.action for s in t.allowed_from("new")] == ["open", "drop"]
    assert [s.action for s in t.allowed_from("late")] == ["finish", "drop"]
    assert t.allowed_from("dropped") == []


def test_the_table_is_a_mapping_of_actions():
    t = table()
    assert list(t) == ["open", "finish", "drop"] and len(t) == 3
    assert t["drop"].action == "drop" and t["drop"].sources == ("new", "open", "late")
    assert t.label_of("late") == "Past its deadline"


def test_unreachable_counts_derived_states_from_their_origin():
    assert table().unreachable() == []
    # without the step into "open", neither "open" nor the "late" derived from it is reached,
    # and so neither is "done"
    steps = {"drop": Transition(("new",), "dropped", "Drop")}
    assert table(steps=steps).unreachable() == ["open", "late", "done"]
    # a derived state whose origin is reached is reached, without any step into it
    assert "late" not in table(derived={"late": "open"}).unreachable()
    assert table(derived={}).unreachable() == ["late", "done"]


def test_a_table_naming_unknown_states_is_refused():
    with pytest.raises(ValueError, match="unknown states: gone"):
        table(steps={"go": Transition(("new",), "gone", "Go")})
    with pytest.raises(ValueError, match="at least one state"):
        Transition((), "new", "Nothing")


def test_moves_and_refused_split_every_pair():
    t = table()
    assert t.moves() == {("new", "open"): "open", ("late", "finish"): "done",
                         ("new", "drop"): "dropped", ("open", "drop"): "dropped",
                         ("late", "drop"): "dropped"}
    refused = t.refused()
    assert len(refused) + len(t.moves()) == len(STATES) * len(t)
    assert ("open", "finish") in refused and ("new", "open") not in refused
    for state, action in refused:
        with pytest.raises(ValidationError):
            t.check(state, action)
