"""A stepping session: passes over a graph source's examples or batches, committed updates,
the cost history.

Single-threaded by design: training runs elsewhere on copies of the
parameters and hands its progress records to ``absorb``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from core.cost_history import DEFAULT_BUDGET, CostHistory
from core.graph import Graph
from core.network import Network, Params
from core.optimizers import Optimizer, State
from core.pass_log import KeptPass, PassLog
from core.source import GraphSource, Mode, NetworkSource, as_source
from core.stepper import Phase, StepPass, StepState
from core.training import TrainProgress

__all__ = ["CostHistory", "Mode", "NextPass", "PassAgain", "PassRun", "Session", "Snapshot"]

# What a snapshot keeps for stepping back (whole epochs stepped before become history): at most this
# many passes, and passes of at most this many events in all (replaying them takes about a second).
KEPT_PASSES = 1000
KEPT_EVENTS = 100_000
# Stepping in the window lets go of older passes past twice a save's count, or past twice this many
# bytes of the parameters they start from (8 per parameter a pass: 0.3 MB for 41,000 parameters).
KEPT_PARAMS_BYTES = 64 * 2**20
# The most events a snapshot read from a file may ask to replay (five times what a save keeps, about
# ten seconds on a busy machine): a hostile file's 100,000 passes of a big graph would take hours.
MAX_REPLAY_EVENTS = 5 * KEPT_EVENTS


@dataclass(frozen=True)
class _Fold:
    """A session's passes before ``dropped`` folded into its histories (see ``Session._folded``)."""

    dropped: int
    history: CostHistory
    update_history: CostHistory
    epoch_offset: float
    start_example: int
    carry: tuple[float, int]
    optimizer_state: State | None  # before the first pass kept


@dataclass(frozen=True)
class NextPass:
    """The pass after a pass's update, computed apart from the session (``Session.next_pass_job``);
    ``Session.commit`` makes it the current one."""

    after: StepPass  # the pass whose update it follows: the session's current pass when it was asked for
    params: Params  # the parameters that update gave, the new pass's start
    step_pass: StepPass


@dataclass(frozen=True)
class PassAgain:
    """A pass recorded again from what was kept of it (``Session.step_back_job``)."""

    kept: KeptPass  # what it was recorded from
    step_pass: StepPass


@dataclass(frozen=True)
class PassRun:
    """Consecutive passes recorded with the same learning rate, optimiser and planted bug (or none)."""

    count: int
    learning_rate: float
    optimizer: Optimizer
    planted_bug: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """Everything needed to bring a network's session back exactly: ``Session.snapshot`` and
    ``Session.restored``. The passes are a replay recipe: the first starts from ``first_params``
    and ``optimizer_state``, each next one from the parameters the previous one's update gave,
    the last (current) one from ``params``."""

    network: Network  # with the settings in force (learning rate, batch size, optimiser)
    mode: Mode
    params: Params  # at the start of the current pass
    first_params: Params  # at the start of the first pass kept for stepping back
    optimizer_state: State | None  # before the first kept pass
    passes: tuple[PassRun, ...]  # empty: no pass recorded yet
    updates: int  # updates committed in the current segment (the current pass's number)
    epoch_offset: float
    history: CostHistory
    update_history: CostHistory
    cursor: int
    start_example: int = 0  # examples into an epoch where the current segment began (after a switch)
    epoch_carry: tuple[float, int] = (0.0, 0)  # the epoch in progress before it: (Σ loss × examples, examples)

    @property
    def pass_count(self) -> int:
        return sum(run.count for run in self.passes)

    @property
    def position(self) -> tuple[float, int]:
        """``Session.position`` of the session this snapshot restores (without recording anything)."""
        sizes = NetworkSource(self.network).update_sizes(self.mode)
        first, lead = _alignment(sizes, min(self.start_example, sum(sizes) - 1))
        return self.epoch_offset + _examples_in(sizes, first, lead, self.updates) / sum(sizes), self.cursor

    def check(self) -> Graph:
        """The graph the snapshot steps through; a ValueError if it cannot be restored as it says."""
        source = NetworkSource(self.network)
        if self.mode not in source.modes:
            raise ValueError(f"mode {self.mode.value!r} is not offered for this network")
        count = self.pass_count
        if count > self.updates + 1:
            raise ValueError(f"{count} passes kept but only {self.updates} updates made")
        graph = source.graph(self.mode)
        events = 2 * len(graph.op_nodes) + len(graph.params)  # a pass's: forward, backward, updates
        if count * events > MAX_REPLAY_EVENTS:
            raise ValueError(
                f"{count:,} passes of {events:,} steps to replay ({count * events:,}), "
                f"over the limit of {MAX_REPLAY_EVENTS:,}"
            )
        limit = events if count else 0
        if not 0 <= self.cursor <= limit:
            raise ValueError(f"cursor {self.cursor} is beyond the pass (0 to {limit})")
        return graph


class Session:
    """Steps through one graph source's passes, forward and back, and keeps its history."""

    def __init__(self, source: GraphSource | Network, mode: Mode | None = None) -> None:
        self.source = as_source(source)
        self.mode = self.source.modes[0] if mode is None else mode
        self.reset()

    # -- structure -----------------------------------------------------------------

    @property
    def network(self) -> Network | None:
        """The network being stepped, or None when the source is not a network (an expression)."""
        return self.source.network if isinstance(self.source, NetworkSource) else None

    @property
    def graph(self) -> Graph:
        return self.source.graph(self.mode)

    @property
    def can_update(self) -> bool:
        """Whether passes end in an update (a graph without parameters is one pass, nothing more)."""
        return bool(self.graph.params)

    # -- state -----------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the initial parameters, with no history."""
        self.params: Params = self.source.initial_params()
        self.history = CostHistory()  # cost per epoch, as training defines it
        self.update_history = CostHistory()  # the cost of each stepped update
        self.epoch_offset = 0.0  # epochs completed before the current way of updating began
        self.updates = 0  # updates committed since then, in the current mode and batching
        # Where the current way of updating began: examples into an epoch, the batch its first pass
        # starts in, the rest of that batch when it began inside one, and the (sum of loss × examples,
        # examples) of the epoch in progress stepped before (so a switch of graph keeps the epoch whole).
        self.start_example = 0
        self._first_batch = 0
        self._lead_rows: tuple[int, ...] | None = None
        self._carry = (0.0, 0)
        self._passes = PassLog()  # passes that can still be stepped back into
        self.optimizer_state: State | None = None  # the optimiser's state before the first of _passes
        self.cursor = 0

    @property
    def current(self) -> StepPass:
        """The pass being stepped through (recorded on first use)."""
        if not self._passes:
            self._passes.append(self._record(self.params, self.updates, self.optimizer_state), self.params, self.source)
        return self._whole(-1)

    def _whole(self, index: int) -> StepPass:
        """Pass ``index`` with its events: recorded again from what it was computed from when only
        that is kept (the same numbers: the same parameters, state, source and examples)."""
        step_pass = self._passes.whole(index)
        if step_pass is None:
            step_pass = self._pass_again_job(index)().step_pass
            self._passes.keep_whole_again(index, step_pass)
        return step_pass

    def _pass_again_job(self, index: int) -> Callable[[], PassAgain]:
        """What records pass ``index`` again from its KeptPass, from values taken now (see ``next_pass_job``)."""
        index %= len(self._passes)
        kept = self._passes[index]
        number = index + self.updates + 1 - len(self._passes)  # a restored session may keep fewer passes
        state = self._passes.state_before(index, self.optimizer_state)
        record = partial(_recorded, kept.source, self.mode, self._first_batch, self._lead_rows)
        return partial(_pass_again, record, kept, number, state)

    def step_back_job(self) -> Callable[[], PassAgain] | None:
        """What stepping back from here records again (the previous pass, when only what computes it is
        kept), as ``next_pass_job`` does for the next pass; ``step_back_into`` then steps back with its
        result. None when stepping back records nothing."""
        if self.cursor > 0 or len(self._passes) < 2 or self._passes.whole(-2) is not None:
            return None
        return self._pass_again_job(-2)

    def steps_back_into(self, again: PassAgain) -> bool:
        """Whether stepping back from here goes into the pass ``again`` was recorded from."""
        return self.cursor == 0 and len(self._passes) > 1 and self._passes[-2] is again.kept

    def step_back_into(self, again: PassAgain) -> None:
        """``step_back`` into the previous pass, recorded again apart (``step_back_job``'s result); a
        ValueError if stepping back from here goes elsewhere."""
        if not self.steps_back_into(again):
            raise ValueError("the pass recorded again is not the one stepping back goes into")
        self._back_into_previous(again.step_pass)

    @property
    def update_applied(self) -> bool:
        """Whether the cursor is past the current pass's update (False before any pass is recorded)."""
        return bool(self._passes) and self.can_update and self.cursor == len(self.current)

    @property
    def state(self) -> StepState:
        return self.current.state_at(self.cursor)

    @property
    def phase(self) -> Phase:
        return self.current.phase_at(self.cursor)

    @property
    def epoch(self) -> float:
        """Epochs completed, counting the current pass once its update is applied."""
        return self._epochs_after(self.updates + self.update_applied)

    def _epochs_after(self, updates: int) -> float:
        """The epoch reached after ``updates`` updates of this segment, by examples seen
        (a last, smaller mini-batch counts for less)."""
        return self.epoch_offset + self._examples_in(updates) / sum(self.source.update_sizes(self.mode))

    def _examples_in(self, updates: int) -> int:
        """Examples covered by the first ``updates`` passes of this segment."""
        return _examples_in(self.source.update_sizes(self.mode), self._first_batch, self._lead_rows, updates)

    @property
    def position(self) -> tuple[float, int]:
        """Where the walk-through is: epochs completed before the current pass, then the cursor in it."""
        return self._epochs_after(self.updates), self.cursor

    @property
    def updates_per_epoch(self) -> int:
        return len(self.source.update_sizes(self.mode))

    @property
    def diverged(self) -> bool:
        """Whether the current pass's cost is NaN or infinite."""
        return not math.isfinite(self.current.cost)

    def cost_curve(
        self, x_range: tuple[float, float] | None = None, budget: int = DEFAULT_BUDGET
    ) -> tuple[np.ndarray, np.ndarray]:
        """Cost per epoch: training's epochs and every epoch completed by stepping.

        A stepped epoch's cost is the mean over its examples of the losses computed
        before each of its updates, as training defines it. A long history comes as a
        min/max envelope within ``budget`` points (see ``cost_view``).
        """
        return self.cost_view(x_range, budget)[:2]

    def cost_view(
        self, x_range: tuple[float, float] | None = None, budget: int = DEFAULT_BUDGET
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """``cost_curve`` for ``x_range``, and how many epochs each of its bins covers (1: exact)."""
        return _joined(self.history.view(x_range, budget), self._segment_points(per_epoch=True))

    def update_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """The cost of each stepped update, at its epoch position, the current one once applied."""
        return _joined(self.update_history.view(), self._segment_points(per_epoch=False))[:2]

    def last_cost(self) -> tuple[float, str] | None:
        """The latest cost and what it is ("epoch" or "update"), or None before the first update."""
        for history, per_epoch, kind in ((self.history, True, "epoch"), (self.update_history, False, "update")):
            stepped = self._segment_points(per_epoch)[1]
            if len(stepped):
                return float(stepped[-1]), kind
            if history.last() is not None:
                return history.last()[1], kind
        return None

    def _segment_points(self, per_epoch: bool) -> tuple[np.ndarray, np.ndarray]:
        """Points of the passes stepped since the last restart (their updates applied)."""
        done = list(self._passes)[: len(self._passes) - (not self.update_applied)]
        if not per_epoch:
            sizes = self.source.update_sizes(self.mode)
            covered = _examples_in_each(sizes, self._first_batch, self._lead_rows, len(done))
            positions = self.epoch_offset + covered / sum(sizes)
            return positions, np.array([p.cost for p in done])
        epochs, costs = self._completed_epochs(done)[:2]
        return np.array(epochs), np.array(costs)

    def _completed_epochs(self, done: list[KeptPass]) -> tuple[list[float], list[float], tuple[float, int]]:
        """The epochs the passes ``done`` complete: where each ends and its cost (the mean of the
        losses over its examples, an epoch begun before this segment included), and what is
        stepped of the epoch still in progress, as (sum of loss × examples, examples)."""
        m = sum(self.source.update_sizes(self.mode))
        (total, seen), covered = self._carry, 0
        epochs, costs = [], []
        for p in done:
            n = p.examples
            total, seen, covered = total + p.cost * n, seen + n, covered + n
            if seen >= m:  # a pass never crosses the end of an epoch: batches are cut at it
                epochs.append(self.epoch_offset + covered / m)
                costs.append(float(total / seen))
                total, seen = 0.0, 0
        return epochs, costs, (total, seen)

    def displayed_params(self) -> Params:
        """The parameters as the cursor shows them (updated once the update is applied)."""
        if self.update_applied:
            return self._params_after(self.current)
        return self.params

    def _params_after(self, step_pass: StepPass) -> Params:
        return self.source.params_from_leaves(step_pass.graph, step_pass.leaves_after(), self.params)

    # -- snapshots ---------------------------------------------------------------------

    def snapshot(self, kept_passes: int = KEPT_PASSES) -> Snapshot:
        """The state now, for a session file or a walkthrough stop; nothing here changes.

        At most about ``kept_passes`` passes (and KEPT_EVENTS events) are kept for stepping back:
        whole epochs stepped before them go into the histories, exactly as their points are drawn now.
        """
        if self.network is None:
            raise ValueError("only a network's session can be saved (an expression has no parameters)")
        if self._passes:
            kept_passes = max(1, min(kept_passes, KEPT_EVENTS // len(self.current)))
        fold = self._folded(kept_passes)
        kept = self._passes[fold.dropped :]
        runs: list[PassRun] = []
        for p in kept:
            run = PassRun(1, p.learning_rate, p.optimizer, p.planted_bug)
            if runs and replace(runs[-1], count=1) == run:
                runs[-1] = replace(runs[-1], count=runs[-1].count + 1)
            else:
                runs.append(run)
        first = kept[0].params if kept else self.params
        return Snapshot(
            network=self.network,
            mode=self.mode,
            params={k: v.copy() for k, v in self.params.items()},
            first_params={k: np.array(v, dtype=float) for k, v in first.items()},
            optimizer_state=fold.optimizer_state,
            passes=tuple(runs),
            updates=self.updates - fold.dropped,
            epoch_offset=fold.epoch_offset,
            history=fold.history,
            update_history=fold.update_history,
            cursor=self.cursor,
            start_example=fold.start_example,
            epoch_carry=fold.carry,
        )

    def _folded(self, kept_passes: int) -> _Fold:
        """What the session would be with the whole epochs of passes before about its last ``kept_passes``
        folded into (copies of) its histories, exactly as their points are drawn now."""
        passes, history, update_history = self._passes, self.history.copy(), self.update_history.copy()
        # Whole epochs are dropped: the passes up to the last end of an epoch that leaves enough kept
        # (a segment begun mid-epoch, after a switch of graph or batch size, has its ends shifted).
        sizes = self.source.update_sizes(self.mode)
        m = sum(sizes)
        covered = _examples_in_each(sizes, self._first_batch, self._lead_rows, len(passes))
        ends = np.flatnonzero((self.start_example + covered) % m == 0) + 1  # passes done at each epoch's end
        dropped = int(ends[ends <= len(passes) - kept_passes].max(initial=0))
        epoch_offset, start_example, carry = self.epoch_offset, self.start_example, self._carry
        if dropped:
            update_x, update_y = self._segment_points(per_epoch=False)
            epoch_x, epoch_y = self._segment_points(per_epoch=True)
            epochs = int(np.count_nonzero(ends <= dropped))
            history.extend(epoch_x[:epochs], epoch_y[:epochs])
            update_history.extend(update_x[:dropped], update_y[:dropped])
            epoch_offset = float(round(epoch_x[epochs - 1]))  # where that epoch ended: a whole epoch
            start_example, carry = 0, (0.0, 0)
        state = self.optimizer_state if not dropped else passes[dropped - 1].state_after
        return _Fold(dropped, history, update_history, epoch_offset, start_example, carry, state)

    def _keep_bounded(self) -> None:
        """Past twice what a saved session keeps (passes, or their parameters' bytes), let go of the whole
        epochs before about the last KEPT_PASSES (fewer for a big network): their points join the
        histories as a save folds them, and ← reaches back as far as in a saved session."""
        count, size = len(self._passes), self._passes.params_bytes
        if count <= 2 * KEPT_PASSES and size <= 2 * KEPT_PARAMS_BYTES:
            return
        fold = self._folded(max(1, min(KEPT_PASSES, KEPT_PARAMS_BYTES * count // max(size, 1))))
        if fold.dropped:
            self.history, self.update_history = fold.history, fold.update_history
            self.epoch_offset, self.start_example, self._carry = fold.epoch_offset, fold.start_example, fold.carry
            self.optimizer_state = fold.optimizer_state
            self.updates -= fold.dropped
            self._passes.drop_first(fold.dropped)
            self._align()

    @classmethod
    def restored(cls, snapshot: Snapshot) -> Session:
        """The session a snapshot describes, its passes recorded again; a ValueError names what
        does not fit (a cursor beyond the pass, a graph the network cannot show)."""
        steps = cls.restoring(snapshot)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    @classmethod
    def restoring(cls, snapshot: Snapshot) -> Generator[tuple[int, int], None, Session]:
        """``restored`` one pass at a time, for a front end that must stay responsive: yields
        (passes recorded, passes to record) after each, and returns the session."""
        network = snapshot.network
        snapshot.check()
        session = cls(network, snapshot.mode)
        session.source.graph(session.mode)  # built once, shared by the sources of each run below
        count = snapshot.pass_count
        session.params = {k: np.array(v, dtype=float) for k, v in snapshot.params.items()}
        session.history, session.update_history = snapshot.history.copy(), snapshot.update_history.copy()
        session.epoch_offset, session.updates = snapshot.epoch_offset, snapshot.updates
        session.optimizer_state = snapshot.optimizer_state
        session.start_example, session._carry = snapshot.start_example, snapshot.epoch_carry
        session._align()
        params, state, number = snapshot.first_params, snapshot.optimizer_state, snapshot.updates - count + 1
        bugged = {network.planted_bug: session.source}  # a source (its graphs built once) per planted bug
        for run in snapshot.passes:
            settings = network.with_settings(
                learning_rate=run.learning_rate, optimizer=run.optimizer, planted_bug=run.planted_bug
            )
            ops = bugged.setdefault(run.planted_bug, NetworkSource(settings))  # passes from before a bug changed
            source = ops.with_settings_of(settings)
            for _ in range(run.count):
                if len(session._passes) == count - 1:
                    params = session.params
                step_pass = session._record(params, number + len(session._passes), state, source)
                session._passes.append(step_pass, params, source)
                params, state = session._params_after(step_pass), step_pass.state_after
                yield len(session._passes), count
        session.cursor = snapshot.cursor
        return session

    # -- stepping --------------------------------------------------------------------

    def step_forward(self) -> None:
        """One event on; past the end of a pass, on to the next example or batch."""
        if self.cursor < len(self.current):
            self.cursor += 1
        elif self.can_update:
            self._commit()

    def step_back(self) -> None:
        """One event back; before the start of a pass, back into the previous one."""
        if self.cursor > 0:
            self.cursor -= 1
        elif len(self._passes) > 1:
            self._back_into_previous(None)

    def _back_into_previous(self, recorded: StepPass | None) -> None:
        """To the end of the previous pass (``recorded``: it with its events, recorded again apart)."""
        self._passes.pop()
        if recorded is not None:
            self._passes.keep_whole_again(-1, recorded)
        self.updates -= 1
        self.params = self.source.params_from_leaves(self.current.graph, self.current.leaves, self.params)
        self.cursor = len(self.current)

    def seek(self, cursor: int) -> None:
        self.cursor = min(max(cursor, 0), len(self.current))

    def to_end_of_forward(self) -> None:
        self.seek(self.current.end_of_forward)

    def to_end_of_backward(self) -> None:
        self.seek(self.current.end_of_backward)

    def apply_update(self) -> None:
        self.seek(len(self.current))

    def next_example(self) -> None:
        """Apply this pass's update and move on to the next example or batch."""
        self.apply_update()
        if self.can_update:
            self._commit()

    def _commit(self) -> None:
        self.commit(self.next_pass_job()())

    def next_pass_job(self) -> Callable[[], NextPass]:
        """What computes the pass after the current one's update (its forward and backward pass, every
        value and gradient kept for stepping): the heavy part of moving on. It holds what it needs, taken
        now, and reads or changes nothing of the session, so it may run on another thread meanwhile."""
        current = self.current
        params = self._params_after(current)
        record = partial(_recorded, self.source, self.mode, self._first_batch, self._lead_rows)
        return partial(_next_pass, record, current, params, self.updates + 1)

    def follows_current(self, next_pass: NextPass) -> bool:
        """Whether ``next_pass`` follows the current pass as it is now (not one since replaced: a new
        learning rate, a parameter typed in, a reset or a step back)."""
        return bool(self._passes) and self._passes.whole(-1) is next_pass.after

    def commit(self, next_pass: NextPass) -> None:
        """Apply the current pass's update and make ``next_pass`` (``next_pass_job``'s) the current pass,
        at its start; a ValueError if it does not follow the current pass."""
        if not self.follows_current(next_pass):
            raise ValueError("the pass computed does not follow the current one")
        self.params = next_pass.params
        self.updates += 1
        self._passes.append(next_pass.step_pass, self.params, self.source)
        self.cursor = 0
        self._keep_bounded()

    def next_pass_work(self) -> int:
        """About how much recording the pass after the current one's update costs: its examples × the
        parameters (× 2·parameters + 1 more for Newton's method: its Hessian takes two gradients per
        parameter). Recording a 2-16-16-1 network's pass takes about 5-10 ns per unit on a desktop core."""
        return self._recording_work(self.next_pass_examples())

    def step_back_work(self) -> int:
        """``next_pass_work`` for what stepping back from here records again (0: nothing)."""
        return self._recording_work(self.step_back_examples())

    def step_back_examples(self) -> int:
        """How many examples the pass stepping back from here records again covers (0: none)."""
        return 0 if self.step_back_job() is None else self._passes[-2].examples

    def _recording_work(self, examples: int) -> int:
        params = sum(np.size(v) for v in self.params.values())
        newton = self.network is not None and self.network.optimizer.name == "newton"
        return examples * params * (2 * params + 1 if newton else 1)

    def next_pass_examples(self) -> int:
        """How many examples the pass after the current one's update covers."""
        sizes = self.source.update_sizes(self.mode)
        return sizes[(self._first_batch + self.updates + 1) % len(sizes)]

    def _record(self, params: Params, update: int, state: State | None, source: GraphSource | None = None) -> StepPass:
        """The pass of this segment's update number ``update`` (see ``_recorded``)."""
        source = self.source if source is None else source
        return _recorded(source, self.mode, self._first_batch, self._lead_rows, params, update, state)

    def _state_before_current(self) -> State | None:
        """The optimiser's state the current pass's update starts from."""
        return self._passes[-2].state_after if len(self._passes) > 1 else self.optimizer_state

    def _record_current_again(self) -> None:
        """The current pass computed again (new parameters, settings or ops), from the same state."""
        self._passes.replace_last(
            self._record(self.params, self.updates, self._state_before_current()), self.params, self.source
        )

    # -- changes -----------------------------------------------------------------------

    def set_mode(self, mode: Mode) -> None:
        """Switch graphs, keeping the parameters, history, optimiser state and the place in the epoch:
        the next pass covers the examples that come next (in the layer graph, first the rest of the
        batch they fall in). A pass stepped only in part starts again in the other graph."""
        if mode is not self.mode:
            self._restart()
            self.mode = mode
            self._align()

    def set_network(self, network: Network) -> None:
        """Change settings (learning rate, batch size, planted bug) keeping the parameters and history.

        A new learning rate changes only the update: the pass is recorded again and
        the cursor stays where it was. So does a new batch size while stepping the scalar
        graph, which updates after every example whatever the setting.
        """
        same_passes = network.batch_size == self.network.batch_size or self.mode is Mode.EXAMPLE
        if self._passes and same_passes and network.planted_bug != self.network.planted_bug:
            # A planted (or removed) bug changes the graphs' ops: the pass is computed again with
            # them and the cursor stays where it was.
            cursor = self.cursor
            self.source = NetworkSource(network)
            self._record_current_again()
            self.cursor = min(cursor, len(self.current))
            return
        if self._passes and same_passes:
            # A new learning rate or optimiser changes only the update.
            self.source = self.source.with_settings_of(network)
            self._record_current_again()
            return
        self._restart()
        self.source = NetworkSource(network)
        self._align()

    def set_param(self, name: str, value: np.ndarray) -> None:
        """Give parameter ``name`` (W1, b1, ...) a new value for the current pass: the pass is
        computed again from it and the cursor stays where it was."""
        value = np.array(value, dtype=float)
        if value.shape != self.params[name].shape:
            raise ValueError(f"{name} must have shape {self.params[name].shape}, not {value.shape}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} must be finite")
        cursor = self.cursor if self._passes else 0
        self.params = {**self.params, name: value}
        if self._passes:
            self._record_current_again()
        self.cursor = min(cursor, len(self.current))

    def begin_training(self) -> tuple[Params, float]:
        """Commit what stepping showed; return the parameters and the epoch training starts from
        (the optimiser's state it starts from is then ``optimizer_state``)."""
        self._restart()
        return self.params, self.epoch_offset

    def absorb(self, progress: TrainProgress, start_epoch: float) -> None:
        """Take a chunk of training: its costs join the history, its parameters become current."""
        n = len(progress.costs)
        first = progress.epoch - n + 1
        self.history.extend(start_epoch + np.arange(first, progress.epoch + 1), progress.costs)
        self.params = {k: np.array(v, dtype=float) for k, v in progress.params.items()}
        self._passes, self.cursor = PassLog(), 0
        self.optimizer_state = progress.state  # stepping after training goes on from the run's state
        self.epoch_offset, self.updates = start_epoch + progress.epoch, 0
        self.start_example, self._carry = 0, (0.0, 0)  # training runs whole epochs from the first example
        self._align()

    def _restart(self) -> None:
        """Commit an applied update and keep the stepped points, then count epochs afresh from
        here; earlier passes are closed (an epoch stepped only in part keeps its update points)."""
        if self.update_applied:
            self._commit()
        done = list(self._passes)[:-1]
        epochs, costs, self._carry = self._completed_epochs(done)
        self.history.extend(np.array(epochs), np.array(costs))
        self.update_history.extend(*self._segment_points(per_epoch=False))
        m = sum(self.source.update_sizes(self.mode))
        self.start_example = (self.start_example + self._examples_in(self.updates)) % m
        self.epoch_offset = self.epoch
        self.updates = 0
        if self._passes:
            self.optimizer_state = self._state_before_current()
        self._passes = PassLog()
        self.cursor = 0
        self._align()

    def _align(self) -> None:
        """The first batch of a segment beginning ``start_example`` examples into an epoch, and the rest
        of that batch when it begins inside one (the batches change with the graph and size)."""
        sizes = self.source.update_sizes(self.mode)
        if self.start_example >= sum(sizes):  # fewer examples than before (new data): a new epoch
            self.start_example, self._carry = 0, (0.0, 0)
        self._first_batch, self._lead_rows = _alignment(sizes, self.start_example)


def _recorded(
    source: GraphSource,
    mode: Mode,
    first_batch: int,
    lead_rows: tuple[int, ...] | None,
    params: Params,
    update: int,
    state: State | None,
) -> StepPass:
    """The pass of a segment's update number ``update``: the rest of the batch the segment began in
    (``lead_rows``, when it began inside one), then whole batches in order from ``first_batch``."""
    if lead_rows is not None and update == 0:
        return source.record(mode, params, first_batch, state, rows=lead_rows)
    return source.record(mode, params, first_batch + update, state)


def _next_pass(record: Callable[..., StepPass], after: StepPass, params: Params, update: int) -> NextPass:
    """``Session.next_pass_job``'s work: the pass of update number ``update``, from ``after``'s update."""
    return NextPass(after, params, record(params, update, after.state_after))


def _pass_again(record: Callable[..., StepPass], kept: KeptPass, update: int, state: State | None) -> PassAgain:
    """``Session._pass_again_job``'s work: the pass of update number ``update`` recorded again from ``kept``."""
    return PassAgain(kept, record(kept.params, update, state))


def _alignment(sizes: tuple[int, ...], start_example: int) -> tuple[int, tuple[int, ...] | None]:
    """The batch a segment beginning ``start_example`` examples into an epoch starts in, and the rest
    of that batch when it begins inside one (None at a batch's first example)."""
    starts = np.cumsum([0, *sizes])
    batch = int(np.searchsorted(starts, start_example, side="right")) - 1
    inside = starts[batch] != start_example
    return batch, tuple(range(start_example, int(starts[batch + 1]))) if inside else None


def _examples_in(sizes: tuple[int, ...], first_batch: int, lead_rows: tuple[int, ...] | None, updates: int) -> int:
    """Examples covered by a segment's first ``updates`` passes: the lead rows, then batches from
    ``first_batch`` on, an epoch's updates covering ``sizes`` examples each."""
    total = 0
    if lead_rows is not None and updates > 0:
        total, updates, first_batch = len(lead_rows), updates - 1, first_batch + 1
    whole, part = divmod(updates, len(sizes))
    return total + whole * sum(sizes) + sum(sizes[(first_batch + k) % len(sizes)] for k in range(part))


def _examples_in_each(
    sizes: tuple[int, ...], first_batch: int, lead_rows: tuple[int, ...] | None, count: int
) -> np.ndarray:
    """``_examples_in`` after each of a segment's first 1, 2, …, ``count`` passes, at once (the cost
    curve's points: one call per pass would cost count × len(sizes))."""
    lead = [len(lead_rows)] if lead_rows is not None and count > 0 else []
    batches = count - len(lead)
    start = (first_batch + len(lead)) % len(sizes)
    cycle = np.roll(np.asarray(sizes, dtype=np.int64), -start)
    per_pass = np.concatenate([np.asarray(lead, dtype=np.int64), np.resize(cycle, batches)])
    return np.cumsum(per_pass)


def _joined(
    view: tuple[np.ndarray, np.ndarray, int], extra: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, int]:
    """A history's view and the points stepped since."""
    x, y, per_bin = view
    if not len(extra[0]):
        return x, y, per_bin
    return np.append(x, extra[0]), np.append(y, extra[1]), per_bin
