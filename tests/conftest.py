"""Shared test set-up: Qt runs headless, and the walkthrough's reference numbers are at hand."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
# The OR-gate walkthrough's published numbers (curriculum §2 and §3), kept as the project's own test data.
REFERENCE = REPO / "tests" / "data" / "or_gate_reference.json"


@pytest.fixture(scope="session")
def reference() -> dict:
    """The OR-gate walkthrough numbers from tests/data/or_gate_reference.json."""
    if not REFERENCE.is_file():
        pytest.fail(f"reference data missing: {REFERENCE}")
    return json.loads(REFERENCE.read_text())
