"""Runs side by side: several training runs of one network that differ in their settings.

A run set starts from one network and its initial weights. Each run changes one or more
settings (learning rate, batch size, optimiser, initialisation seed) and keeps its own cost
history (bounded, core.cost_history), best cost, the epoch at which it first reached the
set's target cost, its speed, where it diverged, and samples of its parameter trajectory
(for the loss-surface view). A front end trains each run as core.training does alone and
hands every progress record to ``RunSet.absorb``; nothing here knows how the runs are run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from core.cost_history import CostHistory
from core.network import Network, Params
from core.optimizers import Optimizer, State
from core.training import TrainProgress

MAX_RUNS = 8
SWEEP_RATES = (0.01, 0.1, 1.0, 10.0)  # the one-click learning-rate sweep
TRAJECTORY_SAMPLES = 512  # parameter samples kept per run (thinned by half when full)


class RunSetError(ValueError):
    """A run that cannot be added or a setting outside its range, in one line."""


@dataclass(frozen=True)
class RunSettings:
    """What a run changes: every None keeps the base network's setting (or its initial weights)."""

    learning_rate: float | None = None
    batch_size: int | None = None  # 0 means full batch (the network's None)
    optimizer: Optimizer | None = None
    seed: int | None = None  # fresh initial weights from this seed, else the base's initial weights

    def __post_init__(self) -> None:
        lr = self.learning_rate
        if lr is not None and (not isinstance(lr, int | float) or not math.isfinite(lr) or lr <= 0):
            raise RunSetError(f"a run's learning rate must be a positive number, not {lr!r}")
        if self.batch_size is not None and (not isinstance(self.batch_size, int) or self.batch_size < 0):
            raise RunSetError(f"a run's batch size must be 0 (full) or a whole number ≥ 1, not {self.batch_size!r}")
        if self.seed is not None and (not isinstance(self.seed, int) or self.seed < 0):
            raise RunSetError(f"a run's seed must be a whole number ≥ 0, not {self.seed!r}")

    def network(self, base: Network) -> Network:
        """The base network with this run's settings."""
        changes: dict[str, object] = {}
        if self.learning_rate is not None:
            changes["learning_rate"] = float(self.learning_rate)
        if self.batch_size is not None:
            changes["batch_size"] = self.batch_size or None
        if self.optimizer is not None:
            changes["optimizer"] = self.optimizer
        return base.with_settings(**changes) if changes else base

    def initial_params(self, base: Network, params: Params) -> Params:
        """``params`` (the base's initial weights), or the base's initialisation drawn from ``seed``."""
        if self.seed is None:
            return {k: np.array(v, dtype=float) for k, v in params.items()}
        blank = tuple(replace(layer, weights=None, bias=None) for layer in base.layers)
        return replace(base, layers=blank, seed=self.seed).initial_params()


def describe_batch(net: Network) -> str:
    size = net.batch_size
    if size is None or size >= net.examples:
        return "full"
    return "1 (stochastic)" if size == 1 else f"mini-batch {size}"


class Run:
    """One run's settings, network, starting weights and what training has reported so far."""

    def __init__(self, number: int, settings: RunSettings, network: Network, start: Params) -> None:
        self.number = number  # 1, 2, ... in the order the runs were added
        self.settings = settings
        self.network = network
        self.start_params = start
        self.params: Params = {k: v.copy() for k, v in start.items()}
        self.history = CostHistory()
        self.epoch = 0  # epochs trained
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.reached_at: int | None = None  # first epoch whose cost was at most the target
        self.diverged_at: int | None = None  # the epoch whose cost was NaN or infinite
        self.stop_reason: str | None = None
        self.seconds = 0.0  # training time reported with the records
        self.optimizer_state: State | None = None  # where the next stretch of training goes on from
        self._samples: list[tuple[int, Params]] = [(0, self.params)]
        self._sample_every = 1  # records between trajectory samples
        self._since_sample = 0

    @property
    def label(self) -> str:
        """ "Run 2: α = 0.1, Adam, batch 1, seed 3": the settings that tell it apart."""
        net, s = self.network, self.settings
        parts = [f"α = {net.learning_rate:g}"]
        if s.optimizer is not None or net.optimizer.name != "gd":
            parts.append(net.optimizer.title)
        if s.batch_size is not None:
            parts.append(f"batch {describe_batch(net)}")
        if s.seed is not None:
            parts.append(f"seed {s.seed}")
        return f"Run {self.number}: " + ", ".join(parts)

    @property
    def current_cost(self) -> float | None:
        last = self.history.last()
        return None if last is None else last[1]

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def speed(self) -> float | None:
        """Epochs per second of training time, once some time has passed."""
        return self.epoch / self.seconds if self.seconds > 0 else None

    def absorb(self, record: TrainProgress, seconds: float, target: float | None) -> None:
        """Take a progress record of this run's training (``record.epoch`` counts from this run's
        start); ``seconds`` is the training time so far."""
        costs = np.asarray(record.costs, dtype=float)
        first = record.epoch - len(costs) + 1
        epochs = np.arange(first, record.epoch + 1)
        self.history.extend(epochs, costs)
        if len(costs):
            i = int(np.argmin(costs))
            if self.best is None or costs[i] < self.best:
                self.best, self.best_epoch = float(costs[i]), int(epochs[i])
            if target is not None and self.reached_at is None:
                hits = np.flatnonzero(costs <= target)
                if len(hits):
                    self.reached_at = int(epochs[hits[0]])
        self.epoch = record.epoch
        self.seconds = seconds
        self.params = {k: np.array(v, dtype=float) for k, v in record.params.items()}
        self.optimizer_state = record.state
        if record.stopped:
            self.stop_reason = record.stopped
            self.diverged_at = record.epoch + 1
        self._sample()

    @property
    def trajectory(self) -> list[tuple[int, Params]]:
        """(epoch, parameters) samples from the start to the newest, at most TRAJECTORY_SAMPLES + 1."""
        if self._samples[-1][0] == self.epoch:
            return list(self._samples)
        return [*self._samples, (self.epoch, self.params)]

    def _sample(self) -> None:
        self._since_sample += 1
        if self._since_sample < self._sample_every and not self.diverged:
            return
        self._since_sample = 0
        self._samples.append((self.epoch, self.params))
        if len(self._samples) > TRAJECTORY_SAMPLES:  # keep every other sample, the first and the last
            self._samples = [*self._samples[:-1:2], self._samples[-1]]
            self._sample_every *= 2

    def path(self, names: tuple[str, ...]) -> np.ndarray:
        """The trajectory of chosen scalar parameters, as rows: names written ``W1[0][1]`` or ``b2[0]``."""
        picks = [_parse_scalar(n) for n in names]
        return np.array([[float(p[k][idx]) for k, idx in picks] for _, p in self.trajectory])

    def reached_in(self, target: float | None) -> int | None:
        """The first epoch whose cost was at most ``target``, from the history kept."""
        if target is None:
            return None
        x, y, _ = self.history.view(budget=len(self.history) * 2 + 2)
        hits = np.flatnonzero(y <= target)
        return int(x[hits[0]]) if len(hits) else None


def _parse_scalar(name: str) -> tuple[str, tuple[int, ...]]:
    """ "W1[0][1]" → ("W1", (0, 1))."""
    key, _, rest = name.partition("[")
    indices = tuple(int(part) for part in ("[" + rest).replace("]", "").split("[")[1:]) if rest else ()
    return key, indices


class RunSet:
    """Up to MAX_RUNS runs from one network and its initial weights, and a target cost."""

    def __init__(self, network: Network, params: Params, target: float | None = None) -> None:
        self.network = network
        self.params = {k: np.array(v, dtype=float) for k, v in params.items()}
        self.runs: list[Run] = []
        self.target = target
        self._numbers = 0

    def add(self, settings: RunSettings) -> Run:
        if len(self.runs) >= MAX_RUNS:
            raise RunSetError(f"at most {MAX_RUNS} runs side by side; remove one first")
        net = settings.network(self.network)
        self._numbers += 1
        run = Run(self._numbers, settings, net, settings.initial_params(self.network, self.params))
        self.runs.append(run)
        return run

    def add_learning_rate_sweep(self, rates: tuple[float, ...] = SWEEP_RATES) -> list[Run]:
        """One run per learning rate, the other settings the base network's."""
        if len(self.runs) + len(rates) > MAX_RUNS:
            raise RunSetError(
                f"a sweep of {len(rates)} learning rates needs {len(rates)} free places of {MAX_RUNS}; "
                f"{len(self.runs)} are taken"
            )
        return [self.add(RunSettings(learning_rate=r)) for r in rates]

    def remove(self, run: Run) -> None:
        self.runs.remove(run)

    def set_target(self, target: float | None) -> None:
        """A new target cost: each run's first epoch reaching it is looked up again."""
        if target is not None and not math.isfinite(target):
            raise RunSetError(f"the target cost must be a finite number, not {target!r}")
        self.target = target
        for run in self.runs:
            run.reached_at = run.reached_in(target)

    def absorb(self, run: Run, record: TrainProgress, seconds: float) -> None:
        run.absorb(record, seconds, self.target)

    def sweep(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Final cost against learning rate, for the runs that have trained, sorted by rate:
        (rates, final costs, whether each diverged). A diverged run's final cost is its last finite one."""
        trained = sorted((r for r in self.runs if r.current_cost is not None), key=lambda r: r.network.learning_rate)
        rates = np.array([r.network.learning_rate for r in trained])
        finals = np.array([r.current_cost for r in trained], dtype=float)
        return rates, finals, np.array([r.diverged for r in trained], dtype=bool)
