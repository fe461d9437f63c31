"""The network file's "optimizer" field and `train --optimizer` with its settings."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from core import cli
from core.network_file import NetworkFileError, load, loads, save, to_dict
from core.optimizers import Optimizer
from core.presets import load_preset
from core.training import train_all


def or_gate_doc(**changes) -> dict:
    doc = to_dict(load_preset("or_gate"))
    doc.update(changes)
    return doc


def test_files_without_the_field_use_gradient_descent_and_save_without_it():
    net = loads(json.dumps(or_gate_doc()))
    assert net.optimizer == Optimizer()
    assert "optimizer" not in to_dict(net)


@pytest.mark.parametrize(
    "value",
    ["adam", {"name": "adam", "beta1": 0.8}, {"name": "momentum", "momentum": 0.5}, {"name": "newton", "damping": 0.1}],
)
def test_the_field_is_read_and_saved_back(value, tmp_path):
    net = loads(json.dumps(or_gate_doc(optimizer=value)))
    assert net.optimizer.name == (value if isinstance(value, str) else value["name"])
    save(net, tmp_path / "net.json")
    assert load(tmp_path / "net.json").optimizer == net.optimizer


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("rmsprop", "optimizer: unknown optimizer 'rmsprop'"),
        ({"name": "adam", "beta1": 2}, r"optimizer: beta1 must be in \[0, 1\)"),
        ([1, 2], "optimizer: optimizer must be a name or an object"),
    ],
)
def test_bad_fields_are_one_line(value, message):
    with pytest.raises(NetworkFileError, match=message) as error:
        loads(json.dumps(or_gate_doc(optimizer=value)))
    assert "\n" not in str(error.value)


def test_newton_on_too_many_parameters_is_refused_with_the_reason():
    doc = or_gate_doc(
        optimizer="newton", layers=[{"units": 150, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]
    )
    with pytest.raises(NetworkFileError, match=r"optimizer: Newton's method needs the 601×601 Hessian"):
        loads(json.dumps(doc))


def run(capsys, *argv) -> tuple[int, dict | None, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, (json.loads(out) if status == 0 else None), err


@pytest.mark.parametrize(
    ("flags", "optimizer"),
    [
        ([], Optimizer()),
        (["--optimizer", "momentum"], Optimizer("momentum")),
        (["--optimizer", "momentum", "--momentum", "0.5"], Optimizer("momentum", momentum=0.5)),
        (
            ["--optimizer", "adam", "--beta1", "0.8", "--beta2", "0.9", "--eps", "1e-6"],
            Optimizer("adam", 0.9, 0.8, 0.9, 1e-6),
        ),
        (["--optimizer", "newton", "--damping", "0.5"], Optimizer("newton", damping=0.5)),
        (["--optimizer", "newton", "--undamped"], Optimizer("newton", undamped=True)),
    ],
)
def test_train_with_an_optimizer_prints_what_training_computes(capsys, flags, optimizer):
    status, result, err = run(capsys, "train", "preset:mood_2_2_1", "--epochs", "4", *flags)
    assert status == 0, err
    net = load_preset("mood_2_2_1").with_settings(optimizer=optimizer)
    expected = train_all(net, net.initial_params(), 4)
    np.testing.assert_allclose(result["cost"], expected.costs, rtol=1e-12)
    for name, value in expected.params.items():
        np.testing.assert_allclose(result["params"][name], value, rtol=1e-12)


def test_the_files_optimizer_is_used_and_its_settings_can_be_changed(capsys, tmp_path):
    path = tmp_path / "net.json"
    path.write_text(json.dumps(or_gate_doc(optimizer={"name": "momentum", "momentum": 0.3})))
    status, result, err = run(capsys, "train", str(path), "--epochs", "3", "--momentum", "0.6")
    assert status == 0, err
    net = load_preset("or_gate").with_settings(optimizer=Optimizer("momentum", momentum=0.6))
    np.testing.assert_allclose(result["cost"], train_all(net, net.initial_params(), 3).costs, rtol=1e-12)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--optimizer", "lbfgs"], "invalid choice: 'lbfgs'"),
        (["--optimizer", "momentum", "--momentum", "1"], r"momentum μ must be in \[0, 1\)"),
        (["--optimizer", "adam", "--eps", "inf"], "--eps: must be a finite number"),
        (["--optimizer", "adam", "--beta2", "x"], "--beta2: must be a number, not 'x'"),
        (["--optimizer", "gd", "--beta1", "0.5"], "--beta1 is a setting of adam, not of the optimizer gd"),
        (["--optimizer", "newton", "--damping", "-1"], r"damping must be in \[0, 1e6\]"),
    ],
)
def test_bad_settings_exit_2_with_one_line(capsys, flags, message):
    try:
        status = cli.main(["train", "preset:or_gate", "--epochs", "2", *flags])
    except SystemExit as exit_:  # argparse's refusals
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert re.search(message, err)


def test_newton_that_does_not_fit_the_network_exits_2(capsys, tmp_path):
    doc = or_gate_doc(layers=[{"units": 150, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}])
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(doc))
    status, _, err = run(capsys, "train", str(path), "--epochs", "1", "--optimizer", "newton")
    assert status == 2
    assert err.count("\n") == 1
    assert "Newton's method needs the 601×601 Hessian" in err
    assert "up to 300 parameters" in err


def test_the_editor_refuses_newton_on_a_network_grown_too_large():
    from core.network_edit import LayerChoice, problem, with_structure

    net = load_preset("mood_2_2_1").with_settings(optimizer=Optimizer("newton"))
    grown = with_structure(net, 2, (LayerChoice(200, "tanh"), LayerChoice(1, "sigmoid")), net.loss, 0.1, None)
    assert "up to 300 parameters" in problem(grown)
