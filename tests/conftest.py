"""Shared test set-up: Qt runs headless, and the walkthrough's reference numbers are at hand."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The user's own settings (window layout, recent files, theme) are never read or written by the tests,
# nor by the app run as a subprocess from them.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="backprop-stepper-test-config-")

REPO = Path(__file__).resolve().parents[1]
# The OR-gate walkthrough's published numbers (curriculum §2 and §3), kept as the project's own test data.
REFERENCE = REPO / "tests" / "data" / "or_gate_reference.json"


@pytest.fixture(scope="session")
def reference() -> dict:
    """The OR-gate walkthrough numbers from tests/data/or_gate_reference.json."""
    if not REFERENCE.is_file():
        pytest.fail(f"reference data missing: {REFERENCE}")
    return json.loads(REFERENCE.read_text())


@pytest.fixture(autouse=True)
def fresh_preferences(tmp_path_factory):
    """Each test that uses Qt starts with empty preferences (gui.preferences), in a folder of its own."""
    if "PySide6.QtCore" not in sys.modules:
        yield
        return
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("config")))
    yield


@pytest.fixture(autouse=True)
def default_theme():
    """Each test that uses the live theme starts from the light palette at scale 1, whatever the last one set."""
    theme = sys.modules.get("gui.theme")
    if theme is not None:
        theme.THEME.reset()
