"""Full-batch stepping on a large data set (a report, not a test).

    python bench/full_batch_step.py [EXAMPLES]

On a 2-16-16-1 tanh network with log loss over EXAMPLES two-spiral points (default 400,000), in
the layer graph, full batch: the milliseconds of one Next batch (N) in the real window, from the key
to the repainted graph with the events waiting handled; of the same pass recorded by the core alone
(``Session.next_example``: every value, local gradient and sent gradient kept for stepping); and of
a bare numpy forward pass, backward pass and update of the same network (the floor: nothing kept),
side by side with their ratios. Best of several presses each; the load average is printed, since
the two cores are shared. Runs offscreen when there is no display.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
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


def window_ms(app: QApplication, net: Network) -> float:
    from gui.main_window import MainWindow

    window = MainWindow(net, Mode.BATCH, remember=False)
    window.resize(1600, 1000)
    window.show()
    for _ in range(20):  # the plots are made after the first paint
        app.processEvents()
        time.sleep(0.02)

    def press() -> None:
        QTest.keyClick(window, Qt.Key.Key_N)
        window.view.viewport().repaint()
        app.processEvents()

    press()
    result = best_ms(press)
    assert window.model.session.updates == PRESSES + 1, "every press stepped on"
    assert len(window.model.current.examples) == EXAMPLES, "full batch"
    window.close()
    return result


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    net = network()
    session = Session(net, Mode.BATCH)
    session.current  # noqa: B018  # the first pass and the graph
    core_ms = best_ms(session.next_example)
    params = net.initial_params()
    bare = best_ms(lambda: bare_step(net, params))
    win = window_ms(app, net)
    load = os.getloadavg()[0]
    print(f"Next batch, full batch of {EXAMPLES:,} examples, 2-16-16-1 (load {load:.1f}), best of {PRESSES}")
    print(f"{'bare numpy step':>16} {'core pass':>10} {'window N':>9}   core/bare  window/core")
    print(f"{bare:>13.0f} ms {core_ms:>7.0f} ms {win:>6.0f} ms   {core_ms / bare:>9.1f}  {win / core_ms:>11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
