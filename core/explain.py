"""What one step did, in the lesson's terms, and a node's whole explanation as structured
text (core.text) that the chain-rule panel, the command line or an export renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from core import fmt
from core.chain import Factor, chain_rule
from core.graph import NodeKind
from core.ops import Add, Op, SendRule, Value
from core.softmax_chain import BatchSoftmaxShortcut, SoftmaxShortcut, softmax_shortcut
from core.stepper import BackwardEvent, ForwardEvent, StepPass, StepState
from core.text import Document, Role, Run, heading, items, join, line, operand, paragraph
from core.update_text import newton_document, update_lines


@dataclass(frozen=True)
class ForwardStep:
    label: str
    op: Op
    input_labels: tuple[str, ...]
    inputs: tuple[Value, ...]
    value: Value

    @property
    def symbolic(self) -> str | None:
        """The computation in labels, or None where it only repeats the label (w1·x1)."""
        text = self.op.expression(self.input_labels)
        return None if text == self.label else text

    def numeric(self, arg: Callable[[Value], str]) -> str:
        """The computation with the inputs' numbers, each written by ``arg``."""
        return self.op.expression([arg(v) for v in self.inputs])


class Sending(NamedTuple):
    """What a node sends back to one input (a named tuple: quick to make, and a big graph's
    window makes one for each of its edges as it opens)."""

    to: str
    local_formula: str
    local: Value
    send_formula: str
    sent: Value
    rule: SendRule

    @property
    def elementwise(self) -> bool:
        """Whether sent = upstream × local, number by number (so the local's number is worth showing)."""
        return self.rule is SendRule.ELEMENTWISE


class BackwardStep(NamedTuple):
    """An op node's backward visit as the lesson tells it (a named tuple, as Sending)."""

    label: str
    symbol: str
    root: str
    upstream: Value
    sendings: tuple[Sending, ...]  # inputs that receive a gradient (targets do not)
    is_sum: bool  # a sum: local 1 to every input

    @property
    def sends_upstream_to_each(self) -> bool:
        """A sum of several inputs: every input receives the upstream gradient."""
        return self.is_sum and len(self.sendings) > 1


def forward_step(step_pass: StepPass, node_id: str) -> ForwardStep:
    """The forward computation of an op node, with its inputs' values from the pass."""
    graph = step_pass.graph
    node = graph[node_id]
    values = {e.node: e.value for e in step_pass.events[: step_pass.n_forward] if isinstance(e, ForwardEvent)}
    inputs = tuple(step_pass.leaves[i] if graph[i].op is None else values[i] for i in node.inputs)
    labels = tuple(graph[i].label for i in node.inputs)
    return ForwardStep(node.label, node.op, labels, inputs, values[node_id])


def backward_step(step_pass: StepPass, event: BackwardEvent) -> BackwardStep:
    """An op node's backward visit: upstream, and per input the local gradient and what is sent."""
    graph = step_pass.graph
    node = graph[event.node]
    labels = [graph[i].label for i in node.inputs]
    local_formulas = node.op.local_formulas(labels, node.label)
    send_formulas = node.op.send_formulas(labels)
    rules = node.op.send_rules(len(labels))
    sendings = tuple(
        Sending(label, local_formula or "", local, send_formula, sent, rule)
        for label, local_formula, send_formula, local, sent, rule in zip(
            labels, local_formulas, send_formulas, event.local, event.sent, rules, strict=True
        )
        if sent is not None
    )
    is_sum = isinstance(node.op, Add)
    return BackwardStep(node.label, node.op.symbol, graph.root.label, event.upstream, sendings, is_sum)


# -- the explanation of one node -----------------------------------------------------------

INTRO = heading("Chain rule") + paragraph(
    line(
        "Press ",
        Run("→", Role.STRONG),
        " (or Space) to take the first step of the forward pass, or click a node to see its formulas.",
    )
)


@lru_cache(maxsize=16384)
def partial(of: str, wrt: str) -> str:
    """∂of/∂wrt, with a label that is a computation in parentheses: ∂f/∂(x² + 1), ∂z/∂(w1·x1)
    (kept: a big graph's every node asks for its own at each step)."""
    return f"∂{operand(of) if of else of}/∂{operand(wrt)}"


def _d(of: str, wrt: str) -> Run:
    return Run(partial(of, wrt), Role.LABEL)


def explain_node(step_pass: StepPass, state: StepState, node_id: str, decimals: int) -> Document:
    """A node's forward computation with numbers, its backward step, and for a parameter or an
    input the whole chain rule from the root to it and its update."""
    graph, d = step_pass.graph, decimals
    node = graph[node_id]
    root = graph.root.label
    kind = " — " + (node.op.name.replace("_", " ") if node.op else node.kind.value)
    parts = [heading(Run(node.label, Role.LABEL), kind)]
    if node.op is None:
        value = step_pass.leaves.get(node_id)
        parts.append(paragraph(line(Run(node.label, Role.LABEL), " = ", Run(fmt.value(value, d), Role.FORWARD))))
    elif node_id in state.values:
        step = forward_step(step_pass, node_id)
        runs = [Run(step.label, Role.LABEL)]
        if step.symbolic:
            runs += [Run(" = "), Run(step.symbolic, Role.FORMULA)]
        if graph.kind.scalar:
            runs += [Run(" = "), Run(step.numeric(lambda v: fmt.arg(v, d)))]
        runs += [Run(" = "), Run(fmt.value(step.value, d), Role.FORWARD)]
        parts.append(paragraph(line(Run("Forward", Role.STRONG)), tuple(runs)))
    else:
        parts.append(paragraph(line(Run("Forward value not computed yet.", Role.NOTE))))
    visit = next(
        (e for e in step_pass.events[: state.cursor] if isinstance(e, BackwardEvent) and e.node == node_id), None
    )
    if visit is not None:
        parts.append(_backward_document(backward_step(step_pass, visit), d))
    if node_id in state.grads:
        parts.append(_softmax_document(step_pass, node_id, d))
    if node.kind.has_chain and node_id in state.grads:
        parts.append(_chain_document(step_pass, state, node_id, d))
    elif node.kind is NodeKind.PARAM:
        note = f"∂{root}/∂{node.label} is known once the backward pass reaches it."
        parts.append(paragraph(line(Run(note, Role.NOTE))))
    return join(parts)


def _backward_document(step: BackwardStep, d: int) -> Document:
    upstream = line("upstream ", _d(step.root, step.label), " = ", Run(fmt.value(step.upstream, d), Role.BACKWARD))
    entries = []
    for s in step.sendings:
        local = ("", " = ", Run(fmt.value(s.local, d), Role.BACKWARD)) if s.elementwise else ()
        entries.append(
            (
                line("local ", _d(step.label, s.to), " = ", Run(s.local_formula, Role.FORMULA), *local),
                line(
                    "sent ",
                    _d(step.root, s.to),
                    " = ",
                    Run(s.send_formula, Role.FORMULA),
                    " = ",
                    Run(fmt.value(s.sent, d), Role.BACKWARD),
                ),
            )
        )
    return paragraph(line(Run("Backward", Role.STRONG)), upstream) + items(entries)


def _softmax_document(step_pass: StepPass, node_id: str, d: int) -> Document:
    """Softmax with cross-entropy: ∂L/∂z_k = ŷ_k − y_k, summed over the outputs a node feeds."""
    shortcut = softmax_shortcut(step_pass, node_id)
    title = Run("Softmax with cross-entropy", Role.STRONG)
    if isinstance(shortcut, BatchSoftmaxShortcut):
        formula = Run(f"({shortcut.prediction_label} − {shortcut.target_label})/m", Role.FORMULA)
        return paragraph(
            line(title),
            line(_d(shortcut.root, shortcut.label), " = ", formula, f", m = {shortcut.examples}"),
            line("= ", Run(fmt.value(shortcut.value, d), Role.BACKWARD)),
        )
    if not isinstance(shortcut, SoftmaxShortcut):
        return Document()
    root, label = shortcut.root, shortcut.label
    lines = [line(title, ": ", Run(f"∂{root}/∂z_k = ŷ_k − y_k", Role.FORMULA))]
    symbolic, numbers = [], []
    for t in shortcut.terms:
        delta = f"({t.prediction_label} − {t.target_label})"
        value = f"({fmt.arg(t.prediction, d)} − {fmt.arg(t.target, d)})"
        if t.factor_label is not None:
            delta += f"·{t.factor_label}"
            value += f" × {fmt.arg(t.factor, d)}"
        symbolic.append(delta)
        numbers.append(value)
    if len(shortcut.terms) > 1:
        lines.append(line("summed over the outputs ", Run(label, Role.LABEL), " feeds:"))
    lines.append(line(_d(root, label), " = ", Run(" + ".join(symbolic), Role.FORMULA)))
    lines.append(line(f"= {' + '.join(numbers)} = ", Run(fmt.value(shortcut.total, d), Role.BACKWARD)))
    return paragraph(*lines)


def _matrix_chain(root: str, path: tuple[Factor, ...]) -> Document:
    """Matrices do not multiply in the order the chain is read: the gradient of each
    quantity from the one above it, from the cost down, with transposes and sums written out."""

    def grad(label: str) -> str:  # a product's label in parentheses: ∂C/∂(X·W)
        return f"∂{root}/∂({label})" if "·" in label else f"∂{root}/∂{label}"

    lines = []
    for f in reversed(path):
        above = grad(f.of) if f.of != root else "1"
        how = f"{above} × ({f.formula})" if f.rule is SendRule.ELEMENTWISE else f.send.replace("upstream", above)
        lines.append(line(Run(grad(f.wrt), Role.LABEL), " = ", Run(how, Role.FORMULA)))
    return paragraph(*lines)


def _chain_document(step_pass: StepPass, state: StepState, node_id: str, d: int) -> Document:
    chain = chain_rule(step_pass, node_id)
    root, label = chain.root, chain.label
    out = [paragraph(line(Run("Chain rule", Role.STRONG), " for ", _d(root, label)))]
    if not step_pass.graph.kind.scalar:
        out += [_matrix_chain(root, path) for path in chain.paths]
        out.append(paragraph(line(_d(root, label), " = ", Run(fmt.value(chain.total, d), Role.BACKWARD))))
    for k, path in enumerate(chain.paths if step_pass.graph.kind.scalar else ()):
        symbolic: list[Run] = []
        formulas: list[Run] = [Run("= ")]
        for i, f in enumerate(path):
            symbolic += [Run(" · ")] * bool(i) + [_d(f.of, f.wrt)]
            formulas += [Run(" · ")] * bool(i) + [Run("("), Run(f.formula, Role.FORMULA), Run(")")]
        prefix = line(f"path {k + 1}: ") if len(chain.paths) > 1 else line(_d(root, label), " = ")
        lines = [(*prefix, *symbolic), tuple(formulas)]
        if chain.products:
            numbers = " × ".join(fmt.arg(f.value, d) for f in path)
            lines.append(line(f"= {numbers} = ", Run(fmt.value(chain.products[k], d), Role.BACKWARD)))
        out.append(paragraph(*lines))
    if chain.truncated:
        out.append(paragraph(line(Run("More paths exist than are listed here.", Role.NOTE))))
    if len(chain.paths) > 1:
        out.append(
            paragraph(line("sum over paths: ", _d(root, label), " = ", Run(fmt.value(chain.total, d), Role.BACKWARD)))
        )
    update = chain.update
    applied = update is not None and node_id in state.updated
    if applied or (update is not None and gradient_complete(step_pass, state, node_id)):
        # Before the update step the update is already decided by the gradient: shown, marked pending.
        status = "" if applied else " (pending: applied at the update step)"
        title = line(Run("Update", Role.STRONG), Run(status, Role.NOTE), f" — {step_pass.optimizer.describe()}")
        out.append(paragraph(title, *update_lines(label, root, update, step_pass, d)))
        if step_pass.newton is not None:
            out.append(newton_document(step_pass.newton, root, d))
    return join(out)


def gradient_complete(step_pass: StepPass, state: StepState, node_id: str) -> bool:
    """Whether every node that uses ``node_id`` has sent its gradient back: ∂root/∂node is final."""
    consumers = step_pass.graph.consumers[node_id]
    return node_id in state.grads and all((node_id, c) in state.edge_grads for c in consumers)
