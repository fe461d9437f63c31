"""What the bench scripts share: the checkout on the import path, best-of timing, the CSV they read.

Import it before ``core`` or ``gui`` (``from _common import ...``: this folder is on the path when a
bench script runs); in a checkout that is not installed it puts the repository root on the path.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

try:
    import core  # noqa: F401
except ImportError:  # a checkout that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

T = TypeVar("T")


def elapsed(run: Callable[[], object]) -> float:
    """Seconds one call of ``run`` takes."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def best_of(run: Callable[[], T], repeats: int) -> tuple[float, T]:
    """The shortest of ``repeats`` runs in seconds (the machine may be shared), and the last run's result."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def write_csv(path: Path, rows: int) -> None:
    """A CSV of ``rows`` examples: a header, four normal features (seeded) and a 0/1 target."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    with path.open("w") as f:
        f.write("a,b,c,d,label\n")
        f.writelines(f"{r[0]:.6f},{r[1]:.6f},{r[2]:.6f},{r[3]:.6f},{t}\n" for r, t in zip(X, y, strict=True))
