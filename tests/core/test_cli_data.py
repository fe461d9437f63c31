"""``backprop-stepper data CSV`` and ``trace``/``train --data CSV`` through the console entry point."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.csv_data import CsvOptions, read_csv
from gui.launch import main

REPO = Path(__file__).resolve().parents[2]
CSV = "tests/data/csv"
SCRIPT = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"

BAD = {
    "ragged": ("bad_ragged.csv", "line 3 has 2 fields, expected 3 (as on line 1)"),
    "text_in_numeric": ("bad_text_in_numeric.csv", "line 3, column 1 (b): 'oops' is not a number"),
    "no_numeric": ("bad_no_numeric.csv", "the file has no numeric columns"),
    "single_row": ("bad_single_row.csv", "the file has a single data row (line 2)"),
    "first_line": ("bad_first_line.csv", "line 1 is neither a header nor a data row"),
    "empty": ("bad_empty.csv", "the file is empty"),
    "binary": ("bad_binary.csv", "this is a binary file, not a CSV text file"),
    "only_comments": ("bad_only_comments.csv", "the file has only comments and blank lines"),
    "missing_refused": ("missing.csv", "line 3, column 0 (a): missing value ''"),
    "absent": ("no_such_file.csv", "cannot read the file: No such file or directory"),
    "folder": ("", "is a folder, not a CSV file"),
}

RUNS: dict[str, list[str]] = {
    "semicolon": ["data", f"{CSV}/semicolon_decimal_comma.csv", "--standardise"],
    "whitespace": ["data", f"{CSV}/whitespace_quoted.csv", "--target", "mood", "--features", "beep count,0"],
    "text_target": ["data", f"{CSV}/text_target.csv"],
    "missing": ["data", f"{CSV}/missing.csv", "--missing", "drop"],
    "trace_with_data": ["trace", "preset:softmax_3_class", "--data", f"{CSV}/text_target.csv"],
    "train_with_data": ["train", "preset:mood_perceptron", "--data", f"{CSV}/whitespace_quoted.csv", "--epochs", "3"],
    "data_wrong_outputs": ["trace", "preset:or_gate", "--data", f"{CSV}/text_target.csv"],
    "data_wrong_inputs": ["trace", "preset:or_gate", "--data", f"{CSV}/text_target.csv", "--features", "x1"],
    "data_bad_target": ["data", f"{CSV}/text_target.csv", "--target", "5"],
    "option_without_data": ["train", "preset:or_gate", "--epochs", "1", "--standardise"],
    "bad_missing_choice": ["data", f"{CSV}/missing.csv", "--missing", "impute"],
    **{f"bad_{key}": ["data", f"{CSV}/{name}"] + (["--missing", "refuse"] if key.endswith("refused") else [])
       for key, (name, _) in BAD.items()},
}  # fmt: skip


SUBPROCESS = ("semicolon", "bad_ragged")  # the real console entry point; the rest run in this process


@pytest.fixture(scope="module")
def runs() -> dict[str, subprocess.CompletedProcess]:
    """Every command of RUNS through ``backprop-stepper``'s entry point: its status, stdout and stderr."""
    procs = {
        key: subprocess.Popen(
            [sys.executable, "-c", SCRIPT, *RUNS[key]],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for key in SUBPROCESS
    }
    done = {key: _in_process(argv) for key, argv in RUNS.items() if key not in SUBPROCESS}
    for key, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        done[key] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return done


def _in_process(argv: list[str]) -> subprocess.CompletedProcess:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(REPO), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as e:  # argparse's usage errors
            status = e.code
    return subprocess.CompletedProcess(argv, status, out.getvalue(), err.getvalue())


def ok_json(run: subprocess.CompletedProcess) -> dict:
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    return json.loads(run.stdout)


def one_line_error(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 2, run.stdout
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.stderr
    return run.stderr.strip()


def test_data_prints_the_network_files_data_shape_and_a_summary(runs):
    out = ok_json(runs["semicolon"])
    assert set(out) == {"X", "y", "feature_names", "target_names", "summary"}
    assert out["feature_names"] == ["size", "rooms"]
    assert out["target_names"] == ["price"]
    np.testing.assert_allclose(np.mean(out["X"], axis=0), 0, atol=1e-12)
    assert out["y"] == [[20000.5], [30000.25], [50000.0]]
    summary = out["summary"]
    assert summary["rows"] == 3
    assert summary["dropped"] == 0
    assert summary["columns"]["size"]["mean"] == 2000
    assert summary["columns"]["rooms"]["max"] == 7
    assert summary["standardisation"]["std"] == pytest.approx([816.496580927726, 2.0548046676563256])


def test_data_matches_the_core_reader(runs):
    out = ok_json(runs["text_target"])
    core = read_csv(REPO / CSV / "text_target.csv", CsvOptions())
    assert out["X"] == core.X.tolist()
    assert out["y"] == core.y.tolist()
    assert out["target_names"] == ["setosa", "versicolor", "virginica"]


def test_data_columns_by_name_and_index(runs):
    out = ok_json(runs["whitespace"])
    assert out["feature_names"] == ["beep count", "aack count"]
    assert out["X"] == [[0, 3], [2, 0], [3, 1], [1, 2]]
    assert out["y"] == [[0], [1], [1], [0]]
    assert out["summary"]["classes"] == ["happy", "sad"]


def test_data_reports_dropped_rows(runs):
    out = ok_json(runs["missing"])
    assert out["summary"]["dropped"] == 4
    assert out["summary"]["rows"] == 2
    assert out["X"] == [[1, 2], [7, 8]]


def test_trace_and_train_take_their_data_from_a_csv(runs):
    trace = ok_json(runs["trace_with_data"])
    assert trace["nodes"][0]["value"] == [[0.1, 0.2], [0.3, 0.1], [0.5, 0.9], [0.2, 0.4]]
    train = ok_json(runs["train_with_data"])
    assert len(train["cost"]) == 3


@pytest.mark.parametrize(
    ("key", "message"),
    [
        *[(f"bad_{key}", message) for key, (_, message) in BAD.items()],
        ("data_wrong_outputs", "the target column species has 3 classes (setosa, versicolor, virginica)"),
        ("data_wrong_inputs", "1 feature column (x1) but the network has 2 inputs"),
        ("data_bad_target", "target: column index 5 is outside 0..2"),
        ("option_without_data", "--standardise needs --data CSV"),
        ("bad_missing_choice", "argument --missing: invalid choice: 'impute'"),
    ],
)
def test_bad_csv_exits_2_with_one_line(runs, key, message):
    line = one_line_error(runs[key])
    assert line.startswith("backprop-stepper")
    assert message in line
