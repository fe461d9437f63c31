"""The chain-rule panel: for the selected (or current) node, its forward formula and its backward step
with numbers; for a parameter, the whole chain from the loss to it and its update."""

from __future__ import annotations

import html
import re

from PySide6.QtWidgets import QTextBrowser

from core.chain import chain_rule
from core.explain import backward_step, forward_step
from core.graph import NodeKind
from core.ops import SendRule
from core.softmax_chain import BatchSoftmaxShortcut, SoftmaxShortcut, softmax_shortcut
from core.stepper import BackwardEvent, StepPass, StepState
from gui import fmt, theme
from gui.narration import update_line
from gui.theme import PALETTE

_INDEX = re.compile(r"([A-Za-zŷŶαβ])(\d+(?:,\d+)?)")


def math_html(text: str) -> str:
    """Escape and typeset: trailing indices as subscripts (w11 → w<sub>11</sub>)."""
    # quote=False: an apostrophe escaped to &#x27; would have its "x27" made a subscript
    return _INDEX.sub(r"\1<sub>\2</sub>", html.escape(text, quote=False))


def _green(text: str) -> str:
    return f'<span style="color:{PALETTE.forward}; font-weight:600">{html.escape(text)}</span>'


def _red(text: str) -> str:
    return f'<span style="color:{PALETTE.backward}; font-weight:600">{html.escape(text)}</span>'


def _d(of: str, wrt: str) -> str:
    return f"∂{math_html(of)}/∂{math_html(wrt)}"


class ChainPanel(QTextBrowser):
    """Shows the clicked node, or the node of the current step when none is clicked."""

    def __init__(self, model, settings, parent=None) -> None:
        super().__init__(parent)
        self._model, self._settings = model, settings
        self.selected: str | None = None
        self.setFont(theme.font(11))
        self.setOpenLinks(False)
        model.state_changed.connect(self.refresh)
        model.network_changed.connect(self._on_network_changed)
        settings.changed.connect(self.refresh)
        self.refresh()

    def select(self, node_id: str | None) -> None:
        self.selected = node_id
        self.refresh()

    def _on_network_changed(self) -> None:
        self.selected = None
        self.refresh()

    def refresh(self) -> None:
        step_pass, state = self._model.current, self._model.state
        node_id = self.selected if self.selected in step_pass.graph else None
        if node_id is None and state.last is not None:
            node_id = state.last.node
        if node_id is None:
            self.setHtml(
                "<h3>Chain rule</h3><p>Press <b>→</b> (or Space) to take the first step of the forward pass, "
                "or click a node to see its formulas.</p>"
            )
            return
        self.setHtml(self.render_node(step_pass, state, node_id))

    def render_node(self, step_pass: StepPass, state: StepState, node_id: str) -> str:
        graph, d = step_pass.graph, self._settings.decimals
        node = graph[node_id]
        root = graph.root.label
        parts = [
            f"<h3>{math_html(node.label)}"
            f"{' — ' + html.escape(node.op.name.replace('_', ' ')) if node.op else ' — ' + node.kind.value}</h3>"
        ]
        value = step_pass.leaves.get(node_id) if node.op is None else state.values.get(node_id)
        if node.op is None:
            parts.append(f"<p>{math_html(node.label)} = {_green(fmt.value(value, d))}</p>")
        elif node_id in state.values:
            step = forward_step(step_pass, node_id)
            line = math_html(step.label)
            if step.symbolic:
                line += f" = {math_html(step.symbolic)}"
            if graph.kind.scalar:
                line += " = " + html.escape(step.numeric(lambda v: fmt.arg(v, d)))
            parts.append(f"<p><b>Forward</b><br>{line} = {_green(fmt.value(step.value, d))}</p>")
        else:
            parts.append("<p><i>Forward value not computed yet.</i></p>")
        visit = next(
            (e for e in step_pass.events[: state.cursor] if isinstance(e, BackwardEvent) and e.node == node_id), None
        )
        if visit is not None:
            parts.append(self._backward_html(step_pass, node, visit, d))
        if node_id in state.grads:
            parts.append(self._softmax_html(step_pass, node_id, d))
        if node.kind in (NodeKind.PARAM, NodeKind.INPUT) and node_id in state.grads:
            parts.append(self._chain_html(step_pass, state, node_id, d))
        elif node.kind is NodeKind.PARAM:
            parts.append(f"<p><i>∂{root}/∂{math_html(node.label)} is known once the backward pass reaches it.</i></p>")
        return "".join(parts)

    def _backward_html(self, step_pass: StepPass, node, visit: BackwardEvent, d: int) -> str:
        step = backward_step(step_pass, visit)
        rows = [f"<p><b>Backward</b><br>upstream {_d(step.root, step.label)} = {_red(fmt.value(step.upstream, d))}</p>"]
        rows.append("<ul>")
        for s in step.sendings:
            local = f" = {_red(fmt.value(s.local, d))}" if s.elementwise else ""
            rows.append(
                f"<li>local {_d(step.label, s.to)} = {math_html(s.local_formula)}{local}<br>"
                f"sent {_d(step.root, s.to)} = {math_html(s.send_formula)} = {_red(fmt.value(s.sent, d))}</li>"
            )
        rows.append("</ul>")
        return "".join(rows)

    @staticmethod
    def _softmax_html(step_pass: StepPass, node_id: str, d: int) -> str:
        """Softmax with cross-entropy: ∂L/∂z_k = ŷ_k − y_k, summed over the outputs a node feeds."""
        shortcut = softmax_shortcut(step_pass, node_id)
        if isinstance(shortcut, BatchSoftmaxShortcut):
            grad = _d(shortcut.root, shortcut.label)
            formula = math_html(f"({shortcut.prediction_label} − {shortcut.target_label})/m")
            return (
                f"<p><b>Softmax with cross-entropy</b><br>{grad} = {formula}, m = {shortcut.examples}"
                f"<br>= {_red(fmt.value(shortcut.value, d))}</p>"
            )
        if not isinstance(shortcut, SoftmaxShortcut):
            return ""
        root, label = shortcut.root, shortcut.label
        rule = f"∂{math_html(root)}/∂z<sub>k</sub> = ŷ<sub>k</sub> − y<sub>k</sub>"
        lines = [f"<p><b>Softmax with cross-entropy</b>: {rule}"]
        symbolic, numbers = [], []
        for t in shortcut.terms:
            delta = f"({math_html(t.prediction_label)} − {math_html(t.target_label)})"
            value = f"({fmt.arg(t.prediction, d)} − {fmt.arg(t.target, d)})"
            if t.factor_label is not None:
                delta += f"·{math_html(t.factor_label)}"
                value += f" × {fmt.arg(t.factor, d)}"
            symbolic.append(delta)
            numbers.append(html.escape(value))
        many = len(shortcut.terms) > 1
        if many:
            lines.append(f"<br>summed over the outputs {math_html(label)} feeds:")
        lines.append(f"<br>{_d(root, label)} = {' + '.join(symbolic)}")
        lines.append(f"<br>= {' + '.join(numbers)} = {_red(fmt.value(shortcut.total, d))}</p>")
        return "".join(lines)

    @staticmethod
    def _matrix_chain_html(root: str, path) -> str:
        """Matrices do not multiply in the order the chain is read: the gradient of each
        quantity from the one above it, from the cost down, with transposes and sums written out."""

        def grad(label: str) -> str:  # a product's label in parentheses: ∂C/∂(X·W)
            return f"∂{root}/∂({label})" if "·" in label else f"∂{root}/∂{label}"

        lines = []
        for f in reversed(path):
            above = grad(f.of) if f.of != root else "1"
            how = f"{above} × ({f.formula})" if f.rule is SendRule.ELEMENTWISE else f.send.replace("upstream", above)
            lines.append(f"{math_html(grad(f.wrt))} = {math_html(how)}")
        return "<p>" + "<br>".join(lines) + "</p>"

    def _chain_html(self, step_pass: StepPass, state: StepState, node_id: str, d: int) -> str:
        chain = chain_rule(step_pass, node_id)
        root, label = chain.root, chain.label
        out = [f"<p><b>Chain rule</b> for {_d(root, label)}</p>"]
        if not step_pass.graph.kind.scalar:
            out += [self._matrix_chain_html(root, path) for path in chain.paths]
            out.append(f"<p>{_d(root, label)} = {_red(fmt.value(chain.total, d))}</p>")
        for k, path in enumerate(chain.paths if step_pass.graph.kind.scalar else ()):
            symbolic = " · ".join(_d(f.of, f.wrt) for f in path)
            formulas = " · ".join(f"({math_html(f.formula)})" for f in path)
            line = f"{symbolic}<br>= {formulas}"
            if chain.products:
                numbers = " × ".join(html.escape(fmt.arg(f.value, d)) for f in path)
                line += f"<br>= {numbers} = {_red(fmt.value(chain.products[k], d))}"
            prefix = f"path {k + 1}: " if len(chain.paths) > 1 else f"{_d(root, label)} = "
            out.append(f"<p>{prefix}{line}</p>")
        if chain.truncated:
            out.append("<p><i>More paths exist than are listed here.</i></p>")
        if len(chain.paths) > 1:
            out.append(f"<p>sum over paths: {_d(root, label)} = {_red(fmt.value(chain.total, d))}</p>")
        update = chain.update
        if update is not None and node_id in state.updated:
            line = math_html(update_line(label, root, update, d))
            out.append(f'<p><b>Update</b><br><span style="color:{PALETTE.update}">{line}</span></p>')
        return "".join(out)
