"""``trace --expr EXPR --at x=2,y=3``: an expression's forward and backward pass, as JSON;
``gradcheck --expr``: its variables' gradients against finite differences."""

from __future__ import annotations

from core.expression import Expression, parse_expression, parse_values
from core.gradcheck import STEP, GradCheck, check_graph
from core.graph import backward, forward


class ExpressionArgumentError(ValueError):
    """A bad --expr or --at, with the option it concerns."""

    def __init__(self, option: str, problem: str) -> None:
        super().__init__(f"{option}: {problem}")


def expression_from_arguments(text: str, at: list[str] | None) -> Expression:
    """Parse --expr with the values of each --at; raises ExpressionArgumentError naming the option."""
    try:
        values = parse_values(",".join(at or []))
    except ValueError as e:
        raise ExpressionArgumentError("--at", str(e)) from None
    try:
        return parse_expression(text, values)
    except ValueError as e:
        raise ExpressionArgumentError("--expr", str(e)) from None


def trace_expression(expression: Expression) -> dict:
    """``{"value", "grads": {variable: ∂f/∂variable}, "nodes": [{"id", "label", "op", "value", "grad"}]}``."""
    graph = expression.graph
    values = forward(graph, expression.leaves())
    _, grads = backward(graph, values)
    return {
        "value": values[graph.root.id],
        "grads": {name: grads.get(name, 0.0) for name in expression.variables},
        "nodes": [
            {
                "id": n.id,
                "label": n.label,
                "op": n.op.name if n.op else n.kind.value,
                "value": values[n.id],
                "grad": grads.get(n.id, 0.0) if n.kind.receives_gradient else None,
            }
            for n in graph.nodes
        ],
    }


def gradcheck_expression(expression: Expression) -> GradCheck:
    """∂f/∂x for each variable, backprop against central differences; raises ExpressionArgumentError
    when the differences' points (x ± 2·STEP) leave the expression's domain."""
    try:
        return check_graph(expression.graph, expression.leaves())
    except (ArithmeticError, ValueError):
        problem = f"the finite differences (x ± {2 * STEP:g}) leave the domain of the expression there"
        raise ExpressionArgumentError("--expr", problem) from None
