"""The documented limits on sizes and settings, in one place for the command line and the window.

Each check runs on the declared shapes, before any array of that size is allocated, and raises
a ``LimitError`` (a ``ValueError``) whose one-line message names the size and the limit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

MAX_FILE_BYTES = 100_000_000  # a network file larger than 100 MB is refused before it is read
MEMORY_BUDGET_BYTES = 2_000_000_000  # 2 GB for the arrays of one network (see network_bytes)
MAX_EPOCHS = 10_000_000  # the most epochs one `train` command runs
MAX_PRINTED_NUMBERS = 20_000_000  # numbers one `trace` prints (about 65 bytes each in memory while printed)
MAX_LAYERS = 100  # layers in one network
MAX_WHOLE_NUMBER = 2**31 - 1  # inputs, units and batch_size (what the window's number boxes hold)
MAX_SEED = 2**64 - 1  # numpy's seeds are 64-bit
THEME_SCALE_RANGE = (0.25, 8.0)  # the font and line scales the window's theme takes (a session's font_scale)
MIN_LEARNING_RATE, MAX_LEARNING_RATE = 1e-12, 1e3  # the rates a file may hold and the window's box accepts
# Multiply-adds one `gradcheck` or `surface` command may spend on its cost evaluations: about ten
# seconds on one core (measured: 1 to 2.5 ns each). Beyond it the command would seem to hang.
MAX_COST_WORK = 10**10

# How many arrays of each kind the app may hold at once, for the memory estimate: the parameters
# (the file's, the session's, training's double buffer and gradients), the data (X and y, the
# training loop's batches, a standardised copy), and one value per unit and example (stepping
# keeps every forward value and gradient of a full-batch pass; training keeps activations,
# their gradients and scratch space).
PARAMETER_COPIES = 6
DATA_COPIES = 3
ACTIVATION_COPIES = 12
BYTES_PER_NUMBER = 8  # float64


class LimitError(ValueError):
    """A size or setting beyond a documented limit; the message names both."""


def network_bytes(inputs: int, units: Sequence[int], examples: int) -> int:
    """Bytes the arrays of a network need: parameters, data and the per-example activations.

    ``units`` lists each layer's width, the output layer last. Activations are counted for the
    whole data set at once, since the window can switch any network to full batch.
    """
    widths = [inputs, *units]
    parameters = sum(fan_in * fan_out + fan_out for fan_in, fan_out in itertools.pairwise(widths))
    data = examples * (inputs + units[-1])
    activations = examples * sum(widths)
    return BYTES_PER_NUMBER * (PARAMETER_COPIES * parameters + DATA_COPIES * data + ACTIVATION_COPIES * activations)


def check_network_size(inputs: int, units: Sequence[int], examples: int) -> None:
    """Refuse a network whose arrays would exceed the memory budget, before allocating them."""
    needed = network_bytes(inputs, units, examples)
    if needed > MEMORY_BUDGET_BYTES:
        shape = "-".join(str(n) for n in [inputs, *units])
        raise LimitError(
            f"a {_count(shape)} network on {_count(str(examples))} examples needs {human_bytes(needed)}, "
            f"over the {human_bytes(MEMORY_BUDGET_BYTES)} limit"
        )


def check_file_size(size: int) -> None:
    """Refuse a file above the size limit, before reading it."""
    if size > MAX_FILE_BYTES:
        raise LimitError(f"the file is {human_bytes(size)}, over the {human_bytes(MAX_FILE_BYTES)} limit")


def check_epochs(epochs: int) -> None:
    """Refuse an epoch count outside 1 .. MAX_EPOCHS."""
    if epochs < 1:
        raise LimitError("--epochs must be at least 1")
    if epochs > MAX_EPOCHS:
        raise LimitError(f"--epochs {_count(str(epochs))} is over the limit of {MAX_EPOCHS:,} epochs per run")


def check_printed_numbers(count: int, command: str, instead: str) -> None:
    """Refuse output too large to print, before converting it to text; ``instead`` says what fits."""
    if count > MAX_PRINTED_NUMBERS:
        raise LimitError(
            f"{command} would print {count:,} numbers, over the limit of {MAX_PRINTED_NUMBERS:,}; {instead}"
        )


def check_cost_work(evaluations: int, per_evaluation: int, command: str, instead: str) -> None:
    """Refuse a command whose cost evaluations (each ``per_evaluation`` multiply-adds) would take
    more than MAX_COST_WORK multiply-adds, before starting; ``instead`` says what fits."""
    work = evaluations * per_evaluation
    if work > MAX_COST_WORK:
        raise LimitError(
            f"{command} would evaluate the cost {evaluations:,} times at {per_evaluation:,} multiply-adds each "
            f"({work:.1e} in all, over the limit of {MAX_COST_WORK:.0e}, about ten seconds); {instead}"
        )


def check_learning_rate(rate: float) -> None:
    """Refuse a learning rate the window's box could not show as it is."""
    if not MIN_LEARNING_RATE <= rate <= MAX_LEARNING_RATE:
        raise LimitError(
            f"learning_rate {rate:g} is outside the supported range {MIN_LEARNING_RATE:g} to {MAX_LEARNING_RATE:g}"
        )


def human_bytes(n: int) -> str:
    """A byte count in decimal units: 12.5 GB, 2 GB, 310 kB (a power of ten beyond 1000 TB)."""
    if n >= 10**15:
        return f"about 10^{math.floor(math.log10(n))} bytes"  # log10 takes ints of any size
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def _count(digits: str, limit: int = 40) -> str:
    """A number's digits, shortened in the middle when there are too many to read."""
    return digits if len(digits) <= limit else f"{digits[:12]}…({len(digits)} characters)"


MIN_SURFACE_GRID, MAX_SURFACE_GRID = 2, 500  # points along each axis of a loss surface or cost curve


def check_surface_grid(points: int) -> None:
    """Refuse a loss-surface grid of fewer than 2 or more than MAX_SURFACE_GRID points per axis."""
    if not MIN_SURFACE_GRID <= points <= MAX_SURFACE_GRID:
        raise LimitError(
            f"--grid {_count(str(points))} is outside {MIN_SURFACE_GRID}..{MAX_SURFACE_GRID} points per axis"
        )
