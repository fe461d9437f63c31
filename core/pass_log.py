"""The passes a session can step back into: the last few whole, older ones as what recomputes them.

A whole pass holds every value and gradient of its graph (a full batch of 4,000 examples: about
half a megabyte a pass), so a session that kept every pass grew without bound. Here only the
newest passes keep their events, within a count and a size; an older pass keeps what it was
computed from (its parameters and the source whose ops and settings recorded it) and what the
cost curve and snapshots read of it (cost, examples covered, settings, the optimiser's state after
it). The session records it again, to the same bits, when stepping back reaches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from core.network import Params
from core.optimizers import Optimizer, State
from core.source import GraphSource
from core.stepper import BackwardEvent, StepPass, UpdateEvent

# Passes kept whole: at most this many, and their arrays within this many bytes (the newest one always).
KEEP_WHOLE = 32
KEEP_WHOLE_BYTES = 64 * 2**20


@dataclass(frozen=True)
class KeptPass:
    """What a pass leaves once its events are let go."""

    params: Params  # the parameters it started from
    source: GraphSource  # the source that recorded it (its ops and settings)
    cost: float
    examples: int  # how many examples it covers
    learning_rate: float
    optimizer: Optimizer
    planted_bug: str | None
    state_after: State | None
    size: int  # bytes of the whole pass's arrays
    params_size: int  # bytes of ``params``


class PassLog:
    """A session's passes in order, each as a KeptPass; the newest also whole."""

    def __init__(self) -> None:
        self.keep_whole, self.keep_bytes = KEEP_WHOLE, KEEP_WHOLE_BYTES
        self._kept: list[KeptPass] = []
        self._whole: dict[int, StepPass] = {}  # index -> the pass with its events
        self.params_bytes = 0  # of every KeptPass's parameters

    def __len__(self) -> int:
        return len(self._kept)

    def __bool__(self) -> bool:
        return bool(self._kept)

    def __getitem__(self, index: int) -> KeptPass:
        return self._kept[index]

    def __iter__(self) -> Iterator[KeptPass]:
        return iter(self._kept)

    @property
    def whole_count(self) -> int:
        """How many passes keep their events now."""
        return len(self._whole)

    def whole(self, index: int) -> StepPass | None:
        """Pass ``index`` with its events, or None when only its KeptPass is left."""
        return self._whole.get(index % len(self._kept))

    def append(self, step_pass: StepPass, params: Params, source: GraphSource) -> None:
        self._kept.append(_kept(step_pass, params, source))
        self.params_bytes += self._kept[-1].params_size
        self._whole[len(self._kept) - 1] = step_pass
        self._let_go()

    def replace_last(self, step_pass: StepPass, params: Params, source: GraphSource) -> None:
        """The newest pass computed again (new parameters, settings or ops)."""
        self.params_bytes -= self._kept[-1].params_size
        self._kept[-1] = _kept(step_pass, params, source)
        self.params_bytes += self._kept[-1].params_size
        self._whole[len(self._kept) - 1] = step_pass
        self._let_go()

    def keep_whole_again(self, index: int, step_pass: StepPass) -> None:
        """Pass ``index`` recorded again from its KeptPass (stepping back reached it)."""
        self._whole[index % len(self._kept)] = step_pass
        self._let_go()

    def pop(self) -> None:
        self._whole.pop(len(self._kept) - 1, None)
        self.params_bytes -= self._kept.pop().params_size

    def drop_first(self, count: int) -> None:
        """Let go of the oldest ``count`` passes (folded into the session's histories)."""
        self.params_bytes -= sum(p.params_size for p in self._kept[:count])
        self._kept = self._kept[count:]
        self._whole = {i - count: p for i, p in self._whole.items() if i >= count}

    def state_before(self, index: int, first: State | None) -> State | None:
        """The optimiser's state pass ``index`` starts from; ``first``: the state before pass 0."""
        index %= len(self._kept)
        return self._kept[index - 1].state_after if index else first

    def costs(self) -> np.ndarray:
        return np.array([p.cost for p in self._kept], dtype=float)

    def _let_go(self) -> None:
        """Drop the events of the oldest whole passes beyond the count or size kept (never the newest)."""
        indices = sorted(self._whole, reverse=True)
        total = 0
        for rank, index in enumerate(indices):
            total += self._kept[index].size
            if rank and (rank >= self.keep_whole or total > self.keep_bytes):
                del self._whole[index]


def _kept(step_pass: StepPass, params: Params, source: GraphSource) -> KeptPass:
    return KeptPass(
        params,
        source,
        step_pass.cost,
        len(step_pass.examples),
        step_pass.learning_rate,
        step_pass.optimizer,
        step_pass.planted_bug,
        step_pass.state_after,
        _array_bytes(step_pass),
        sum(np.asarray(v).nbytes for v in params.values()),
    )


def _array_bytes(step_pass: StepPass) -> int:
    """Bytes of the values a pass holds (its leaves and every event's arrays), 8 for a number."""
    values: list[object] = list(step_pass.leaves.values())
    for event in step_pass.events:
        if isinstance(event, UpdateEvent):
            values += [event.old, event.grad, event.new, *(v for _, v in event.quantities)]
        elif isinstance(event, BackwardEvent):
            values += [event.upstream, *event.local, *event.sent]
        else:
            values.append(event.value)
    if step_pass.graph.kind.scalar:  # every value is one number: counting them is enough, and quicker
        return 8 * (len(values) - values.count(None))
    return sum(v.nbytes if isinstance(v, np.ndarray) else 8 for v in values if v is not None)
