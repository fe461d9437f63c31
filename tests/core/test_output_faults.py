"""Output faults and Ctrl+C for the real ``backprop-stepper`` process, and ``train --every``."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import cli
from tests.conftest import REPO

SCRIPT = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"
CONSOLE = shutil.which("backprop-stepper", path=str(Path(sys.executable).parent))
COMMAND = [CONSOLE] if CONSOLE else [sys.executable, "-c", SCRIPT]
LONG_TRAIN = ["train", "preset:or_gate", "--epochs", "10000000"]


def one_stderr_line(err: str, fragment: str) -> None:
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("backprop-stepper: ")
    assert fragment in err


def train_into_a_full_stdout(preset: str, epochs: int) -> subprocess.CompletedProcess:
    with open("/dev/full", "w") as full:
        return subprocess.run(
            [*COMMAND, "train", f"preset:{preset}", "--epochs", str(epochs)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            timeout=120,
        )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stdout_is_one_line_and_exit_1():
    run = train_into_a_full_stdout("or_gate", 3)
    assert run.returncode == 1
    one_stderr_line(run.stderr, "cannot write the output: No space left on device")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_stopped_run_that_cannot_be_printed_says_only_that():
    """Training stops (the raw house prices diverge) and stdout is full: one line, the write failure."""
    run = train_into_a_full_stdout("house_prices", 50)
    assert run.returncode == 1
    one_stderr_line(run.stderr, "cannot write the output: No space left on device")


def test_a_closed_stdout_is_one_line_and_exit_1():
    shell = 'exec "$@" >&-'
    run = subprocess.run(
        ["sh", "-c", shell, "sh", *COMMAND, "trace", "preset:or_gate"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert run.returncode == 1
    one_stderr_line(run.stderr, "standard output is closed")


def test_a_reader_that_goes_away_is_one_line_and_exit_1():
    # 200,000 costs are far more than a pipe holds, so the writer is still writing when the reader leaves.
    proc = subprocess.Popen(
        [*COMMAND, "train", "preset:or_gate", "--epochs", "200000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdout.read(10) == b'{"cost": ['
    proc.stdout.close()
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    one_stderr_line(err, "cannot write the output: Broken pipe")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime, stime in clock ticks (USER_HZ is 100)


def _ctrl_c_as_in_a_terminal() -> None:
    """Ctrl+C's signal back to its default in the child: a suite started as a background job of a
    shell without job control has it ignored, and the command rightly keeps ignoring it then."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to know training has started")
def test_ctrl_c_prints_the_epochs_done_then_one_line_and_exit_130():
    proc = subprocess.Popen(
        [*COMMAND, *LONG_TRAIN],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    deadline = time.monotonic() + 60
    while cpu_seconds(proc.pid) < 1.5 and time.monotonic() < deadline:  # imports take well under a second
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    one_stderr_line(err, "interrupted after ")
    done = int(err.split("interrupted after ")[1].split()[0])
    result = json.loads(out)
    assert 0 < done < 10_000_000
    assert len(result["cost"]) == done
    assert set(result) == {"cost", "params"}
    assert len(result["params"]["W1"]) == 2


def test_ctrl_c_while_loading_is_one_line_and_exit_130(monkeypatch, capsys):
    def interrupted(name):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "open_network", interrupted)
    assert cli.main(["trace", "preset:or_gate"]) == 130
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "backprop-stepper: interrupted\n"


# -- train --every ------------------------------------------------------------------------------


def train_json(capsys, *args: str) -> dict:
    assert cli.main(["train", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("epochs", "every"), [(10, 3), (12, 4), (7, 7), (5, 1)])
def test_every_k_prints_the_costs_of_epochs_k_2k_and_so_on(capsys, epochs, every):
    full = train_json(capsys, "preset:mood_2_2_1", "--epochs", str(epochs))
    sparse = train_json(capsys, "preset:mood_2_2_1", "--epochs", str(epochs), "--every", str(every))
    assert sparse["cost"] == full["cost"][every - 1 :: every]
    assert len(sparse["cost"]) == epochs // every
    assert sparse["params"] == full["params"]


def test_every_k_counts_epochs_across_training_chunks(capsys, monkeypatch):
    monkeypatch.setattr(cli, "TRAIN_CHUNK_SECONDS", 0.0)  # a record after every epoch block
    full = train_json(capsys, "preset:or_gate", "--epochs", "1000")
    sparse = train_json(capsys, "preset:or_gate", "--epochs", "1000", "--every", "7")
    assert sparse["cost"] == full["cost"][6::7]
