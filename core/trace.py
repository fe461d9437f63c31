"""One forward and backward pass as ``backprop-stepper trace`` prints it, for the command and the window's export."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from typing import Any, TextIO

import numpy as np

from core.build import layer_graph, leaf_values
from core.graph import backward, forward
from core.limits import check_printed_numbers
from core.network import Network, Params


def trace_network(net: Network, params: Params | None = None, rows: Sequence[int] | None = None) -> dict:
    """``{"cost", "params": {name: {"value", "grad"}}, "nodes": [{"id", "label", "op", "value", "grad"}]}``:
    the layer graph's pass over ``rows`` (default all the examples) at ``params`` (default the initial ones)."""
    selected = slice(None) if rows is None else list(rows)
    graph = layer_graph(net)
    params = net.initial_params() if params is None else params
    with np.errstate(all="ignore"):
        values = forward(graph, leaf_values(graph, params, net.X[selected], net.Y[selected]))
        _, grads = backward(graph, values)
    printed = sum(2 * p.size for p in params.values()) + sum(
        np.size(values[n.id]) + (np.size(grads.get(n.id, 0.0)) if n.kind.value != "target" else 0)
        for n in graph.nodes
    )
    check_printed_numbers(printed, "trace", "--example I traces one example")
    return {
        "cost": values[graph.root.id],
        "params": {name: {"value": params[name].tolist(), "grad": np.asarray(grads[name]).tolist()} for name in params},
        "nodes": [
            {
                "id": n.id,
                "label": n.label,
                "op": n.op.name if n.op else n.kind.value,
                "value": np.asarray(values[n.id]).tolist(),
                "grad": np.asarray(grads.get(n.id, 0.0)).tolist() if n.kind.receives_gradient else None,
            }
            for n in graph.nodes
        ],
    }


def finite_or_null(value: Any) -> tuple[Any, int]:
    """The value with each non-finite float replaced by None (JSON has no Infinity or NaN), and how many were."""
    if isinstance(value, float):
        return (value, 0) if math.isfinite(value) else (None, 1)
    if isinstance(value, dict):
        pairs = [(k, *finite_or_null(v)) for k, v in value.items()]
        return {k: v for k, v, _ in pairs}, sum(n for _, _, n in pairs)
    if isinstance(value, list):
        pairs = [finite_or_null(v) for v in value]
        return [v for v, _ in pairs], sum(n for _, n in pairs)
    return value, 0


def write_json(finite: Any, stream: TextIO) -> None:
    """Write a value already made finite (``finite_or_null``) as one line of strict JSON, in chunks."""
    json.dump(finite, stream, allow_nan=False)
    stream.write("\n")


def strict_json(result: dict) -> tuple[str, int]:
    """The text ``trace`` prints for ``result``, and how many non-finite values it writes as null."""
    finite, not_finite = finite_or_null(result)
    text = io.StringIO()
    write_json(finite, text)
    return text.getvalue(), not_finite
