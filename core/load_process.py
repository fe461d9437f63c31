"""Reading a large network or session file in a child process, so a front end's thread never stops for it
(parsing JSON holds the GIL for the whole file: a thread would freeze the window as well)."""

from __future__ import annotations

from dataclasses import dataclass
from multiprocessing.connection import Connection

from core.session_file import SessionFileError, load_any


@dataclass(frozen=True)
class LoadFailed:
    """Why the file could not be opened, in one line."""

    message: str


def read(conn: Connection, path: str) -> None:
    """The child's body: send the Network or SessionDocument read from ``path``, or a LoadFailed."""
    try:
        conn.send(load_any(path))
    except SessionFileError as e:
        conn.send(LoadFailed(str(e)))
    except MemoryError:
        conn.send(LoadFailed("there is not enough memory to read it"))
    finally:
        conn.close()
