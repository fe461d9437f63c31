"""Training in a child process, so a front end's thread never shares the GIL with the numpy loop.

The child runs core.training.train and sends each TrainProgress through a pipe,
then None when it is done, or a TrainingFailed if training raised. Setting
``stop`` ends it at the next record.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import sys
import threading
import traceback
from dataclasses import dataclass
from multiprocessing import forkserver
from multiprocessing.connection import Connection

from threadpoolctl import threadpool_limits

from core.network import Network, Params
from core.training import train


@dataclass(frozen=True)
class TrainingFailed:
    """The child's last record when training raised: what went wrong, in one line."""

    message: str


def context():
    """forkserver where the platform has it: a clean, single-threaded parent to fork from
    (forking a process that runs Qt threads is unsafe), started once with the engine preloaded."""
    if sys.platform.startswith("linux") and "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["core.training"])
        return ctx
    return mp.get_context("spawn")


def warm_up() -> None:
    """Boot the fork server in the background, so the first training starts without a pause."""
    if context().get_start_method() == "forkserver":
        threading.Thread(target=forkserver.ensure_running, name="forkserver-warm-up", daemon=True).start()


def run(conn: Connection, stop, network: Network, params: Params, epochs: int, chunk_seconds: float) -> None:
    """The child's body: send records until done, stopped, failed, or the parent is gone."""
    # One BLAS thread: the window's process needs the other core, and for these small
    # matrices OpenBLAS's extra threads mostly spin (measured: W3 4,726 epochs/s on one
    # thread against 4,507 on two; only 40,000-example batches lose, about 10%).
    threadpool_limits(1, user_api="blas")
    try:
        for record in train(network, params, epochs, chunk_seconds=chunk_seconds):
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
