"""The training process: it runs only this project's code, and a frozen one never blocks the window."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt

from core.training_process import TRAINING_NICENESS
from tests.conftest import REPO
from tests.gui.helpers import press

# Started as the installed command starts the app: the script's own folder, not the working folder,
# is first on the path. It trains the OR gate for 300 epochs and prints what the window got.
LAUNCHER = """
import sys, time


def main():
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
    from core.presets import load_preset
    from gui.main_window import MainWindow
    window = MainWindow(load_preset("or_gate"))
    window.show()
    window.trainer.start(300)
    deadline = time.monotonic() + 60
    while window.trainer.running and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    print(len(window.model.session.history), repr(window.message_bar.text()), flush=True)
    window.close()
    del window  # before the application, or Qt crashes on the way out


if __name__ == "__main__":  # the training child imports this script again, as the installed command's is
    main()
"""

MARKER_CODE = "open({marker!r}, 'w').write('ran')\n"


@pytest.mark.parametrize("stranger", ["core.py", "core/__init__.py"])
def test_training_from_a_foreign_folder_runs_none_of_its_code(tmp_path, stranger):
    folder, bin_dir = tmp_path / "work", tmp_path / "bin"
    marker = tmp_path / "marker"
    for name in (stranger, "gui.py"):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(MARKER_CODE.format(marker=str(marker)))
    bin_dir.mkdir()
    (bin_dir / "launch.py").write_text(LAUNCHER)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, str(bin_dir / "launch.py")],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "300", result.stdout + result.stderr
    assert "''" in result.stdout  # no message: training ended normally
    assert not marker.exists()


def _freeze_training(window, qtbot) -> int:
    window.trainer.start()
    qtbot.waitUntil(lambda: len(window.model.session.history) >= 100, timeout=10000)
    pid = window.trainer._process.pid
    os.kill(pid, signal.SIGSTOP)
    return pid


def test_stopping_a_frozen_training_process_returns_within_a_second(window, qtbot):
    _freeze_training(window, qtbot)
    process = window.trainer._process
    start = time.monotonic()
    window.trainer.stop_and_wait()
    assert time.monotonic() - start < 1.0
    assert not window.trainer.running
    assert process.exitcode == -signal.SIGKILL
    text = window.message_bar.text()
    assert "did not answer" in text
    assert "killed" in text
    assert len(window.model.session.history) >= 100  # what it sent is kept


def test_pausing_a_frozen_training_process_kills_it_and_says_so(window, qtbot):
    _freeze_training(window, qtbot)
    process = window.trainer._process
    qtbot.keyClick(window, "p")
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=1500)
    assert process.exitcode == -signal.SIGKILL
    assert "did not answer" in window.message_bar.text()
    assert window.act_play.text() == "Play"


def test_training_runs_below_the_window_in_the_scheduler(window, qtbot):
    """Several runs keep both cores busy: the window's thread must still get one when it wakes."""
    qtbot.mouseClick(window.training_panel.play_button, Qt.MouseButton.LeftButton)
    pid = window.trainer._process.pid
    qtbot.waitUntil(lambda: os.getpriority(os.PRIO_PROCESS, pid) != os.getpriority(os.PRIO_PROCESS, 0), timeout=3000)
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(os.getpriority(os.PRIO_PROCESS, 0) + TRAINING_NICENESS, 19)
    window.trainer.stop_and_wait()


def test_the_window_trains_with_one_blas_thread_of_its_own(window, qtbot):
    """The limit is set after the window's first paint, or by Play at the latest: the window's BLAS
    threads spinning after its own small products took half a core from the training process."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from gui import trainer

    def blas_threads() -> set[int]:
        return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}

    threadpool_limits(2, user_api="blas")  # as a new process starts (on two cores)
    trainer.limit_blas_threads.cache_clear()
    assert blas_threads() == {2}
    press(qtbot, window, Qt.Key.Key_P)
    assert window.trainer.running
    assert blas_threads() == {1}
    window.trainer.stop_and_wait()
