"""The two conventions for a batch (curriculum §6): the same numbers, shown in two orientations.

Examples as rows: X is m×n, W is n×k, Z = X·W + b. Examples as columns: X is n×m, W is k×n,
Z = W·X + b. The engine computes with rows; a pass is shown in columns by transposing every
matrix and writing the matrix ops' formulas the other way round (core/shown_pass.py).
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np


class Convention(enum.Enum):
    ROWS = "rows"
    COLUMNS = "columns"

    @property
    def title(self) -> str:
        if self is Convention.ROWS:
            return "Examples as rows (X is m×n, Z = X·W + b)"
        return "Examples as columns (X is n×m, Z = W·X + b)"

    @property
    def batch_axis(self) -> str:
        """What one example is in a batch matrix: a row or a column."""
        return "row" if self is Convention.ROWS else "column"


def oriented(value: Any, convention: Convention) -> Any:
    """A layer-graph value as the convention shows it: a matrix transposed for columns; scalars,
    vectors (a bias, the per-example losses) and per-example Jacobians as they are."""
    if convention is Convention.COLUMNS and isinstance(value, np.ndarray) and value.ndim == 2:
        return value.T
    return value
