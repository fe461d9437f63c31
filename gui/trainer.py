"""Training off the UI thread: a child process runs core training; records arrive through a pipe.

A process, not a thread: the engine's small numpy calls hold the GIL, and a
worker thread would starve the UI thread, whose every Qt call releases and
re-acquires it. The pipe is watched with a QSocketNotifier, so records are
handled on the GUI thread and only it touches the model. A child that raises
or dies ends training with a message; what it sent before is kept.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal
from threadpoolctl import threadpool_limits

from core import training_process
from core.training import TrainProgress

FOREVER = 10**12  # "play": train until paused
WARM_UP_DELAY_MS = 1500


class TrainingController(QObject):
    """Starts and pauses training for a SessionModel."""

    running_changed = Signal(bool)
    rate_changed = Signal(float)  # epochs per second

    def __init__(self, model, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._context = training_process.context()
        # The window's own numpy work is small; OpenBLAS threads spinning after it took
        # half a core from the training process (47% of a core against 17% with one thread).
        threadpool_limits(1, user_api="blas")
        # After the window has painted: booting the fork server would slow the cold start.
        QTimer.singleShot(WARM_UP_DELAY_MS, training_process.warm_up)
        self._process = None
        self._conn = None
        self._stop = None
        self._notifier: QSocketNotifier | None = None
        self._failure: str | None = None  # why the child ended without finishing, once known
        self._ended = False  # the child's final None arrived
        self._start_epoch = 0.0
        self._started_at = 0.0

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self, epochs: int = FOREVER) -> None:
        if self.running:
            return
        params, self._start_epoch = self._model.begin_training()
        self._model.message.emit("")
        self._failure, self._ended = None, False
        receiver, sender = self._context.Pipe(duplex=False)
        self._stop = self._context.Event()
        self._process = self._context.Process(
            target=training_process.run,
            args=(sender, self._stop, self._model.network, params, epochs, 1 / 30),
            daemon=True,
        )
        self._process.start()
        sender.close()
        self._conn = receiver
        self._notifier = QSocketNotifier(receiver.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)
        self._started_at = time.perf_counter()
        self.running_changed.emit(True)

    def pause(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def stop_and_wait(self) -> None:
        """Stop, take what was already sent, and wait for the child (closing, opening another network)."""
        if not self.running:
            return
        self.pause()
        while self.running:
            if not self._read_available(block=True):
                self._finish()

    def _on_readable(self) -> None:
        if not self._read_available(block=False):
            self._finish()

    def _read_available(self, block: bool) -> bool:
        """Absorb every record waiting in the pipe; False once the child is done."""
        try:
            while block or self._conn.poll():
                block = False
                record = self._conn.recv()
                if record is None:
                    self._ended = True
                    return False
                if isinstance(record, training_process.TrainingFailed):
                    self._failure = record.message
                    return False
                self._absorb(record)
        except (EOFError, OSError):
            return False  # the child closed the pipe without its final None: _finish says so
        return True

    def _absorb(self, record: TrainProgress) -> None:
        self._model.absorb(record, self._start_epoch)
        elapsed = time.perf_counter() - self._started_at
        if elapsed > 0:
            self.rate_changed.emit(record.epoch / elapsed)
        if record.stopped:
            self._model.message.emit(f"Training paused: {record.stopped}.")

    def _finish(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
        self._conn.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        if not self._ended and self._failure is None:
            code = self._process.exitcode
            how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited with code {code}"
            self._failure = f"the training process {how} before finishing"
        self._process = self._conn = self._stop = self._notifier = None
        self._model.end_training()
        self.running_changed.emit(False)
        if self._failure is not None:
            self._model.message.emit(
                f"Training stopped unexpectedly: {self._failure}. The parameters trained so far are kept."
            )
