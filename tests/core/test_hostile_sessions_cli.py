"""Hostile session files on the command line: every field of a real session replaced by wrong values,
the file cut at every byte, and a diverged session given to ``train``: one stderr line, the right exit
status, never a traceback. (test_session_file.py names the message of each field's refusal.)"""

from __future__ import annotations

import json

import pytest

from core import network_file, session_file
from core.session_file import SessionFileError
from tests.core.cli_run import run
from tests.core.documents import fields, or_gate_document, replaced, session_document

WRONG = [None, True, -1, 0.5, 10**400, 1e308, "a\nb", "NaN", [], {}]
COMMANDS = [
    ["trace"],
    ["train", "--epochs", "2"],
    ["gradcheck"],
    ["surface", "--params", "W1[0][0]", "--grid", "3"],
]


def real_session() -> dict:
    """The OR gate with momentum, stepped through two updates, with a stop and a view."""
    doc = or_gate_document()
    doc["optimizer"] = {"name": "momentum", "momentum": 0.9}
    return session_document(network_file.from_dict(doc), 3, 20, centre=[1.0, 2.0])


def assert_answered(status: int, out: str, err: str, where: str) -> None:
    """A refusal (2, one line, no output), or JSON with at most one line (1: something was not finite)."""
    assert status in (0, 1, 2), where
    assert "Traceback" not in err, where
    assert len(err.splitlines()) <= 1, f"{where}: {err}"
    if status == 2:
        assert out == "", where
        assert err.startswith("backprop-stepper: "), where
    else:
        json.loads(out)


SESSION = real_session()
STATE_FIELDS = [f for f in fields(SESSION) if f[0] != "stops" or len(f) <= 3]


@pytest.mark.parametrize("where", STATE_FIELDS, ids=lambda f: ".".join(map(str, f)))
def test_any_session_field_replaced_by_a_wrong_value_is_one_line_or_runs(tmp_path, capsys, where):
    path = tmp_path / "s.json"
    for k, wrong in enumerate(WRONG):
        path.write_text(json.dumps(replaced(SESSION, where, wrong)))
        command = COMMANDS[k % len(COMMANDS)]
        argv = [command[0], str(path), *command[1:]]
        assert_answered(*run(capsys, argv), f"{'.'.join(map(str, where))} = {wrong!r:.30} ({command[0]})")


def test_a_session_cut_at_any_byte_is_refused_in_one_line():
    text = json.dumps(SESSION)
    for cut in range(len(text)):
        with pytest.raises(SessionFileError) as caught:
            session_file.loads_any(text[:cut])
        assert "\n" not in str(caught.value)


@pytest.mark.parametrize("cut", [0, 1, 100, 1000, -1], ids=lambda c: f"cut_{c}")
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_cut_session_on_the_command_line_is_exit_2(tmp_path, capsys, cut, command):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(SESSION)[:cut])
    status, out, err = run(capsys, [command[0], str(path), *command[1:]])
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_training_a_diverged_session_is_refused_naming_the_parameter(tmp_path, capsys, value):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(replaced(SESSION, ("state", "params", "b1", 0), value)))
    status, out, err = run(capsys, ["train", str(path), "--epochs", "3"])
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert "not finite (b1 holds NaN or ±inf)" in err


def test_a_session_asking_to_replay_too_many_steps_is_refused_before_replaying(tmp_path, capsys):
    """40,000 passes of the OR gate's 13 steps: 520,000 steps, over the 500,000 a state may replay."""
    doc = replaced(SESSION, ("state", "passes"), [{"count": 40_000, "learning_rate": 1.0, "optimizer": "gd"}])
    doc["state"]["updates"] = 40_000
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc))
    status, out, err = run(capsys, ["trace", str(path)])
    assert (status, out) == (2, "")
    assert "40,000 passes of 13 steps to replay (520,000), over the limit of 500,000" in err
