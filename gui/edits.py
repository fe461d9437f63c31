"""Undoable edits: a new network (editor, file, preset) and a parameter typed into the graph."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtGui import QUndoCommand

from core.network import Network


class ReplaceNetwork(QUndoCommand):
    """Undo returns to the previous network as it was opened: its initial weights, stepping reset."""

    def __init__(self, install: Callable[[Network], bool], before: Network, after: Network, text: str) -> None:
        super().__init__(text)
        self._install, self._before, self._after = install, before, after

    def redo(self) -> None:
        if not self._install(self._after):
            self.setObsolete(True)  # refused (too big): the stack drops this command

    def undo(self) -> None:
        self._install(self._before)


class EditParam(QUndoCommand):
    """A parameter's value in the current pass; undo puts the old value back (the cursor stays)."""

    def __init__(self, set_param: Callable[[str, np.ndarray], None], name: str, old, new, text: str) -> None:
        super().__init__(text)
        self._set, self._name = set_param, name
        self._old, self._new = np.array(old, dtype=float), np.array(new, dtype=float)

    def redo(self) -> None:
        self._set(self._name, self._new)

    def undo(self) -> None:
        self._set(self._name, self._old)


class ReplaceSession(QUndoCommand):
    """A session opened from a file; undo puts back everything that was there (network, parameters,
    history, cursor, stops) as it was when the file was opened."""

    def __init__(self, install: Callable[[object], None], before: object, after: object, text: str) -> None:
        super().__init__(text)
        self._install, self._before, self._after = install, before, after

    def redo(self) -> None:
        self._install(self._after)

    def undo(self) -> None:
        self._install(self._before)
