"""A network or session file read in a child process (see core.load_process); the result arrives as a signal."""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import QObject, Signal

from core import load_process, training_process

# Files above this size are read in the background: a 24 MB file of a million examples takes seconds.
BACKGROUND_BYTES = 2_000_000


class FileLoader(QObject):
    """Reads one file; emits ``loaded`` with the Network or SessionDocument, or ``failed`` with the reason."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, path: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        context = training_process.context()
        receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=load_process.read, args=(sender, path), daemon=True)
        training_process.ensure_server()
        with training_process.own_module_path():
            self._process.start()
        sender.close()
        threading.Thread(target=self._wait, args=(receiver,), name="file-loader", daemon=True).start()

    def cancel(self) -> None:
        """Stop reading (another file was asked for, or the window closes)."""
        if self._process.is_alive():
            self._process.kill()

    def _wait(self, conn) -> None:
        """On the reader thread: the child's one answer, or its absence."""
        try:
            result = conn.recv()
        except (EOFError, OSError):
            result = load_process.LoadFailed("the reading process ended without an answer")
        finally:
            conn.close()
        self._process.join(timeout=1)
        with contextlib.suppress(RuntimeError):  # the window may be gone
            if isinstance(result, load_process.LoadFailed):
                self.failed.emit(result.message)
            else:
                self.loaded.emit(result)
