"""Cycles are collected on the GUI thread only: a worker thread's allocations never destroy Qt
objects (a closed window's cycle) off it."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtWidgets import QApplication

from gui.collector import GuiThreadCollector


class _Cycle:
    def __init__(self, finalized_in: list) -> None:
        self.me = self
        self.finalized_in = finalized_in

    def __del__(self) -> None:
        self.finalized_in.append(threading.current_thread())


def test_a_cycle_left_while_a_worker_allocates_is_collected_on_the_gui_thread(window, qtbot):
    assert not gc.isenabled()
    gc.collect()
    finalized_in: list = []
    _Cycle(finalized_in)
    kept = []
    worker = threading.Thread(target=lambda: kept.append([[] for _ in range(20_000)]))  # past every threshold
    worker.start()
    worker.join()
    assert finalized_in == []  # the worker collected nothing
    qtbot.waitUntil(lambda: bool(finalized_in), timeout=2000)  # the window's collector, on its timer
    assert finalized_in == [threading.main_thread()]


@pytest.mark.parametrize(
    ("counts", "collected"),
    [((5, 0, 0), []), ((701, 3, 50), [0]), ((701, 11, 2), [1]), ((701, 11, 11), [2]), ((0, 11, 11), [])],
)
def test_the_collector_collects_the_oldest_generation_due(window, monkeypatch, counts, collected):
    """As the automatic collector: generation k is due when its count and every younger one's pass
    their thresholds (700, 10, 10 by default)."""
    collector = QApplication.instance().findChild(GuiThreadCollector)
    done: list[int] = []
    monkeypatch.setattr(gc, "get_threshold", lambda: (700, 10, 10))
    monkeypatch.setattr(collector, "_thresholds", (700, 10, 10))
    monkeypatch.setattr(gc, "get_count", lambda: counts)
    monkeypatch.setattr(gc, "collect", done.append)
    monkeypatch.setattr(collector, "_long_lived", 0)
    collector.collect_due()
    assert done == collected


def test_the_oldest_generation_waits_until_a_quarter_more_objects_have_reached_it(window, monkeypatch):
    collector = QApplication.instance().findChild(GuiThreadCollector)
    done: list[int] = []
    monkeypatch.setattr(collector, "_thresholds", (700, 10, 10))
    monkeypatch.setattr(gc, "get_count", lambda: (701, 11, 11))
    monkeypatch.setattr(gc, "collect", done.append)
    oldest = len(gc.get_objects(2))
    monkeypatch.setattr(collector, "_long_lived", oldest)  # as if a full collection had just left them all
    collector.collect_due()
    assert done == [1]
    monkeypatch.setattr(collector, "_long_lived", int(oldest / 1.3))  # 30 % more since
    collector.collect_due()
    assert done == [1, 2]


def test_one_collector_however_many_windows(window, qtbot):
    from core.presets import load_preset
    from gui.main_window import MainWindow

    second = MainWindow(load_preset("or_gate"))
    qtbot.addWidget(second)
    assert len(QApplication.instance().findChildren(GuiThreadCollector)) == 1


EXIT_SCRIPT = """
import atexit, gc, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
atexit.register(lambda: print("collecting at exit:", gc.isenabled(), flush=True))  # runs after the collector's
from PySide6.QtWidgets import QApplication
app = QApplication([])
from core.presets import load_preset
from gui.main_window import MainWindow
window = MainWindow(load_preset("or_gate"), remember=False)
window.show()
app.processEvents()
print("collecting in the window:", gc.isenabled(), flush=True)
window.close()
del window  # left in its cycles: Python's last collection frees it, before Qt goes
"""


def test_the_automatic_collector_is_back_on_at_exit(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(repo), XDG_CONFIG_HOME=str(tmp_path))
    run = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["collecting in the window: False", "collecting at exit: True"]
