"""Training off the UI thread: a child process runs core training; records arrive through a pipe.

A process, not a thread: the engine's small numpy calls hold the GIL, and a
worker thread would starve the UI thread, whose every Qt call releases and
re-acquires it. A small reader thread waits on the pipe (a record half-written
by a frozen child would block whoever reads it) and queues what arrives; the
GUI thread takes the queue, so only it touches the model. The window never
waits for the child without a time limit: a child that does not stop within
STOP_TIMEOUT_S is killed, and the window says so; the kill itself is given at most
KILL_WAIT_S, so a stop returns within a second even on a loaded machine. A child that
raises or dies ends training with a message; what it sent before is kept.
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal
from threadpoolctl import threadpool_limits

from core import training_process
from core.training import TrainProgress

FOREVER = 10**12  # "play": train until paused
WARM_UP_DELAY_MS = 1500
# A stop, or a pause, that the child has not obeyed by then is forced. A child that answers does
# so within a chunk (1/30 s) and a send; the rest of the second is left to the kill.
STOP_TIMEOUT_S = 0.5
KILL_WAIT_S = 0.3  # a killed child is reaped within this (its exit code then says SIGKILL)
_ENDED = object()  # the reader's last item: the pipe is closed


@functools.cache
def limit_blas_threads() -> None:
    """One BLAS thread in the window's process, from now on (once per process). The window's own numpy
    work is small; OpenBLAS threads spinning after it took half a core from the training process (47% of
    a core against 17% with one thread)."""
    threadpool_limits(1, user_api="blas")


def _warm_up() -> None:
    limit_blas_threads()
    training_process.ensure_server()


class TrainingController(QObject):
    """Starts and pauses training for a SessionModel."""

    running_changed = Signal(bool)
    rate_changed = Signal(float)  # epochs per second
    _arrived = Signal()  # from the reader thread: the queue has something

    def __init__(self, model, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._context = training_process.context()
        # After the window has painted: booting the fork server, and limiting BLAS threads (threadpoolctl
        # looks through every library loaded: 3.4 ms in a new process with Qt's), would slow the cold start.
        QTimer.singleShot(WARM_UP_DELAY_MS, _warm_up)
        self._arrived.connect(self._on_arrived)
        self._pause_watch = QTimer(self, singleShot=True, interval=int(STOP_TIMEOUT_S * 1000))
        self._pause_watch.timeout.connect(self._on_pause_overdue)
        self._process = None
        self._records: queue.Queue | None = None
        self._stop_sender = None
        self._reader: threading.Thread | None = None
        self._failure: str | None = None  # why the child ended without finishing, once known
        self._ended = False  # the child's final None arrived
        self._start_epoch = 0.0
        self._started_at = 0.0

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self, epochs: int = FOREVER) -> None:
        if self.running or self._model.refused_while_held() or self._model.refused_while_computing():
            return
        params, self._start_epoch = self._model.begin_training()
        self._model.message.emit("")
        self._failure, self._ended = None, False
        receiver, sender = self._context.Pipe(duplex=False)
        stop_receiver, self._stop_sender = self._context.Pipe(duplex=False)
        self._process = self._context.Process(
            target=training_process.run_in_background,
            args=(
                sender,
                training_process.StopRequest(stop_receiver),
                self._model.network,
                params,
                epochs,
                1 / 30,
                self._model.optimizer_state,  # momentum and Adam go on where stepping or the last run left them
            ),
            daemon=True,
        )
        limit_blas_threads()
        training_process.ensure_server()
        with training_process.own_module_path():
            self._process.start()
        sender.close()
        stop_receiver.close()
        self._records = queue.Queue()
        self._reader = threading.Thread(
            target=self._read, args=(receiver, self._records), name="training-records", daemon=True
        )
        self._reader.start()
        self._started_at = time.perf_counter()
        self.running_changed.emit(True)

    def pause(self) -> None:
        """Ask the child to stop after its current chunk; it is killed if it has not within STOP_TIMEOUT_S."""
        if self._stop_sender is not None:
            self._stop_sender.close()
            self._stop_sender = None
            self._pause_watch.start()

    def stop_and_wait(self) -> None:
        """Stop, take what was already sent, and end the child (closing, opening another network).

        Returns within about STOP_TIMEOUT_S even if the child does not answer."""
        if not self.running:
            return
        self.pause()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while self.running:
            try:
                item = self._records.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                self._kill_unanswering()
                return
            if not self._take(item):
                self._finish()

    # -- the reader thread -------------------------------------------------------------

    def _read(self, conn, records: queue.Queue) -> None:
        """Runs on the reader thread: queue every record until the pipe closes."""
        try:
            while True:
                records.put(conn.recv())
                self._wake()
        except (EOFError, OSError):
            pass
        finally:
            conn.close()
            records.put(_ENDED)
            self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # the window, and this controller, may be gone
            self._arrived.emit()

    # -- on the GUI thread -------------------------------------------------------------

    def _on_arrived(self) -> None:
        records = self._records
        while self.running and records is self._records:
            try:
                item = records.get_nowait()
            except queue.Empty:
                return
            if not self._take(item):
                self._finish()

    def _take(self, item) -> bool:
        """Absorb one queued item; False once the child is done (or gone)."""
        if item is _ENDED:
            return False  # closed without its final None: _finish says how it ended
        if item is None:
            self._ended = True
            return False
        if isinstance(item, training_process.TrainingFailed):
            self._failure = item.message
            return False
        self._absorb(item)
        return True

    def _absorb(self, record: TrainProgress) -> None:
        self._model.absorb(record, self._start_epoch)
        elapsed = time.perf_counter() - self._started_at
        if elapsed > 0:
            self.rate_changed.emit(record.epoch / elapsed)
        if record.stopped:
            self._model.message.emit(f"Training paused: {record.stopped}.")

    def _on_pause_overdue(self) -> None:
        if self.running:
            self._kill_unanswering()

    def _kill_unanswering(self) -> None:
        """The child did not stop when asked (frozen, or stuck in one long step): kill it."""
        _kill(self._process)
        self._failure = f"the training process did not answer within {STOP_TIMEOUT_S:g} s, so it was killed"
        self._finish()

    def _finish(self) -> None:
        self._pause_watch.stop()
        process = self._process
        process.join(timeout=KILL_WAIT_S)  # it sent its last record (or was killed): it is about to exit
        if process.is_alive():
            _kill(process)
            process.join(timeout=KILL_WAIT_S)
        if not self._ended and self._failure is None:
            code = process.exitcode
            how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited with code {code}"
            self._failure = f"the training process {how} before finishing"
        if self._stop_sender is not None:
            self._stop_sender.close()
        # Not joined: the pipe closes with the child, and the reader then ends by itself (whatever it
        # still queues goes to a queue no longer read).
        self._process = self._records = self._stop_sender = self._reader = None
        self._model.end_training()
        self.running_changed.emit(False)
        if self._failure is not None:
            self._model.message.emit(
                f"Training stopped unexpectedly: {self._failure}. The parameters trained so far are kept."
            )


def _kill(process) -> None:
    """SIGKILL, with the child first given back the window's scheduling priority where the system allows
    it: a dying process runs its exit itself, and at nice +10 on a busy machine that can wait."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, process.pid, os.getpriority(os.PRIO_PROCESS, 0))
    process.kill()
