"""One entry of a network's parameters, named as the lesson writes it: ``W1[0][0]``, ``b1[0]``.

``W1[i][j]`` joins input i of layer 1 to its unit j; ``b1[j]`` is unit j's bias.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

_ENTRY = re.compile(r"([A-Za-z]+[0-9]+)((?:\[[^\]]*\])*)")
_INDEX = re.compile(r"\[([^\]]*)\]")


class ParamNameError(ValueError):
    """A parameter name the network does not have; the message is one line."""


@dataclass(frozen=True)
class ParamEntry:
    """One number among the parameters: array ``name`` at ``index``."""

    name: str  # W1, b1, …
    index: tuple[int, ...]

    @property
    def label(self) -> str:
        """As written on the command line: W1[0][1]."""
        return self.name + "".join(f"[{i}]" for i in self.index)

    def value(self, params: Mapping[str, np.ndarray]) -> float:
        return float(params[self.name][self.index])


def all_entries(params: Mapping[str, np.ndarray]) -> list[ParamEntry]:
    """Every entry, in the order W1, b1, W2, … and each array in C order (as np.ndindex, in plain ints)."""
    return [ParamEntry(k, index) for k, v in params.items() for index in itertools.product(*map(range, v.shape))]


def parse_entry(text: str, params: Mapping[str, np.ndarray]) -> ParamEntry:
    """``W1[0][0]`` or ``b1[0]`` as an entry of ``params``; a ParamNameError names what is wrong."""
    written = text.strip()
    match = _ENTRY.fullmatch(written)
    known = ", ".join(f"{k} ({'×'.join(str(n) for n in v.shape)})" for k, v in params.items())
    if match is None or match.group(1) not in params:
        shown = written if len(written) <= 40 else written[:40] + "…"
        raise ParamNameError(f"unknown parameter {shown!r}: this network has {known}, written like W1[0][0] or b1[0]")
    name = match.group(1)
    shape = params[name].shape
    parts = _INDEX.findall(match.group(2))
    size_text = "×".join(map(str, shape))
    if len(parts) != len(shape):
        indexes = "1 index" if len(shape) == 1 else f"{len(shape)} indexes"
        raise ParamNameError(f"{written!r}: {name} takes {indexes}, as in {name}{'[0]' * len(shape)}")
    index = []
    for part, size in zip(parts, shape, strict=True):
        if not re.fullmatch(r"[0-9]{1,9}", part.strip()):
            raise ParamNameError(f"{written!r}: an index is a whole number from 0, not {part[:20]!r}")
        i = int(part)
        if i >= size:
            raise ParamNameError(f"{written!r}: index {i} is outside 0..{size - 1} ({name} is {size_text})")
        index.append(i)
    return ParamEntry(name, tuple(index))
