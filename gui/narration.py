"""The narration pane: one plain-words line per step, derived from the recorded events."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from core.graph import Graph
from core.stepper import BackwardEvent, Event, ForwardEvent, StepPass
from gui import fmt, theme


def narrate(event: Event, index: int, step_pass: StepPass, decimals: int) -> str:
    """One line for one event, numbered F1…, B1…, U1… within its phase."""
    graph = step_pass.graph
    if isinstance(event, ForwardEvent):
        return f"F{index + 1}  {_forward(event, graph, step_pass, decimals)}"
    if isinstance(event, BackwardEvent):
        return f"B{index - step_pass.end_of_forward + 1}  {_backward(event, graph, decimals)}"
    label = graph[event.node].label
    return (
        f"U{index - step_pass.end_of_backward + 1}  {label} ← {label} − α·∂{graph.root.label}/∂{label} = "
        f"{fmt.value(event.old, decimals)} − {fmt.number(event.learning_rate, 6).rstrip('0').rstrip('.')} × "
        f"{fmt.arg(event.grad, decimals)} = {fmt.value(event.new, decimals)}"
    )


def header(step_pass: StepPass, network, decimals: int) -> str:
    if step_pass.graph.kind == "layer":
        rows = step_pass.examples
        span = f"examples {rows[0] + 1}–{rows[-1] + 1}" if len(rows) > 1 else f"example {rows[0] + 1}"
        return f"Batch of {len(rows)} ({span} of {network.examples}), α = {network.learning_rate:g}"
    i = step_pass.examples[0]
    x = ", ".join(fmt.number(v, decimals).rstrip("0").rstrip(".") or "0" for v in network.X[i])
    y = ", ".join(fmt.number(v, decimals).rstrip("0").rstrip(".") or "0" for v in network.Y[i])
    return f"Example {i + 1} of {network.examples}: x = ({x}), y = {y}, α = {network.learning_rate:g}"


def _forward(event: ForwardEvent, graph: Graph, step_pass: StepPass, decimals: int) -> str:
    node = graph[event.node]
    labels = [graph[i].label for i in node.inputs]
    symbolic = node.op.expression(labels)
    result = fmt.value(event.value, decimals)
    if graph.kind == "layer":
        return f"{node.label} = {symbolic} = {result}  ({fmt.shape(event.value)})"
    values = [_value_of(i, graph, step_pass) for i in node.inputs]
    numeric = node.op.expression([fmt.arg(v, decimals) for v in values])
    parts = [node.label] + ([symbolic] if symbolic != node.label else []) + [numeric, result]
    return " = ".join(parts)


def _backward(event: BackwardEvent, graph: Graph, decimals: int) -> str:
    node = graph[event.node]
    labels = [graph[i].label for i in node.inputs]
    formulas = node.op.local_formulas(labels, node.label)
    up = fmt.value(event.upstream, decimals)
    prefix = f"{node.op.symbol} {node.label}: upstream {up}"
    receivers = [
        (lab, f, loc, s)
        for lab, f, loc, s in zip(labels, formulas, event.local, event.sent, strict=True)
        if s is not None
    ]
    if graph.kind == "scalar" and len(receivers) > 1 and all(f == "1" for _, f, _, _ in receivers):
        names = ", ".join(r[0] for r in receivers)
        return f"{prefix} × local 1 → sends {fmt.value(receivers[0][3], decimals)} to each of {names}"
    pieces = []
    for lab, formula, loc, sent in receivers:
        local = (
            formula if graph.kind == "layer" and node.op.name == "matmul" else f"{formula} = {fmt.value(loc, decimals)}"
        )
        pieces.append(f"× local {local} → sends {fmt.value(sent, decimals)} to {lab}")
    return f"{prefix} " + "; ".join(pieces)


def _value_of(node_id: str, graph: Graph, step_pass: StepPass):
    if graph[node_id].op is None:
        return step_pass.leaves[node_id]
    return next(e.value for e in step_pass.events if isinstance(e, ForwardEvent) and e.node == node_id)


class NarrationPane(QWidget):
    """Lines for the steps taken so far in the current pass; stepping back removes the last."""

    def __init__(self, model, settings, parent=None) -> None:
        super().__init__(parent)
        self._model, self._settings = model, settings
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setFont(theme.font(10.5))
        self.text.setMaximumBlockCount(5000)
        self.copy_button = copy = QPushButton("Copy narration")
        copy.clicked.connect(self._on_copy)
        title = QLabel("Narration")
        title.setFont(theme.font(10, True))
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(copy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.text)
        self._shown: tuple | None = None  # (pass, cursor, decimals) last rendered
        model.state_changed.connect(self._on_state_changed)
        settings.changed.connect(self._on_state_changed)
        self._on_state_changed()

    def lines(self) -> list[str]:
        return self.text.toPlainText().splitlines()

    def _on_state_changed(self) -> None:
        step_pass, cursor, decimals = self._model.current, self._model.session.cursor, self._settings.decimals
        shown = self._shown
        if shown and shown[0] is step_pass and shown[2] == decimals and cursor == shown[1] + 1:
            self.text.appendPlainText(narrate(step_pass.events[cursor - 1], cursor - 1, step_pass, decimals))
        else:
            lines = [header(step_pass, self._model.network, decimals)]
            lines += [narrate(e, k, step_pass, decimals) for k, e in enumerate(step_pass.events[:cursor])]
            self.text.setPlainText("\n".join(lines))
        self.text.verticalScrollBar().setValue(self.text.verticalScrollBar().maximum())
        self._shown = (step_pass, cursor, decimals)

    def _on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
