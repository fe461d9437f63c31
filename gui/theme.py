"""Colours, fonts, sizes and z-values in one place, so presenter mode changes one thing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QColor, QFont, QFontMetricsF

from core.text import Role


@dataclass(frozen=True)
class Palette:
    forward: str = "#1b8a2e"  # green: values flowing forward
    backward: str = "#c62828"  # red: gradients flowing back
    update: str = "#6a1b9a"  # parameter updates
    edge: str = "#9aa3ad"
    node_fill: str = "#ffffff"
    node_border: str = "#607d8b"
    param_fill: str = "#fff4d6"  # parameters: what learning changes
    param_border: str = "#c49000"
    input_fill: str = "#e8f1fb"
    target_fill: str = "#eeeeee"
    current: str = "#ffb300"  # halo of the node of the current step
    text: str = "#212121"
    background: str = "#fafbfc"


PALETTE = Palette()


def role_colours() -> dict[Role, str]:
    """The colour of each coloured role of core's structured text, from the palette."""
    return {Role.FORWARD: PALETTE.forward, Role.BACKWARD: PALETTE.backward, Role.UPDATE: PALETTE.update}


# Class colours for decision regions and data points (colour-blind safe, Okabe-Ito).
CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")

Z_EDGE = 0.0
Z_NODE = 2.0
Z_CURRENT = 3.0

NODE_WIDTH = 176
NODE_HEIGHT = 60  # the least; nodes grow to fit what they show
LAYER_NODE_WIDTH = 236
COLUMN_GAP = 92  # horizontal space between columns, where edge labels go
ROW_GAP = 30


def font(point_size: float = 10, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


@cache
def node_title_font() -> QFont:
    return font(10.5, bold=True)


@cache
def node_font() -> QFont:
    return font(9.5)


@cache
def edge_font() -> QFont:
    return font(9.5, bold=True)


@cache
def metrics(f: QFont) -> QFontMetricsF:
    return QFontMetricsF(f)


def colour(name: str) -> QColor:
    return QColor(getattr(PALETTE, name))
