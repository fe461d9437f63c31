"""Qt calls that return nothing must not drop references to None.

PySide6-Essentials 6.12.0 on CPython 3.11 loses one reference to None per such call and
later aborts with "none_dealloc". On CPython 3.12+ None is immortal and its count stays fixed.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject


def test_set_object_name_keeps_the_reference_count_of_none():
    obj = QObject()
    set_name = obj.setObjectName
    set_name("warm-up")
    gc.collect()
    was_enabled = gc.isenabled()  # a window collects on the GUI thread only, with the automatic collector off
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for _ in range(1000):
            set_name("node")
        after = sys.getrefcount(None)
    finally:
        if was_enabled:
            gc.enable()
    assert obj.objectName() == "node"
    assert after == before
