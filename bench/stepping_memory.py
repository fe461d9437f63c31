"""Memory of a long stepping run in the window (a report, not a test).

    python bench/stepping_memory.py [PASSES]

Opens the real window on a 2-8-1 network with 4,000 examples (two spirals) and presses N (Next
batch: the update applied, on to the next pass) PASSES times (default 2,000), in the layer graph
(full batch: every pass holds 4,000 rows of every value and gradient) and in the scalar graph (one
example a pass). Each run is a fresh process, once keeping every pass whole (as stepping did
before core/pass_log.py) and once as the window keeps them now; printed side by side: the growth of
the process's resident memory over the run, and the seconds the run took. Then one ← back across
an update into a pass only kept as what recomputes it, against the → that recorded it.
Runs offscreen when there is no display.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PASSES = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 2000


def rss_mb() -> float:
    """This process's resident memory (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(mode_name: str, keep_everything: bool, passes: int) -> None:
    """In this process: the window, ``passes`` presses of N; prints 'memory seconds back_ms'."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    import core.pass_log
    from core.datasets import two_spirals
    from core.network import Layer, Network
    from core.session import Mode
    from gui.main_window import MainWindow

    if keep_everything:
        core.pass_log.KEEP_WHOLE, core.pass_log.KEEP_WHOLE_BYTES = 10**9, 10**15
    app = QApplication.instance() or QApplication(sys.argv[:1])
    X, y = two_spirals(2000, seed=0)  # 2,000 points a spiral arm: 4,000 examples
    network = Network("2-8-1", 2, (Layer(8, "tanh"), Layer(1, "sigmoid")), "log_loss", 0.3, X, y, seed=1)
    window = MainWindow(network, Mode(mode_name))
    window.show()
    app.processEvents()
    base, start = rss_mb(), time.perf_counter()
    for _ in range(passes):
        QTest.keyClick(window, Qt.Key.Key_N)
        app.processEvents()
    seconds = time.perf_counter() - start
    grown = rss_mb() - base
    window.model.seek(0)
    app.processEvents()
    back = time.perf_counter()
    for _ in range(40):  # back over 40 passes: beyond those kept whole
        QTest.keyClick(window, Qt.Key.Key_Left)
        window.model.seek(0)
    back_ms = (time.perf_counter() - back) * 1000 / 40
    app.processEvents()
    print(f"{grown:.1f} {seconds:.1f} {back_ms:.2f}")
    window.close()


def measured(mode_name: str, keep_everything: bool) -> tuple[float, float, float]:
    args = [sys.executable, __file__, "--run", mode_name, str(int(keep_everything)), str(PASSES)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout.split()
    return float(out[-3]), float(out[-2]), float(out[-1])


def main() -> int:
    if sys.argv[1:2] == ["--run"]:
        run(sys.argv[2], sys.argv[3] == "1", int(sys.argv[4]))
        return 0
    print(f"{PASSES:,} presses of N on 4,000 examples (2-8-1), load {os.getloadavg()[0]:.1f}")
    print(f"{'graph':14} {'memory + MB':>24} {'seconds':>16} {'← over an update ms':>22}")
    print(f"{'':14} {'every pass':>11} {'now':>8} {'ratio':>4} {'every':>7} {'now':>7} {'every':>9} {'now':>8}")
    met = True
    for mode_name, label in (("batch", "layer (full)"), ("example", "scalar")):
        before, now = measured(mode_name, True), measured(mode_name, False)
        ratio = before[0] / max(now[0], 1.0)
        print(
            f"{label:14} {before[0]:>11.1f} {now[0]:>8.1f} {ratio:>4.0f}x {before[1]:>7.1f} {now[1]:>7.1f}"
            f" {before[2]:>9.2f} {now[2]:>8.2f}"
        )
        met &= now[0] < 100
    print(f"target: memory grown by under 100 MB over {PASSES:,} passes: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
