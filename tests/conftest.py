"""Shared test set-up: Qt runs headless, and the shared reference numbers are at hand."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference" / "or_gate.json"


@pytest.fixture(scope="session")
def reference() -> dict:
    """The OR-gate walkthrough numbers from ../shared/reference/or_gate.json."""
    if not REFERENCE.is_file():
        pytest.fail(f"reference data missing: {REFERENCE} (shared/ must sit beside the repository)")
    return json.loads(REFERENCE.read_text())
