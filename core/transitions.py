"""State machines: one table type for every stateful thing in EdPool.

A `Transitions` table names, for each action, the states it may be taken from, the state it leads
to and a label for people. Services ask the table before they change anything:

    target = ORDER_TRANSITIONS.check(order.state, "cancel", subject=f"order {order.number}")

and get the target state back, or a ValidationError that says, in words, where the thing stands
and what may be done from there. Pages and APIs ask `allowed_from(state)` which steps to offer.

States are given as `(value, label)` pairs (a TextChoices' `.choices`); a state that is *derived*
(from the clock, say: a published solicitation past its deadline is closed) names the stored state
it is derived from, so that `unreachable()` can tell a forgotten state from a derived one.
Plain Python: no models, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from collections.abc import Iterable, Mapping
from typing import Optional

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Transition:
    """One step: from any of `sources` to `target`, called `label` where people see it."""

    sources: tuple[str, ...]
    target: str
    label: str
    action: str = ""  # filled in by the table it is listed in

    def __post_init__(self) -> None:
        if not self.sources:
            raise ValueError(f"The step {self.label!r} must start from at least one state.")
        # Enum members (TextChoices) become their plain values, so tables compare and print alike.
        object.__setattr__(self, "sources", tuple(str(s) for s in self.sources))
        object.__setattr__(self, "target", str(self.target))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class Transitions(Mapping[str, Transition]):
    """The allowed steps of one kind of thing (a mapping action -> Transition, in listed order)."""

    def __init__(self, *, noun: str, states: Iterable[tuple[str, str]],
                 initial: Iterable[str], steps: Mapping[str, Transition],
                 derived: Optional[Mapping[str, str]] = None) -> None:
        self.noun = noun
        self.labels: dict[str, str] = {str(value): str(label) for value, label in states}
        self.initial = tuple(str(s) for s in initial)
        self.derived = {str(k): str(v) for k, v in (derived or {}).items()}
        self._steps = {action: replace(step, action=action) for action, step in steps.items()}
        named = set(self.initial) | set(self.derived) | set(self.derived.values())
        for step in self._steps.values():
            named |= set(step.sources) | {step.target}
        unknown = named - set(self.labels)
        if unknown:
            raise ValueError(f"The {noun} table names unknown states: {', '.join(sorted(unknown))}.")

    # Mapping protocol: TRANSITIONS["cancel"], list(TRANSITIONS), TRANSITIONS.values() ...
    def __getitem__(self, action: str) -> Transition:
        return self._steps[action]

    def __iter__(self):
        return iter(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    def label_of(self, state: str) -> str:
        return self.labels.get(str(state), str(state))

    def allowed_from(self, state: str) -> list[Transition]:
        """The steps that may be taken from `state`, in listed order."""
        return [step for step in self._steps.values() if str(state) in step.sources]

    def check(self, current: str, action: str, *, subject: str = "",
              field: Optional[str] = None) -> str:
        """Return the state `action` leads to from `current`, or refuse with a ValidationError
        naming the current state and the steps allowed from it. `subject` names the thing
        ("order PO-1"; "the <noun>" by default); `field` files the message under that key."""
        step = self._steps.get(action)
        if step is None:
            message = f"Unknown {self.noun} action {action!r}."
        elif str(current) in step.sources:
            return step.target
        else:
            allowed = [_lower_first(s.label) for s in self.allowed_from(current)]
            then = (f"From there you may only: {'; '.join(allowed)}." if allowed
                    else "No step is possible from there.")
            message = (f"Cannot {_lower_first(step.label)}: {subject or 'the ' + self.noun} is "
                       f"{_lower_first(self.label_of(current))}. {then}")
        raise ValidationError({field: message} if field else message, code="transition")

    def moves(self) -> dict[tuple[str, str], str]:
        """Every allowed (state, action) pair and the state it leads to: the table spelled out,
        for tests to compare with what the rules say."""
        return {(state, step.action): step.target
                for step in self._steps.values() for state in step.sources}

    def refused(self) -> list[tuple[str, str]]:
        """Every (state, action) pair the table refuses, for tests that try each on a service."""
        return [(state, action) for action in self._steps for state in self.labels
                if (state, action) not in self.moves()]

    def unreachable(self) -> list[str]:
        """States that no chain of steps from an initial state reaches (a derived state counts as
        reached once the state it is derived from is). Empty for a consistent table."""
        reached = set(self.initial)
        while True:
            more = {step.target for step in self._steps.values() if reached & set(step.sources)}
            more |= {d for d, origin in self.derived.items() if origin in reached}
            if more <= reached:
                break
            reached |= more
        return [state for state in self.labels if state not in reached]
