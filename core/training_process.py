"""Training in a child process, so a front end's thread never shares the GIL with the numpy loop.

The child runs core.training.train and sends each TrainProgress through a pipe,
then None when it is done, or a TrainingFailed if training raised. The front end
asks it to stop by closing its end of a second pipe (``StopRequest``): closing
never blocks, even when the child is frozen.

The child imports only the engine the front end itself runs: the fork server
starts with the project's own folder first on its module path and without the
working folder, so a ``core.py`` or ``core/`` where the app was started is never run.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import threading
import traceback
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from pathlib import Path

from threadpoolctl import threadpool_limits

import core
from core.network import Network, Params
from core.optimizers import State
from core.training import train

# The folder that holds the running `core` package: the child must import this one.
PROJECT_ROOT = Path(core.__file__).resolve().parent.parent
_server_lock = threading.Lock()
TRAINING_NICENESS = 10  # added to the child's nice value (lower scheduling priority)


@dataclass(frozen=True)
class TrainingFailed:
    """The child's last record when training raised: what went wrong, in one line."""

    message: str


class StopRequest:
    """The child's end of the stop pipe: set once the front end closes (or loses) its end."""

    def __init__(self, reader: Connection) -> None:
        self.reader = reader

    def is_set(self) -> bool:
        return self.reader.poll()


def context():
    """forkserver where the platform has it: a clean, single-threaded parent to fork from
    (forking a process that runs Qt threads is unsafe), started once with the engine preloaded."""
    if sys.platform.startswith("linux") and "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["core.training"])
        return ctx
    return mp.get_context("spawn")


@contextlib.contextmanager
def own_module_path():
    """While starting a Python child: no working folder on its path, this project's folder first.

    A ``python -c`` child (how multiprocessing starts its fork server and spawned children)
    would otherwise put the working folder first, and import a stranger's ``core``.
    """
    others = [str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    wanted = {"PYTHONSAFEPATH": "1", "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), *others])}
    saved = {name: os.environ.get(name) for name in wanted}
    with _server_lock:
        os.environ.update(wanted)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def ensure_server() -> None:
    """Start the fork server, if this platform uses one and it is not running (it returns at once:
    the server loads the engine in its own time)."""
    if context().get_start_method() == "forkserver":
        with own_module_path():
            forkserver.ensure_running()


def run_in_background(*args) -> None:
    """``run`` as a child process's body, below the front end in the scheduler: the front end's
    thread then gets a core when it wakes, even while several runs keep every core busy."""
    with contextlib.suppress(OSError):
        os.nice(TRAINING_NICENESS)
    run(*args)


def run(
    conn: Connection,
    stop,
    network: Network,
    params: Params,
    epochs: int,
    chunk_seconds: float,
    state: State | None = None,
) -> None:
    """The child's body: send records until done, stopped, failed, or the parent is gone.

    ``stop`` is anything with ``is_set()``: a StopRequest from the window, an Event in tests.
    """
    # One BLAS thread: the window's process needs the other core, and for these small
    # matrices OpenBLAS's extra threads mostly spin (measured: W3 4,726 epochs/s on one
    # thread against 4,507 on two; only 40,000-example batches lose, about 10%).
    threadpool_limits(1, user_api="blas")
    try:
        for record in train(network, params, epochs, chunk_seconds=chunk_seconds, state=state):
            conn.send(record)
            if stop.is_set():
                break
        conn.send(None)
    except (BrokenPipeError, EOFError):
        pass  # the front end closed: nothing left to report to
    except Exception as e:
        traceback.print_exc()  # for whoever reads stderr; the front end gets one line
        with contextlib.suppress(OSError):  # the front end may have closed as well
            conn.send(TrainingFailed(f"{type(e).__name__}: {e}"))
    finally:
        conn.close()
