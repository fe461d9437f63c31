"""An expression as a graph source: one graph, one pass, no parameters to update."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.expression import Expression, parse_expression
from core.expression_ops import number_text
from core.graph import Graph
from core.network import Params
from core.ops import Value
from core.optimizers import State
from core.source import Mode
from core.stepper import StepPass, record_pass
from core.text import Line, Role, Run, line


class ExpressionSource:
    """Steps through an expression's forward and backward pass at the given values.

    Its variables are the graph's inputs, so the backward pass ends with ∂f/∂x for each;
    there are no parameters, hence no update and no training.
    """

    learning_rate = 0.0

    def __init__(self, expression: Expression) -> None:
        self.expression = expression

    @classmethod
    def parse(cls, text: str, values: Mapping[str, float]) -> ExpressionSource:
        """Raises ExpressionError naming the column and the problem."""
        return cls(parse_expression(text, values))

    @property
    def name(self) -> str:
        return f"f = {self.expression.text}"

    @property
    def modes(self) -> tuple[Mode, ...]:
        return (Mode.EXAMPLE,)

    def graph(self, mode: Mode) -> Graph:
        return self.expression.graph

    def initial_params(self) -> Params:
        return {}

    def record(
        self, mode: Mode, params: Params, update: int, state: State | None = None, rows: Sequence[int] | None = None
    ) -> StepPass:
        return record_pass(self.expression.graph, self.expression.leaves(), self.learning_rate, ())

    def params_from_leaves(self, graph: Graph, leaves: Mapping[str, Value], template: Params) -> Params:
        return dict(template)

    def update_sizes(self, mode: Mode) -> tuple[int, ...]:
        return (1,)

    def header(self, step_pass: StepPass) -> Line:
        at = ", ".join(f"{name} = {number_text(v)}" for name, v in self.expression.values.items())
        return line("f = ", Run(self.expression.text, Role.FORMULA), f" at {at}" if at else "")
