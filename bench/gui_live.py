"""Live-window speed, measured side by side in one run (a report, not a test).

    python bench/gui_live.py

Prints: epochs per second of W3 (2-16-16-1 tanh, log loss, 400 spiral points)
trained in the window with live plots against the same training without a
window, and their ratio (target ≥ 0.85); the lateness of a 10 ms timer while the
window trains (target: 99th percentile under 50 ms); the median time from a
step key press to the repainted graph for the 2-4-1 scalar graph (target under
16 ms); and cold start to the first shown window (target under 1.0 s).
Runs offscreen when there is no display.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.datasets import two_spirals  # noqa: E402
from core.network import Layer, Network  # noqa: E402
from core.presets import load_preset  # noqa: E402
from core.session import Mode  # noqa: E402
from core.training import train_all  # noqa: E402

W3_EPOCHS = 40_000
COLD_START_RUNS = 3

# The child of the cold-start measurement: the launcher's own steps, until the window has painted.
COLD_START_CHILD = """
import sys, time
started = float(sys.argv[1])
from core.presets import load_preset
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gui.main_window import MainWindow
window = MainWindow(load_preset("or_gate"))
window.resize(1600, 1000)

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(time.time() - started, flush=True)
            app.exit(0)
        return False

watcher = FirstPaint()
window.view.viewport().installEventFilter(watcher)
window.show()
app.exec()
window.trainer.stop_and_wait()
"""


def w3_network() -> Network:
    X, y = two_spirals(400, seed=0)
    layers = (Layer(16, "tanh"), Layer(16, "tanh"), Layer(1, "sigmoid"))
    return Network("W3 spirals", 2, layers, "log_loss", 0.3, X, y, seed=1)


def headless_rate(net: Network) -> float:
    start = time.perf_counter()
    result = train_all(net, net.initial_params(), W3_EPOCHS)
    assert result.stopped is None
    assert result.epoch == W3_EPOCHS
    return W3_EPOCHS / (time.perf_counter() - start)


def window_rate_and_lateness(app: QApplication, net: Network) -> tuple[float, np.ndarray]:
    """Train W3 in the window with live plots; a 10 ms timer records its own intervals meanwhile."""
    from gui.main_window import MainWindow

    window = MainWindow(net, Mode.BATCH)
    window.show()
    app.processEvents()
    window.trainer.start(5)  # boots the fork server, as the app has done long before a user trains
    while window.trainer.running:
        app.processEvents()
    window.model.reset()
    clock = QElapsedTimer()
    stamps: list[int] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(lambda: stamps.append(clock.nsecsElapsed()))
    loop = QEventLoop()
    window.trainer.running_changed.connect(lambda running: None if running else loop.quit())
    start = time.perf_counter()
    window.trainer.start(W3_EPOCHS)
    clock.start()
    timer.start()
    loop.exec()  # the window's own idle event loop, until training ends
    elapsed = time.perf_counter() - start
    timer.stop()
    epochs = len(window.model.session.history)
    assert epochs == W3_EPOCHS, epochs
    window.close()
    lateness_ms = np.diff(np.array(stamps)) / 1e6 - 10.0
    return W3_EPOCHS / elapsed, lateness_ms


def step_to_repaint_ms(app: QApplication) -> list[float]:
    """Press Right and repaint the graph at once; the 2-4-1 network's scalar graph."""
    from gui.main_window import MainWindow

    window = MainWindow(load_preset("net_2_4_1_tanh"), Mode.EXAMPLE)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    times = []
    for _ in range(120):
        start = time.perf_counter()
        QTest.keyClick(window, Qt.Key.Key_Right)
        window.view.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
        app.processEvents()
    window.close()
    return times


def cold_start_s() -> list[float]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    results = []
    for _ in range(COLD_START_RUNS):
        out = subprocess.run(
            [sys.executable, "-c", COLD_START_CHILD, repr(time.time())],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=60,
            check=True,
        )
        results.append(float(out.stdout.split()[0]))
    return results


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    net = w3_network()
    rates_window, rates_headless, lateness = [], [], []
    for _ in range(2):  # interleaved, best of two each: the machine is shared
        rates_headless.append(headless_rate(net))
        rate, late = window_rate_and_lateness(app, net)
        rates_window.append(rate)
        lateness.append(late)
    headless, windowed = max(rates_headless), max(rates_window)
    late = np.concatenate(lateness)
    steps = step_to_repaint_ms(app)
    cold = cold_start_s()

    rows = [
        ("W3 epochs/s in the window", f"{windowed:,.0f}", ""),
        ("W3 epochs/s headless", f"{headless:,.0f}", ""),
        ("ratio window / headless", f"{windowed / headless:.2f}", "≥ 0.85", windowed / headless >= 0.85),
        ("10 ms timer lateness p99 (ms)", f"{np.percentile(late, 99):.1f}", "< 50", np.percentile(late, 99) < 50),
        ("10 ms timer lateness median (ms)", f"{np.median(late):.1f}", ""),
        (
            "step key → repaint, 2-4-1 median (ms)",
            f"{statistics.median(steps):.1f}",
            "< 16",
            statistics.median(steps) < 16,
        ),
        ("cold start to first window, best (s)", f"{min(cold):.2f}", "< 1.0", min(cold) < 1.0),
    ]
    print(f"{'measure':42} {'value':>10}  target  result")
    verdicts = []
    for name, value, target, *ok in rows:
        verdict = ("PASS" if ok[0] else "FAIL") if ok else ""
        verdicts += ok
        print(f"{name:42} {value:>10}  {target:6}  {verdict}")
    print(f"cold starts (s): {', '.join(f'{c:.2f}' for c in cold)}")
    print("all targets met" if all(verdicts) else "some targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
