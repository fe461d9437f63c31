"""Full-batch stepping on a large data set (a report, not a test).

    python bench/full_batch_step.py [EXAMPLES]

On a 2-16-16-1 tanh network with log loss over EXAMPLES two-spiral points (default 400,000), in
the layer graph, full batch: the milliseconds of the same pass recorded by the core alone
(``Session.next_example``: every value, local gradient and sent gradient kept for stepping) and of
a bare numpy forward pass, backward pass and update of the same network (the floor: nothing kept),
best of several; then, for Next batch (N) in the real window, the milliseconds from the key to the
next pass painted and, on other presses, the longest the UI thread stalled meanwhile (the longest gap
between two ticks of a 1 ms timer, which slows the worker's pass: each tick takes the GIL), median and
worst of several presses, side by side: with the pass recorded in the key's own call (as before) and
on the worker thread (session_model.BACKGROUND_WORK, as now).
The load average is printed, since the two cores are shared. Runs offscreen when there is no display.
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.datasets import two_spirals  # noqa: E402
from core.network import Layer, Network  # noqa: E402
from core.session import Mode, Session  # noqa: E402

EXAMPLES = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000
PRESSES = 6


def network() -> Network:
    X, y = two_spirals(EXAMPLES, seed=0)
    layers = (Layer(16, "tanh"), Layer(16, "tanh"), Layer(1, "sigmoid"))
    return Network("2-16-16-1", 2, layers, "log_loss", 0.3, X, y, seed=1)


def bare_step(net: Network, params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One full-batch forward pass, backward pass and gradient-descent update in plain numpy."""
    X, Y, m = net.X, net.Y, len(net.X)
    A0 = X
    A1 = np.tanh(A0 @ params["W1"] + params["b1"])
    A2 = np.tanh(A1 @ params["W2"] + params["b2"])
    A3 = 1.0 / (1.0 + np.exp(-(A2 @ params["W3"] + params["b3"])))
    dZ3 = (A3 - Y) / m
    dZ2 = (dZ3 @ params["W3"].T) * (1.0 - A2 * A2)
    dZ1 = (dZ2 @ params["W2"].T) * (1.0 - A1 * A1)
    grads = {
        "W3": A2.T @ dZ3, "b3": dZ3.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0),
        "W1": A0.T @ dZ1, "b1": dZ1.sum(axis=0),
    }  # fmt: skip
    return {k: v - net.learning_rate * grads[k] for k, v in params.items()}


def best_ms(run, repeats: int = PRESSES) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def press_times(app: QApplication, window, probe: bool) -> tuple[float, float]:
    """One N: milliseconds from the key to the next pass painted and, with ``probe``, the longest gap
    between two ticks of a 1 ms timer meanwhile (the longest the UI thread did not answer). The probe
    itself slows a pass computed on the worker (each tick takes the GIL from it), so the time to the
    pass is measured without it, on other presses."""
    model, loop = window.model, QEventLoop()
    updates = model.session.updates
    ticks = [time.perf_counter()]
    painted: list[float] = []

    def shown() -> None:
        if not painted and model.computing is None and model.session.updates != updates:
            window.view.viewport().repaint()
            app.processEvents()
            painted.append(time.perf_counter())
            loop.quit()

    def tick() -> None:
        ticks.append(time.perf_counter())
        shown()

    timer = QTimer(interval=1, timerType=Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    model.state_changed.connect(shown)
    if probe:
        timer.start()
    QTest.keyClick(window, Qt.Key.Key_N)
    if not painted:
        loop.exec()
    timer.stop()
    model.state_changed.disconnect(shown)
    stall = 1000 * float(np.max(np.diff([*ticks, painted[0]]))) if probe else math.nan
    return 1000 * (painted[0] - ticks[0]), stall


def window_presses(app: QApplication, net: Network, background_work: float) -> tuple[list[float], list[float]]:
    """Milliseconds from N to the pass painted, and the longest UI stalls, of PRESSES presses each (after
    one to warm up) in a window whose next passes go to the worker thread above ``background_work``."""
    from gui import session_model
    from gui.main_window import MainWindow

    session_model.BACKGROUND_WORK = background_work
    window = MainWindow(net, Mode.BATCH, remember=False)
    window.resize(1600, 1000)
    window.show()
    for _ in range(20):  # the plots are made after the first paint
        app.processEvents()
        time.sleep(0.02)
    press_times(app, window, probe=False)
    shown = [press_times(app, window, probe=False)[0] for _ in range(PRESSES)]
    stalls = [press_times(app, window, probe=True)[1] for _ in range(PRESSES)]
    assert window.model.session.updates == 2 * PRESSES + 1, "every press stepped on"
    assert len(window.model.current.examples) == EXAMPLES, "full batch"
    window.close()
    window.deleteLater()
    app.processEvents()
    return shown, stalls


def main() -> int:
    from gui import session_model

    app = QApplication.instance() or QApplication(sys.argv[:1])
    net = network()
    session = Session(net, Mode.BATCH)
    session.current  # noqa: B018  # the first pass and the graph
    core_ms = best_ms(session.next_example)
    params = net.initial_params()
    bare = best_ms(lambda: bare_step(net, params))
    now = session_model.BACKGROUND_WORK
    before = window_presses(app, net, math.inf)
    after = window_presses(app, net, now)
    load = os.getloadavg()[0]
    print(f"Next batch, full batch of {EXAMPLES:,} examples, 2-16-16-1 (load {load:.1f})")
    print(f"{'bare numpy step':>16} {'core pass':>10}   core/bare   (best of {PRESSES})")
    print(f"{bare:>13.0f} ms {core_ms:>7.0f} ms   {core_ms / bare:>9.1f}")
    print(f"N in the window ({PRESSES} presses each) key to pass painted    longest UI stall (1 ms timer)")
    print(f"{'':33}{'median':>8} {'worst':>8}    {'median':>8} {'worst':>8}")
    rows = {"pass in the key's call (before)": before, "pass on the worker (now)": after}
    medians = {}
    for name, (shown, stall) in rows.items():
        shown, stall = np.array(shown), np.array(stall)
        medians[name] = np.median(shown), np.median(stall)
        print(
            f"{name:<33}{np.median(shown):>5.0f} ms {shown.max():>5.0f} ms    "
            f"{np.median(stall):>5.0f} ms {stall.max():>5.0f} ms"
        )
    (shown_before, stall_before), (shown_after, stall_after) = medians.values()
    ratios = f"{shown_after / shown_before:>8.2f}{'':9}    {stall_after / stall_before:>8.2f}"
    print(f"{'now / before (medians)':<33}{ratios}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
