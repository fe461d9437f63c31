"""Expressions typed by the user, as computation graphs.

``parse_expression("(x**2 + 1)**3", {"x": 2})`` reads the text with Python's ``ast``
and an allow-list of node types (never ``eval``), and builds a graph with one node
per variable (a variable used twice is one node with two outgoing edges), one per
constant and one per operation. Anything outside the allow-list, any value that is
not finite and any gradient that is not, raises ``ExpressionError`` with one line
naming the column (counted from 1) and the problem.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from core.expression_ops import (
    FUNCTIONS,
    ConstantPower,
    Difference,
    ExpressionOp,
    Negation,
    Power,
    Product,
    Quotient,
    Sum,
    number_text,
)
from core.graph import Graph, GraphKind, Node, NodeKind, backward
from core.ops import Op

MAX_LENGTH = 500  # characters
MAX_EXPONENT = 100  # |n| for a constant exponent
MAX_NODES = 300
LABEL_CHARS = 18  # a longer sub-expression is named u1, u2… instead of written out
ROOT_LABEL = "f"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_NUMBER_THEN_NAME = re.compile(r"(?<![\w.])((?>\d+\.?\d*(?:[eE][+-]?\d+)?))([A-Za-z_])")

_BINARY = {ast.Add: Sum, ast.Sub: Difference, ast.Mult: Product, ast.Div: Quotient}
_OPERATOR_NAMES = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^ (as xor)",
}
_REFUSED = {
    ast.Attribute: "attributes (x.y) are not allowed",
    ast.Subscript: "subscripts (x[i]) are not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.BoolOp: "and / or are not allowed",
    ast.IfExp: "if … else is not allowed",
    ast.NamedExpr: ":= is not allowed",
    ast.Starred: "* unpacking is not allowed",
    ast.Tuple: "tuples are not allowed (a comma outside a function call)",
    ast.List: "lists are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}


class ExpressionError(ValueError):
    """One line: the column (from 1) and the problem."""

    def __init__(self, column: int, problem: str) -> None:
        super().__init__(f"column {column}: {problem}")
        self.column = column
        self.problem = problem


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its text, its graph, and the values of its variables."""

    text: str
    graph: Graph
    values: Mapping[str, float]  # variable name -> value
    columns: Mapping[str, int]  # node id -> column of the sub-expression it computes

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.graph.nodes if n.kind is NodeKind.INPUT)

    def leaves(self) -> dict[str, float]:
        """Every leaf's value: the variables' and the constants'."""
        return {n.id: self.values[n.id] if n.kind is NodeKind.INPUT else n.constant for n in self.graph.leaves}


def parse_expression(text: str, values: Mapping[str, float]) -> Expression:
    """Parse ``text`` and check that it can be evaluated, with finite gradients, at ``values``."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(MAX_LENGTH + 1, f"the expression is longer than {MAX_LENGTH} characters")
    source, columns = _with_power_operator(text)
    if not source.strip():
        raise ExpressionError(1, "the expression is empty")
    glued = _NUMBER_THEN_NAME.search(source)
    if glued:
        number, name = glued.groups()
        raise ExpressionError(
            columns[glued.start()],
            f"a number followed by a name ({number}{name}): write {number}*{name} for a product",
        )
    try:
        tree = ast.parse(source.strip("\n"), mode="eval")
    except SyntaxError as e:
        if not e.offset or e.lineno not in (None, 1):  # Python reports the end of the input as offset 0
            raise ExpressionError(columns[-1], "the expression ends too early: an operand is missing") from None
        offset = min(e.offset - 1, len(source) - 1)
        raise ExpressionError(columns[offset], _syntax_problem(e)) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(1, "the expression is nested too deeply") from None
    builder = _Builder(source, columns, values)
    try:
        root = builder.build(tree.body)
    except RecursionError:
        raise ExpressionError(1, "the expression is nested too deeply") from None
    if builder.graph_nodes[root].kind is not NodeKind.OP:
        raise ExpressionError(1, "the expression computes nothing: write an operation, such as x**2")
    unused = sorted(set(values) - set(builder.variables))
    if unused:
        raise ExpressionError(1, f"a value is given for {unused[0]}, which the expression does not use")
    graph = builder.finish(root)
    expression = Expression(text, graph, {k: float(values[k]) for k in builder.variables}, builder.node_columns)
    _check_evaluation(expression)
    return expression


def parse_values(text: str) -> dict[str, float]:
    """``x=2, y=-1.5`` as {"x": 2.0, "y": -1.5}; a bad entry raises ValueError naming it."""
    values: dict[str, float] = {}
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        name, sep, number = (p.strip() for p in entry.partition("="))
        if not sep or not _NAME.match(name):
            raise ValueError(f"{entry!r} must look like name=number, as in x=2")
        try:
            value = float(number)
        except ValueError:
            raise ValueError(f"the value of {name} must be a number, not {number!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"the value of {name} must be finite, not {number}")
        if name in values:
            raise ValueError(f"{name} is given two values")
        values[name] = value
    return values


def _with_power_operator(text: str) -> tuple[str, list[int]]:
    """``^`` read as ``**``; for each character of the result, its column in ``text`` (from 1)."""
    out, columns = [], []
    for k, c in enumerate(text):
        if c == "^":
            out.append("**")
            columns += [k + 1, k + 1]
        else:
            out.append(c)
            columns.append(k + 1)
    columns.append(len(text) + 1)  # the end, where "x +" is missing its operand
    return "".join(out), columns


def _syntax_problem(e: SyntaxError) -> str:
    message = (e.msg or "invalid syntax").removeprefix("invalid syntax. ")
    if "was never closed" in message:
        return "this parenthesis is never closed"
    if message == "invalid syntax":
        return "invalid syntax here (a missing operator or operand?)"
    return message[0].lower() + message[1:]


class _Builder:
    """Walks the allow-listed syntax tree and collects nodes in evaluation order."""

    def __init__(self, source: str, columns: list[int], values: Mapping[str, float]) -> None:
        self.source = source
        self.columns = columns
        self.values = values
        self.graph_nodes: dict[str, Node] = {}
        self.node_columns: dict[str, int] = {}
        self.variables: list[str] = []
        self._constants = 0
        self._ops = 0

    def column(self, node: ast.AST) -> int:
        offset = getattr(node, "col_offset", 0)
        return self.columns[min(offset, len(self.columns) - 1)]

    def operator_column(self, node: ast.BinOp) -> int:
        """The column of a binary operator: the first character after its left operand and any ")"."""
        offset = node.left.end_col_offset or 0
        while offset < len(self.source) and self.source[offset] in " )":
            offset += 1
        return self.columns[min(offset, len(self.columns) - 1)]

    def build(self, node: ast.AST) -> str:
        """The id of the graph node computing ``node``."""
        if len(self.graph_nodes) > MAX_NODES:
            raise ExpressionError(self.column(node), f"the expression has more than {MAX_NODES} operations and values")
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._variable(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand)
            if isinstance(node.op, ast.USub):
                if isinstance(node.operand, ast.Constant):
                    return self._constant(node.operand, negative=True, at=node)
                return self._op(node, Negation(), [self.build(node.operand)])
            raise ExpressionError(self.column(node), "only + and − may stand before a value")
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        problem = _REFUSED.get(type(node), f"{type(node).__name__} is not allowed in an expression")
        raise ExpressionError(self.column(node), problem)

    def _binary(self, node: ast.BinOp) -> str:
        if isinstance(node.op, ast.Pow):
            base = self.build(node.left)
            exponent = self._constant_value(node.right)
            if exponent is None:
                return self._op(node, Power(), [base, self.build(node.right)])
            if abs(exponent) > MAX_EXPONENT:
                raise ExpressionError(
                    self.column(node.right),
                    f"the exponent {exponent:.15g} is too large (at most {MAX_EXPONENT})",
                )
            return self._op(node, ConstantPower(exponent), [base])
        op_type = _BINARY.get(type(node.op))
        if op_type is None:
            symbol = _OPERATOR_NAMES.get(type(node.op), type(node.op).__name__)
            raise ExpressionError(self.operator_column(node), f"the operator {symbol} is not supported")
        return self._op(node, op_type(), [self.build(node.left), self.build(node.right)])

    def _call(self, node: ast.Call) -> str:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(self.column(node.func), "only the named functions can be called")
        name = node.func.id
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(self.column(node), f"unknown function {name!r} (known: {known})")
        if node.keywords:
            keyword = node.keywords[0]
            raise ExpressionError(self.column(keyword), f"{name}() takes no keyword arguments")
        op, arity = FUNCTIONS[name]
        if len(node.args) != arity:
            plural = "s" if arity > 1 else ""
            raise ExpressionError(self.column(node), f"{name}() takes {arity} argument{plural}, not {len(node.args)}")
        return self._op(node, op, [self.build(a) for a in node.args])

    def _constant_value(self, node: ast.AST) -> float | None:
        """The value of an exponent made of numbers only (2, -1, 1/2, 9**9), else None."""
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self._constant_value(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (*_BINARY, ast.Pow)):
            left, right = self._constant_value(node.left), self._constant_value(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
                raise ExpressionError(
                    self.column(node.right), f"the exponent {right:.15g} is too large (at most {MAX_EXPONENT})"
                )
            try:
                value = _ARITHMETIC[type(node.op)](left, right)
            except ZeroDivisionError:
                raise ExpressionError(self.column(node), "division by zero") from None
            except (OverflowError, ValueError):
                raise ExpressionError(self.column(node), "this exponent is not a finite real number") from None
            if isinstance(value, complex) or not math.isfinite(value):
                raise ExpressionError(self.column(node), "this exponent is not a finite real number")
            return value
        return None

    def _number(self, node: ast.Constant) -> float:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "strings" if isinstance(value, (str, bytes)) else f"{type(value).__name__} values"
            raise ExpressionError(self.column(node), f"{kind} are not allowed, only numbers")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ExpressionError(self.column(node), "this number is too large")
        return number

    def _constant(self, node: ast.Constant, negative: bool = False, at: ast.AST | None = None) -> str:
        value = self._number(node)
        value = -value if negative else value
        self._constants += 1
        node_id = f"c{self._constants}"
        self.graph_nodes[node_id] = Node(node_id, NodeKind.CONSTANT, number_text(value), constant=value)
        self.node_columns[node_id] = self.column(at or node)
        return node_id

    def _variable(self, node: ast.Name) -> str:
        name = node.id
        if name in FUNCTIONS:
            raise ExpressionError(self.column(node), f"{name} is a function: write {name}(…)")
        if not _NAME.match(name):
            raise ExpressionError(self.column(node), f"the name {name!r} is not allowed (letters, digits, _)")
        if name not in self.values:
            raise ExpressionError(self.column(node), f"{name} has no value (give one, as in {name}=1)")
        if name not in self.graph_nodes:
            self.graph_nodes[name] = Node(name, NodeKind.INPUT, name)
            self.node_columns[name] = self.column(node)
            self.variables.append(name)
        return name

    def _op(self, node: ast.AST, op: Op, inputs: list[str]) -> str:
        self._ops += 1
        node_id = f"op{self._ops}"
        self.graph_nodes[node_id] = Node(node_id, NodeKind.OP, "", op, tuple(inputs))
        self.node_columns[node_id] = self.operator_column(node) if isinstance(node, ast.BinOp) else self.column(node)
        return node_id

    def finish(self, root: str) -> Graph:
        """Label the op nodes (written out while short, else u1, u2…) and order the graph."""
        labels: dict[str, str] = {}
        named = 0
        nodes = []
        for node in self.graph_nodes.values():
            if node.kind is NodeKind.OP:
                text = node.op.expression([labels[i] for i in node.inputs])
                if node.id == root:
                    text = ROOT_LABEL
                elif len(text) > LABEL_CHARS:
                    named += 1
                    text = f"u{named}"
                node = Node(node.id, node.kind, text, node.op, node.inputs)
            labels[node.id] = node.label
            nodes.append(node)
        # Leaves first, then the operations in evaluation order, the root last.
        ordered = [n for n in nodes if n.kind is not NodeKind.OP] + [n for n in nodes if n.kind is NodeKind.OP]
        return Graph(tuple(ordered), GraphKind.EXPRESSION)


_ARITHMETIC = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


def _check_evaluation(expression: Expression) -> None:
    """Evaluate node by node, naming the first sub-expression that has no finite value or
    no finite gradient at the given values."""
    graph, columns = expression.graph, expression.columns
    values: dict[str, float] = expression.leaves()
    for node in graph.op_nodes:
        inputs = [values[i] for i in node.inputs]
        problem = node.op.domain_error(inputs) if isinstance(node.op, ExpressionOp) else None
        if problem is None:
            try:
                value = float(node.op.forward(*inputs))
            except ZeroDivisionError:
                problem = "division by zero"
            except (OverflowError, ValueError):
                problem = "the value overflows to infinity"
            else:
                if math.isnan(value):
                    problem = "the value is not a number (NaN)"
                elif math.isinf(value):
                    problem = "the value overflows to infinity"
                values[node.id] = value
        if problem is not None:
            raise ExpressionError(columns[node.id], f"{problem} at the given values")
    try:
        visits, grads = backward(graph, values)
    except (ZeroDivisionError, OverflowError, ValueError):
        node = next(n for n in graph.backward_order if not _local_computes(n, values))
        raise ExpressionError(columns[node.id], f"the gradient of {node.label} cannot be computed there") from None
    for node in graph.backward_order:
        visit = visits[node.id]
        if not all(v is None or math.isfinite(v) for v in (*visit.local, *visit.sent, visit.upstream)):
            raise ExpressionError(columns[node.id], f"the gradient through {node.label} is not finite there")
    for name in expression.variables:
        if not math.isfinite(grads.get(name, 0.0)):
            raise ExpressionError(columns[name], f"the gradient with respect to {name} overflows there")


def _local_computes(node: Node, values: Mapping[str, float]) -> bool:
    try:
        node.op.local([values[i] for i in node.inputs], values[node.id])
    except (ZeroDivisionError, OverflowError, ValueError):
        return False
    return True
