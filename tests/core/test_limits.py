"""The documented limits: the memory estimate, its message, and that every path to a network meets it."""

from __future__ import annotations

import json

import pytest

from core import limits
from core.limits import LimitError, check_network_size, human_bytes, network_bytes
from core.network import Layer, check_network
from core.presets import load_preset


def test_the_estimate_counts_parameters_data_and_activations():
    # 2-3-1 on 10 examples, counted by hand: parameters 2·3 + 3 + 3·1 + 1 = 13; data 10 × (2 + 1) = 30;
    # activations 10 × (2 + 3 + 1) = 60.
    expected = 8 * (limits.PARAMETER_COPIES * 13 + limits.DATA_COPIES * 30 + limits.ACTIVATION_COPIES * 60)
    assert network_bytes(2, [3, 1], 10) == expected


def test_a_network_over_the_budget_is_refused_naming_both_sizes():
    with pytest.raises(LimitError, match=r"needs 76\.8 GB, over the 2 GB limit"):
        check_network_size(2, [40_000, 40_000, 1], 4)


def test_a_network_just_within_the_budget_passes(monkeypatch):
    needed = network_bytes(2, [16, 16, 1], 40_000)
    monkeypatch.setattr(limits, "MEMORY_BUDGET_BYTES", needed)
    check_network_size(2, [16, 16, 1], 40_000)
    monkeypatch.setattr(limits, "MEMORY_BUDGET_BYTES", needed - 1)
    with pytest.raises(LimitError, match="over the"):
        check_network_size(2, [16, 16, 1], 40_000)


def test_check_network_applies_the_budget_to_networks_built_in_code():
    net = load_preset("or_gate")
    huge = net.with_settings(layers=(Layer(40_000, "tanh"), Layer(40_000, "tanh"), Layer(1, "sigmoid")))
    with pytest.raises(LimitError, match="needs"):
        check_network(huge)  # before anything allocates its weights


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (999, "999 bytes"),
        (1_000, "1 kB"),
        (12_500_000_000, "12.5 GB"),
        (2 * 10**9, "2 GB"),
        (10**400, "about 10^400 bytes"),
    ],
    ids=["bytes", "kB", "GB", "limit", "huge"],
)
def test_sizes_read_in_decimal_units(n, text):
    assert human_bytes(n) == text


def numbers_in(value) -> int:
    if isinstance(value, dict):
        return sum(numbers_in(v) for v in value.values())
    if isinstance(value, list):
        return sum(numbers_in(v) for v in value)
    return int(isinstance(value, float | int) and not isinstance(value, bool))


def test_a_trace_too_large_to_print_is_refused_before_printing(monkeypatch, capsys):
    from core import cli

    assert cli.main(["trace", "preset:or_gate"]) == 0
    out = json.loads(capsys.readouterr().out)
    printed = numbers_in(out["nodes"]) + numbers_in(out["params"])
    monkeypatch.setattr(limits, "MAX_PRINTED_NUMBERS", printed - 1)
    assert cli.main(["trace", "preset:or_gate"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert f"trace would print {printed} numbers, over the limit of {printed - 1}; --example I" in captured.err
    assert cli.main(["trace", "preset:or_gate", "--example", "0"]) == 0


def wide_network_file(tmp_path, hidden: int, examples: int) -> str:
    """A 10-HIDDEN-1 network file on EXAMPLES examples (weights from the seed)."""
    doc = {
        "format": "backprop-stepper.network/1",
        "inputs": 10,
        "layers": [{"units": hidden, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        "loss": "half_squared_error",
        "data": {"X": [[0.1 * (i % 7)] * 10 for i in range(examples)], "y": [i % 2 for i in range(examples)]},
    }
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(doc))
    return str(path)


@pytest.mark.parametrize(
    ("argv", "work"),
    [
        # 36,001 parameters: 4 × 36,001 costs of 4 × 36,001 multiply-adds (would take about 30 s).
        (["gradcheck", "{f}"], "144,004 times at 144,004 multiply-adds each"),
        # W1 is in the first layer: each point runs 4 examples through 10·3000 + 3000·1 multiply-adds.
        (["surface", "{f}", "--params", "W1[0][0],b2[0]", "--grid", "500"], "250,000 times at 132,000"),
    ],
    ids=["gradcheck", "surface"],
)
def test_a_command_that_would_run_for_minutes_is_refused_before_starting(tmp_path, capsys, argv, work):
    from core import cli

    path = wide_network_file(tmp_path, 3000, 4)
    assert cli.main([a.replace("{f}", path) for a in argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert f"would evaluate the cost {work}" in captured.err
    assert "over the limit of 1e+10" in captured.err


def test_a_surface_of_a_later_layer_counts_only_that_layers_work(tmp_path, capsys):
    """On the same network a grid over the output layer's entries costs 3,000 multiply-adds an example: it runs."""
    from core import cli

    path = wide_network_file(tmp_path, 3000, 4)
    assert cli.main(["surface", path, "--params", "W2[0][0],b2[0]", "--grid", "101"]) == 0
    assert len(json.loads(capsys.readouterr().out)["cost"]) == 101
