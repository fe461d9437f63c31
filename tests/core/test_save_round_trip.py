"""Save → open → trace gives identical numbers: trained weights, generated, CSV and standardised data."""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from core import cli
from core.csv_data import CsvOptions, read_csv
from core.data_import import with_data
from core.network import Network, ViewSettings, standardized
from core.network_file import FORMAT, NetworkFileError, from_dict, load, save, to_dict
from core.presets import load_preset
from core.session import Mode
from core.source import saved_mode
from core.trace import strict_json, trace_network
from core.training import train_all
from tests.core.documents import two_hidden_network

CSV = Path(__file__).resolve().parents[1] / "data" / "csv"


def _trace_json(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(argv) == 0
    return out.getvalue()


def _trace_of(net: Network) -> str:
    """What ``trace`` prints for a network held in memory (its initial parameters)."""
    return strict_json(trace_network(net))[0]


def _generated_softmax() -> Network:
    doc = {
        "format": FORMAT,
        "name": "blobs",
        "inputs": 2,
        "layers": [{"units": 5, "activation": "relu"}, {"units": 3, "activation": "softmax"}],
        "loss": "cross_entropy",
        "learning_rate": 0.3,
        "batch_size": 16,
        "seed": 11,
        "data": {"generate": "blobs", "n": 90, "noise": 0.7, "seed": 5, "k": 3},
    }
    return from_dict(doc)


def _csv_standardised() -> Network:
    data = read_csv(CSV / "semicolon_decimal_comma.csv", CsvOptions(standardise=True))
    return with_data(load_preset("house_prices"), data)


NETWORKS = {
    "mood_2_2_1": lambda: load_preset("mood_2_2_1"),
    "generated_blobs_softmax": _generated_softmax,
    "csv_standardised": _csv_standardised,
    "menu_standardised": lambda: standardized(load_preset("house_prices")),
}


@pytest.mark.parametrize("key", NETWORKS)
def test_save_open_trace_gives_identical_numbers(key, tmp_path):
    net = NETWORKS[key]()
    trained = train_all(net, net.initial_params(), 7).params  # weights that are not the file's any more
    path = tmp_path / f"{key}.json"
    save(net, path, trained)
    opened = load(path)
    for name, value in trained.items():
        assert np.array_equal(opened.initial_params()[name], value), name
    np.testing.assert_array_equal(opened.X, net.X)
    np.testing.assert_array_equal(opened.Y, net.Y)
    assert (opened.learning_rate, opened.batch_size, opened.seed) == (net.learning_rate, net.batch_size, net.seed)
    assert (opened.feature_names, opened.target_names) == (net.feature_names, net.target_names)
    assert _trace_json(["trace", str(path)]) == _trace_of(net.with_params(trained))
    # Training on from the saved file continues exactly as training on in memory.
    assert np.array_equal(train_all(opened, opened.initial_params(), 3).costs, train_all(net, trained, 3).costs)
    # Saving the opened file again writes the same text.
    again = tmp_path / "again.json"
    save(opened, again)
    assert again.read_text() == path.read_text()


def test_a_generated_set_is_saved_as_its_spec():
    doc = to_dict(_generated_softmax())
    assert doc["data"] == {"generate": "blobs", "n": 90, "noise": 0.7, "seed": 5, "k": 3}


def test_standardised_data_keep_their_statistics(tmp_path):
    net = _csv_standardised()
    path = tmp_path / "houses.json"
    save(net, path)
    saved = json.loads(path.read_text())["data"]["standardisation"]
    assert saved["mean"] == pytest.approx([2000, 13 / 3])
    opened = load(path)
    np.testing.assert_array_equal(opened.standardisation.mean, net.standardisation.mean)
    np.testing.assert_allclose(opened.original_X, [[1000, 2], [2000, 4], [3000, 7]])


@pytest.mark.parametrize(
    ("standardisation", "message"),
    [
        ({"mean": [0, 0]}, "data standardisation is missing std"),
        ({"mean": [0], "std": [1, 1]}, "data standardisation mean has 1 numbers for 2 inputs"),
        ({"mean": [0, 0], "std": [1, 0]}, "data standardisation std must be above 0, not 0"),
        ([1, 2], "data standardisation must be an object with mean and std, not a list"),
    ],
)
def test_bad_standardisation_is_a_one_line_error(standardisation, message):
    doc = to_dict(load_preset("or_gate"))
    doc["data"]["standardisation"] = standardisation
    with pytest.raises(NetworkFileError, match=f"^{message}"):
        from_dict(doc)


def test_the_view_settings_round_trip_and_fit_the_network(tmp_path):
    view = ViewSettings(mode="example", epochs=250, decimals=4, convention="columns")
    path = tmp_path / "view.json"
    save(load_preset("or_gate").with_settings(view=view), path)
    opened = load(path)
    assert opened.view == view
    assert saved_mode(opened) is Mode.EXAMPLE
    big = two_hidden_network(64, 4, view=ViewSettings(mode="example"))
    assert saved_mode(big) is None  # too many nodes for the scalar graph: the window's own choice
    assert saved_mode(load_preset("or_gate")) is None


@pytest.mark.parametrize(
    ("view", "message"),
    [
        ({"mode": "scalar"}, "view mode must be 'example' or 'batch', not the text 'scalar'"),
        ({"convention": "cols"}, "view convention must be 'rows' or 'columns', not the text 'cols'"),
        ({"epochs": 0}, "view epochs must be a whole number of at least 1, not 0"),
        ({"decimals": 13}, "view decimals is 13, over the limit of 12"),
        ({"zoom": 2}, "view has unknown field 'zoom'"),
        ("batch", "view must be an object (mode, epochs, decimals, convention), not the text 'batch'"),
    ],
)
def test_bad_view_settings_are_one_line_errors(view, message):
    doc = to_dict(load_preset("or_gate"))
    doc["view"] = view
    with pytest.raises(NetworkFileError) as e:
        from_dict(doc)
    assert str(e.value) == message


def test_a_saved_file_gets_ordinary_permissions(tmp_path):
    path = tmp_path / "net.json"
    umask = os.umask(0o022)
    try:
        save(load_preset("or_gate"), path)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # not mkstemp's private 0600
    path.chmod(0o640)
    save(load_preset("mood_2_2_1"), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # an existing file keeps its permissions
