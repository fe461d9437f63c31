"""The scene: node and edge items built from a core graph, refreshed from a step state."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QGraphicsScene

from core.graph import Graph, NodeKind
from core.layout import layered_layout
from core.stepper import BackwardEvent, StepPass, StepState
from gui import fmt, theme
from gui.graph.edge_item import EdgeItem
from gui.graph.node_item import NodeItem, NodeLook

_LOOKS = {
    NodeKind.INPUT: NodeLook.INPUT,
    NodeKind.TARGET: NodeLook.TARGET,
    NodeKind.PARAM: NodeLook.PARAM,
    NodeKind.OP: NodeLook.OP,
}
_LABEL_POSITIONS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)
LINE_CHARS = 26  # longer node lines break after their label
EDGE_ENTRIES = 2  # on a layer-graph edge, values with more entries are shown by their shape
_SAMPLE = {"scalar": "−0.000", "layer": "[−0.000, −0.000]"}  # the widest usual edge label


class GraphScene(QGraphicsScene):
    node_clicked = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[tuple[str, str], EdgeItem] = {}
        self.graph: Graph | None = None
        self._backward_at: dict[str, int] = {}
        self._pass: StepPass | None = None
        self.setBackgroundBrush(theme.colour("background"))
        self.selectionChanged.connect(self._on_selection_changed)

    # -- building ----------------------------------------------------------------------

    def build(self, graph: Graph) -> None:
        """Lay the graph out left to right and create its items."""
        self.clear()
        self.nodes, self.edges, self.graph = {}, {}, graph
        layer = graph.kind == "layer"
        width = theme.LAYER_NODE_WIDTH if layer else theme.NODE_WIDTH
        height = theme.LAYER_NODE_HEIGHT if layer else theme.NODE_HEIGHT
        label_width = QFontMetricsF(theme.font(9.5, True)).horizontalAdvance(_SAMPLE[graph.kind])
        gap = max(theme.COLUMN_GAP, label_width + 40)
        for node_id, pos in layered_layout(graph).items():
            node = graph[node_id]
            title = node.label if node.op is None else f"{node.op.symbol}   {node.label}"
            item = NodeItem(node_id, title, _LOOKS[node.kind], width, height)
            item.setPos(QPointF(pos.column * (width + gap), pos.row * (height + theme.ROW_GAP)))
            self.addItem(item)
            self.nodes[node_id] = item
        for source, target in graph.edges:
            edge = EdgeItem(self.nodes[source], self.nodes[target])
            self.addItem(edge)
            self.edges[(source, target)] = edge
        self._place_labels(layer)
        self.setSceneRect(self.itemsBoundingRect().adjusted(-40, -40, 40, 40))

    def _place_labels(self, layer: bool) -> None:
        """Slide each edge's labels along it to the first spot free of nodes and other labels."""
        sample = _SAMPLE["layer" if layer else "scalar"]
        taken = [item.sceneBoundingRect().adjusted(4, 4, -4, -4) for item in self.nodes.values()]
        for edge in self.edges.values():
            edge.show_values(sample, sample, "")
            for t in _LABEL_POSITIONS:
                edge.set_label_position(t)
                rects = edge.label_rects()
                if not any(r.intersects(o) for r in rects for o in taken):
                    break
            taken.extend(edge.label_rects())
            edge.show_values("", "", "")

    # -- showing a state ---------------------------------------------------------------

    def show_state(self, step_pass: StepPass, state: StepState, decimals: int) -> None:
        """Write every known value and gradient on the items; hide what is not yet known."""
        graph = step_pass.graph
        if step_pass is not self._pass:
            self._pass = step_pass
            self._backward_at = {e.node: k for k, e in enumerate(step_pass.events) if isinstance(e, BackwardEvent)}
        root = graph.root.label
        last = state.last
        for node in graph.nodes:
            item = self.nodes[node.id]
            known = node.id in state.values
            shown = step_pass.leaves[node.id] if node.op is None else state.values.get(node.id)
            value = _with_shape(shown, graph.kind, decimals) if known else ""
            grad = state.grads.get(node.id)
            grad_text = _labelled(f"∂{root}/∂{node.label} =", grad, decimals) if grad is not None else ""
            local_text, local_tip = "", []
            k = self._backward_at.get(node.id)
            if k is not None and k < state.cursor:
                local_text = _local_text(step_pass.events[k], node, graph, decimals)
                local_tip = [
                    f"local ∂{node.label}/∂{graph[i].label}: {fmt.full(v)}"
                    for i, v in zip(node.inputs, step_pass.events[k].local, strict=True)
                    if v is not None
                ]
            update_text = ""
            if node.id in state.updated:
                update_text = _labelled(f"new {node.label} =", state.values[node.id], decimals)
            new = state.values.get(node.id) if update_text else None
            tip = "\n".join([_tooltip(node.label, shown if known else None, grad, new), *local_tip])
            item.show_lines(value, grad_text, local_text, update_text, tip)
            item.highlight(last is not None and last.node == node.id)
        active_inputs = set(graph[last.node].inputs) if isinstance(last, BackwardEvent) else set()
        for (source, target), edge in self.edges.items():
            known = source in state.values
            flowing = step_pass.leaves[source] if graph[source].op is None else state.values.get(source)
            forward = _on_edge(flowing, decimals) if known else ""
            sent = state.edge_grads.get((source, target))
            backward = _on_edge(sent, decimals) if sent is not None else ""
            tip = f"{graph[source].label} → {graph[target].label}"
            if known:
                tip += f"\nforward: {fmt.full(flowing)}"
            if sent is not None:
                tip += f"\nsent back: ∂{root}/∂{graph[source].label} share = {fmt.full(sent)}"
            edge.show_values(forward, backward, tip)
            edge.highlight(target == getattr(last, "node", None) and source in active_inputs)

    def item_rect(self, node_id: str) -> QRectF:
        return self.nodes[node_id].sceneBoundingRect()

    def _on_selection_changed(self) -> None:
        selected = [i for i in self.selectedItems() if isinstance(i, NodeItem)]
        if selected:
            self.node_clicked.emit(selected[0].node_id)


def _on_edge(value, decimals: int) -> str:
    """A number or a vector of up to two entries as it is; anything bigger by its shape (its node shows it)."""
    if not isinstance(value, float) and np.size(value) > EDGE_ENTRIES:
        return fmt.shape(value)
    return fmt.value(value, decimals)


def _labelled(prefix: str, value, decimals: int) -> str:
    """ "prefix value", with a matrix of several columns on the lines below."""
    text = fmt.block(value, decimals)
    long = "\n" in text or len(prefix) + len(text) > LINE_CHARS
    return f"{prefix}\n{text}" if long else f"{prefix} {text}"


def _with_shape(value, kind: str, decimals: int) -> str:
    if kind == "scalar" or np.ndim(value) == 0:
        return fmt.value(value, decimals)
    return f"{fmt.shape(value)}\n{fmt.block(value, decimals)}"


def _local_text(event: BackwardEvent, node, graph: Graph, decimals: int) -> str:
    locals_ = [(i, v) for i, v in zip(node.inputs, event.local, strict=True) if v is not None]
    if not locals_:
        return ""
    if graph.kind == "layer" and node.op.name == "matmul":
        return "local " + ", ".join(node.op.local_formulas([graph[i].label for i in node.inputs], node.label))
    if len(locals_) == 1:
        formula = node.op.local_formulas([graph[i].label for i in node.inputs], node.label)[0]
        return _labelled(f"local {formula} =", locals_[0][1], decimals)
    if all(np.ndim(v) == 0 and v == 1.0 for _, v in locals_):
        return "local 1 to each"
    return "local " + " ".join(f"∂/∂{graph[i].label} {fmt.value(v, decimals)}" for i, v in locals_)


def _tooltip(label: str, value, grad, new) -> str:
    lines = [label]
    if value is not None:
        lines.append(f"value: {fmt.full(value)}")
    if grad is not None:
        lines.append(f"gradient: {fmt.full(grad)}")
    if new is not None:
        lines.append(f"updated to: {fmt.full(new)}")
    return "\n".join(lines)
