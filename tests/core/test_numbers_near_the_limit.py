"""Numbers near the largest float (±1e308) in CSV data and network files: every command answers with
JSON and at most one stderr line, never numpy's overflow warnings, and column statistics stay finite."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.csv_data import CsvOptions, read_csv
from core.network import column_moments, standardisation_of
from tests.core.cli_run import run
from tests.core.documents import or_gate_document

CSV_FILES = {
    "same_huge_values": "a,b,y\n1e308,1e308,0\n1e308,1e308,1\n",
    "opposite_huge_values": "a,b,y\n1.7e308,-1.7e308,0\n-1.7e308,1.7e308,1\n1,2,0\n",
    "huge_and_tiny": "a,b,y\n1.79e308,5e-324,0\n-1e-300,1e308,1\n3,-1.79e308,1\n",
}
COMMANDS = [
    ["data"],
    ["trace", "preset:or_gate", "--data"],
    ["train", "preset:or_gate", "--epochs", "3", "--data"],
    ["gradcheck", "preset:or_gate", "--data"],
    ["surface", "preset:or_gate", "--params", "W1[0][0]", "--grid", "3", "--data"],
]


@pytest.mark.parametrize("standardise", [[], ["--standardise"]], ids=["raw", "standardised"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("key", CSV_FILES)
def test_huge_csv_numbers_give_json_and_at_most_one_line(tmp_path, capsys, key, command, standardise):
    path = tmp_path / "d.csv"
    path.write_text(CSV_FILES[key])
    status, out, err = run(capsys, [*command, str(path), *standardise])
    assert status in (0, 1), err
    assert "Warning" not in err
    assert len(err.splitlines()) <= 1, err
    json.loads(out)
    if command[0] == "data":
        assert status == 0, err  # the data themselves are finite, and so are their statistics
        columns = json.loads(out)["summary"]["columns"]
        assert all(value is not None for stats in columns.values() for value in stats.values())


def test_a_network_file_of_huge_inputs_traces_in_one_line_at_most(tmp_path, capsys):
    doc = or_gate_document()
    doc["data"]["X"] = [[1.7e308, -1.7e308], [-1.7e308, 1.7e308], [1e308, 1e308], [0, 0]]
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(doc))
    for argv in (["trace", str(path)], ["train", str(path), "--epochs", "2"], ["gradcheck", str(path)]):
        status, out, err = run(capsys, argv)
        assert status in (0, 1), err
        assert len(err.splitlines()) <= 1, err
        json.loads(out)


def test_column_moments_are_numpys_bit_for_bit_on_ordinary_data():
    rng = np.random.default_rng(0)
    for _ in range(50):
        X = rng.normal(size=(int(rng.integers(2, 40)), 3)) * 10 ** rng.uniform(-6, 9)
        mean, std = column_moments(X)
        assert np.array_equal(mean, X.mean(axis=0))
        assert np.array_equal(std, X.std(axis=0))


def test_column_moments_near_the_largest_float_are_finite_and_right():
    X = np.array([[1.7e308, 1e308], [-1.7e308, 1e308], [1.7e308, 1e308]])
    mean, std = column_moments(X)
    # By hand: deviations (2/3, -4/3, 2/3) × 1.7e308 from the mean, so the variance is 8/9 × 1.7e308².
    assert mean == pytest.approx([1.7e308 / 3, 1e308], rel=1e-12)
    assert std == pytest.approx([1.7e308 / 3 * np.sqrt(8), 0.0], rel=1e-12)


def test_standardising_huge_columns_gives_mean_0_and_std_1():
    X = np.array([[1.7e308, -1.7e308], [-1.7e308, 1.7e308], [1.0, 2.0]])
    step = standardisation_of(X)
    Z = step.apply(X)  # numpy's warnings are errors in the tests: none may be raised
    assert np.all(np.isfinite(Z))
    assert Z.mean(axis=0) == pytest.approx([0.0, 0.0], abs=1e-12)
    assert Z.std(axis=0) == pytest.approx([1.0, 1.0], rel=1e-12)


def test_read_csv_statistics_of_huge_columns_are_finite(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(CSV_FILES["same_huge_values"])
    data = read_csv(path, CsvOptions(standardise=True))
    assert data.stats["a"].mean == 1e308
    assert data.stats["a"].std == 0.0
    assert np.all(np.isfinite(data.X))
