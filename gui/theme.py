"""Colours, fonts, sizes and z-values in one place: the live theme every widget and plot reads.

``THEME`` is the one theme object. Widgets read colours and fonts through it (or the helpers below,
which return the current, scaled values) and follow its ``changed`` signal, so a new palette, a
presenter's font scale or thicker lines reach every widget and plot at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from core.limits import THEME_SCALE_RANGE
from core.text import Role


@dataclass(frozen=True)
class Palette:
    forward: str  # values flowing forward
    backward: str  # gradients flowing back
    update: str  # parameter updates
    edge: str
    node_fill: str
    node_border: str
    param_fill: str  # parameters: what learning changes
    param_border: str
    input_fill: str
    target_fill: str
    current: str  # halo of the node of the current step
    text: str
    background: str  # the graph's and the plots'
    panel: str  # behind the widgets around them
    muted: str  # notes, axes, grid
    error: str  # error text


LIGHT = Palette(
    forward="#1b8a2e",  # green
    backward="#c62828",  # red
    update="#6a1b9a",
    edge="#9aa3ad",
    node_fill="#ffffff",
    node_border="#607d8b",
    param_fill="#fff4d6",
    param_border="#c49000",
    input_fill="#e8f1fb",
    target_fill="#eeeeee",
    current="#ffb300",
    text="#212121",
    background="#fafbfc",
    panel="#f0f0f0",
    muted="#546e7a",
    error="#b71c1c",
)

DARK = Palette(
    forward="#6fcf7c",
    backward="#ff7a70",
    update="#d7a6f0",
    edge="#6e7a86",
    node_fill="#242c33",
    node_border="#8fa3b3",
    param_fill="#3a3220",
    param_border="#e0b43a",
    input_fill="#1d2d3f",
    target_fill="#30343a",
    current="#ffb300",
    text="#e8eaed",
    background="#14181c",
    panel="#1f252b",
    muted="#9aa8b4",
    error="#ff8a80",
)

# The light palette with forward and backward told apart without red and green: Okabe-Ito blue and
# vermillion (and the colours beside them changed to match).
COLOUR_BLIND = replace(
    LIGHT,
    forward="#0072B2",
    backward="#D55E00",
    update="#CC79A7",
    param_border="#b08400",
    current="#E69F00",
    error="#A04000",  # a darker vermillion: readable as text
)

PALETTES = {"light": LIGHT, "dark": DARK, "colour-blind": COLOUR_BLIND}
THEME_NAMES = tuple(PALETTES)  # ("light", "dark", "colour-blind")

# Class colours for decision regions and data points (colour-blind safe, Okabe-Ito).
CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")

# Direction is marked by a symbol as well as by colour, in every theme: "→ 0.500" flows forward,
# "← 0.125" is a gradient flowing back.
FORWARD_MARK = "→"
BACKWARD_MARK = "←"
MARKS = {"forward": FORWARD_MARK, "backward": BACKWARD_MARK}


def marked(text: str, colour_name: str) -> str:
    """``text`` with the direction mark of its colour ("forward", "backward") in front, if it has one."""
    mark = MARKS.get(colour_name)
    return f"{mark} {text}" if mark and text else text


Z_EDGE = 0.0
Z_NODE = 2.0
Z_CURRENT = 3.0



class Theme(QObject):
    """The current palette, font scale and line scale; ``changed`` is emitted after any of them changes."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._name = "light"
        self._font_scale = 1.0
        self._line_scale = 1.0
        self._compact = False
        self._held: bool | None = None  # within one_change(): whether something changed
        self._fonts: dict[tuple[float, bool], QFont] = {}
        self._metrics: dict[str, QFontMetricsF] = {}

    @property
    def name(self) -> str:
        return self._name

    @property
    def palette(self) -> Palette:
        return PALETTES[self._name]

    @property
    def font_scale(self) -> float:
        return self._font_scale

    @property
    def line_scale(self) -> float:
        return self._line_scale

    @property
    def compact(self) -> bool:
        """Whether the graph's nodes write their lines short (presenter mode): the value, the gradient
        and the local gradients as numbers under names the title already gives, vectors as columns."""
        return self._compact

    def set_name(self, name: str) -> None:
        if name not in PALETTES:
            raise ValueError(f"unknown theme {name!r}: choose one of {', '.join(THEME_NAMES)}")
        if name != self._name:
            self._name = name
            self._emit()

    def set_font_scale(self, scale: float) -> None:
        scale = _checked_scale(scale, "font")
        if scale != self._font_scale:
            self._font_scale = scale
            self._fonts.clear()
            self._metrics.clear()
            self._emit()

    def set_line_scale(self, scale: float) -> None:
        scale = _checked_scale(scale, "line")
        if scale != self._line_scale:
            self._line_scale = scale
            self._emit()

    def set_compact(self, compact: bool) -> None:
        if compact != self._compact:
            self._compact = compact
            self._emit()

    @contextmanager
    def one_change(self) -> Iterator[None]:
        """Changes made within are one: ``changed`` is emitted once at the end, if anything changed
        (the graph is laid out again once for a new font scale and line form)."""
        self._held = False
        try:
            yield
        finally:
            changed, self._held = self._held, None
            if changed:
                self.changed.emit()

    def _emit(self) -> None:
        if self._held is None:
            self.changed.emit()
        else:
            self._held = True

    def reset(self) -> None:
        """Back to the light palette at scale 1, lines written in full (tests start from here)."""
        self.set_name("light")
        self.set_font_scale(1.0)
        self.set_line_scale(1.0)
        self.set_compact(False)

    def font(self, point_size: float, bold: bool = False) -> QFont:
        """A font of ``point_size`` points at the current font scale (shared: do not modify it)."""
        key = (point_size, bold)
        f = self._fonts.get(key)
        if f is None:
            f = self._fonts[key] = QFont()
            f.setPointSizeF(point_size * self._font_scale)
            f.setBold(bold)
        return f

    def metrics(self, f: QFont) -> QFontMetricsF:
        """The metrics of ``f``, cached (a node's paint asks for them on every line)."""
        key = f.key()
        m = self._metrics.get(key)
        if m is None:
            m = self._metrics[key] = QFontMetricsF(f)
        return m


def _checked_scale(scale: float, what: str) -> float:
    scale = float(scale)
    low, high = THEME_SCALE_RANGE
    if not math.isfinite(scale) or not low <= scale <= high:
        raise ValueError(f"{what} scale {scale} is outside {low:g} to {high:g}")
    return scale


THEME = Theme()


def role_colours() -> dict[Role, str]:
    """The colour of each coloured role of core's structured text, from the current palette."""
    palette = THEME.palette
    return {Role.FORWARD: palette.forward, Role.BACKWARD: palette.backward, Role.UPDATE: palette.update}


def font(point_size: float = 10, bold: bool = False) -> QFont:
    """A new font of ``point_size`` points at the current font scale."""
    return QFont(THEME.font(point_size, bold))


def node_title_font() -> QFont:
    """Bold, a little larger than the lines below it (compact: the same size, bold sets it apart)."""
    return THEME.font(9.5 if THEME.compact else 10.5, bold=True)


def node_font() -> QFont:
    return THEME.font(9.5)


def node_name_font() -> QFont:
    """The smaller font of a name on a node's line: before its number ("∂/∂w1 0.100", compact), or
    over it ("∂L/∂w1 =")."""
    return THEME.font(7.5)


def edge_font() -> QFont:
    return THEME.font(9.5)


def metrics(f: QFont) -> QFontMetricsF:
    return THEME.metrics(f)


def colour(name: str) -> QColor:
    """A colour of the current palette by its field name ("forward", "background", ...)."""
    return QColor(getattr(THEME.palette, name))


def faded(name: str, share: float = 0.3) -> QColor:
    """A palette colour at ``share`` over the background: a pale tint on light, a dim one on dark."""
    pairs = zip(colour(name).getRgbF()[:3], colour("background").getRgbF()[:3], strict=True)
    return QColor.fromRgbF(*(share * c + (1 - share) * b for c, b in pairs))


def line(width: float) -> float:
    """A pen width at the current line scale."""
    return width * THEME.line_scale


class _Follower(QObject):
    """Calls ``apply`` after each theme change, for as long as its parent (the widget styled) lives."""

    def __init__(self, parent: QObject, apply: Callable[[], None]) -> None:
        super().__init__(parent)
        self._apply = apply
        THEME.changed.connect(self._on_theme_changed)

    def _on_theme_changed(self) -> None:
        self._apply()


def follow(owner: QObject, apply: Callable[[], None]) -> None:
    """Run ``apply`` now and after every theme change while ``owner`` lives (it styles ``owner``)."""
    apply()
    _Follower(owner, apply)


def points(point_size: float) -> str:
    """A font size for a style sheet, at the current font scale: "11pt" at scale 1."""
    return f"{point_size * THEME.font_scale:.4g}pt"


def error_style() -> str:
    """A style sheet for a one-line error under a form."""
    return f"color:{THEME.palette.error}; font-weight:600"


def note_style() -> str:
    """A style sheet for a quiet note."""
    return f"color:{THEME.palette.muted}"
