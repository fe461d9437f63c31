"""The command that starts the window: screenshots, and the message when there is no display."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from PySide6.QtGui import QImage

from tests.conftest import REPO

LAUNCH = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"


def _run(args, env_changes):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=120
    )


def test_screenshot_option_renders_a_png(tmp_path):
    out = tmp_path / "shot.png"
    result = _run(["--screenshot", str(out), "--steps", "7", "--size", "1280x800"], {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)


def test_a_screenshot_follows_the_umask(tmp_path):
    out = tmp_path / "shot.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    command = [sys.executable, "-c", LAUNCH, "--screenshot", str(out), "--size", "640x400"]
    result = subprocess.run(  # the child's umask 027: the file must be rw-r-----, as any other
        command, capture_output=True, text=True, env=env, cwd=REPO, timeout=120, umask=0o027
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]


def test_without_a_display_it_says_so_in_one_line():
    result = _run([], {})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no display" in lines[0]
    assert "QT_QPA_PLATFORM=offscreen" in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_file_on_the_command_line_is_one_line():
    result = _run(["/nonexistent/net.json"], {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "cannot read" in result.stderr


def test_missing_x11_library_is_one_line_not_a_core_dump(monkeypatch, capsys):
    from gui import launch

    monkeypatch.setattr(launch.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)

    def cannot_load(path):
        raise OSError("libxcb-icccm.so.4: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(launch.ctypes, "CDLL", cannot_load)
    assert launch.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "libxcb-icccm.so.4 is missing" in err
    assert "sudo apt install" in err


def test_a_screenshot_prints_nothing_on_success(tmp_path):
    """The offscreen platform's note that it cannot size windows (four lines per screenshot) is not shown."""
    out = tmp_path / "shot.png"
    result = _run(
        ["preset:mood_2_2_1", "--screenshot", str(out), "--size", "400x300"], {"QT_QPA_PLATFORM": "offscreen"}
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert QImage(str(out)).width() == 400


def test_a_preset_is_named_as_the_other_commands_name_it(tmp_path):
    """``backprop-stepper preset:NAME`` opens the preset, as trace, train and export take it; a name that
    is not a shipped preset is one line."""
    out = tmp_path / "shot.png"
    result = _run(["preset:../presets/or_gate", "--screenshot", str(out)], {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert "no preset '../presets/or_gate'" in result.stderr
    assert not out.exists()


def test_a_screenshot_that_cannot_be_written_is_one_line_naming_it(tmp_path):
    out = tmp_path / "no such folder" / "two\nlines.png"
    result = _run(["--screenshot", str(out), "--size", "400x300"], {"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "could not write the screenshot to '" in result.stderr
