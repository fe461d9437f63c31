"""The chain rule as the panel shows it: each path's product, summed, is the finite-difference gradient."""

from __future__ import annotations

import pytest

from core.build import leaf_values, scalar_graph
from core.chain import chain_rule
from core.graph import forward
from core.presets import load_preset
from core.session import Mode, Session

H = 1e-6


def _loss(net, params, x, y) -> float:
    graph = scalar_graph(net)
    return forward(graph, leaf_values(graph, params, x, y))[graph.root.id]


@pytest.mark.parametrize(
    ("preset", "node", "paths"),
    [
        ("mood_2_2_1", "x1", 2),  # x1 reaches the loss through both hidden units
        ("mood_2_2_1", "W1[0,0]", 1),  # w11: the lesson's chain of five factors
        ("mood_2_2_1", "b2[0]", 1),
        ("softmax_3_class", "W1[1,2]", 3),  # through each softmax output
    ],
)
def test_path_products_sum_to_the_finite_difference(preset, node, paths):
    net = load_preset(preset)
    s = Session(net, Mode.EXAMPLE)
    chain = chain_rule(s.current, node)
    assert len(chain.paths) == paths
    assert sum(chain.products) == pytest.approx(chain.total, rel=1e-12)
    params, x, y = net.initial_params(), net.X[0].copy(), net.Y[0]
    source = s.graph[node].source
    if source.name == "X":
        up, down = x.copy(), x.copy()
        up[source.index], down[source.index] = x[source.index] + H, x[source.index] - H
        numeric = (_loss(net, params, up, y) - _loss(net, params, down, y)) / (2 * H)
    else:
        up = {k: v.copy() for k, v in params.items()}
        down = {k: v.copy() for k, v in params.items()}
        up[source.name][source.index] += H
        down[source.name][source.index] -= H
        numeric = (_loss(net, up, x, y) - _loss(net, down, x, y)) / (2 * H)
    assert chain.total == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_w11_chain_is_the_lessons():
    s = Session(load_preset("mood_2_2_1"), Mode.EXAMPLE)
    (path,) = chain_rule(s.current, "W1[0,0]").paths
    assert [(f.of, f.wrt, f.formula) for f in path] == [
        ("z1", "w11", "x1"),
        ("a1", "z1", "a1(1−a1)"),
        ("z", "a1", "w1"),
        ("ŷ", "z", "ŷ(1−ŷ)"),
        ("L", "ŷ", "−(y−ŷ)/(ŷ(1−ŷ))"),
    ]
    values = {e.node: e.value for e in s.current.events[: s.current.n_forward]}
    x1, w1, a1, yhat, y = 3.0, 0.6, values["a:1,0"], values["a:2,0"], 1.0
    # Curriculum §4: ∂L/∂w11 = −x1 w1 a1(1−a1)(y−ŷ)
    assert chain_rule(s.current, "W1[0,0]").total == pytest.approx(-x1 * w1 * a1 * (1 - a1) * (y - yhat), rel=1e-12)
