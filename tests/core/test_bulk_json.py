"""Big arrays of numbers in network and session files are read by numpy (core/bulk_json.py): the same
network to the bit as json's reading gives, the same one-line refusals, a fraction of the memory."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from core import bulk_json, network_file, session_file
from core.network import Layer, Network
from core.presets import load_preset
from core.session import Session
from core.session_file import SessionDocument, SessionFileError


@pytest.fixture
def small_bulk(monkeypatch):
    """Every array of a test file read by numpy, in chunks of a few numbers (cut after commas)."""
    monkeypatch.setattr(bulk_json, "BULK_CHARS", 16)
    monkeypatch.setattr(bulk_json, "CHUNK_CHARS", 40)


def as_json_reads(text: str, monkeypatch, read=network_file.loads):
    """What ``read`` makes of ``text`` with every array read by json (as before core/bulk_json.py)."""
    with monkeypatch.context() as m:
        m.setattr(bulk_json, "BULK_CHARS", 10**12)
        return read(text)


def outcome(read, text: str):
    try:
        return read(text)
    except (network_file.NetworkFileError, SessionFileError) as e:
        return str(e)


def network_text(indent: int | None = 1, **data) -> str:
    doc = network_file.to_dict(load_preset("mood_2_2_1"))
    doc["data"].update(data)
    return json.dumps(doc, indent=indent)


def assert_same_network(a: Network, b: Network) -> None:
    for x, y in ((a.X, b.X), (a.Y, b.Y), *zip(a.initial_params().values(), b.initial_params().values(), strict=True)):
        assert x.dtype == y.dtype == float
        assert x.shape == y.shape
        assert np.array_equal(x, y)
        assert np.array_equal(np.signbit(x), np.signbit(y))


@pytest.mark.parametrize("indent", [None, 0, 1, 4])
def test_a_file_reads_to_the_same_network_to_the_bit(small_bulk, monkeypatch, indent):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 2)) * 10.0 ** rng.integers(-300, 300, size=(50, 2))
    X[0], X[1] = [-0.0, 0.0], [3.0, 7.0]
    text = network_text(indent, X=X.tolist(), y=rng.integers(0, 2, 50).tolist())
    text = text.replace("3.0,", "3,", 1).replace("e+", "E+", 5)  # integers and capital exponents are JSON numbers too
    assert bulk_json._lift(text)[1]  # the arrays were read by numpy
    assert_same_network(network_file.loads(text), as_json_reads(text, monkeypatch))


@pytest.mark.parametrize(
    "data",
    [
        {"X": [[1.0, 2.0], [3.0], [4.0, 5.0]]},  # rows of different lengths
        {"X": [[1.0, 2.0], [3.0, 4.0, 5.0], [4.0, 5.0]]},
        {"X": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]},  # not rows
        {"X": [[[1.0, 2.0]], [[3.0, 4.0]]]},  # nested deeper
        {"y": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]},  # y of two columns for one output
        {"X": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 1e400]]},  # too large for a float
        {"X": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, int("9" * 400)]]},  # an integer of 400 digits
    ],
)
def test_a_bad_big_array_is_refused_as_json_reading_refused_it(small_bulk, monkeypatch, data):
    text = network_text(**data).replace("1e+400", "1e400")
    refused = outcome(network_file.loads, text)
    assert isinstance(refused, str)
    assert "\n" not in refused
    assert refused == as_json_reads(text, monkeypatch, lambda t: outcome(network_file.loads, t))


@pytest.mark.parametrize(
    ("good", "bad"),
    [
        ("1.5", "01.5"),
        ("1.5", "+1.5"),
        ("0.5", ".5"),
        ("1.0", "1."),
        ("2.0", "NaN"),
        ("3.0", "3.0 4.0"),
        ("4.0", "4.0,,"),
        ("1.5", "\u00a01.5"),
        ("1.5", "\u20281.5"),
        ("1.5", "\f1.5"),
    ],
)
def test_a_number_or_blank_json_does_not_allow_is_refused_at_its_line_and_column(small_bulk, monkeypatch, good, bad):
    X = [[1.0, 2.0], [1.5, 0.5], [3.0, 4.0]] * 5
    text = network_text(X=X, y=[0] * len(X)).replace(f"    {good}", f"    {bad}", 1)
    text = text.replace('"y": [', '"y": [\n  0,', 1) if bad == "0.5" else text
    refused = outcome(network_file.loads, text)
    assert isinstance(refused, str)
    assert refused == as_json_reads(text, monkeypatch, lambda t: outcome(network_file.loads, t))


def test_a_syntax_error_after_a_big_array_is_placed_in_the_file_as_before(small_bulk, monkeypatch):
    text = network_text(X=[[1.0, 2.0]] * 30, y=[0] * 30)
    text = text[: text.rindex("}")] + ',\n "oops" }'
    refused = outcome(network_file.loads, text)
    assert refused.startswith("not valid JSON")
    assert refused == as_json_reads(text, monkeypatch, lambda t: outcome(network_file.loads, t))


def test_text_that_looks_like_an_array_stays_text(small_bulk):
    description = 'said: "X": [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]'
    doc = network_file.to_dict(load_preset("mood_2_2_1"))
    doc["description"] = description
    assert network_file.loads(json.dumps(doc)).description == description


def test_a_session_with_big_data_round_trips(small_bulk, monkeypatch):
    net = load_preset("mood_2_2_1")
    session = Session(net.with_settings(X=np.linspace(-1, 1, 400).reshape(200, 2), Y=np.ones((200, 1))))
    for _ in range(30):
        session.step_forward()
    text = session_file.dumps(SessionDocument(session.snapshot()))
    ours = session_file.loads(text).snapshot
    theirs = as_json_reads(text, monkeypatch, session_file.loads).snapshot
    assert_same_network(ours.network, theirs.network)
    assert Session.restored(ours).cursor == session.cursor


def test_reading_a_big_file_takes_about_twice_its_size(tmp_path):
    """Measured in a fresh process: its peak memory over the start, for a 6.5 MB file of two-column data
    (json's reading took about seven times the file's size)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100_000, 2))
    net = Network("big", 2, (Layer(2, "tanh"), Layer(1, "sigmoid")), "log_loss", 0.1, X, (X[:, :1] > 0) * 1.0)
    path = tmp_path / "big.json"
    network_file.save(net, path)
    size = path.stat().st_size
    probe = (
        "import resource, sys; from core.network_file import load; "
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; net = load(sys.argv[1]); "
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024, net.X.shape[0])"
    )
    grown, rows = map(
        int,
        subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True
        ).stdout.split(),
    )
    assert rows == 100_000
    assert size > 6_000_000
    assert grown < 3 * size
