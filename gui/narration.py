"""The narration pane: one plain-words line per step, derived from the recorded events."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from core.explain import backward_step, forward_step
from core.stepper import BackwardEvent, Event, ForwardEvent, StepPass, UpdateEvent
from gui import fmt, theme


def narrate(event: Event, index: int, step_pass: StepPass, decimals: int) -> str:
    """One line for one event, numbered F1…, B1…, U1… within its phase."""
    graph = step_pass.graph
    if isinstance(event, ForwardEvent):
        return f"F{index + 1}  {_forward(step_pass, event, decimals)}"
    if isinstance(event, BackwardEvent):
        return f"B{index - step_pass.end_of_forward + 1}  {_backward(step_pass, event, decimals)}"
    label = graph[event.node].label
    return f"U{index - step_pass.end_of_backward + 1}  {update_line(label, graph.root.label, event, decimals)}"


def update_line(label: str, root: str, event: UpdateEvent, decimals: int) -> str:
    """θ ← θ − α·∂L/∂θ = old − α × grad = new."""
    return (
        f"{label} ← {label} − α·∂{root}/∂{label} = {fmt.value(event.old, decimals)} − "
        f"{event.learning_rate:g} × {fmt.arg(event.grad, decimals)} = {fmt.value(event.new, decimals)}"
    )


def header(step_pass: StepPass, network, decimals: int) -> str:
    if not step_pass.graph.kind.scalar:
        rows = step_pass.examples
        span = f"examples {rows[0] + 1}–{rows[-1] + 1}" if len(rows) > 1 else f"example {rows[0] + 1}"
        return f"Batch of {len(rows)} ({span} of {network.examples}), α = {network.learning_rate:g}"
    i = step_pass.examples[0]
    x = ", ".join(f"{v:g}".replace("-", "−") for v in network.X[i])
    y = ", ".join(f"{v:g}".replace("-", "−") for v in network.Y[i])
    return f"Example {i + 1} of {network.examples}: x = ({x}), y = {y}, α = {network.learning_rate:g}"


def _forward(step_pass: StepPass, event: ForwardEvent, decimals: int) -> str:
    step = forward_step(step_pass, event.node)
    parts = [step.label] + ([step.symbolic] if step.symbolic else [])
    if step_pass.graph.kind.scalar:
        parts.append(step.numeric(lambda v: fmt.arg(v, decimals)))
        return " = ".join([*parts, fmt.value(step.value, decimals)])
    return " = ".join([*parts, fmt.value(step.value, decimals)]) + f"  ({fmt.shape(step.value)})"


def _backward(step_pass: StepPass, event: BackwardEvent, decimals: int) -> str:
    step = backward_step(step_pass, event)
    prefix = f"{step.symbol} {step.label}: upstream {fmt.value(step.upstream, decimals)}"
    if step.sends_upstream_to_each:
        names = ", ".join(s.to for s in step.sendings)
        return f"{prefix} × local 1 → sends {fmt.value(step.sendings[0].sent, decimals)} to each of {names}"
    pieces = []
    for s in step.sendings:
        sent = fmt.value(s.sent, decimals)
        if s.elementwise:
            pieces.append(f"× local {s.local_formula} = {fmt.value(s.local, decimals)} → sends {sent} to {s.to}")
        else:
            pieces.append(f"→ sends {s.send_formula} = {sent} to {s.to}")
    return f"{prefix} " + "; ".join(pieces)


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
