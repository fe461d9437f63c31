"""The loss surface: its grid against the engine's cost point by point, parameter names, and the
``surface`` command's JSON and refusals."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core import cli
from core.build import layer_graph, leaf_values
from core.graph import forward
from core.param_entries import ParamNameError, all_entries, parse_entry
from core.predict import cost
from core.presets import load_preset, preset_keys
from core.session import Mode, Session
from core.surface import grid_axis, loss_surface


def _cost_moved(net, params, entries, values) -> float:
    """The engine's cost with the entries set to values, one forward pass (the independent computation)."""
    moved = {k: np.array(v, dtype=float) for k, v in params.items()}
    for entry, value in zip(entries, values, strict=True):
        moved[entry.name][entry.index] = value
    return cost(net, moved)


def _graph_cost(net, params) -> float:
    """The cost the layer graph's root holds over all the examples (what `trace` reports)."""
    graph = layer_graph(net)
    return float(forward(graph, leaf_values(graph, params, net.X, net.Y))[graph.root.id])


@pytest.mark.parametrize("key", preset_keys())
def test_grid_at_the_current_point_is_the_engines_cost(key):
    net = load_preset(key)
    params = net.initial_params()
    entries = all_entries(params)
    surface = loss_surface(net, params, [entries[0], entries[-1]], span=0.5, points=21)
    assert surface.cost[10][10] == cost(net, params)
    assert surface.cost[10][10] == pytest.approx(_graph_cost(net, params), rel=1e-12)
    curve = loss_surface(net, params, [entries[-1]], span=0.5, points=21)
    assert curve.cost[10] == cost(net, params)


def test_grid_follows_the_parameters_after_stepped_updates():
    session = Session(load_preset("mood_2_2_1"), Mode.BATCH)
    for _ in range(3):
        session.next_example()
    params, net = session.params, session.network
    assert not np.allclose(params["W1"], net.initial_params()["W1"])
    pair = [parse_entry("W1[0][0]", params), parse_entry("W2[1][0]", params)]
    surface = loss_surface(net, params, pair, span=1.0, points=5)
    assert surface.centre == (params["W1"][0, 0], params["W2"][1, 0])
    assert surface.cost[2][2] == cost(net, params)
    assert surface.cost[2][2] == pytest.approx(_graph_cost(net, params), rel=1e-12)


@pytest.mark.parametrize("key", ["or_gate", "mood_2_2_1", "net_2_4_1_relu", "softmax_3_class", "house_prices"])
def test_vectorised_grid_equals_per_point_costs(key):
    net = load_preset(key)
    params = net.initial_params()
    entries = all_entries(params)
    pairs = [(entries[0], entries[-1]), (entries[0], entries[1]), (entries[-1], entries[0])]
    for pair in pairs:
        surface = loss_surface(net, params, pair, span=1.5, points=7)
        for j, y in enumerate(surface.y):
            for i, x in enumerate(surface.x):
                assert surface.cost[j][i] == pytest.approx(_cost_moved(net, params, pair, (x, y)), rel=1e-12)
    for entry in (entries[0], entries[-1]):
        curve = loss_surface(net, params, [entry], span=3.0, points=9)
        assert curve.y is None
        assert curve.cost.shape == (9,)
        for i, x in enumerate(curve.x):
            assert curve.cost[i] == pytest.approx(_cost_moved(net, params, [entry], [x]), rel=1e-12)


def test_grid_axis_is_centred_and_spans_both_sides():
    axis = grid_axis(0.1, 2.0, 51)
    assert axis[25] == 0.1
    assert axis[0] == pytest.approx(-1.9)
    assert axis[-1] == pytest.approx(2.1)
    assert np.allclose(np.diff(axis), 4.0 / 50)
    assert len(grid_axis(0.0, 1.0, 100)) == 100


def test_parameter_names():
    params = load_preset("mood_2_2_1").initial_params()
    assert parse_entry("W1[1][0]", params).index == (1, 0)
    assert parse_entry(" b2[0] ", params).label == "b2[0]"
    assert [e.label for e in all_entries(params)][:5] == ["W1[0][0]", "W1[0][1]", "W1[1][0]", "W1[1][1]", "b1[0]"]
    for bad, words in [
        ("W3[0][0]", "unknown parameter"),
        ("w1[0][0]", "unknown parameter"),
        ("W1[2][0]", "outside 0..1"),
        ("W1[0]", "takes 2 indexes"),
        ("b1[0][0]", "takes 1 index"),
        ("W1[-1][0]", "whole number"),
        ("W1[0][0", "unknown parameter"),
        ("", "unknown parameter"),
    ]:
        with pytest.raises(ParamNameError, match=words) as e:
            parse_entry(bad, params)
        assert "\n" not in str(e.value)


def _surface(capsys, *args):
    try:
        status = cli.main(["surface", *args])
    except SystemExit as e:  # argparse's refusals (as the console command exits)
        status = e.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_surface_command_prints_x_y_and_cost_rows_along_y(capsys):
    status, out, err = _surface(capsys, "preset:or_gate", "--params", "W1[0][0],W1[1][0]", "--span", "1", "--grid", "5")
    assert status == 0
    assert err == ""
    result = json.loads(out)
    assert list(result) == ["x", "y", "cost"]
    assert len(result["x"]) == len(result["y"]) == 5
    assert np.array(result["cost"]).shape == (5, 5)
    assert result["x"][2] == 0.1
    assert result["y"][2] == 0.6
    net = load_preset("or_gate")
    params = net.initial_params()
    pair = [parse_entry("W1[0][0]", params), parse_entry("W1[1][0]", params)]
    for j, y in enumerate(result["y"]):
        for i, x in enumerate(result["x"]):
            assert result["cost"][j][i] == pytest.approx(_cost_moved(net, params, pair, (x, y)), rel=1e-12)


def test_surface_command_with_one_name_prints_the_cost_curve(capsys):
    status, out, _ = _surface(capsys, "preset:mood_2_2_1", "--params", "b2[0]")
    result = json.loads(out)
    assert status == 0
    assert list(result) == ["x", "cost"]
    assert len(result["x"]) == len(result["cost"]) == 51
    assert result["x"][0] == pytest.approx(result["x"][25] - 2.0)


@pytest.mark.parametrize(
    "args",
    [
        ["--params", "W9[0][0]"],
        ["--params", "W1[5][0]"],
        ["--params", "W1[0]"],
        ["--params", "W1[0][0],W1[0][0]"],
        ["--params", "W1[0][0],W1[1][0],b1[0]"],
        ["--params", ""],
        ["--params", "W1[0][0]", "--span", "0"],
        ["--params", "W1[0][0]", "--span", "-2"],
        ["--params", "W1[0][0]", "--span", "nan"],
        ["--params", "W1[0][0]", "--span", "inf"],
        ["--params", "W1[0][0]", "--span", "1e999"],
        ["--params", "W1[0][0]", "--span", "wide"],
        ["--params", "W1[0][0]", "--grid", "1"],
        ["--params", "W1[0][0]", "--grid", "100000"],
        ["--params", "W1[0][0]", "--grid", "2.5"],
        [],
    ],
)
def test_surface_command_refuses_bad_names_spans_and_grids_in_one_line(capsys, args):
    status, out, err = _surface(capsys, "preset:or_gate", *args)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("backprop-stepper: ")


def test_surface_command_writes_an_overflowing_cost_as_null(capsys):
    status, out, err = _surface(capsys, "preset:house_prices", "--params", "W1[0][0]", "--span", "1e200", "--grid", "3")
    result = json.loads(out)
    assert status == 1
    assert "null" in out
    assert "not finite" in err
    assert result["cost"][0] is None
    assert result["cost"][1] is not None
