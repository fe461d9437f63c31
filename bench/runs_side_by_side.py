"""Runs side by side: aggregate throughput of 4 W3 runs trained at once against one run alone,
and the window's 10 ms timer lateness meanwhile.

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python bench/runs_side_by_side.py``.
The real main window opens the W3 network (2-16-16-1 tanh, log loss, 400 spiral points, as in
bench/train_throughput.py); its Runs dock trains 1 run, then 4 runs (each in its own training
process, as the window does), for a few seconds each, alternating, several rounds. Throughput is
epochs per second counted from the runs' records between two instants after a warm-up second;
lateness is how much later than due a 10 ms QTimer in the window's thread fires (its 99th
percentile, over the 4-run measurements). Targets: 4 runs ≥ 1.3× one run's epochs per second,
p99 lateness < 50 ms. The load average is printed, since the machine may be shared.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication
from train_throughput import spiral_network  # this folder is on the path as a script; it puts the checkout there

from core.run_set import RunSettings
from gui.main_window import MainWindow

WARM_UP_S = 1.0
MEASURE_S = 4.0
ROUNDS = 3
TICK_MS = 10


def wait(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def measure(app: QApplication, window: MainWindow, count: int, lateness: list[float]) -> float:
    """Aggregate epochs per second of ``count`` runs trained at once; timer lateness appended."""
    runs = window.runs_dock.runs
    runs.start_set(window.model.network, window.model.session.displayed_params())
    for _ in range(count):
        runs.add(RunSettings())
    runs.train()
    wait(app, WARM_UP_S)
    clock = QElapsedTimer()
    ticks: list[float] = []
    timer = QTimer(interval=TICK_MS)
    timer.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e6))
    before = sum(r.epoch for r in runs.runs)
    clock.start()
    timer.start()
    wait(app, MEASURE_S)
    after = sum(r.epoch for r in runs.runs)
    elapsed = clock.nsecsElapsed() / 1e9
    timer.stop()
    runs.clear()
    gaps = np.diff(ticks)
    lateness.extend(np.maximum(gaps - TICK_MS, 0.0))
    return (after - before) / elapsed


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow(spiral_network(400))
    window.show()
    window.runs_dock.ensure_panel()
    window.runs_dock.raise_()
    wait(app, 2.0)  # the fork server and the plots
    print(f"W3 runs side by side, {MEASURE_S:g} s per measurement after {WARM_UP_S:g} s warm-up, {os.cpu_count()} CPUs")
    print(f"{'round':>5}  {'load avg':>8}  {'1 run ep/s':>10}  {'4 runs ep/s':>11}  {'ratio':>5}  {'p99 late ms':>11}")
    ratios, all_late = [], []
    for i in range(1, ROUNDS + 1):
        load = os.getloadavg()[0]
        one = measure(app, window, 1, [])
        late: list[float] = []
        four = measure(app, window, 4, late)
        all_late += late
        ratios.append(four / one)
        p99 = float(np.percentile(late, 99)) if late else float("nan")
        print(f"{i:>5}  {load:>8.2f}  {one:>10,.0f}  {four:>11,.0f}  {four / one:>5.2f}  {p99:>11.1f}")
    ratio = float(np.median(ratios))
    p99 = float(np.percentile(all_late, 99))
    print(f"median ratio 4 runs / 1 run: {ratio:.2f}× (target ≥ 1.3×)")
    print(f"10 ms timer lateness with 4 runs, p99 over all rounds: {p99:.1f} ms (target < 50 ms)")
    met = ratio >= 1.3 and p99 < 50
    print("all targets met" if met else "a target was missed")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
