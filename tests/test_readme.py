"""The README's two commands, .ci/run, and the lint rules (Qt stays out of core/)."""

from __future__ import annotations

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
