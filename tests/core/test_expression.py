"""Expression mode in core: gradients by hand and by finite differences, fan-out, every refusal
with its column, stepping, and ``trace --expr`` on the command line."""

from __future__ import annotations

import json
import math
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.expression import MAX_LENGTH, ExpressionError, parse_expression
from core.expression_source import ExpressionSource
from core.graph import GraphKind, backward, forward
from core.session import Session
from core.stepper import BackwardEvent, Phase

REPO = Path(__file__).resolve().parents[2]
SCRIPT = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"


def value_and_grads(text: str, **values: float) -> tuple[float, dict[str, float]]:
    e = parse_expression(text, values)
    computed = forward(e.graph, e.leaves())
    _, grads = backward(e.graph, computed)
    return computed[e.graph.root.id], {name: grads.get(name, 0.0) for name in e.variables}


def test_the_lessons_example_by_the_chain_rule_by_hand():
    # d/dx (x² + 1)³ = 3(x² + 1)²·2x = 3·25·4 = 300 at x = 2
    value, grads = value_and_grads("(x**2 + 1)**3", x=2)
    assert value == 125.0
    assert grads == {"x": 300.0}
    assert value_and_grads("(x^2 + 1)^3", x=2) == (value, grads)  # ^ is read as a power


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("x*y + sin(x)", {"x": 0.5, "y": -2.0}, {"x": -2.0 + math.cos(0.5), "y": 0.5}),
        (
            "1 / (1 + exp(-(w1*x1 + w2*x2 + b)))",
            {"w1": 0.1, "w2": 0.6, "x1": 0.0, "x2": 1.0, "b": 0.0},
            # σ'(z)·(∂z): with z = 0.6, σ(z)(1 − σ(z)) times x1, x2, 1, w1, w2
            {
                "w1": 0.0,
                "x1": 0.1 * (s := 1 / (1 + math.exp(-0.6))) * (1 - s),
                "w2": s * (1 - s),
                "x2": 0.6 * s * (1 - s),
                "b": s * (1 - s),
            },
        ),
        ("x/y - log(x) + sqrt(y)", {"x": 2.0, "y": 4.0}, {"x": 1 / 4 - 1 / 2, "y": -2 / 16 + 1 / (2 * 2)}),
        ("max(x, y) * min(x, y) + abs(-x)", {"x": 3.0, "y": 2.0}, {"x": 2.0 + 1.0, "y": 3.0}),
        ("tanh(x) + relu(x) + sigmoid(x) + cos(x)", {"x": 0.3}, {"x": None}),
        ("x**y", {"x": 2.0, "y": 3.0}, {"x": 3 * 4.0, "y": 8 * math.log(2)}),
    ],
)
def test_gradients_against_the_chain_rule_by_hand(text, values, expected):
    _, grads = value_and_grads(text, **values)
    if expected == {"x": None}:
        x = values["x"]
        s = 1 / (1 + math.exp(-x))
        expected = {"x": 1 - math.tanh(x) ** 2 + 1 + s * (1 - s) - math.sin(x)}
    assert grads == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_a_variable_used_twice_is_one_node_whose_gradient_accumulates_from_each_use():
    e = parse_expression("x*y + x", {"x": 2.0, "y": 5.0})
    assert [n.id for n in e.graph.nodes if n.kind.value == "input"] == ["x", "y"]
    assert sorted(e.graph.consumers["x"]) == ["op1", "op2"]  # two outgoing edges
    session = Session(ExpressionSource(e))
    contributions = []
    while session.phase is not Phase.BACKWARD or session.cursor < session.current.end_of_backward:
        session.step_forward()
        last = session.state.last
        if isinstance(last, BackwardEvent) and "x" in e.graph[last.node].inputs:
            contributions.append(session.state.grads["x"])
    # From the sum first (∂f/∂x += 1), then from the product (+= y = 5): 1, then 6.
    assert contributions == [1.0, 6.0]
    state = session.state
    assert state.edge_grads[("x", "op2")] == 1.0
    assert state.edge_grads[("x", "op1")] == 5.0
    assert state.grads["x"] == 6.0


def test_a_node_taking_one_variable_twice_receives_both_locals():
    _, grads = value_and_grads("x*x", x=3.0)
    assert grads == {"x": 6.0}


def _random_expression(rng: random.Random, depth: int, top: bool = True) -> str:
    """A random expression over x, y, z whose every function is defined near the values used."""
    if depth == 0 or (not top and rng.random() < 0.2):
        return rng.choice(["x", "y", "z", f"{rng.uniform(0.5, 2):.3f}"])
    a, b = _random_expression(rng, depth - 1, False), _random_expression(rng, depth - 1, False)
    return rng.choice(
        [
            f"({a} + {b})",
            f"({a} - {b})",
            f"({a} * {b})",
            f"({a}) / (1.5 + sin({b}))",
            f"({a})**2",
            f"({a})^3",
            f"exp(0.3*sin({a}))",
            f"log(1 + ({a})**2)",
            f"sqrt(1 + ({a})**2)",
            f"sin({a})",
            f"cos({a})",
            f"tanh({a})",
            f"sigmoid({a})",
            f"-({a})",
            f"(1 + sigmoid({a}))^(cos({b}))",
        ]
    )


def test_gradients_match_central_differences_on_random_expressions():
    rng = random.Random(7)
    h = 1e-6
    checked = 0
    for _ in range(60):
        text = _random_expression(rng, 4)
        values = {v: rng.uniform(-1.5, 1.5) for v in "xyz"}
        used = {v: values[v] for v in "xyz" if re.search(rf"\b{v}\b", text)}
        if not used:
            continue
        _value, grads = value_and_grads(text, **used)
        for name in used:
            up = value_and_grads(text, **{**used, name: used[name] + h})[0]
            down = value_and_grads(text, **{**used, name: used[name] - h})[0]
            numeric = (up - down) / (2 * h)
            assert grads[name] == pytest.approx(numeric, rel=1e-5, abs=1e-6), (text, used, name)
            checked += 1
    assert checked > 60


BAD = [
    # (expression, values, column, words of the problem)
    ("x +", {"x": 1}, 4, "ends too early"),
    ("__import__('os')", {}, 1, "unknown function '__import__'"),
    ("x.y", {"x": 1}, 1, "attributes"),
    ("2x", {"x": 1}, 1, "write 2*x"),
    ("9**9**9", {}, 4, "exponent 387420489 is too large"),
    ("x" * 100_000, {"x": 1}, MAX_LENGTH + 1, "longer than"),
    ("x + y", {"x": 1}, 5, "y has no value"),
    ("foo(x)", {"x": 1}, 1, "unknown function 'foo'"),
    ("sin(x, x)", {"x": 1}, 1, "sin() takes 1 argument, not 2"),
    ("max(x)", {"x": 1}, 1, "max() takes 2 arguments, not 1"),
    ("exp(x=1)", {"x": 1}, 5, "no keyword arguments"),
    ("x < 1", {"x": 1}, 1, "comparisons"),
    ("lambda: x", {"x": 1}, 1, "lambda"),
    ("x[0]", {"x": 1}, 1, "subscripts"),
    ("x + 'a'", {"x": 1}, 5, "strings"),
    ("exp(1000*x)", {"x": 1}, 1, "overflows"),
    ("x**100 * 1e300", {"x": 10}, 8, "overflows"),
    ("x - x*1e308*10", {"x": 1}, 12, "overflows"),
    ("1 / (x - 1)", {"x": 1}, 3, "division by zero"),
    ("log(x - 2)", {"x": 1}, 1, "log of a negative number"),
    ("log(x - 1)", {"x": 1}, 1, "log of zero"),
    ("sqrt(-x)", {"x": 1}, 1, "sqrt of a negative number"),
    ("(x - 3)**0.5", {"x": 1}, 8, "negative number"),
    ("x % 2", {"x": 1}, 3, "operator % is not supported"),
    ("x if x else 1", {"x": 1}, 1, "if … else"),
    ("x, 1", {"x": 1}, 1, "tuples"),
    ("(x", {"x": 1}, 1, "never closed"),
    ("x)", {"x": 1}, 2, "unmatched ')'"),
    ("", {}, 1, "empty"),
    ("1e999 * x", {"x": 1}, 1, "number is too large"),
    ("x", {"x": 1}, 1, "computes nothing"),
    ("x + 1", {"x": 1, "z": 2}, 1, "does not use"),
    ("sin", {}, 1, "sin is a function"),
    ("a.b(x)", {"x": 1}, 1, "named functions"),
    ("x and 1", {"x": 1}, 1, "and / or"),
    ("[x]", {"x": 1}, 1, "lists"),
    ("x ** y", {"x": -1, "y": 2}, 3, "positive base"),
]


@pytest.mark.parametrize(("text", "values", "column", "problem"), BAD, ids=[b[0][:20] for b in BAD])
def test_a_bad_expression_is_refused_in_one_line_naming_the_column(text, values, column, problem):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, values)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"column {column}: "), message
    assert problem in message


def test_a_constant_receives_no_gradient_and_labels_read_as_the_lesson_writes():
    e = parse_expression("(x**2 + 1)**3", {"x": 2})
    assert e.graph.kind is GraphKind.EXPRESSION
    assert [n.label for n in e.graph.nodes] == ["x", "1", "x²", "x² + 1", "f"]
    session = Session(ExpressionSource(e))
    session.to_end_of_backward()
    assert "c1" not in session.state.grads
    assert session.state.grads["op2"] == 75.0  # 3(x² + 1)²


def test_an_expression_session_steps_forward_and_back_and_never_updates():
    session = Session(ExpressionSource.parse("x*y + sin(x)", {"x": 1.0, "y": 2.0}))
    assert not session.can_update
    session.to_end_of_backward()
    end = session.cursor
    assert end == len(session.current)
    session.step_forward()  # nothing after the backward pass
    session.next_example()
    assert session.cursor == end
    assert session.epoch == 0.0
    session.step_back()
    assert session.cursor == end - 1
    assert session.displayed_params() == {}
    assert len(session.cost_curve()[1]) == 0


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )


def test_trace_expr_prints_value_grads_and_nodes():
    run = _run("trace", "--expr", "x*y + x", "--at", "x=2,y=3")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert set(out) == {"value", "grads", "nodes"}
    assert out["value"] == 8.0
    assert out["grads"] == {"x": 4.0, "y": 2.0}
    assert all(set(n) == {"id", "label", "op", "value", "grad"} for n in out["nodes"])
    by_id = {n["id"]: n for n in out["nodes"]}
    assert by_id["x"]["grad"] == 4.0
    assert by_id["op1"]["op"] == "multiply"


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["--expr", "x +", "--at", "x=1"], "backprop-stepper: --expr: column 4: "),
        (["--expr", "__import__('os')"], "backprop-stepper: --expr: column 1: "),
        (["--expr", "x + 1", "--at", "x=two"], "backprop-stepper: --at: "),
        (["--expr", "log(x)", "--at", "x=-1"], "backprop-stepper: --expr: column 1: "),
    ],
)
def test_trace_expr_refuses_a_bad_expression_with_one_line_and_status_2(argv, start):
    run = _run("trace", *argv)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith(start), run.stderr
    assert run.stderr.count("\n") == 1, run.stderr


def test_gradcheck_expr_compares_each_variable_with_finite_differences():
    run = _run("gradcheck", "--expr", "x*y + sin(x)", "--at", "x=0.5", "--at", "y=-2")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert set(out) == {"params", "max_rel_error"}
    assert set(out["params"]) == {"x", "y"}
    x = out["params"]["x"]
    assert x["backprop"] == pytest.approx(-2.0 + math.cos(0.5), rel=1e-12)
    assert x["numeric"] == pytest.approx(x["backprop"], rel=1e-9)
    assert out["max_rel_error"] < 1e-6


def test_gradcheck_expr_fails_at_a_kink_and_refuses_what_it_cannot_check():
    kink = _run("gradcheck", "--expr", "relu(x) + x", "--at", "x=0.00001")
    assert kink.returncode == 1  # the differences straddle ReLU's kink: flagged, not hidden
    assert json.loads(kink.stdout)["max_rel_error"] > 1e-6
    outside = _run("gradcheck", "--expr", "log(x)", "--at", "x=0.0001")
    assert outside.returncode == 2
    assert outside.stderr.startswith("backprop-stepper: --expr: the finite differences")
    planted = _run("gradcheck", "--expr", "x*2", "--at", "x=1", "--plant", "loss_gradient_sign")
    assert planted.returncode == 2
    assert planted.stderr.count("\n") == 1
