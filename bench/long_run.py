"""Long runs and big graphs in the window, measured in one run (a report, not a test).

    python bench/long_run.py [--synthetic]

Prints: the window's memory and one cost-plot redraw after 10^6 and 10^7 epochs of
Play on the OR gate (targets: memory grown by under 50 MB, a redraw under 5 ms), the
lateness of a 10 ms timer during Play (99th percentile under 50 ms), the median time
from a step key to the repainted graph on the 2-4-1, 2-16-16-1 (target under 16 ms)
and 2-24-24-1 (under 30 ms) scalar graphs, keys back to back (the target's figure) and
150 ms apart (the window draws the next step's curves ahead while idle), and opening the
2-16-16-1 network to the end of its first painted frame (under 250 ms), six times, each time
with new weights (new numbers: what an earlier open measured of its texts helps only where a
text repeats, as titles and common numbers do), and the same as the first window of a fresh process.

Play is real: the window trains in its training process. If 10^7 epochs are not reached
within PLAY_LIMIT_S (a loaded machine), or with --synthetic, the remaining epochs are fed
to the history as training's records would bring them, and the output says so.
Runs offscreen when there is no display.
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Measured as a new user has the app: the settings of whoever runs it (theme, a saved window layout,
# panels) are neither read nor written, so runs compare (a fresh process's first window too).
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="backprop-stepper-bench-config-")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.datasets import two_spirals  # noqa: E402
from core.network import Layer, Network  # noqa: E402
from core.presets import load_preset  # noqa: E402
from core.session import Mode  # noqa: E402

MILESTONES = (1_000_000, 10_000_000)
PLAY_LIMIT_S = 240.0
STEP_PRESSES = 60
USER_PACE_S = 0.15  # keys this far apart: a quick user, leaving the window idle time between them
SYNTHETIC_CHUNK = 100_000
OPENS = 6  # of 2-16-16-1 in one process, each with new weights


def rss_mb() -> float:
    """This process's resident memory (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def redraw_ms(app: QApplication, window) -> float:
    """Median of one cost-plot redraw: the view asked of the history, set, and painted."""
    times = []
    for _ in range(15):
        start = time.perf_counter()
        window._draw_cost()
        window.cost_plot.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
        app.processEvents()
    return statistics.median(times)


def feed_synthetic(window, epochs: int) -> None:
    """Append epochs to the history as training's records would (a decaying cost with noise and spikes)."""
    history = window.model.session.history
    rng = np.random.default_rng(0)
    while len(history) < epochs:
        first = len(history) + 1
        n = min(SYNTHETIC_CHUNK, epochs - len(history))
        x = np.arange(first, first + n, dtype=float)
        costs = 0.3 / np.sqrt(x) * (1 + 0.05 * rng.standard_normal(n))
        costs[rng.random(n) < 1e-5] = 0.5
        history.extend(x, costs)


def play(app: QApplication, synthetic: bool) -> list[tuple]:
    """Play the OR gate to each milestone; memory, redraw time and timer lateness at each."""
    from gui.main_window import MainWindow

    window = MainWindow(load_preset("or_gate"))
    window.resize(1600, 1000)
    window.show()
    window.trainer.start(5)  # boots the fork server, as the app has done long before a user trains
    while window.trainer.running:
        app.processEvents()
    window.model.reset()
    window.refresh_now()
    app.processEvents()
    base = rss_mb()
    clock, stamps = QElapsedTimer(), []
    timer = QTimer(interval=10, timerType=Qt.TimerType.PreciseTimer)
    timer.timeout.connect(lambda: stamps.append(clock.nsecsElapsed()))
    clock.start()
    timer.start()
    start = time.perf_counter()
    if not synthetic:
        window.trainer.start()
    rows = []
    for target in MILESTONES:
        history = window.model.session.history
        while not synthetic and len(history) < target and time.perf_counter() - start < PLAY_LIMIT_S:
            app.processEvents()
            time.sleep(0.001)
        played = len(history)
        if played < target:
            window.trainer.stop_and_wait()
            feed_synthetic(window, target)
        lateness = np.diff(np.array(stamps)) / 1e6 - 10.0
        late = np.percentile(lateness, 99) if len(lateness) > 10 else float("nan")  # nan: no Play measured
        how = "played" if played >= target else f"played {played:,}, the rest fed synthetically"
        rows.append((target, how, rss_mb() - base, redraw_ms(app, window), late))
        if window.trainer.running:
            elapsed = time.perf_counter() - start
            print(f"  ({target:,} epochs reached after {elapsed:.0f} s of Play)", flush=True)
    timer.stop()
    window.trainer.stop_and_wait()
    _close(window)
    return rows


def deep_network(width: int, seed: int = 1) -> Network:
    X, y = two_spirals(40, seed=0)
    layers = (Layer(width, "tanh"), Layer(width, "tanh"), Layer(1, "sigmoid"))
    return Network(f"2-{width}-{width}-1", 2, layers, "log_loss", 0.3, X, y, seed=seed)


class FirstPaint(QObject):
    """Notes when the widget it watches has finished its first paint (not when the paint was asked for)."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and self.at is None:
            obj.removeEventFilter(self)
            QApplication.sendEvent(obj, event)  # the paint itself, here, so that its end is timed
            self.at = time.perf_counter()
            return True
        return False


def _close(window) -> None:
    """Close a window and let it go, as a running app has only the window it shows (a closed window
    left alive keeps its scene and widgets: each later open would count the garbage collector's walk
    over them)."""
    window.close()
    window.deleteLater()


def settle(app: QApplication) -> None:
    """Finish what earlier windows left behind (their deferred deletions, garbage), as a running app has."""
    gc.collect()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    app.processEvents()


def open_to_first_paint_ms(app: QApplication, network: Network) -> float:
    from gui.main_window import MainWindow

    settle(app)
    start = time.perf_counter()
    window = MainWindow(network, Mode.EXAMPLE)
    window.resize(1600, 1000)
    watcher = FirstPaint()
    window.view.viewport().installEventFilter(watcher)
    window.show()
    while watcher.at is None:
        app.processEvents()
    _close(window)
    return (watcher.at - start) * 1000


def step_to_repaint_ms(app: QApplication, network: Network, pause_s: float = 0.0) -> list[float]:
    """Press Right and repaint the graph at once, on the scalar graph; between presses, the events
    waiting are handled once (back to back) or for ``pause_s`` (a user's pace: work done while idle counts)."""
    from gui.main_window import MainWindow

    window = MainWindow(network, Mode.EXAMPLE)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    times = []
    for _ in range(STEP_PRESSES):
        start = time.perf_counter()
        QTest.keyClick(window, Qt.Key.Key_Right)
        window.view.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
        idle_until = time.perf_counter() + pause_s
        app.processEvents()
        while time.perf_counter() < idle_until:
            app.processEvents()
            time.sleep(0.001)
    _close(window)
    return times


def first_window_in_a_new_process_ms(seed: int) -> float:
    """open_to_first_paint_ms of 2-16-16-1 as the first window of a fresh Python process."""
    run = subprocess.run(
        [sys.executable, __file__, "--first-window", str(seed)], capture_output=True, text=True, check=True
    )
    return float(run.stdout.split()[-1])


def main() -> int:
    if sys.argv[1:2] == ["--first-window"]:
        app = QApplication(sys.argv[:1])
        print(f"{open_to_first_paint_ms(app, deep_network(16, int(sys.argv[2]))):.1f}")
        return 0
    synthetic = "--synthetic" in sys.argv[1:]
    app = QApplication.instance() or QApplication(sys.argv[:1])
    print(f"cores: {os.cpu_count()}, load average: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    rows = play(app, synthetic)
    print(f"\n{'Play on the OR gate':28} {'epochs':>12}  {'memory +MB':>10}  {'redraw ms':>9}  {'timer p99 ms':>12}")
    for target, how, memory, redraw, late in rows:
        print(f"{how:28} {target:>12,}  {memory:>10.1f}  {redraw:>9.2f}  {late:>12.1f}")
    print("targets: memory + < 50 MB, redraw < 5 ms, timer p99 < 50 ms")

    print(f"\n{'step key → repainted graph':28} {'median ms':>10}  {'p90 ms':>8}  target  {'median ms, keys':>16}")
    print(f"{'':28} {'back to back':>10}  {'':>8}  {'':6}  {f'{USER_PACE_S * 1000:.0f} ms apart':>16}")
    for network, target in ((load_preset("net_2_4_1_tanh"), 16), (deep_network(16), 16), (deep_network(24), 30)):
        times = step_to_repaint_ms(app, network)
        paced = statistics.median(step_to_repaint_ms(app, network, USER_PACE_S))
        shape = "-".join(str(n) for n in [network.inputs, *(layer.units for layer in network.layers)])
        median, p90 = statistics.median(times), float(np.percentile(times, 90))
        verdict = "PASS" if median < target else "FAIL"
        print(f"{shape:28} {median:>10.1f}  {p90:>8.1f}  < {target} {verdict}  {paced:>16.1f}")
    opens = [open_to_first_paint_ms(app, deep_network(16, seed)) for seed in range(2, 2 + OPENS)]
    verdict = "PASS" if max(opens) < 250 else "FAIL"
    print(
        f"\nopen 2-16-16-1 to first paint (ms, new weights each time): {', '.join(f'{t:.0f}' for t in opens)};"
        f" median {statistics.median(opens):.0f}, slowest {max(opens):.0f} (target: each < 250, {verdict})"
    )
    firsts = [first_window_in_a_new_process_ms(seed) for seed in (2, 3, 4)]
    print(
        "the same as the first window of a new process (nothing kept from an earlier window; Qt's own"
        f" first-time set-up included): {', '.join(f'{t:.0f}' for t in firsts)}"
    )
    print(f"load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
