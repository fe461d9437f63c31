"""The README's two commands, .ci/run, and the lint rules (Qt stays out of core/)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", text)[:2]


def test_readme_opens_with_the_two_commands():
    text = (REPO / "README.md").read_text()
    first_blocks = text.split("\n\n")[1:3]
    assert all(block.startswith("```sh\n") for block in first_blocks)
    launch, test = _readme_commands()
    assert launch.endswith(".venv/bin/backprop-stepper")
    assert "pytest" in test


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert _readme_commands()[1] in ci


def test_ruff_is_clean_and_bans_qt_in_core():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is part of the test extra"
    result = subprocess.run([ruff, "check", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    probe = subprocess.run(
        [ruff, "check", "--stdin-filename", "core/probe.py", "-"],
        input="from PySide6.QtCore import QObject\n\nQObject()\n",
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert "TID251" in probe.stdout


def _readme_session_example() -> str:
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```json\n(.+?)\n```", text, re.DOTALL)
    return next(block for block in blocks if "backprop-stepper.session/1" in block)


def test_the_readme_session_example_is_a_whole_session_that_opens():
    """Every field of the state is spelt out, and the file opens where the steps it describes lead."""
    from core.presets import load_preset
    from core.session import Mode, Session
    from core.session_file import _STATE_KEYS, loads, to_dict

    example = _readme_session_example()
    document = loads(example)
    state = json.loads(example)["state"]
    assert set(_STATE_KEYS) | {"start_example", "epoch_carry", "selected_node"} <= set(state)
    stepped = Session(load_preset("or_gate"))
    stepped.next_example()
    stepped.set_mode(Mode.BATCH)
    for _ in range(4):
        stepped.step_forward()
    opened = Session.restored(document.snapshot)
    assert (opened.mode, opened.cursor, opened.position) == (stepped.mode, stepped.cursor, stepped.position)
    assert (opened.start_example, state["epoch_carry"]) == (1, [0.125, 1])
    for name, value in stepped.params.items():
        assert opened.params[name].tolist() == value.tolist()
    assert to_dict(document) == json.loads(example)  # as the window would write it back
    assert Session.restored(document.stops[0].snapshot).position == Session(load_preset("or_gate")).position
