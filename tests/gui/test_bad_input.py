"""Bad input in the window: a negative seed, and a training process that raises or dies."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from core.network_file import FORMAT
from tests.conftest import REPO

LAUNCH = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"
NEGATIVE_SEED = {
    "format": FORMAT,
    "inputs": 2,
    "seed": -1,
    "layers": [{"units": 1, "activation": "sigmoid"}],
    "loss": "half_squared_error",
    "data": {"X": [[0, 1], [1, 0]], "y": [0, 1]},
}


def test_opening_a_negative_seed_names_the_field(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "seeded.json"
    path.write_text(json.dumps(NEGATIVE_SEED))
    before = window.model.session
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.model.session is before
    text = window.message_bar.text()
    assert text.startswith("Could not open 'seeded.json': seed must be")
    assert "Internal error" not in text


def test_a_negative_seed_on_the_command_line_is_one_line(tmp_path):
    path = tmp_path / "seeded.json"
    path.write_text(json.dumps(NEGATIVE_SEED))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH, str(path)], capture_output=True, text=True, env=env, cwd=REPO, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "seed must be a whole number of at least 0, not -1" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unexpected_value_error_while_loading_is_one_line(monkeypatch, capsys):
    from core import cli
    from gui import app

    def load(path):
        raise ValueError("expected non-negative integer")

    monkeypatch.setattr(cli, "load_any", load)
    args = argparse.Namespace(file="odd.json", preset=None, screenshot=None, steps=0, size=(800, 600), mode=None)
    assert app.run(args) == 2
    err = capsys.readouterr().err
    assert err == "backprop-stepper: 'odd.json': expected non-negative integer\n"


def test_training_that_raises_says_so(window, qtbot, monkeypatch):
    # The child gets parameters without b1, so core.training raises in the real training process.
    begin = window.model.begin_training

    def begin_without_a_bias():
        params, epoch = begin()
        return {k: v for k, v in params.items() if k != "b1"}, epoch  # a copy: the session's stay whole

    monkeypatch.setattr(window.model, "begin_training", begin_without_a_bias)
    window.trainer.start(100)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=10000)
    text = window.message_bar.text()
    assert window.message_bar.isVisible()
    assert text.startswith("Training stopped unexpectedly: KeyError: 'b1'")
    assert text.count("\n") == 0
    assert window.act_play.text() == "Play"


def test_a_training_process_that_dies_says_so_and_keeps_what_it_sent(window, qtbot):
    window.trainer.start()
    qtbot.waitUntil(lambda: len(window.model.session.history.costs) >= 100, timeout=10000)
    window.trainer._process.kill()  # as the kernel's out-of-memory killer would
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=10000)
    assert window.message_bar.text().startswith(
        "Training stopped unexpectedly: the training process was killed by signal 9"
    )
    assert len(window.model.session.history.costs) >= 100
    assert window.model.session.epoch >= 100
