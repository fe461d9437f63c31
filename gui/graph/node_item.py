"""A graph node drawn as a box: its name, its value in green, its gradients in red."""

from __future__ import annotations

import enum
import re
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPaintEngine, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from gui import theme

PADDING = 4  # above the first line and below the last
HALO = 6  # the current step's halo reaches this far beyond the box (the bounding rectangle's margin)
SIDE_PADDING = 5
MAX_WIDTH = 420  # longer lines are elided; the tooltip has them in full
WRAP_CHARS = 12  # a longer "name = number" line is drawn on two, so nodes stay narrow and the graph fits
SIGNED_CHARS = 6  # "−0.000": a line is broken as if its number were at least this long, the same at every step
SLACK = "−"  # room on a line with numbers for a sign it did not have when the node was sized
NAME_SEP = "\t"  # on a compact line, between the name (drawn small) and its number
LINE_PITCH = 0.9  # lines are this share of their font's height apart (its leading is room for accents)
COMPACT_PITCH = 0.85  # compact, lines are this share of the font's height apart (digits and marks still clear)
COMPACT_PADDING = (2, 3)  # compact, above the first line and below the last, and either side
MIN_TEXT_PX = 3  # text shown smaller than this many device pixels is not drawn (a smudge; the whole graph in view)


class NodeLook(enum.Enum):
    INPUT = "input"
    TARGET = "target"
    PARAM = "param"
    OP = "op"


# The palette's fields for each look's fill and border.
_FILL_AND_BORDER = {
    NodeLook.PARAM: ("param_fill", "param_border"),
    NodeLook.INPUT: ("input_fill", "node_border"),
    NodeLook.TARGET: ("target_fill", "node_border"),
    NodeLook.OP: ("node_fill", "node_border"),
}


# Looked up once: a big graph makes hundreds of nodes, and Qt's enums cost a microsecond a use.
_FLAGS = {  # far or not (see NodeItem.set_far)
    False: QGraphicsItem.GraphicsItemFlag.ItemIsSelectable,
    True: QGraphicsItem.GraphicsItemFlag.ItemIsSelectable | QGraphicsItem.GraphicsItemFlag.ItemHasNoContents,
}
_HAND = Qt.CursorShape.PointingHandCursor
_CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


class NodeItem(QGraphicsItem):
    """Visual state changes only through its verbs: show_lines(), highlight(), set_far()."""

    def __init__(
        self,
        node_id: str,
        title: str,
        look: NodeLook,
        width: float,
        height: float,
        fans_out: bool = False,
        far: bool = False,
    ) -> None:
        super().__init__()
        self.node_id = node_id
        self.title = title
        self.fans_out = fans_out  # feeds several nodes: its gradient is "so far" until the last has sent its part
        self.look = look
        self._rect = QRectF(-width / 2, -height / 2, width, height)
        self.value_text = ""  # green: the forward value
        self.grad_text = ""  # red: the gradient received (upstream)
        self.local_text = ""  # red: the local gradient
        self.update_text = ""  # purple: the parameter's new value
        self.current = False
        self._far = far  # see set_far
        self._lines_for: tuple[tuple, list[tuple[str, str, str, bool]]] | None = None  # (texts, their lines)
        self.setFlags(_FLAGS[far])
        self.setAcceptHoverEvents(True)
        self.setCursor(_HAND)
        self.setZValue(theme.Z_NODE)
        self.setCacheMode(_CACHED)

    # -- verbs -----------------------------------------------------------------------

    def show_lines(self, value: str, grad: str, local: str, update: str) -> None:
        if (value, grad, local, update) != (self.value_text, self.grad_text, self.local_text, self.update_text):
            self.value_text, self.grad_text, self.local_text, self.update_text = value, grad, local, update
            self.update()

    def toolTip(self) -> str:
        """Written by the scene when asked for (GraphScene.helpEvent, or a caller), from the state it shows."""
        scene = self.scene()
        return scene.node_tooltip(self.node_id) if scene is not None else ""

    def highlight(self, on: bool) -> None:
        if on != self.current:
            self.current = on
            self.setZValue(theme.Z_CURRENT if on else theme.Z_NODE)
            self._paint_itself()
            self.update()

    def set_far(self, far: bool) -> None:
        """Far (the view too small for any text): the scene draws the node's box with the resting
        curves, and the item paints only while it is the current or a selected node (the scene
        calls this again when the selection changes)."""
        self._far = far
        self._paint_itself()

    def _paint_itself(self) -> None:
        no_contents = self._far and not self.current and not self.isSelected()
        flag = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
        if no_contents != bool(self.flags() & flag):
            self.setFlag(flag, no_contents)
            scene = self.scene()
            if no_contents and scene is not None:  # Qt repaints no item without contents: its last picture would stay
                scene.update(self.sceneBoundingRect())

    def needed_size(self) -> tuple[float, float]:
        """The width that shows the longest line now written on the node (up to MAX_WIDTH), and the
        height that shows every line."""
        compact = theme.THEME.compact
        look = theme.THEME.font_scale, compact
        digits = digits_alike(theme.THEME.font_scale)
        title = self._title_line().translate(digits_alike(theme.THEME.font_scale, title=True))
        widest, height = _room("", title, True, *look)
        for text, colour_name, block in self._blocks():
            if text:
                width, pitches = _block_room(text.translate(digits), colour_name, block, *look)
                widest = max(widest, width)
                for pitch in pitches:  # line by line: the same sum as the lines drawn
                    height += pitch
        if self.fans_out and self.grad_text and compact:  # room for "so far" (elided in full lines)
            so_far = compact_lines(self.grad_text.replace(" =", _SO_FAR + " =", 1), "grad")[0].translate(digits)
            widest = max(widest, _room(theme.MARKS["backward"], so_far, False, *look)[0])
        top, side = _padding()
        return min(widest + 2 * side, MAX_WIDTH), height + 2 * top

    def set_size(self, width: float, height: float) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(-width / 2, -height / 2, width, height)

    @property
    def width(self) -> float:
        return self._rect.width()

    @property
    def height(self) -> float:
        return self._rect.height()

    # -- geometry and painting ---------------------------------------------------------

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-HALO, -HALO, HALO, HALO)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self._rect, 10, 10)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.current:
            # At most as thick as the room around the box: thicker (presenter mode's lines) it would be cut.
            painter.setPen(QPen(theme.colour("current"), min(theme.line(7), 2 * (HALO - 2.5))))
            painter.drawRoundedRect(self._rect.adjusted(-2, -2, 2, 2), 12, 12)
        radius = set_box_style(painter, self.look, self.isSelected())
        painter.drawRoundedRect(self._rect, radius, radius)
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lines_drawn_at(lod):
            self._draw_lines(painter, self._lines())

    def shown_lines(self) -> list[str]:
        """The lines as drawn: title, value, update, gradients, each block with its direction mark."""
        return [_joined(mark, text.replace(NAME_SEP, " ")) for mark, text, _, _ in self._lines()]

    def _lines(self) -> list[tuple[str, str, str, bool]]:
        """(direction mark or "", text, colour name, is title) for each line, title first (worked out
        again only when the texts or the lines' form change: sizing and every paint ask for them)."""
        key = (self.title, self.value_text, self.update_text, self.grad_text, self.local_text, theme.THEME.compact)
        if self._lines_for is None or self._lines_for[0] != key:
            self._lines_for = (key, self._line_list())
        return self._lines_for[1]

    def _line_list(self) -> list[tuple[str, str, str, bool]]:
        compact = theme.THEME.compact
        lines = [("", self._title_line(), "text", True)]
        for text, colour_name, block in self._blocks():
            if text:
                lines += _block_lines(text, colour_name, block, compact)
        return lines

    def _title_line(self) -> str:
        return " ".join(self.title.split()) if theme.THEME.compact else self.title

    def _blocks(self) -> tuple[tuple[str, str, str], ...]:
        """(text, colour name, block) of each block of lines below the title, in order."""
        return (
            (self.value_text, "forward", "value"),
            (self.update_text, "update", "update"),
            (self.grad_text, "backward", "grad"),
            (self.local_text, "backward", "local"),
        )

    @staticmethod
    def _styles(lines: list[tuple[str, str, str, bool]]) -> list[tuple[QFont, QFontMetricsF]]:
        """The font of each line and its metrics: a name over the number below it ("∂L/∂w1 =") small."""
        look = theme.THEME.font_scale, theme.THEME.compact
        return [_style(text, is_title, *look) for _, text, _, is_title in lines]

    def _draw_lines(self, painter: QPainter, lines: list[tuple[str, str, str, bool]]) -> None:
        top, side = _padding()
        inner = self._rect.adjusted(side - 2, top, -(side - 2), -top)
        styles = self._styles(lines)
        y = inner.center().y() - sum(_pitch(m) for _, m in styles) / 2
        for (mark, text, colour_name, _), (f, metrics) in zip(lines, styles, strict=True):
            h = _pitch(metrics)
            painter.setFont(f)
            painter.setPen(theme.colour(colour_name))
            rect = QRectF(inner.left(), y, inner.width(), h)
            if NAME_SEP in text:
                _draw_named(painter, metrics, rect, mark, *text.split(NAME_SEP, 1))
            else:
                draw_marked(painter, metrics, rect, mark, text)
            y += h


def set_box_style(painter: QPainter, look: NodeLook, selected: bool) -> float:
    """The pen and brush of a node's box; returns its corners' radius."""
    fill, border = _FILL_AND_BORDER[look]
    width = (2.5 if selected else 1.5) + (0.8 if look is NodeLook.PARAM else 0)
    painter.setPen(QPen(theme.colour("text" if selected else border), theme.line(width)))
    painter.setBrush(theme.colour(fill))
    return 4 if look is NodeLook.PARAM else 10


def lines_drawn_at(scale: float) -> bool:
    """Whether a node's lines (and an edge label's, in the same size) are drawn at ``scale``: smaller
    than MIN_TEXT_PX device pixels they would be a smudge."""
    return scale * _line_styles(theme.THEME.font_scale, theme.THEME.compact)[False][1].height() >= MIN_TEXT_PX


@lru_cache(maxsize=16384)
def _block_lines(text: str, colour_name: str, block: str, compact: bool) -> tuple[tuple[str, str, str, bool], ...]:
    """A block's lines (see NodeItem._lines), kept: a big graph's nodes repeat many texts (numbers)."""
    mark, parts = _block_parts(text, colour_name, block, compact)
    return tuple((mark if k == 0 else "", part, colour_name, False) for k, part in enumerate(parts))


def _block_parts(text: str, colour_name: str, block: str, compact: bool) -> tuple[str, list[str]]:
    """A block's direction mark and the texts of its lines."""
    # The mark goes before a block's first line (a matrix, or a number wrapped, continues below it);
    # compact, the local gradients go on under the gradient's mark.
    mark = "" if compact and block == "local" else theme.MARKS.get(colour_name, "")
    if compact:
        return mark, compact_lines(text, block)
    return mark, [part for line in text.splitlines() for part in _wrapped(line)]


@lru_cache(maxsize=16384)
def _block_room(
    text: str, colour_name: str, block: str, font_scale: float, compact: bool
) -> tuple[float, tuple[float, ...]]:
    """How wide a block's widest line is drawn, and each line's pitch (kept, like its lines)."""
    mark, parts = _block_parts(text, colour_name, block, compact)
    rooms = [_room(mark if k == 0 else "", part, False, font_scale, compact) for k, part in enumerate(parts)]
    return max((width for width, _ in rooms), default=0.0), tuple(pitch for _, pitch in rooms)


@lru_cache(maxsize=16)
def digits_alike(font_scale: float, title: bool = False) -> dict[int, int]:
    """A str.translate table writing every digit as the widest one of the nodes' (and edges') font, or
    of the titles' bold one, for measuring: lines that differ only in their digits, as most of a big
    graph's do (names and numbers), are then measured once, and none narrower than it is drawn (the
    usual fonts' digits are all as wide)."""
    metrics = _line_styles(font_scale, False)[title][1]
    widest = max("0123456789", key=metrics.horizontalAdvance)
    return str.maketrans("0123456789", widest * 10)


@lru_cache(maxsize=8)
def _line_styles(font_scale: float, compact: bool) -> dict[bool, tuple[QFont, QFontMetricsF]]:
    """(font, metrics) of a title line (True) and of the others (False) at ``font_scale``, with compact
    lines or not: looked up once per look, as every node's sizing and painting asks on every line."""
    title, body = theme.node_title_font(), theme.node_font()
    return {True: (title, theme.metrics(title)), False: (body, theme.metrics(body))}


@lru_cache(maxsize=8)
def _name_style(font_scale: float) -> tuple[QFont, QFontMetricsF]:
    """(font, metrics) of the small name before a number on a compact line, at ``font_scale``."""
    f = theme.node_name_font()
    return f, theme.metrics(f)


def _pitch(metrics: QFontMetricsF) -> float:
    """How far apart lines in this font are."""
    return metrics.height() * (COMPACT_PITCH if theme.THEME.compact else LINE_PITCH)


def _style(text: str, is_title: bool, font_scale: float, compact: bool) -> tuple[QFont, QFontMetricsF]:
    """(font, metrics) of a line: a title's, a name's over the number below it ("∂L/∂w1 =", small),
    or the others'."""
    if not is_title and text.endswith(" ="):
        return _name_style(font_scale)
    return _line_styles(font_scale, compact)[is_title]


def _padding() -> tuple[float, float]:
    """(above and below, either side) of a node's lines."""
    return COMPACT_PADDING if theme.THEME.compact else (PADDING, SIDE_PADDING)


@lru_cache(maxsize=16384)
def _room(mark: str, text: str, is_title: bool, font_scale: float, compact: bool) -> tuple[float, float]:
    """How wide a line is drawn at ``font_scale``, with compact lines or not, with room for a sign a
    number may gain, and how far below it the next line goes (kept: a big graph repeats many lines,
    and measuring text is most of sizing its nodes)."""
    metrics = _style(text, is_title, font_scale, compact)[1]
    sign = metrics.horizontalAdvance(SLACK) if _unsigned_number(text) else 0.0
    return _line_width(metrics, mark, text) + sign, _pitch(metrics)


def _joined(mark: str, text: str) -> str:
    return f"{mark} {text}" if mark else text


def _line_width(metrics: QFontMetricsF, mark: str, text: str) -> float:
    """How wide a line is drawn: a compact line's name in the small font, the rest in ``metrics``'."""
    if NAME_SEP not in text:
        return metrics.horizontalAdvance(_joined(mark, text))
    name, rest = text.split(NAME_SEP, 1)
    small = _name_style(theme.THEME.font_scale)[1]
    return metrics.horizontalAdvance(_joined(mark, rest)) + small.horizontalAdvance(name + " ")


def _draw_named(painter: QPainter, metrics: QFontMetricsF, rect: QRectF, mark: str, name: str, rest: str) -> None:
    """A compact line centred in ``rect``: the mark, the name in the small font, the number, on one baseline."""
    small_font, small = _name_style(theme.THEME.font_scale)
    body_font = painter.font()
    lead = metrics.horizontalAdvance(mark + " ") if mark else 0.0
    room = rect.width() - lead - metrics.horizontalAdvance(rest) - small.horizontalAdvance(" ")
    name = small.elidedText(name, Qt.TextElideMode.ElideRight, max(room, 0.0))  # the number is never cut
    width = lead + small.horizontalAdvance(name + " ") + metrics.horizontalAdvance(rest)
    x = max(rect.center().x() - width / 2, rect.left())
    baseline = rect.top() + (rect.height() - metrics.height()) / 2 + metrics.ascent()
    if mark:
        painter.drawText(QPointF(x, baseline), mark)
        x += lead
    painter.setFont(small_font)
    painter.drawText(QPointF(x, baseline), name)
    x += small.horizontalAdvance(name + " ")
    painter.setFont(body_font)
    painter.drawText(QPointF(x, baseline), metrics.elidedText(rest, Qt.TextElideMode.ElideRight, rect.right() - x))


def draw_marked(painter: QPainter, metrics: QFontMetricsF, rect: QRectF, mark: str, text: str) -> None:
    """``text`` centred in ``rect`` (elided to fit) after its direction mark, if any. Into an SVG the
    two are drawn apart, so the file keeps the value as a text of its own; on screen, as one text
    (one layout per line: painting a step stays quick)."""
    elide = Qt.TextElideMode.ElideRight
    if not mark or painter.paintEngine().type() != QPaintEngine.Type.SVG:
        shown = metrics.elidedText(f"{mark} {text}" if mark else text, elide, rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextDontClip, shown)
        return
    lead = metrics.horizontalAdvance(mark + " ")
    shown = metrics.elidedText(text, elide, max(rect.width() - lead, 0.0))
    left = rect.center().x() - (lead + metrics.horizontalAdvance(shown)) / 2
    align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    painter.drawText(QRectF(left, rect.top(), lead, rect.height()), align, mark)
    painter.drawText(QRectF(left + lead, rect.top(), rect.right() - left - lead, rect.height()), align, shown)


def _unsigned_number(line: str) -> bool:
    """Whether a line shows a number without a sign (a wrapped "∂L/∂w =" or a title shows none), which
    may gain one at a later step."""
    number = line.rsplit("=", 1)[-1]
    return any(c.isdigit() for c in number) and "−" not in number


def _wrapped(line: str) -> list[str]:
    """A long "name = number" line as "name =" and the number below; another long line broken at
    the space nearest its middle."""
    name, equals, number = line.rpartition(" = ")
    if equals:
        if len(name) + 3 + max(len(number), SIGNED_CHARS) <= WRAP_CHARS:
            return [line]
        return [f"{name} =", number]
    spaces = [k for k, c in enumerate(line) if c == " "]
    if len(line) <= WRAP_CHARS or not spaces:
        return [line]
    cut = min(spaces, key=lambda k: abs(k - len(line) / 2))
    return [line[:cut], line[cut + 1 :]]


_NAMED = re.compile(r"^(?P<name>.+?) =(?: (?P<value>.+))?$")  # "name = value", or "name =" over the lines below
_SO_FAR = " so far"


def compact_lines(text: str, block: str) -> list[str]:
    """A block's lines written short (presenter mode): a value or a gradient as its number alone (the
    node's title names it), an update as "new …", a local gradient under the input it is for
    ("∂/∂w1 0.100", or "local" when there is one input), and a vector as a column, one entry a line.
    ``block`` is "value", "update", "grad" or "local"."""
    out: list[str] = []
    lines = text.splitlines()
    values = [line.rpartition(" = ")[2] for line in lines]
    split = sum(v.startswith("[") for v in values) == 1  # a vector; several bracketed lines are a matrix's rows
    header = None  # the short name of a "name =" line, for the first line of the value below it
    for line in lines:
        named = _NAMED.match(line)
        if named:
            header = _short_name(named["name"], block)
            if named["value"] is not None:
                out += _column(header, named["value"], split)
                header = None
        elif header is not None and _is_value(line):
            out += _column(header, line, split)
            header = None
        elif _is_value(line):
            out += _column("", line, split)
        else:
            out += _wrapped(line)
    return out


def _short_name(name: str, block: str) -> str:
    """What is written small before the number in place of ``name``."""
    if block == "grad":
        return _SO_FAR.strip() if name.endswith(_SO_FAR) else ""
    if block == "update":
        return "new"
    if block == "local":
        return name.removeprefix("local ") if name.startswith("local ∂/∂") else "local"
    return name


def _column(name: str, value: str, split: bool) -> list[str]:
    """The value after its name (drawn small); a vector, if ``split``, one entry a line."""
    entries = value[1:-1].split(", ") if split and value.startswith("[") and value.count("[") == 1 else [value]
    return [f"{name}{NAME_SEP}{entries[0]}" if name else entries[0], *entries[1:]]


def _is_value(line: str) -> bool:
    """Whether a line is a number, a vector or a matrix's row."""
    return line[:1] in ("[", "…", "−", "-") or line[:1].isdigit()
