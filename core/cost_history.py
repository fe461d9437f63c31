"""The cost history of a long run, in bounded memory, keeping the curve's shape at any zoom.

The most recent points are kept exactly. Older points are folded into bins that keep
each stretch's lowest and highest cost (so a spike is never lost, only narrowed), at
several resolutions: LEVELS bins of 16, 64, 256, ... points, each keeping its most
recent BINS_PER_LEVEL bins, and an overview whose bins cover the whole run (they
double in width as the run grows). A view of any range is drawn from the finest
resolution that still holds that range within a budget of points.

Memory stays under about 3 MB whatever the length of the run.
"""

from __future__ import annotations

import numpy as np

RECENT = 1 << 14  # points kept exactly (between RECENT and twice that)
BASE = 16  # points per bin at the finest level
LEVELS = 6  # bin widths BASE, 4·BASE, ... 4**5·BASE points
BINS_PER_LEVEL = 2048  # bins kept per level (the most recent ones), and in the overview
DEFAULT_BUDGET = 8192  # points in a view when none is asked for


class _Bins:
    """Min/max bins of a number of points each, plus the points of the unfinished bin."""

    def __init__(self, size: int, keep_all: bool) -> None:
        self.size = size  # points per new bin
        self.keep_all = keep_all  # the overview: merge neighbours when full instead of dropping the oldest
        self.start = np.empty(0)  # position of each bin's first point; a bin ends where the next begins
        self.lo = np.empty(0)
        self.hi = np.empty(0)
        self.dropped = False  # whether older bins were let go (then this level no longer reaches the start)
        self.pending_x = np.empty(0)
        self.pending_y = np.empty(0)

    @property
    def n(self) -> int:
        return len(self.start)

    def copy(self) -> _Bins:
        other = _Bins(self.size, self.keep_all)
        other.start, other.lo, other.hi = self.start.copy(), self.lo.copy(), self.hi.copy()
        other.pending_x, other.pending_y = self.pending_x.copy(), self.pending_y.copy()
        other.dropped = self.dropped
        return other

    def to_state(self) -> dict:
        return {
            "size": self.size,
            "start": self.start.copy(),
            "lo": self.lo.copy(),
            "hi": self.hi.copy(),
            "dropped": self.dropped,
            "pending_epochs": self.pending_x.copy(),
            "pending_costs": self.pending_y.copy(),
        }

    @classmethod
    def from_state(cls, state: dict, size: int | None, keep_all: bool, what: str) -> _Bins:
        """Bins as ``to_state`` described them; ``size`` is the width a level must have (None: the
        overview's, BASE doubled any number of times)."""
        bins = cls(state["size"], keep_all)
        width = bins.size
        if size is not None and width != size:
            raise ValueError(f"{what} size must be {size}, not {width}")
        if size is None and (width < BASE or width % BASE or (width // BASE) & (width // BASE - 1)):
            raise ValueError(f"{what} size must be {BASE} times a power of 2, not {width}")
        bins.start, bins.lo, bins.hi = (np.asarray(state[k], dtype=float) for k in ("start", "lo", "hi"))
        pending = ("pending_epochs", "pending_costs")
        bins.pending_x, bins.pending_y = (np.asarray(state[k], dtype=float) for k in pending)
        _same_length(bins.start, bins.lo, f"{what} start", "lo")
        _same_length(bins.start, bins.hi, f"{what} start", "hi")
        _same_length(bins.pending_x, bins.pending_y, f"{what} pending_epochs", "pending_costs")
        if bins.n > 2 * BINS_PER_LEVEL:
            raise ValueError(f"{what} holds {bins.n:,} bins, over the {2 * BINS_PER_LEVEL:,} kept")
        if len(bins.pending_x) >= width:
            raise ValueError(f"{what} holds {len(bins.pending_x)} pending points, a bin holds {width}")
        _increasing(np.concatenate([bins.start, bins.pending_x]), f"{what} start and pending_epochs")
        bins.dropped = state["dropped"]
        if not isinstance(bins.dropped, bool) or (bins.dropped and keep_all):
            raise ValueError(f"{what} dropped must be true or false (false for the overview)")
        return bins

    def holds(self, folded: int) -> bool:
        """Whether these bins account for ``folded`` points (a level that dropped bins, or the overview,
        holds fewer)."""
        return self.keep_all or self.dropped or self.n * self.size + len(self.pending_x) == folded

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.start, self.lo, self.hi, self.pending_x, self.pending_y))

    def add(self, x: np.ndarray, y: np.ndarray) -> None:
        x = np.concatenate([self.pending_x, x])
        y = np.concatenate([self.pending_y, y])
        full = len(x) // self.size * self.size
        self.pending_x, self.pending_y = x[full:].copy(), y[full:].copy()
        if not full:
            return
        bins = _fold(x[:full], y[:full], self.size)
        self.start, self.lo, self.hi = (np.concatenate([old, new]) for old, new in zip(self._bins, bins, strict=True))
        while self.n > 2 * BINS_PER_LEVEL:
            self._make_room()

    @property
    def _bins(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.start, self.lo, self.hi

    def _make_room(self) -> None:
        if not self.keep_all:  # a level keeps its most recent bins
            self.start, self.lo, self.hi = (a[-BINS_PER_LEVEL:].copy() for a in self._bins)
            self.dropped = True
            return
        # The overview: neighbours merge into bins twice as wide (an odd last bin stays as it is).
        pairs = self.n // 2 * 2
        start, lo, hi = self._bins
        self.start = np.concatenate([start[0:pairs:2], start[pairs:]])
        self.lo = np.concatenate([np.fmin(lo[0:pairs:2], lo[1:pairs:2]), lo[pairs:]])
        self.hi = np.concatenate([np.fmax(hi[0:pairs:2], hi[1:pairs:2]), hi[pairs:]])
        self.size *= 2

    @property
    def first(self) -> float:
        """Where this level's data begins (its oldest bin, or its unfinished points)."""
        return float(self.start[0]) if self.n else float(self.pending_x[0]) if len(self.pending_x) else np.inf

    def view(self, lo_x: float, hi_x: float, tail_x: np.ndarray, tail_y: np.ndarray) -> tuple[np.ndarray, ...]:
        """Bins overlapping [lo_x, hi_x], the newer points (unfinished ones, then ``tail``) binned alike."""
        starts = self.start
        a = max(int(np.searchsorted(starts, lo_x, side="right")) - 1, 0)
        b = int(np.searchsorted(starts, hi_x, side="right"))
        x = np.concatenate([self.pending_x, tail_x])
        y = np.concatenate([self.pending_y, tail_y])
        # Whole bins from the first point in range, so stored and new bins line up (x is sorted).
        first = int(np.searchsorted(x, lo_x)) // self.size * self.size
        last = int(np.searchsorted(x, hi_x, side="right"))
        tail = _fold(x[first:last], y[first:last], self.size) if first < last else (np.empty(0),) * 3
        return tuple(np.concatenate([s[a:b], t]) for s, t in zip((starts, self.lo, self.hi), tail, strict=True))

    def count(self, lo_x: float, hi_x: float, newer: int) -> int:
        """About how many bins a view of [lo_x, hi_x] takes (``newer`` points beyond the stored bins)."""
        starts = self.start
        stored = int(np.searchsorted(starts, hi_x, side="right")) - int(np.searchsorted(starts, lo_x))
        return stored + (len(self.pending_x) + newer) // self.size + 2


def _fold(x: np.ndarray, y: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bins of ``size`` points (the last may be short): first position, lowest and highest cost.
    NaN is ignored unless a bin holds nothing else."""
    edges = np.arange(0, len(x), size)
    with np.errstate(invalid="ignore"):
        return x[edges], np.fmin.reduceat(y, edges), np.fmax.reduceat(y, edges)


def envelope(start: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A line through every bin's lowest and highest cost: a vertical stroke per bin."""
    return np.repeat(start, 2), np.column_stack([lo, hi]).ravel()


class CostHistory:
    """Cost against epoch position (increasing), appended in chunks; memory bounded."""

    def __init__(self) -> None:
        self._x = np.empty(2 * RECENT)
        self._y = np.empty(2 * RECENT)
        self._n = 0  # exact points held
        self._total = 0
        self._last: tuple[float, float] | None = None
        self._levels = [_Bins(BASE * 4**k, keep_all=False) for k in range(LEVELS)]
        self._overview = _Bins(BASE, keep_all=True)

    def __len__(self) -> int:
        """Points ever added."""
        return self._total

    @property
    def nbytes(self) -> int:
        """Memory held by the history's arrays."""
        return self._x.nbytes + self._y.nbytes + sum(b.nbytes for b in (*self._levels, self._overview))

    @property
    def epochs(self) -> np.ndarray:
        """Positions of the points kept exactly: all of them in a short run, the most recent in a long one."""
        return self._x[: self._n]

    @property
    def costs(self) -> np.ndarray:
        """Costs of the points kept exactly (see ``epochs``)."""
        return self._y[: self._n]

    @property
    def is_exact(self) -> bool:
        """Whether every point is still kept exactly."""
        return self._n == self._total

    def last(self) -> tuple[float, float] | None:
        """The newest (epoch, cost), or None when empty."""
        return self._last

    def append(self, epoch: float, cost: float) -> None:
        self.extend(np.array([epoch]), np.array([cost]))

    def extend(self, epochs: np.ndarray, costs: np.ndarray) -> None:
        epochs = np.asarray(epochs, dtype=float)
        costs = np.asarray(costs, dtype=float)
        if not len(costs):
            return
        self._last = (float(epochs[-1]), float(costs[-1]))
        self._total += len(costs)
        while len(costs):
            room = len(self._x) - self._n
            if not room:
                self._fold_oldest()
                continue
            take = min(room, len(costs))
            self._x[self._n : self._n + take] = epochs[:take]
            self._y[self._n : self._n + take] = costs[:take]
            self._n += take
            epochs, costs = epochs[take:], costs[take:]

    def _fold_oldest(self) -> None:
        """Fold the oldest RECENT exact points into the bins, and keep the newest RECENT."""
        old_x, old_y = self._x[:RECENT].copy(), self._y[:RECENT].copy()
        for level in (*self._levels, self._overview):
            level.add(old_x, old_y)
        self._x[:RECENT] = self._x[RECENT : self._n]
        self._y[:RECENT] = self._y[RECENT : self._n]
        self._n -= RECENT

    def view(
        self, x_range: tuple[float, float] | None = None, budget: int = DEFAULT_BUDGET
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """Points to draw for ``x_range`` (default: everything) in at most about ``budget`` points.

        Returns (epochs, costs, points per bin): 1 when the points are exact, otherwise a
        min/max envelope (two points per bin) from the finest resolution that fits.
        """
        lo_x, hi_x = x_range if x_range is not None else (-np.inf, np.inf)
        exact_x, exact_y = self.epochs, self.costs
        a, b = np.searchsorted(exact_x, lo_x), np.searchsorted(exact_x, hi_x, side="right")
        a, b = max(int(a) - 1, 0), min(int(b) + 1, self._n)  # one point beyond each edge: lines reach it
        covered = self.is_exact or (self._n and exact_x[0] <= lo_x)
        if covered and b - a <= budget:
            return exact_x[a:b], exact_y[a:b], 1
        newer = b - a
        for level in (*self._levels, self._overview):
            reaches = not level.dropped or level.first <= lo_x
            if reaches and 2 * level.count(lo_x, hi_x, newer) <= budget:
                return (*envelope(*level.view(lo_x, hi_x, exact_x[a:b], exact_y[a:b])), level.size)
        # Even the overview is too fine for this budget: fold its view once more.
        start, lo, hi = self._overview.view(lo_x, hi_x, exact_x[a:b], exact_y[a:b])
        group = -(-2 * len(start) // max(budget, 2))
        edges = np.arange(0, len(start), group)
        with np.errstate(invalid="ignore"):
            folded = start[edges], np.fmin.reduceat(lo, edges), np.fmax.reduceat(hi, edges)
        return (*envelope(*folded), self._overview.size * group)

    # -- saving and restoring (core/session_file.py) ----------------------------------------

    def copy(self) -> CostHistory:
        other = CostHistory()
        other._x, other._y = self._x.copy(), self._y.copy()
        other._n, other._total, other._last = self._n, self._total, self._last
        other._levels = [level.copy() for level in self._levels]
        other._overview = self._overview.copy()
        return other

    def to_state(self) -> dict:
        """Everything the history holds, as plain numbers and arrays (see ``from_state``)."""
        return {
            "epochs": self.epochs.copy(),
            "costs": self.costs.copy(),
            "total": self._total,
            "last": self._last,
            "levels": [level.to_state() for level in self._levels],
            "overview": self._overview.to_state(),
        }

    @classmethod
    def from_state(cls, state: dict) -> CostHistory:
        """The history ``to_state`` described; a ValueError names what does not fit."""
        history = cls()
        epochs, costs = (np.asarray(state[k], dtype=float) for k in ("epochs", "costs"))
        _same_length(epochs, costs, "epochs", "costs")
        if len(epochs) > 2 * RECENT:
            raise ValueError(f"holds {len(epochs):,} exact points, over the {2 * RECENT:,} kept")
        _increasing(epochs, "epochs")
        total = state["total"]
        folded = total - len(epochs)
        if folded < 0 or folded % RECENT or (folded and len(epochs) < RECENT):
            raise ValueError(f"total {total:,} does not fit the {len(epochs):,} exact points")
        levels = state["levels"]
        if len(levels) != LEVELS:
            raise ValueError(f"has {len(levels)} levels, not {LEVELS}")
        history._levels = [
            _Bins.from_state(level, BASE * 4**k, False, f"level {k + 1}") for k, level in enumerate(levels)
        ]
        history._overview = _Bins.from_state(state["overview"], None, True, "overview")
        for k, level in enumerate(history._levels):
            if not level.holds(folded):
                raise ValueError(f"level {k + 1} does not hold the {folded:,} points folded into it")
        last = state["last"]
        if (last is None) != (total == 0):
            raise ValueError("last must be given exactly when the history holds points")
        history._x[: len(epochs)], history._y[: len(costs)] = epochs, costs
        history._n, history._total = len(epochs), total
        history._last = None if last is None else (float(last[0]), float(last[1]))
        return history


def _same_length(a: np.ndarray, b: np.ndarray, what_a: str, what_b: str) -> None:
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"{what_a} and {what_b} must be lists of the same length")


def _increasing(x: np.ndarray, what: str) -> None:
    if not np.all(np.isfinite(x)) or np.any(np.diff(x) < 0):
        raise ValueError(f"{what} must be finite and in increasing order")
