"""Bad input in the engine: a negative seed, overflowing output, and a training child that raises."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import threading

import pytest

from core import cli, training_process
from core.network_file import FORMAT, NetworkFileError, from_dict, loads
from core.presets import load_preset


def network_doc(**changes) -> dict:
    """A one-unit network on two inputs, with top-level fields replaced."""
    doc = {
        "format": FORMAT,
        "inputs": 2,
        "layers": [{"units": 1, "activation": "sigmoid"}],
        "loss": "half_squared_error",
        "data": {"X": [[0, 1], [1, 0]], "y": [0, 1]},
    }
    doc.update(changes)
    return doc


def strict_json(text: str):
    """JSON as the standard has it: Infinity and NaN are errors."""
    return json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the output: not valid JSON"))


# -- seed ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [-1, -(2**40)])
def test_a_negative_seed_is_refused_by_name(seed):
    with pytest.raises(NetworkFileError, match=r"seed must be .*at least 0"):
        loads(json.dumps(network_doc(seed=seed)))


def test_a_zero_seed_is_fine():
    net = from_dict(network_doc(seed=0))
    assert net.initial_params()["W1"].shape == (2, 1)


def test_a_value_error_while_building_the_parameters_is_a_network_file_error(monkeypatch):
    # Whatever the checks miss, building the starting parameters inside from_dict reports it.
    def refuse(net):
        raise ValueError("expected non-negative integer")

    monkeypatch.setattr("core.network._initial_params", refuse)
    with pytest.raises(NetworkFileError, match="non-negative"):
        from_dict(network_doc())


def test_cli_names_a_negative_seed_in_one_line(tmp_path, capsys):
    path = tmp_path / "net.json"
    path.write_text(json.dumps(network_doc(seed=-1)), encoding="utf-8")
    assert cli.main(["trace", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "seed must be a whole number of at least 0, not -1" in captured.err


# -- non-finite output ---------------------------------------------------------------------


def test_trace_writes_overflowing_values_as_null(tmp_path, capsys):
    path = tmp_path / "huge.json"
    path.write_text(
        json.dumps(
            network_doc(layers=[{"units": 1, "activation": "identity"}], data={"X": [[1e200, 1e200]], "y": [0]})
        ),
        encoding="utf-8",
    )
    assert cli.main(["trace", str(path)]) == 1
    captured = capsys.readouterr()
    out = strict_json(captured.out)
    assert out["cost"] is None
    assert out["params"]["W1"]["value"] == json.loads(captured.out)["params"]["W1"]["value"]  # finite: kept
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert "not finite" in lines[0]
    assert "null" in lines[0]
    assert lines[0].split(": ")[1].split()[0].isdigit()  # how many


def test_train_writes_parameters_that_overflowed_as_null(tmp_path, capsys):
    # The first epoch's cost is 0.5, but its update, 1e3 × 1e306, overflows the weight.
    path = tmp_path / "overflow.json"
    doc = network_doc(
        inputs=1,
        learning_rate=1e3,
        layers=[{"units": 1, "activation": "identity", "weights": [[1e-306]], "bias": [0]}],
        data={"X": [[1e306]], "y": [0]},
    )
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert cli.main(["train", str(path), "--epochs", "1"]) == 1
    captured = capsys.readouterr()
    out = strict_json(captured.out)
    assert out["cost"] == [0.5]
    assert out["params"]["W1"] == [[None]]
    assert captured.err.count("\n") == 1
    assert "1 value was not finite" in captured.err


def test_finite_output_is_unchanged(capsys):
    assert cli.main(["trace", "preset:or_gate"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert strict_json(captured.out)["cost"] > 0


# -- the training child ---------------------------------------------------------------------


def _run_child(params) -> list:
    """training_process.run in this process (the pipe holds its few small records); what it sent, in order."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    training_process.run(sender, threading.Event(), load_preset("or_gate"), params, 3, 1.0)
    records = []
    with contextlib.suppress(EOFError):  # the child closed its end: nothing more
        while True:
            records.append(receiver.recv())
    receiver.close()
    return records


def test_training_that_raises_sends_a_failure_record(capsys):
    records = _run_child({})  # no parameters: the engine raises a KeyError
    assert len(records) == 1
    failure = records[0]
    assert isinstance(failure, training_process.TrainingFailed)
    assert failure.message.startswith("KeyError")
    assert "Traceback" in capsys.readouterr().err  # the details, for whoever reads stderr


def test_training_that_finishes_ends_with_none():
    records = _run_child(load_preset("or_gate").initial_params())
    assert records[-1] is None
    assert records[-2].epoch == 3


@pytest.mark.parametrize("output", ["identity", "tanh", "relu"])
def test_log_loss_needs_probabilities(output):
    from core.network import Layer, check_network
    from core.presets import load_preset

    net = load_preset("mood_perceptron")
    layers = (Layer(1, output, net.layers[0].weights, net.layers[0].bias),)
    with pytest.raises(ValueError, match="log_loss needs a sigmoid"):
        check_network(net.with_settings(layers=layers))
