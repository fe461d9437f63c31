"""Python's cyclic garbage collector, run on the GUI thread only.

Worker threads (the training process's reader, the file and CSV readers, the gradient check, the
loss surface, the window's worker) allocate Python objects too, and the automatic collector runs in
whichever thread crosses its threshold. A cycle holding Qt objects (a closed window or dialog: PySide's
connections to lambdas make cycles) is then destroyed off the GUI thread, which Qt forbids: a gradient
check's thread collecting while the GUI thread painted deadlocked the test suite. So once a window
exists the automatic collector is off, and a timer on the GUI thread collects as it would have.
"""

from __future__ import annotations

import atexit
import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 100


class GuiThreadCollector(QObject):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._thresholds = gc.get_threshold()
        self._long_lived = 0  # objects in the oldest generation after the last full collection
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()
        gc.disable()

    def collect_due(self) -> None:
        """Collect the oldest generation whose count has passed its threshold (and the younger ones),
        as the automatic collector does: the oldest only once the objects new to it since the last full
        collection are a quarter of those that lived through it (a full collection walks every object)."""
        counts = gc.get_count()
        due = -1
        for generation, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=True)):
            if count <= threshold:
                break
            due = generation
        if due == 2 and len(gc.get_objects(2)) - self._long_lived < self._long_lived / 4:
            due = 1
        if due >= 0:
            gc.collect(due)
        if due == 2:
            self._long_lived = len(gc.get_objects(2))


def install(app: QCoreApplication) -> None:
    """Collect on ``app``'s thread only from now on (once per application). At exit, with the worker
    threads joined, the automatic collector is back on: Python's last collection then frees the windows
    left in cycles before Qt is torn down, as it did before (otherwise they went in an order that crashed)."""
    if app.findChild(GuiThreadCollector) is None:
        GuiThreadCollector(app)
        atexit.register(gc.enable)
