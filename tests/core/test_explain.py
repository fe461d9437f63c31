"""The explanations name the right quantities: softmax outputs, and how matrix ops send."""

from __future__ import annotations

from core.explain import backward_step, forward_step
from core.presets import load_preset
from core.session import Mode, Session
from core.stepper import BackwardEvent


def _visit(session: Session, node_id: str) -> BackwardEvent:
    return next(e for e in session.current.events if isinstance(e, BackwardEvent) and e.node == node_id)


def test_softmax_local_formulas_name_the_outputs():
    s = Session(load_preset("softmax_3_class"), Mode.EXAMPLE)
    step = backward_step(s.current, _visit(s, "a:1,1"))  # ŷ2
    assert step.label == "ŷ2"
    assert [x.local_formula for x in step.sendings] == ["−ŷ2·ŷ1", "ŷ2(1−ŷ2)", "−ŷ2·ŷ3"]
    assert all(x.elementwise for x in step.sendings)
    # And the numbers: ∂ŷ2/∂z1 = −ŷ2·ŷ1.
    values = {e.node: e.value for e in s.current.events[: s.current.n_forward]}
    assert step.sendings[0].local == -values["a:1,1"] * values["a:1,0"]


def test_matrix_ops_say_how_they_send():
    s = Session(load_preset("or_gate"), Mode.BATCH)
    product = backward_step(s.current, _visit(s, "XW1"))
    assert [(x.to, x.send_formula) for x in product.sendings] == [("X", "upstream·Wᵀ"), ("W", "Xᵀ·upstream")]
    assert not any(x.elementwise for x in product.sendings)
    bias = backward_step(s.current, _visit(s, "Z1"))
    assert [(x.to, x.send_formula) for x in bias.sendings] == [("X·W", "upstream"), ("b", "Σ over rows of upstream")]
    sigmoid = backward_step(s.current, _visit(s, "A1"))
    assert sigmoid.sendings[0].elementwise


def test_forward_step_skips_a_symbolic_form_that_repeats_the_label():
    s = Session(load_preset("or_gate"), Mode.EXAMPLE)
    product = forward_step(s.current, "mul:W1[0,0]")
    assert product.symbolic is None  # "w1·x1 = w1·x1" says nothing
    assert product.numeric(str) == "0.1·0.0"
    total = forward_step(s.current, "z:1,0")
    assert total.symbolic == "w1·x1 + w2·x2 + b"
