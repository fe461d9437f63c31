"""Number formatting for every front end: fixed decimals, compact vectors and matrices.

Numbers are rounded half away from zero, as a class rounds by hand (−0.0625 → −0.063, 2.5 → 3):
the decimal digits of the number as Python writes it (its repr), not of its binary value.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import Any

import numpy as np

MAX_ENTRIES = 4  # entries shown of a vector, or rows of a matrix, before eliding


@lru_cache(maxsize=8192)
def _float(value: float, decimals: int) -> str:
    return number(value, decimals)


def number(value: float, decimals: int = 3) -> str:
    """A number with fixed decimals rounded half away from zero, a real minus sign, and no "−0.000"."""
    value = float(value)
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("∞" if value > 0 else "−∞")
    if value != 0 and abs(value) >= 10 ** (9 - decimals):
        return _scientific(value, max(decimals - 1, 1))
    text = _fixed(value, decimals)
    if not text.strip("-0."):
        text = text.lstrip("-")  # a number that rounds to zero is shown as 0.000, without a sign
    return text.replace("-", "−")


def _fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals: the digits of its repr rounded half away from zero.

    Only a repr ending in a 5 just past the decimals kept (a tie), or written with an exponent, needs
    decimal arithmetic. Otherwise rounding the binary value gives the same digits: a tie point lying
    between the repr and the binary value would itself round-trip, and be no longer than the repr
    or nearer the value, so Python would have written it instead."""
    written = repr(value)
    fraction = written.partition(".")[2]
    if "e" in written or (len(fraction) == decimals + 1 and fraction[-1] == "5"):
        with localcontext() as context:
            context.rounding = ROUND_HALF_UP
            return format(Decimal(written), f".{decimals}f")
    return format(value, f".{decimals}f")


def small(v: Any, decimals: int = 3) -> str:
    """Like value(), but a non-zero scalar too small for the decimals in scientific notation
    (2.50e−04, not 0.000): an update's tiny gradient or step still shows."""
    if np.ndim(v) == 0 and 0 < abs(float(v)) < 10**-decimals:
        return _scientific(float(v), max(decimals - 1, 1))
    return value(v, decimals)


def _scientific(value: float, digits: int) -> str:
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        mantissa, _, exponent = format(Decimal(repr(value)), f".{digits}e").partition("e")
    return f"{mantissa}e{exponent[0]}{exponent[1:].zfill(2)}".replace("-", "−")


def significant(value: float, digits: int = 4) -> str:
    """A number to ``digits`` significant digits, as in a table of costs compared across runs
    (0.0005277, 12.35, 1.235e+06), rounded half away from zero like number()."""
    value = float(value)
    if not np.isfinite(value):
        return number(value)
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        text = format(Decimal(repr(value)), f".{digits}g")
    mantissa, e, exponent = text.partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    if e:
        mantissa = f"{mantissa}e{exponent[0]}{exponent[1:].zfill(2)}"
    return mantissa.replace("-", "−")


def count(value: float) -> str:
    """A count such as an epoch: a whole number as an integer with thousands separators
    (1,084,450), otherwise with the decimals it needs, at most four (1,084,450.25)."""
    value = float(value)
    if not np.isfinite(value):
        return number(value)
    rounded = round(value, 4)
    if rounded.is_integer():
        return f"{int(rounded):,}".replace("-", "−")
    return f"{rounded:,.4f}".rstrip("0").replace("-", "−")


def value(v: Any, decimals: int = 3) -> str:
    """A scalar, a vector [a, b, …] or a matrix [[a, b], [c, d], …], on one line."""
    if isinstance(v, float):  # the scalar graph's values: the common case, memoised
        return _float(v, decimals)
    if np.ndim(v) == 0:
        return number(v, decimals)
    a = np.asarray(v, dtype=float)
    if a.ndim == 2 and 1 in a.shape:
        a = a.ravel()
    if a.ndim == 1:
        return "[" + ", ".join(_entries(a, decimals)) + "]"
    if a.ndim > 2:
        return f"({shape(a)} array)"
    rows = ["[" + ", ".join(_entries(r, decimals)) + "]" for r in a[: MAX_ENTRIES // 2]]
    if a.shape[0] > MAX_ENTRIES // 2:
        rows.append("…")
    return "[" + ", ".join(rows) + "]"


def block(v: Any, decimals: int = 3) -> str:
    """Like value(), but a matrix with several columns shows one row per line."""
    if isinstance(v, float):
        return value(v, decimals)
    a = np.asarray(v, dtype=float)
    if a.ndim != 2 or a.shape[1] == 1:
        return value(v, decimals)
    rows = ["[" + ", ".join(_entries(r, decimals)) + "]" for r in a[:MAX_ENTRIES]]
    return "\n".join(rows + (["…"] if a.shape[0] > MAX_ENTRIES else []))


def full(v: Any) -> str:
    """Full precision, for tooltips."""
    if np.ndim(v) == 0:
        return repr(float(v))
    return np.array2string(np.asarray(v, dtype=float), precision=17, max_line_width=100, threshold=200)


def shape(v: Any) -> str:
    return "×".join(str(s) for s in np.shape(v)) or "scalar"


def arg(v: Any, decimals: int = 3) -> str:
    """A number as an argument inside a formula: negatives in parentheses."""
    text = value(v, decimals)
    return f"({text})" if text.startswith("−") else text


def _entries(a: np.ndarray, decimals: int) -> list[str]:
    if a.size <= MAX_ENTRIES:
        return [number(x, decimals) for x in a]
    return [number(x, decimals) for x in a[: MAX_ENTRIES - 1]] + ["…", number(a[-1], decimals)]
