"""Walkthrough stops: their default names, and which one Page Up / Page Down goes to."""

from __future__ import annotations

from collections.abc import Sequence

from core.session import Session
from core.stepper import ForwardEvent, Phase

Position = tuple[float, int]  # Session.position: epochs before the pass, cursor in it


def default_name(session: Session) -> str:
    """A name saying where the session is, from its current step: "Example 2: after σ forward"."""
    step_pass = session.current
    graph = step_pass.graph
    if graph.kind.scalar:
        where = f"Example {step_pass.examples[0] + 1}"
    else:
        rows = step_pass.examples
        where = f"Batch of {len(rows)}" if len(rows) > 1 else f"Example {rows[0] + 1}"
    epoch = session.position[0]
    if epoch:
        where += f", epoch {epoch:g}"
    state = session.state
    event = state.last
    if event is None:
        return f"{where}: start of the pass"
    label = graph[event.node].label
    if state.phase is Phase.UPDATE:
        everything = len(state.updated) == len(graph.params)
        return f"{where}: after the update" if everything else f"{where}: after updating {label}"
    direction = "forward" if isinstance(event, ForwardEvent) else "backward"
    return f"{where}: after {label} {direction}"


def next_stop(positions: Sequence[Position], current: Position, at: int | None) -> int | None:
    """The stop after the current place: the first later one (``positions`` in walk-through order);
    ``at`` is the stop the session is at (jumped to and not moved since), which breaks ties."""
    for i, position in enumerate(positions):
        if position > current or (position == current and at is not None and i > at):
            return i
    return None


def previous_stop(positions: Sequence[Position], current: Position, at: int | None) -> int | None:
    """The stop before the current place (see ``next_stop``)."""
    for i in reversed(range(len(positions))):
        position = positions[i]
        if position < current or (position == current and at is not None and i < at):
            return i
    return None
