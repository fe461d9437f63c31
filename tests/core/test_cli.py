"""The headless command line through the console entry point: trace and train output, errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"
TOL = 1e-9

RUNS = {
    "trace": ["trace", "preset:or_gate"],
    "trace_example_0": ["trace", "preset:or_gate", "--example", "0"],
    "trace_example_out_of_range": ["trace", "preset:or_gate", "--example", "4"],
    "train_3": ["train", "preset:or_gate", "--epochs", "3"],
    "train_0_epochs": ["train", "preset:or_gate", "--epochs", "0"],
    "train_without_epochs": ["train", "preset:or_gate"],
    "train_house_prices": ["train", "preset:house_prices", "--epochs", "50"],
    "unknown_preset": ["train", "preset:no_such_preset", "--epochs", "1"],
}


@pytest.fixture(scope="module")
def runs() -> dict[str, subprocess.CompletedProcess]:
    """Every command of RUNS through ``backprop-stepper``'s entry point, side by side."""
    procs = {
        key: subprocess.Popen(
            [sys.executable, "-c", SCRIPT, *argv],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for key, argv in RUNS.items()
    }
    done = {}
    for key, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        done[key] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return done


@pytest.fixture(scope="module")
def batch_ref(reference) -> dict:
    return reference["batch"]


def ok_json(run: subprocess.CompletedProcess) -> dict:
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.endswith("\n")
    assert run.stdout.count("\n") == 1
    return json.loads(run.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the output"))


def one_line_error(run: subprocess.CompletedProcess, status: int = 2) -> str:
    assert run.returncode == status
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("backprop-stepper")
    assert run.stderr.endswith("\n")
    assert run.stderr.count("\n") == 1
    return run.stderr


def close(actual, expected) -> bool:
    return np.allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=0, atol=TOL)


def test_trace_prints_one_pass_over_the_batch(runs, batch_ref):
    out = ok_json(runs["trace"])
    epoch_1 = batch_ref["epochs"][0]
    assert set(out) == {"cost", "params", "nodes"}
    assert out["cost"] == 0.08891294752305501
    assert abs(out["cost"] - epoch_1["cost"]) <= TOL

    params = out["params"]
    assert list(params) == ["W1", "b1"]
    assert all(set(p) == {"value", "grad"} for p in params.values())
    assert params["W1"]["value"] == [[0.1], [0.6]]
    assert params["b1"]["value"] == [0.0]
    assert np.shape(params["W1"]["grad"]) == (2, 1)
    assert np.shape(params["b1"]["grad"]) == (1,)
    assert close(np.ravel(params["W1"]["grad"]), epoch_1["dC_dW"])
    assert close(params["b1"]["grad"], [epoch_1["dC_db"]])

    nodes = out["nodes"]
    assert [n["id"] for n in nodes] == ["X", "Y", "W1", "XW1", "b1", "Z1", "A1", "L", "C"]
    assert all(set(n) == {"id", "label", "op", "value", "grad"} for n in nodes)
    by_id = {n["id"]: n for n in nodes}
    assert by_id["X"]["op"] == "input"
    assert by_id["W1"]["op"] == "param"
    assert by_id["A1"]["op"] == "sigmoid"
    assert by_id["X"]["value"] == batch_ref["X"]
    assert by_id["Y"]["grad"] is None
    assert by_id["C"]["value"] == out["cost"]
    assert by_id["C"]["grad"] == 1.0
    assert close(np.ravel(by_id["Z1"]["value"]), epoch_1["Z"])
    assert close(np.ravel(by_id["A1"]["value"]), epoch_1["Yhat"])
    assert close(np.ravel(by_id["A1"]["grad"]), epoch_1["dC_dYhat"])
    assert close(np.ravel(by_id["Z1"]["grad"]), epoch_1["dC_dZ"])
    assert close(by_id["L"]["grad"], [0.25] * 4)
    assert by_id["W1"]["grad"] == params["W1"]["grad"]


def test_trace_one_example(runs, batch_ref):
    out = ok_json(runs["trace_example_0"])
    # Example 0 alone is the §2 walkthrough: L = 0.125, ∂L/∂b = 0.125, ∂L/∂w = 0.
    assert abs(out["cost"] - 0.125) <= TOL
    assert close(out["params"]["b1"]["grad"], [0.125])
    assert close(out["params"]["W1"]["grad"], [[0.0], [0.0]])
    by_id = {n["id"]: n for n in out["nodes"]}
    assert by_id["X"]["value"] == [batch_ref["X"][0]]
    assert by_id["Y"]["value"] == [[batch_ref["y"][0]]]


def test_trace_example_out_of_range(runs):
    assert "--example 4 is outside 0..3" in one_line_error(runs["trace_example_out_of_range"])


def test_train_prints_the_reference_costs_and_parameters(runs, batch_ref):
    out = ok_json(runs["train_3"])
    assert set(out) == {"cost", "params"}
    epochs = batch_ref["epochs"]
    assert len(out["cost"]) == 3
    assert close(out["cost"], [e["cost"] for e in epochs])
    assert np.shape(out["params"]["W1"]) == (2, 1)
    assert close(np.ravel(out["params"]["W1"]), epochs[-1]["W_after"])
    assert close(out["params"]["b1"], [epochs[-1]["b_after"]])


def test_train_needs_at_least_one_epoch(runs):
    assert "--epochs must be at least 1" in one_line_error(runs["train_0_epochs"])
    assert "--epochs" in one_line_error(runs["train_without_epochs"])
    for key in ("train_0_epochs", "train_without_epochs"):
        assert runs[key].stdout == ""


def test_unknown_preset_names_the_known_ones(runs):
    err = one_line_error(runs["unknown_preset"])
    assert "no preset 'no_such_preset'" in err
    assert "or_gate" in err


def test_diverging_training_stops_with_a_reason(runs):
    run = runs["train_house_prices"]
    err = one_line_error(run, status=1)
    assert "stopped after" in err
    assert "learning rate" in err
    out = json.loads(run.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the output"))
    assert "learning rate" in out["stopped"]
    assert 0 < len(out["cost"]) < 50
    assert all(math.isfinite(c) for c in out["cost"])
    assert all(math.isfinite(v) for v in np.ravel(out["params"]["W1"]).tolist() + out["params"]["b1"])


def test_entry_point_dispatches_in_process(capsys, batch_ref):
    from gui.launch import main

    assert main(["train", "preset:or_gate", "--epochs", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert close(json.loads(captured.out)["cost"], [e["cost"] for e in batch_ref["epochs"][:2]])
