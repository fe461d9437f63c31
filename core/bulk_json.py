"""JSON with its big arrays of numbers read straight into numpy, for network and session files.

``json.loads`` makes a Python float (24 bytes) and a list slot (8) for every number, and a list
for every row: a 47 MB file of two-column data took 323 MB to read, and a 100 MB file (the size
limit) about 700 MB. Here a large array of numbers that is the value of ``"X"``, ``"y"`` or
``"weights"`` is checked against JSON's grammar in one regular-expression pass (all rows as long
as the first), parsed by numpy a chunk at a time into one float64 array, and left out of the text
``json.loads`` sees. Anything else (a smaller array, a number JSON does not allow, a string, rows
nested deeper) is parsed by ``json.loads`` as before, so its errors read as before.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

BULK_CHARS = 1 << 18  # arrays this long in the text or longer are read by numpy
CHUNK_CHARS = 1 << 23  # numpy parses this much text at a time

_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_S = r"[ \t\n\r]*"  # JSON's blanks only (``\s`` would take a no-break space or a line separator)
_NUMBERS = rf"{_NUMBER}(?:{_S},{_S}{_NUMBER})*+"  # possessive: no backtracking state kept per number
# A candidate: the value of one of the keys, made of the characters of numbers, commas, blanks and
# brackets only (it cannot run past a string, an object's end or the next key).
_CANDIDATE = re.compile(rf'"(?:X|y|weights)"{_S}:{_S}(\[[-+0-9.eE, \t\n\r\[\]]*\])')
_VECTOR = re.compile(rf"\[{_S}{_NUMBERS}{_S}\]")
_ROW = re.compile(rf"\[{_S}({_NUMBERS}){_S}\]")
_MATRIX = re.compile(rf"\[{_S}\[{_S}{_NUMBERS}{_S}\](?:{_S},{_S}\[{_S}{_NUMBERS}{_S}\])*+{_S}\]")
_FIRST_ROW = re.compile(rf"\[{_S}\[([^\]]*)\]")
_BRACKETS = str.maketrans("[]", "  ")


@dataclass(frozen=True)
class RaggedRows:
    """A big array whose rows differ in length: what the reader of the field reports."""

    width: int  # of row 0
    row: int
    length: int


def loads(text: str, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any], parse_constant: Callable) -> Any:
    """``json.loads(text, object_pairs_hook=..., parse_constant=...)``, big arrays of numbers under
    the keys above given as float64 numpy arrays (1-D, or 2-D for rows), or as RaggedRows. A syntax
    error is placed (line, column) in ``text`` as json's own would be."""
    lifted, arrays, shifts = _lift(text)
    if not arrays:
        return json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=parse_constant)

    def hook(pairs: list[tuple[str, Any]]) -> Any:
        return object_pairs_hook([(k, arrays.pop(v) if isinstance(v, str) and v in arrays else v) for k, v in pairs])

    try:
        return json.loads(lifted, object_pairs_hook=hook, parse_constant=parse_constant)
    except json.JSONDecodeError as e:
        shift = sum(by for at, by in shifts if at <= e.pos)  # the arrays lifted before the error
        raise json.JSONDecodeError(e.msg, text, e.pos + shift) from None


def _lift(text: str) -> tuple[str, dict[str, np.ndarray | RaggedRows], list[tuple[int, int]]]:
    """The text with each big array of numbers replaced by a string naming it, the arrays by name, and
    where each replacement ends in the new text with how much shorter it made the text."""
    if len(text) < BULK_CHARS:
        return text, {}, []
    nonce = secrets.token_hex(16)  # no file can name a lifted array by chance
    parts: list[str] = []
    arrays: dict[str, np.ndarray | RaggedRows] = {}
    shifts: list[tuple[int, int]] = []
    at = length = 0
    for match in _CANDIDATE.finditer(text):
        start, end = match.span(1)
        if end - start < BULK_CHARS:
            continue
        array = _read(text, start, end)
        if array is None:
            continue
        name = json.dumps(f"bulk array {len(arrays)} {nonce}")
        arrays[json.loads(name)] = array
        parts += [text[at:start], name]
        length += start - at + len(name)
        shifts.append((length, end - start - len(name)))
        at = end
    if not arrays:
        return text, {}, []
    parts.append(text[at:])
    return "".join(parts), arrays, shifts


def _read(text: str, start: int, end: int) -> np.ndarray | RaggedRows | None:
    """The array text[start:end] holds, or None to leave it to json (not a plain array of JSON numbers)."""
    if _VECTOR.fullmatch(text, start, end):
        return _parsed(text, start, end, None)
    first = _FIRST_ROW.match(text, start, end)
    if first is None or not first.group(1).strip():
        return None
    width = first.group(1).count(",") + 1
    if _matrix_of(width).fullmatch(text, start, end):
        return _parsed(text, start, end, width)
    if not _MATRIX.fullmatch(text, start, end):
        return None
    for row, match in enumerate(_ROW.finditer(text, start + 1, end)):  # rows differ: say which, as json's reader would
        length = match.group(1).count(",") + 1
        if length != width:
            return RaggedRows(width, row, length)
    return None


def _parsed(text: str, start: int, end: int, width: int | None) -> np.ndarray:
    """The numbers of a checked array (``width`` per row, or None for a flat list), a chunk of text at a
    time (each cut after a comma), into one array made at its final size."""
    if width is None:
        out = np.empty(text.count(",", start, end) + 1)
    else:
        out = np.empty((text.count("[", start + 1, end), width))
    flat, filled = out.reshape(-1), 0
    while start < end:
        cut = end if end - start <= CHUNK_CHARS else text.find(",", start + CHUNK_CHARS, end) + 1 or end
        numbers = np.fromstring(text[start:cut].translate(_BRACKETS).rstrip().rstrip(","), sep=",")
        flat[filled : filled + len(numbers)] = numbers
        filled, start = filled + len(numbers), cut
    return out


@lru_cache(maxsize=16)
def _matrix_of(width: int) -> re.Pattern[str]:
    """Rows of exactly ``width`` JSON numbers."""
    row = rf"\[{_S}{_NUMBER}(?:{_S},{_S}{_NUMBER}){{{width - 1}}}+{_S}\]"
    return re.compile(rf"\[{_S}{row}(?:{_S},{_S}{row})*+{_S}\]")
