"""Examples as rows or as columns: transposed shapes, the same numbers, the formulas written to match."""

from __future__ import annotations

import numpy as np

from core.convention import Convention
from core.explain import backward_step, explain_node, forward_step
from core.narration import narrate
from core.presets import load_preset
from core.session import Mode, Session
from core.shown_pass import in_convention
from core.stepper import BackwardEvent
from core.text import line_plain, plain


def _pass(preset: str = "softmax_3_class"):
    session = Session(load_preset(preset), Mode.BATCH)
    return session.current


def test_every_matrix_is_transposed_and_every_number_kept():
    rows = _pass()
    cols = in_convention(rows, Convention.COLUMNS)
    assert in_convention(rows, Convention.ROWS) is rows
    for node_id, value in rows.leaves.items():
        shown = cols.leaves[node_id]
        if np.ndim(value) == 2:
            assert shown.shape == value.shape[::-1]
            np.testing.assert_array_equal(shown, value.T)
        else:
            np.testing.assert_array_equal(shown, value)
    end = rows.end_of_backward
    a, b = rows.state_at(end), cols.state_at(end)
    for node_id, grad in a.grads.items():
        np.testing.assert_array_equal(b.grads[node_id], grad.T if np.ndim(grad) == 2 else grad)
    for node_id, value in a.values.items():
        np.testing.assert_array_equal(b.values[node_id], value.T if np.ndim(value) == 2 else value)


def test_shapes_follow_the_convention():
    rows = _pass()
    cols = in_convention(rows, Convention.COLUMNS)
    net = load_preset("softmax_3_class")
    m, n, k = net.examples, net.inputs, net.layers[0].units
    assert np.shape(rows.leaves["X"]) == (m, n)
    assert np.shape(cols.leaves["X"]) == (n, m)
    assert np.shape(rows.leaves["W1"]) == (n, k)
    assert np.shape(cols.leaves["W1"]) == (k, n)


def test_labels_and_formulas_are_written_the_other_way_round():
    rows = _pass("net_2_4_1_sigmoid")
    cols = in_convention(rows, Convention.COLUMNS)
    assert rows.graph["XW1"].label == "X·W1"
    assert cols.graph["XW1"].label == "W1·X"
    assert cols.graph["XW2"].label == "W2·A1"
    assert cols.graph["Z1"].op.formula == "Z = W·X + b"
    assert [n.label for n in cols.graph.nodes if n.op is None] == [n.label for n in rows.graph.nodes if n.op is None]
    visit = next(e for e in cols.events if isinstance(e, BackwardEvent) and e.node == "XW2")
    sends = {s.to: s.send_formula for s in backward_step(cols, visit).sendings}
    assert sends == {"A1": "W2ᵀ·upstream", "W2": "upstream·A1ᵀ"}
    visit = next(e for e in cols.events if isinstance(e, BackwardEvent) and e.node == "Z1")
    assert [s.send_formula for s in backward_step(cols, visit).sendings] == ["upstream", "Σ over columns of upstream"]
    assert forward_step(cols, "XW1").symbolic is None  # its label is its computation
    assert forward_step(cols, "Z1").symbolic == "W1·X + b1"


def test_what_is_sent_in_columns_is_the_transposed_gradient():
    rows = _pass("net_2_4_1_sigmoid")
    cols = in_convention(rows, Convention.COLUMNS)
    visit = next(e for e in cols.events if isinstance(e, BackwardEvent) and e.node == "XW2")
    W2, A1 = cols.leaves["W2"], cols.state_at(cols.end_of_forward).values["A1"]
    upstream = visit.upstream
    np.testing.assert_allclose(visit.sent[0], W2.T @ upstream)  # Wᵀ·upstream
    np.testing.assert_allclose(visit.sent[1], upstream @ A1.T)  # upstream·Xᵀ


def test_narration_and_chain_rule_follow_the_convention():
    cols = in_convention(_pass("net_2_4_1_sigmoid"), Convention.COLUMNS)
    first = line_plain(narrate(cols.events[0], 0, cols, 3))
    assert first.startswith("F1  W1·X = ")
    m = len(cols.examples)
    assert first.endswith(f"(4×{m})")  # 4 hidden units × m examples
    end = cols.state_at(cols.end_of_backward)
    text = plain(explain_node(cols, end, "W1", 3))
    assert "∂C/∂W1 = ∂C/∂(W1·X)·Xᵀ" in text
    assert "Σ over columns of ∂C/∂Z1" in plain(explain_node(cols, end, "b1", 3))
