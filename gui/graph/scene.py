"""The scene: node and edge items built from a core graph, refreshed from a step state."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import numpy as np
from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPen, QTransform
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QToolTip,
)

from core import fmt
from core.explain import BackwardStep, backward_step, partial
from core.graph import GraphKind, Node, NodeKind
from core.layout import layered_layout
from core.stepper import BackwardEvent, StepPass, StepState
from gui import theme
from gui.graph.edge_curves import EdgeCurves, meets
from gui.graph.edge_item import REST_WIDTH, EdgeItem, label_box, label_size
from gui.graph.node_item import NodeItem, NodeLook, digits_alike, set_box_style
from gui.graph.placement import COMPACT_NODE_GAP, MIN_NODE_WIDTH, NODE_GAP, place

_LOOKS = {
    NodeKind.INPUT: NodeLook.INPUT,
    NodeKind.TARGET: NodeLook.TARGET,
    NodeKind.PARAM: NodeLook.PARAM,
    NodeKind.OP: NodeLook.OP,
    NodeKind.CONSTANT: NodeLook.TARGET,  # given, like a target: nothing is sent back
}
LINE_CHARS = 26  # longer node lines break after their label
EDGE_ENTRIES = 2  # on a layer-graph edge, values with more entries are shown by their shape
MIN_CORNER_PX = 0.5  # far, boxes whose rounded corners would be smaller than this are drawn square
MAX_EVENTS_REWRITTEN = 64  # a jump over more events than this rewrites every item
_SAMPLE = {True: "−0.000", False: "[−0.000, −0.000]"}  # the widest usual edge label, by graph.kind.scalar
_COMPACT_SAMPLE = {True: "−0.000", False: "[−0.000]"}  # the same with compact lines (a vector of two by its shape)


class GraphScene(QGraphicsScene):
    node_clicked = Signal(str)
    param_double_clicked = Signal(str)  # a parameter node's id: the user wants to type its value
    background_changed = Signal()  # what drawBackground draws changed: views drop what they cached of it
    relaying_out = Signal()  # the pass shown is to be laid out again (decimals, fonts): views note their place
    relaid_out = Signal()  # …and has been: views show the same part of the graph again

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self._curves = EdgeCurves()  # every edge's resting curve, drawn as the background
        # The view too small for any text: the nodes' boxes are drawn with the curves, the labels wait.
        # So after each build until a view says how large it shows the graph (a big graph's build then
        # makes no labels), and never while an export holds every item drawn by itself.
        self.far = True
        self._far_wanted = True  # as the view last said
        self._detail_holds = 0  # full_detail's depth
        self._selected: list[NodeItem] = []  # the nodes selected (far, they paint themselves)
        self._boxes: dict[NodeLook, tuple[np.ndarray, list[QRectF]]] = {}  # the nodes' boxes, far
        self._pass: StepPass | None = None
        self._backward_at: dict[str, int] = {}  # event index of each op node's backward visit
        self._complete_at: dict[str, int] = {}  # the cursor from which a node's gradient is complete
        self._edges_at: dict[str, list[tuple[str, str]]] = {}  # the edges into and out of each node
        self._shown: tuple[int, int, str | None] | None = None  # (cursor, decimals, last node) on the items
        self._state: StepState | None = None  # the state shown (tooltips are written from it when asked for)
        self._decimals = 3  # of the last build
        self._laid_out_at = _look()  # node sizes follow the fonts and the lines' form: a change lays out again
        self.selectionChanged.connect(self._on_selection_changed)
        theme.follow(self, self._on_theme_changed)

    # -- building ----------------------------------------------------------------------

    def build(self, step_pass: StepPass, decimals: int) -> None:
        """Lay the pass's graph out left to right and create its items, each node tall
        enough for everything it will show by the end of the pass."""
        with _collector_paused():
            self._build(step_pass, decimals)

    def _build(self, step_pass: StepPass, decimals: int) -> None:
        self.clearSelection()  # before the items go: clearing them would change the selection one by one
        self._selected = []
        self.clear()
        if not self._detail_holds:
            self.far = self._far_wanted = True  # until a view says how large it shows the new graph
        self.nodes, self.edges, self._pass, self._shown, self._state = {}, {}, None, None, None
        self._decimals, self._laid_out_at = decimals, _look()
        graph = step_pass.graph
        for node in graph.nodes:
            title = node.label if node.op is None else f"{node.op.symbol}   {node.label}"
            fans_out = len(graph.consumers[node.id]) > 1
            item = NodeItem(node.id, title, _LOOKS[node.kind], MIN_NODE_WIDTH, 0.0, fans_out, self.far)
            self.addItem(item)
            self.nodes[node.id] = item
        for source, target in graph.edges:
            self.edges[(source, target)] = EdgeItem(self.nodes[source], self.nodes[target], self.far)
        self._remember(step_pass)
        end = step_pass.state_at(len(step_pass))
        for node in graph.nodes:  # sized by the lines they show as the pass ends; show_state writes the shown step's
            self.nodes[node.id].show_lines(*self._node_texts(step_pass, end, node, decimals))
        sample = (_COMPACT_SAMPLE if theme.THEME.compact else _SAMPLE)[graph.kind.scalar]
        digits, scale = digits_alike(theme.THEME.font_scale), theme.THEME.font_scale
        boxes = {}  # room for each edge's labels as the pass ends, or the usual widest
        for key in self.edges:
            forward, backward = _edge_texts(step_pass, end, key, decimals)
            # An edge into a target carries no gradient back; compact, many edges carry no label.
            shown = ((forward, "forward"), (backward, "backward"))
            boxes[key] = [_room_for(text.translate(digits), name, sample, scale) for text, name in shown if text]
        # The labels are placed before the edges join the scene: trying a spot then moves no index.
        gap = COMPACT_NODE_GAP if theme.THEME.compact else NODE_GAP
        placed = place(self.nodes, self.edges, layered_layout(graph), boxes, gap)
        self._curves = placed.curves
        for edge in self.edges.values():
            self.addItem(edge)
        self._boxes = _node_boxes(self.nodes, placed.node_boxes)
        self.setSceneRect(placed.scene_rect)
        self.background_changed.emit()
        self._shown = None  # the edges are new: the next state is written on every item

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """The background colour and what rests (what a view shows, an export draws): see draw_resting."""
        super().drawBackground(painter, rect)
        self.draw_resting(painter, rect)

    def draw_resting(self, painter: QPainter, rect: QRectF) -> None:
        """The resting curves and arrowheads of the edges in ``rect``, and when far, the nodes' boxes."""
        colour = theme.colour("edge")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour, theme.line(REST_WIDTH)))
        self._curves.paint(painter, rect, colour)
        if self.far:
            r = (rect.left(), rect.top(), rect.right(), rect.bottom())
            scale = abs(painter.transform().m11())
            for look, (boxes, rects) in self._boxes.items():
                radius = set_box_style(painter, look, selected=False)
                shown = [rects[i] for i in np.flatnonzero(meets(boxes, r))]
                if radius * scale < MIN_CORNER_PX:
                    painter.drawRects(shown)  # corners too small to see: in one call
                else:
                    for box in shown:
                        painter.drawRoundedRect(box, radius, radius)

    def resting_rect(self) -> QRectF:
        """Where draw_resting draws (outside it the background is its colour alone)."""
        curves = self._curves.bounds()
        if not self.far or not self._boxes:
            return curves
        boxes = np.concatenate([b for b, _ in self._boxes.values()])
        (left, top), (right, bottom) = boxes[:, :2].min(axis=0) - 2, boxes[:, 2:].max(axis=0) + 2  # and the pen
        return curves.united(QRectF(left, top, right - left, bottom - top))

    # -- far: the view too small for any text ---------------------------------------------

    def show_far(self, far: bool) -> bool:
        """A view shows the scene far or not (see NodeItem.set_far); returns whether that changed what
        draw_resting draws (not while an export holds every item drawn by itself: see full_detail)."""
        self._far_wanted = far
        return not self._detail_holds and self._set_far(far)

    @contextmanager
    def full_detail(self) -> Iterator[None]:
        """Every item drawn by itself while inside, however far a view shows the scene: an export is
        drawn at its own scale (and an SVG wants every label as text)."""
        self._detail_holds += 1
        self._set_far(False)
        try:
            yield
        finally:
            self._detail_holds -= 1
            if not self._detail_holds and self._set_far(self._far_wanted):
                self.background_changed.emit()

    def _set_far(self, far: bool) -> bool:
        if far == self.far:
            return False
        self.far = far
        for item in (*self.nodes.values(), *self.edges.values()):
            item.set_far(far)
        return True

    def render(
        self,
        painter: QPainter,
        target: QRectF | None = None,
        source: QRectF | None = None,
        mode: Qt.AspectRatioMode = Qt.AspectRatioMode.KeepAspectRatio,
    ) -> None:
        """As QGraphicsScene.render, every item drawn by itself (see full_detail)."""
        with self.full_detail():
            super().render(painter, target or QRectF(), source or QRectF(), mode)

    def relayout(self) -> None:
        """Lay the graph out again at the current fonts, keeping the step shown and the node selected."""
        step_pass = self._pass
        if step_pass is None:
            return
        cursor, decimals = (self._shown or (len(step_pass), self._decimals))[:2]
        self._build_again(step_pass, decimals)
        self.show_state(step_pass, step_pass.state_at(cursor), decimals)

    def _build_again(self, step_pass: StepPass, decimals: int) -> None:
        """Build the pass shown again, keeping the nodes selected."""
        selected = [item.node_id for item in self.selectedItems() if isinstance(item, NodeItem)]
        self.relaying_out.emit()
        self.build(step_pass, decimals)
        for node_id in selected:
            self.nodes[node_id].setSelected(True)
        self.relaid_out.emit()

    def _on_theme_changed(self) -> None:
        self.setBackgroundBrush(theme.colour("background"))
        if _look() != self._laid_out_at:
            self.relayout()
        for item in self.items():
            item.update()  # a node's or a label's cached picture is drawn again in the new colours
        self.background_changed.emit()  # the resting curves: in the new colour and width

    # -- showing a state ---------------------------------------------------------------

    def show_state(self, step_pass: StepPass, state: StepState, decimals: int) -> None:
        """Write every known value and gradient on the items; hide what is not yet known.

        A step within the pass already shown rewrites only the items its events touch
        (a big graph would otherwise rewrite, and repaint, every item on each key). Other decimals
        than the nodes were sized for lay the graph out again: its numbers are longer or shorter."""
        if step_pass is self._pass and decimals != self._decimals:
            self._build_again(step_pass, decimals)
        graph = step_pass.graph
        changed = self._changed_nodes(step_pass, state, decimals)
        if step_pass is not self._pass:
            self._remember(step_pass)
        if changed is None:
            nodes, edges = graph.nodes, self.edges.items()
        else:
            nodes = [graph[node_id] for node_id in changed]
            keys = dict.fromkeys(key for node_id in changed for key in self._edges_at[node_id])
            edges = [(key, self.edges[key]) for key in keys]
        last = state.last
        self._shown = (state.cursor, decimals, getattr(last, "node", None))
        self._state = state
        for node in nodes:
            item = self.nodes[node.id]
            item.show_lines(*self._node_texts(step_pass, state, node, decimals))
            item.highlight(last is not None and last.node == node.id)
        active_inputs = set(graph[last.node].inputs) if isinstance(last, BackwardEvent) else set()
        for (source, target), edge in edges:
            edge.show_values(*_edge_texts(step_pass, state, (source, target), decimals))
            edge.highlight(target == getattr(last, "node", None) and source in active_inputs)

    def _node_texts(
        self, step_pass: StepPass, state: StepState, node: Node, decimals: int
    ) -> tuple[str, str, str, str]:
        """A node's value, gradient, local gradients and new value as written on it at ``state`` ("" until known)."""
        value = grad_text = local_text = update_text = ""
        shown = _value_shown(step_pass, state, node.id)
        if shown is not None:
            value = _with_shape(shown, step_pass.graph.kind, decimals)
        grad = state.grads.get(node.id)
        if grad is not None:
            so_far = " so far" if state.cursor < self._complete_at.get(node.id, 0) else ""
            grad_text = _labelled(f"{partial(step_pass.graph.root.label, node.label)}{so_far} =", grad, decimals)
        k = self._backward_at.get(node.id)
        if k is not None and k < state.cursor:
            local_text = _local_text(backward_step(step_pass, step_pass.events[k]), step_pass.graph.kind, decimals)
        if node.id in state.updated:
            update_text = _labelled(f"new {node.label} =", state.values[node.id], decimals)
        return value, grad_text, local_text, update_text

    # -- tooltips: written when asked for, from the state shown ----------------------------

    def node_tooltip(self, node_id: str) -> str:
        """A node's values in full precision, at the state shown."""
        step_pass, state = self._pass, self._state
        if step_pass is None or state is None:
            return ""
        node = step_pass.graph[node_id]
        new = state.values[node_id] if node_id in state.updated else None
        lines = [_tooltip(node.label, _value_shown(step_pass, state, node_id), state.grads.get(node_id), new)]
        k = self._backward_at.get(node_id)
        if k is not None and k < state.cursor:
            step = backward_step(step_pass, step_pass.events[k])
            lines += [f"local {partial(node.label, s.to)}: {fmt.full(s.local)}" for s in step.sendings]
        if node.kind is NodeKind.PARAM:
            lines.append("Double-click to type a new value.")
        return "\n".join(lines)

    def edge_tooltip(self, key: tuple[str, str]) -> str:
        """What flows along an edge, forward and back, in full precision, at the state shown."""
        step_pass, state = self._pass, self._state
        if step_pass is None or state is None:
            return ""
        graph = step_pass.graph
        source, target = key
        tip = f"{graph[source].label} → {graph[target].label}"
        flowing = _value_shown(step_pass, state, source)
        if flowing is not None:
            tip += f"\nforward: {fmt.full(flowing)}"
        sent = state.edge_grads.get(key)
        if sent is not None:
            tip += f"\nsent back to {graph[source].label}: {fmt.full(sent)}"
        return tip

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:
        """The tooltip of the topmost node or edge (or edge label) under the pointer."""
        view = event.widget().parentWidget() if event.widget() is not None else None
        transform = view.transform() if isinstance(view, QGraphicsView) else QTransform()
        text = ""
        shape, order = Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder
        for item in self.items(event.scenePos(), shape, order, transform):
            text = item.toolTip()
            if text:
                break
        QToolTip.showText(event.screenPos() if text else QPoint(), text, event.widget())
        event.setAccepted(bool(text))

    def _changed_nodes(self, step_pass: StepPass, state: StepState, decimals: int) -> set[str] | None:
        """The nodes whose items change from the state shown to ``state``, or None to rewrite them all.

        Events between the two cursors change their own node and, on the way back, the inputs
        they send to (gradients, "so far"); the highlight moves from the last event's node to the new one."""
        if step_pass is not self._pass or self._shown is None:
            return None
        cursor, shown_decimals, shown_last = self._shown
        lo, hi = sorted((cursor, state.cursor))
        if decimals != shown_decimals or hi - lo > MAX_EVENTS_REWRITTEN:
            return None
        graph = step_pass.graph
        changed = {shown_last, getattr(state.last, "node", None)} - {None}
        for event in step_pass.events[lo:hi]:
            changed.add(event.node)
            if isinstance(event, BackwardEvent):
                changed.update(graph[event.node].inputs)
        return changed

    def _remember(self, step_pass: StepPass) -> None:
        """Index the pass: where each node is visited, and from when its gradient is complete."""
        self._pass = step_pass
        self._edges_at = {node.id: [] for node in step_pass.graph.nodes}
        for key in self.edges:
            for node_id in key:
                self._edges_at[node_id].append(key)
        self._backward_at = {e.node: k for k, e in enumerate(step_pass.events) if isinstance(e, BackwardEvent)}
        consumers = step_pass.graph.consumers
        self._complete_at = {
            node_id: max((self._backward_at[c] + 1 for c in users), default=0) for node_id, users in consumers.items()
        }

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = next((i for i in self.items(event.scenePos()) if isinstance(i, NodeItem)), None)
        if item is not None and item.look is NodeLook.PARAM:
            self.param_double_clicked.emit(item.node_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _on_selection_changed(self) -> None:
        selected = [i for i in self.selectedItems() if isinstance(i, NodeItem)]
        for item in {*self._selected, *selected}:  # far, a selected node paints itself
            item.set_far(self.far)
        self._selected = selected
        if selected:
            self.node_clicked.emit(selected[0].node_id)


def _node_boxes(
    nodes: dict[str, NodeItem], boxes: dict[str, tuple[float, float, float, float]]
) -> dict[NodeLook, tuple[np.ndarray, list[QRectF]]]:
    """The nodes' boxes in the scene (``boxes``: left, top, right, bottom) by look: in an array, and as QRectF."""
    by_look: dict[NodeLook, list[tuple[float, float, float, float]]] = {}
    for node_id, item in nodes.items():
        by_look.setdefault(item.look, []).append(boxes[node_id])
    return {
        look: (np.array(rects), [QRectF(left, top, right - left, bottom - top) for left, top, right, bottom in rects])
        for look, rects in by_look.items()
    }


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector held off: a big graph's build makes tens of thousands of
    objects that all live on, and a collection meanwhile walks them again for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _edge_texts(step_pass: StepPass, state: StepState, key: tuple[str, str], decimals: int) -> tuple[str, str]:
    """An edge's labels at ``state``: the value flowing forward, the gradient sent back ("" until known).

    With compact lines (presenter mode) an edge shows only a number its source node does not: the
    value flowing is always the source's own, and so is the gradient sent back from its only consumer;
    from a node feeding several, the edge shows the part of the gradient it sends back."""
    source = key[0]
    graph = step_pass.graph
    sent = state.edge_grads.get(key)
    backward = _on_edge(sent, decimals) if sent is not None else ""
    if theme.THEME.compact:
        return "", backward if len(graph.consumers[source]) > 1 else ""
    flowing = _value_shown(step_pass, state, source)
    forward = _on_edge(flowing, decimals) if flowing is not None else ""
    return forward, backward


def _value_shown(step_pass: StepPass, state: StepState, node_id: str):
    """The value a node shows, and its edges carry, at ``state`` (a leaf's as the pass has it), or None
    until it is known."""
    if node_id not in state.values:
        return None
    return step_pass.leaves[node_id] if step_pass.graph[node_id].op is None else state.values[node_id]


@lru_cache(maxsize=16384)
def _room_for(text: str, name: str, sample: str, font_scale: float) -> tuple[float, float, float, float]:
    """Where a label showing ``text`` goes relative to its anchor (the forward one above it), as wide as
    the wider of it, with room for a sign it may gain, and the usual widest label ``sample``: x, y,
    width, height (kept: many edges repeat a text)."""
    signed = text if text.startswith("−") else f"−{text}"
    wider = signed if label_size(signed)[0] > label_size(sample)[0] else sample
    left, top, right, bottom = label_box(0.0, 0.0, label_size(theme.marked(wider, name)), name == "forward")
    return left, top, right - left, bottom - top


def _look() -> tuple[float, bool]:
    """What the nodes' sizes depend on besides their texts: the font scale and the lines' form."""
    return theme.THEME.font_scale, theme.THEME.compact


def _on_edge(value, decimals: int) -> str:
    """A number or a vector of up to two entries as it is (compact lines: one); anything bigger by its
    shape (its node shows it)."""
    entries = 1 if theme.THEME.compact else EDGE_ENTRIES
    if not isinstance(value, float) and np.size(value) > entries:
        return fmt.shape(value)
    return fmt.value(value, decimals)


def _labelled(prefix: str, value, decimals: int) -> str:
    """ "prefix value", with a matrix of several columns on the lines below."""
    text = fmt.block(value, decimals)
    long = "\n" in text or len(prefix) + len(text) > LINE_CHARS
    return f"{prefix}\n{text}" if long else f"{prefix} {text}"


def _with_shape(value, kind: GraphKind, decimals: int) -> str:
    if kind.scalar or np.ndim(value) == 0:
        return fmt.value(value, decimals)
    return f"{fmt.shape(value)}\n{fmt.block(value, decimals)}"


def _local_text(step: BackwardStep, kind: GraphKind, decimals: int) -> str:
    """The local gradients, one line per input; where sending is not upstream × local, how it is sent."""
    if not step.sendings:
        return ""
    if step.sends_upstream_to_each:
        return "local 1 to each"
    lines = []
    for s in step.sendings:
        if not s.elementwise:
            lines.append(f"to {s.to}: {s.send_formula}")
        elif len(step.sendings) == 1:
            lines.append(_labelled(f"local {s.local_formula} =", s.local, decimals))
        else:
            lines.append(_labelled(f"local {partial('', s.to)} =", s.local, decimals))
    return "\n".join(lines)


def _tooltip(label: str, value, grad, new) -> str:
    lines = [label]
    if value is not None:
        lines.append(f"value: {fmt.full(value)}")
    if grad is not None:
        lines.append(f"gradient: {fmt.full(grad)}")
    if new is not None:
        lines.append(f"updated to: {fmt.full(new)}")
    return "\n".join(lines)
