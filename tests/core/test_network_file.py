"""Network files: every bad file is refused (in Python and by the console script), round trips, presets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.network import Layer, Network
from core.network_file import FORMAT, NetworkFileError, from_dict, load, loads, save, to_dict
from core.presets import load_preset, preset_keys, preset_names
from core.session import Mode, Session
from core.training import train_all
from tests.core.documents import or_gate_document

REPO = Path(__file__).resolve().parents[2]
OR_GATE = or_gate_document()
OR_TEXT = json.dumps(OR_GATE)


def changed(**edits) -> str:
    """The OR-gate file with top-level fields, ``layer_*`` fields or ``data_*`` fields replaced."""
    doc = json.loads(OR_TEXT)
    for key, value in edits.items():
        if key.startswith("layer_"):
            doc["layers"][0][key[len("layer_") :]] = value
        elif key.startswith("data_"):
            doc["data"][key[len("data_") :]] = value
        elif value is None:
            del doc[key]
        else:
            doc[key] = value
    return json.dumps(doc)


def replaced(old: str, new: str) -> str:
    assert old in OR_TEXT
    return OR_TEXT.replace(old, new, 1)


# id -> (file text, a fragment the one-line message must contain)
BAD_FILES = {
    "not_json": ("{not json", "not valid JSON"),
    "empty_file": ("", "not valid JSON"),
    "not_an_object": ("[1, 2]", "one JSON object"),
    "unknown_format_tag": (changed(format="backprop-stepper.network/2"), "unknown format tag"),
    "missing_format_tag": (changed(format=None), "unknown format tag"),
    "weights_wrong_shape": (
        changed(layer_weights=[[0.1], [0.6], [0.2]]),
        "weights have shape 3×1, expected 2×1",
    ),
    "bias_wrong_shape": (changed(layer_bias=[0.0, 1.0]), "bias have shape 2, expected 1"),
    "ragged_rows": (changed(data_X=[[0, 0], [0], [1, 0], [1, 1]]), "rows of different lengths"),
    "targets_wrong_shape": (changed(data_y=[[0], [1], [1]]), "data y has shape 3×1, expected 4×1"),
    "unknown_activation": (changed(layer_activation="sigmoidd"), "unknown activation 'sigmoidd'"),
    "unknown_loss": (changed(loss="hinge"), "unknown loss 'hinge'"),
    "nan_literal": (replaced('"X": [[0, 0]', '"X": [[NaN, 0]'), "non-finite number NaN"),
    "infinity_literal": (replaced('"weights": [[0.1]', '"weights": [[Infinity]'), "number Infinity"),
    "minus_infinity_literal": (replaced('"bias": [0.0]', '"bias": [-Infinity]'), "number -Infinity"),
    "overflow_in_data": (replaced('"y": [[0]', '"y": [[1e999]'), "data y contains a non-finite number"),
    "overflow_in_weights": (
        replaced('"weights": [[0.1]', '"weights": [[1e999]'),
        "weights contains a non-finite",
    ),
    "overflow_in_bias": (replaced('"bias": [0.0]', '"bias": [1e999]'), "bias contains a non-finite number"),
    "overflow_learning_rate": (replaced('"learning_rate": 1.0', '"learning_rate": 1e999'), "learning_rate"),
    "empty_data": (changed(data_X=[], data_y=[]), "data X must be a non-empty list"),
    "inputs_do_not_match_data": (
        changed(inputs=3, layer_weights=None),
        "data X has 2 columns but the network has 3 inputs",
    ),
    "data_has_extra_column": (
        changed(data_X=[[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]),
        "data X has 3 columns but the network has 2 inputs",
    ),
}
# Problems that only a file on disk can have.
BAD_ON_DISK = {
    "not_utf8": (b"\xff\xfe{\x00", "is UTF-16 text"),
    "missing_file": (None, "cannot read"),
}


def test_the_good_file_loads():
    net = loads(OR_TEXT)
    assert net.name == "OR gate"
    assert net.inputs == 2
    assert net.X.shape == (4, 2)
    assert net.Y.shape == (4, 1)


@pytest.mark.parametrize(("text", "fragment"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_text_raises_network_file_error(text, fragment):
    with pytest.raises(NetworkFileError) as caught:
        loads(text)
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


@pytest.mark.parametrize(("text", "fragment"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_raises_network_file_error(tmp_path, text, fragment):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(NetworkFileError, match=r"^.+$") as caught:
        load(path)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(("content", "fragment"), BAD_ON_DISK.values(), ids=BAD_ON_DISK.keys())
def test_unreadable_file_raises_network_file_error(tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(NetworkFileError) as caught:
        load(path)
    assert fragment in str(caught.value)


# -- the same files through the real console script --------------------------------------------

SCRIPT = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture(scope="module")
def console_runs(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess]]:
    """``backprop-stepper train FILE --epochs 3`` on every bad file, run side by side."""
    folder = tmp_path_factory.mktemp("bad_files")
    cases = {k: text.encode() for k, (text, _) in BAD_FILES.items()}
    cases |= {k: content for k, (content, _) in BAD_ON_DISK.items()}
    running = {}
    for key, content in cases.items():
        path = folder / f"{key}.json"
        if content is not None:
            path.write_bytes(content)
        command = [sys.executable, "-c", SCRIPT, "train", str(path), "--epochs", "3"]
        proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        running[key] = (path, proc)
    done = {}
    for key, (path, proc) in running.items():
        out, err = proc.communicate(timeout=120)
        done[key] = (path, subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


@pytest.mark.parametrize("key", [*BAD_FILES, *BAD_ON_DISK])
def test_console_script_refuses_bad_file_in_one_line(console_runs, key):
    path, run = console_runs[key]
    with pytest.raises(NetworkFileError) as caught:
        load(path)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert run.stderr == f"backprop-stepper: {str(path)!r}: {caught.value}\n"
    fragment = {**BAD_FILES, **BAD_ON_DISK}[key][1]
    assert fragment in run.stderr


# -- round trips ---------------------------------------------------------------------------------


def _same_network(a: Network, b: Network) -> None:
    assert (a.name, a.inputs, a.loss, a.learning_rate, a.batch_size, a.seed) == (
        b.name,
        b.inputs,
        b.loss,
        b.learning_rate,
        b.batch_size,
        b.seed,
    )
    assert a.description == b.description
    assert (a.feature_names, a.target_names) == (b.feature_names, b.target_names)
    assert [(la.units, la.activation) for la in a.layers] == [(lb.units, lb.activation) for lb in b.layers]
    assert np.array_equal(a.X, b.X)
    assert np.array_equal(a.Y, b.Y)
    pa, pb = a.initial_params(), b.initial_params()
    assert pa.keys() == pb.keys()
    assert all(np.array_equal(pa[k], pb[k]) for k in pa)


@pytest.mark.parametrize("key", preset_keys())
def test_to_dict_from_dict_round_trip(key):
    net = load_preset(key)
    doc = to_dict(net)
    assert doc["format"] == FORMAT
    again = from_dict(json.loads(json.dumps(doc)))
    _same_network(net, again)
    assert to_dict(again) == doc


def test_seeded_weights_are_written_out(tmp_path):
    rng = np.random.default_rng(1)
    net = Network(
        name="seeded",
        inputs=3,
        layers=(Layer(4, "tanh"), Layer(2, "softmax")),
        loss="cross_entropy",
        learning_rate=0.2,
        batch_size=2,
        seed=7,
        X=rng.normal(size=(6, 3)),
        Y=np.eye(2)[rng.integers(0, 2, 6)],
    )
    doc = to_dict(net)
    assert np.array_equal(np.array(doc["layers"][0]["weights"]), net.initial_params()["W1"])
    path = tmp_path / "seeded.json"
    save(net, path)
    _same_network(net, load(path))


def test_save_and_load_trained_parameters(tmp_path):
    net = load_preset("mood_2_2_1")
    params = train_all(net, net.initial_params(), 25).params
    path = tmp_path / "trained.json"
    save(net, path, params)
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == FORMAT
    loaded = load(path)
    assert loaded.name == net.name
    for name, value in params.items():
        assert np.array_equal(loaded.initial_params()[name], value), name
    _same_network(net.with_params(params), loaded)
    assert [p.name for p in tmp_path.iterdir()] == ["trained.json"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_save_leaves_the_old_file(tmp_path, monkeypatch, failing):
    path = tmp_path / "net.json"
    save(load_preset("or_gate"), path)
    old = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="No space left"):
        save(load_preset("mood_2_2_1"), path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]  # no temporary file left behind
    save(load_preset("mood_2_2_1"), path)
    assert load(path).name == load_preset("mood_2_2_1").name


# -- presets -------------------------------------------------------------------------------------


def test_presets_cover_the_curriculum_models():
    keys = preset_keys()
    assert keys[0] == "or_gate"
    assert {
        "or_gate",
        "house_prices",
        "house_prices_standardised",
        "mood_perceptron",
        "mood_2_2_1",
        "net_2_4_1_sigmoid",
        "net_2_4_1_tanh",
        "net_2_4_1_relu",
        "softmax_3_class",
    } <= set(keys)
    with pytest.raises(KeyError, match="or_gate"):
        load_preset("no_such_preset")


def test_preset_data_match_the_curriculum():
    house = load_preset("house_prices")
    assert house.X.tolist() == [[1000, 2], [2000, 4], [3000, 7]]
    assert house.Y.ravel().tolist() == [20000, 30000, 50000]
    for key in ("mood_perceptron", "mood_2_2_1"):
        mood = load_preset(key)
        assert mood.X.tolist() == [[3, 0], [0, 2], [1, 3], [2, 1]], key
        assert mood.Y.ravel().tolist() == [1, 0, 0, 1], key
        assert mood.loss == "log_loss", key
    assert [layer.units for layer in load_preset("mood_2_2_1").layers] == [2, 1]
    assert [(layer.units, layer.activation) for layer in load_preset("net_2_4_1_relu").layers] == [
        (4, "relu"),
        (1, "sigmoid"),
    ]
    softmax = load_preset("softmax_3_class")
    assert softmax.outputs >= 3
    assert softmax.layers[-1].activation == "softmax"
    assert np.array_equal(softmax.Y.sum(axis=1), np.ones(softmax.examples))


@pytest.mark.parametrize("key", preset_keys())
def test_every_preset_trains_50_epochs(key):
    net = load_preset(key)
    result = train_all(net, net.initial_params(), 50)
    assert all(np.all(np.isfinite(v)) for v in result.params.values())
    assert np.all(np.isfinite(result.costs))
    if key == "house_prices":
        # Raw square feet diverge at this learning rate: training stops and says why.
        assert result.stopped is not None
        assert "learning rate" in result.stopped
        assert 0 < result.epoch < 50
        assert len(result.costs) == result.epoch
        assert np.all(np.diff(result.costs) > 0)
        # The kept parameters are the last ones with a finite cost: the last cost reported.
        kept = Session(net.with_params(result.params), Mode.BATCH).current.cost
        assert kept == pytest.approx(result.costs[-1], rel=1e-12)
    else:
        assert result.stopped is None
        assert result.epoch == 50
        assert result.costs.shape == (50,)
        assert result.costs[-1] < result.costs[0]


def test_the_presets_menu_names_are_the_presets_own():
    assert list(preset_names()) == preset_keys()
    assert preset_names() == {key: load_preset(key).name for key in preset_keys()}
