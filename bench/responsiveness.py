"""The longest UI-thread stall during typical actions on a big network (a report, not a test).

    python bench/responsiveness.py [--tree DIR]

A 1 ms timer runs in the window's event loop during each action; the longest gap between its
ticks is the longest time the window could not repaint or answer a key or click. Each action
is followed until its result is there (the file written, the session shown, the step taken),
and the total time is printed beside the stall. Runs offscreen when there is no display.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# --tree DIR measures another checkout (e.g. main's, for before and after): its gui and core are imported.
TREE = Path(sys.argv[sys.argv.index("--tree") + 1]) if "--tree" in sys.argv else Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TREE.resolve()))
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.datasets import two_spirals  # noqa: E402
from core.network import Layer, Network  # noqa: E402
from core.optimizers import Optimizer  # noqa: E402
from core.session import Mode  # noqa: E402

TIME_LIMIT_S = 120.0


def deep_network(width: int, examples: int = 40) -> Network:
    X, y = two_spirals(examples, seed=0)
    layers = (Layer(width, "tanh"), Layer(width, "tanh"), Layer(1, "sigmoid"))
    return Network(f"2-{width}-{width}-1", 2, layers, "log_loss", 0.3, X, y, seed=1)


class StallMeter:
    """The longest gap between ticks of a 1 ms timer, while it runs."""

    def __init__(self) -> None:
        self._clock = QElapsedTimer()
        self._timer = QTimer(interval=1, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._last = 0
        self.longest_ms = 0.0

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed()
        self.longest_ms = max(self.longest_ms, (now - self._last) / 1e6)
        self._last = now

    def start(self) -> None:
        self.longest_ms = 0.0
        self._clock.start()
        self._last = 0
        self._timer.start()

    def stop(self) -> None:
        self._tick()
        self._timer.stop()


def measure(app: QApplication, action: Callable[[], None], done: Callable[[], bool]) -> tuple[float, float]:
    """(longest stall, total) in ms: ``action`` started from the event loop, followed until ``done()``."""
    meter = StallMeter()
    for _ in range(20):
        app.processEvents()
    meter.start()
    start = time.perf_counter()
    QTimer.singleShot(5, action)
    while not done() and time.perf_counter() - start < TIME_LIMIT_S:
        app.processEvents()
        time.sleep(0.0005)
    total = (time.perf_counter() - start) * 1000
    meter.stop()
    for _ in range(20):
        app.processEvents()
    return meter.longest_ms, total


def written(path: Path) -> Callable[[], bool]:
    return lambda: path.exists() and path.stat().st_size > 0


def export_rows(app, window, folder: Path, network: str, scale: float) -> list[tuple[str, float, float]]:
    from gui import export

    menu = window.export_menu
    rect = export.graph_rect(window.scene)
    scale = min(scale, export.largest_scale(rect) * 0.999)
    size = export.image_size(rect, scale)
    rows = []
    cases = [
        (f"{network}: graph PNG {scale:.2g}x ({size.width():,} x {size.height():,} px)", ".png", scale),
        (f"{network}: graph SVG", ".svg", 1.0),
    ]
    for k, (name, suffix, s) in enumerate(cases):
        path = folder / f"{network}-{k}{suffix}"

        def make(x=suffix, s=s):
            return menu._graph_file(x, s)

        if suffix == ".png" and hasattr(menu, "graph_png_steps"):  # the window's own way, where it has one

            def make(s=s):
                return menu.graph_png_steps(s)

        rows.append((name, *measure(app, lambda p=path, x=suffix, m=make: menu.write(str(p), x, m), written(path))))
    for suffix in (".png", ".svg"):
        path = folder / f"{network}-cost{suffix}"

        def make(x=suffix):
            return export.widget_scene_file(window.cost_plot, x, export.DEFAULT_SCALE, "cost")

        def start(p=path, x=suffix, m=make):
            return menu.write(str(p), x, m)

        rows.append((f"{network}: cost plot {suffix[1:].upper()}", *measure(app, start, written(path))))
    status = window.statusBar()
    status.clearMessage()
    rows.append(
        (f"{network}: copy graph image", *measure(app, menu.copy_graph, lambda: "Copied" in status.currentMessage()))
    )
    return rows


def step_many(app, window, presses: int) -> None:
    for _ in range(presses):
        window.model.next_example()
    app.processEvents()


def session_rows(app, folder: Path) -> list[tuple[str, float, float]]:
    from gui.main_window import MainWindow

    rows = []
    for width, updates in ((16, 120), (16, 2000)):
        window = MainWindow(deep_network(width), Mode.EXAMPLE)
        window.resize(1600, 1000)
        window.show()
        step_many(app, window, updates)
        path = folder / f"s{width}-{updates}.session.json"
        window.session_actions.save_session(str(path))
        window.close()
        other = MainWindow(deep_network(4), Mode.EXAMPLE)
        other.resize(1600, 1000)
        other.show()
        app.processEvents()
        name = f"2-{width}-{width}-1"
        rows.append(
            (
                f"open session {name} after {updates} updates",
                *measure(
                    app, lambda o=other, p=path: o.open_file(str(p)), lambda o=other, n=name: o.model.network.name == n
                ),
            )
        )
        other.close()
    return rows


def newton_rows(app) -> list[tuple[str, float, float]]:
    from gui.main_window import MainWindow

    net = deep_network(14)  # 267 parameters, under MAX_NEWTON_PARAMS
    net = net.with_settings(optimizer=Optimizer("newton"))
    window = MainWindow(net, Mode.EXAMPLE)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    updates = window.model.session.updates
    row = (
        f"Newton: next example, {net.param_count} parameters",
        *measure(app, window.model.next_example, lambda: window.model.session.updates > updates),
    )
    window.close()
    return [row]


def window_rows(app) -> list[tuple[str, float, float]]:
    from gui.main_window import MainWindow

    window = MainWindow(deep_network(16, examples=10_000), Mode.EXAMPLE)  # 40,000 examples
    window.resize(1600, 1000)
    window.show()
    assert window.cost_plot is not None  # the plots are built once after the first paint: not measured here
    app.processEvents()
    model, decimals = window.model, window.training_panel.decimals
    cursor = model.session.cursor
    rows = [("step key (40,000 examples)", *measure(app, model.step_forward, lambda: model.session.cursor > cursor))]
    updates = model.session.updates
    rows.append(
        ("next example (40,000 examples)", *measure(app, model.next_example, lambda: model.session.updates > updates))
    )
    target = decimals.value() + 1
    rows.append(("decimals +1 (40,000 examples)", *measure(app, lambda: decimals.setValue(target), lambda: True)))
    layer = lambda: window._on_mode_chosen(1)  # noqa: E731 (the graph selector's choice)
    rows.append(("switch to the layer graph (40,000 examples)", *measure(app, layer, lambda: model.mode == Mode.BATCH)))
    window.close()
    return rows


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from gui.main_window import MainWindow

    np.seterr(all="ignore")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for width, scale in ((4, 4.0), (16, 16.0)):
            window = MainWindow(deep_network(width), Mode.EXAMPLE)
            window.resize(1600, 1000)
            window.show()
            step_many(app, window, 50)
            rows += export_rows(app, window, folder, f"2-{width}-{width}-1", scale)
            window.close()
        rows += session_rows(app, folder)
    rows += newton_rows(app)
    rows += window_rows(app)
    print(f"{'action (scalar graphs)':<66} {'longest stall':>14} {'total':>10}")
    for name, stall, total in rows:
        print(f"{name:<66} {stall:>11.0f} ms {total:>7.0f} ms")


if __name__ == "__main__":
    main()
