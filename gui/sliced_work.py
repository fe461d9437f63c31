"""Long work on the UI thread in short slices, so the window keeps painting and answering.

The work is a plain generator (napari's worker pattern, without the thread: the scene and the
session are not thread-safe). It yields ``(done, total)`` after each small step, or a
``concurrent.futures.Future`` to wait for work it handed to a thread (encoding, writing a file);
it returns its result. Work that will be quick (its first steps, extrapolated, stay under
SYNC_BUDGET_S, and it hands nothing to a thread) runs to the end at once, as a plain call would;
longer work goes on from the
event loop a slice at a time behind a window-modal progress dialog whose Cancel closes the
generator (its ``finally`` blocks put back what it changed).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import time
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

SYNC_BUDGET_S = 0.08  # work expected to take less than this is done at once, in the caller's call
SLICE_S = 0.02  # longer work runs this long per turn of the event loop

Steps = Generator[Any, Any, Any]


class SlicedWork(QObject):
    """Runs ``steps`` to its end (``on_done(result)``), its failure (``on_failed(exception)`` for one of
    ``expected``) or the user's Cancel (``on_cancelled()``); ``start`` begins it."""

    _resumed = Signal()  # from a worker thread: the future the work waits for is done
    ended = Signal()  # done, failed, cancelled or stopped by an error no one expected; before the callbacks

    def __init__(
        self,
        steps: Steps,
        label: str,
        parent: QWidget,
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None] | None = None,
        expected: tuple[type[Exception], ...] = (),
        on_cancelled: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._steps, self._label, self._parent = steps, label, parent
        self._on_done, self._on_failed, self._on_cancelled = on_done, on_failed, on_cancelled
        self._expected = expected
        self._timer = QTimer(self, interval=0)
        self._timer.timeout.connect(self._slice)
        self._resumed.connect(self._timer.start, Qt.ConnectionType.QueuedConnection)
        self._sent: Any = None  # what the generator gets back at its next step (a finished future)
        self._progress = (0, 0)
        self.dialog: QProgressDialog | None = None
        self.running = False

    def start(self) -> None:
        """Begin: to the end now if it will be quick, else from the event loop with a progress dialog."""
        self.running = True
        began = time.perf_counter()
        while self.running:
            item = self._next()
            if not self.running:
                return
            if isinstance(item, concurrent.futures.Future):
                self._show_dialog()
                self._wait_for(item)
                return
            done, total = item
            elapsed = time.perf_counter() - began
            if done > 0 and elapsed / done * total > SYNC_BUDGET_S:
                self._progress = item
                self._show_dialog()
                self._timer.start()
                return

    def cancel(self) -> None:
        """Stop: the generator is closed (nothing more is done); a thread's current task finishes alone."""
        if not self.running:
            return
        self._steps.close()  # its finally blocks first, so what it changed is back when it has ended
        self._end()
        if self._on_cancelled is not None:
            self._on_cancelled()

    # -- running -----------------------------------------------------------------------------------

    def _next(self) -> Any:
        """The generator's next item; None once it has ended (done or failed: the callbacks have run)."""
        sent, self._sent = self._sent, None
        try:
            return self._steps.send(sent)
        except StopIteration as finished:
            self._end()
            self._on_done(finished.value)
        except self._expected as e:
            self._end()
            if self._on_failed is not None:
                self._on_failed(e)
        except BaseException:
            self._end()  # not left running, its dialog open, for an error no one expected (the window reports it)
            raise
        return None

    def _slice(self) -> None:
        """At least one step, then more until SLICE_S has passed."""
        end = time.perf_counter() + SLICE_S
        while self.running:
            item = self._next()
            if not self.running:
                return
            if isinstance(item, concurrent.futures.Future):
                self._timer.stop()
                self._wait_for(item)
                return
            self._progress = item
            if time.perf_counter() >= end:
                break
        self._show_progress()

    def _wait_for(self, future: concurrent.futures.Future) -> None:
        """Go on once ``future`` is done (its callback may run at once, here, or on its thread)."""
        self._sent = future
        future.add_done_callback(self._wake)

    def _wake(self, _future) -> None:
        with contextlib.suppress(RuntimeError):  # the window, and this object, may be gone
            self._resumed.emit()

    def _end(self) -> None:
        self.running = False
        self._timer.stop()
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        self.deleteLater()  # one per piece of work: not kept by the window once it is over
        self.ended.emit()

    # -- the progress dialog -------------------------------------------------------------------------

    def _show_dialog(self) -> None:
        dialog = QProgressDialog(self._label, "Cancel", 0, 0, self._parent)
        dialog.setWindowTitle("Backprop Stepper")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)  # the window shows one state throughout
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self.dialog = dialog
        self._show_progress()
        dialog.show()

    def _show_progress(self) -> None:
        done, total = self._progress
        if self.dialog is not None and total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))


# The window's one worker thread, for work that touches no widget or scene: an export's encoding and
# writing, the data table's predictions of a large data set. One, so they never take both cores from
# the window (training has a process of its own).
_WORKER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="window-worker")


def in_worker(function: Callable[..., Any], *args: Any) -> concurrent.futures.Future:
    """``function(*args)`` on the window's worker thread; its Future."""
    return _WORKER.submit(function, *args)


def in_thread(function: Callable[..., Any], *args: Any) -> Generator[concurrent.futures.Future, Any, Any]:
    """For a generator run by SlicedWork: ``result = yield from in_thread(f, x)`` runs ``f(x)`` on the worker
    thread while the window goes on; its exception is raised where the result is taken."""
    future = yield in_worker(function, *args)
    return future.result()
