"""Importing core and running its command line loads no Qt module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import contextlib, importlib, io, json, pkgutil, sys
import core
names = sorted(m.name for m in pkgutil.walk_packages(core.__path__, "core."))
for name in names:
    importlib.import_module(name)
import core.cli
import gui.launch
with contextlib.redirect_stdout(io.StringIO()) as out:
    status = core.cli.main(["train", "preset:or_gate", "--epochs", "2"])
    launched = gui.launch.main(["trace", "preset:or_gate"])
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"))
lines = out.getvalue().count("\\n")
print(json.dumps({"modules": names, "status": [status, launched], "lines": lines, "qt": qt}))
"""


def test_core_and_the_command_line_load_no_qt():
    run = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    expected = {"core.cli", "core.session", "core.stepper", "core.training", "core.presets"}
    assert expected <= set(result["modules"])
    assert result["status"] == [0, 0]
    assert result["lines"] == 2
    assert result["qt"] == []
