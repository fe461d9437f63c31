"""Atomic writes: the whole file or nothing, no temporary file left behind, permissions from the umask."""

from __future__ import annotations

import os
import stat

import pytest

from core import network_file
from core.network_file import write_atomically, write_bytes_atomically


def test_bytes_are_written_whole_with_the_umask_s_permissions(tmp_path):
    path = tmp_path / "graph.png"
    old = os.umask(0o027)
    try:
        write_bytes_atomically(path, b"\x89PNG\r\n\x00data")
    finally:
        os.umask(old)
    assert path.read_bytes() == b"\x89PNG\r\n\x00data"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["graph.png"]


def test_text_is_written_as_utf8(tmp_path):
    path = tmp_path / "narration.md"
    write_atomically(path, "σ′(z) = σ(z)·(1 − σ(z))\n")
    assert path.read_bytes() == "σ′(z) = σ(z)·(1 − σ(z))\n".encode()


def test_a_parent_that_is_a_file_fails_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(NotADirectoryError):
        write_bytes_atomically(blocker / "graph.svg", b"<svg/>")
    assert os.listdir(tmp_path) == ["not-a-folder"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path, monkeypatch):
    path = tmp_path / "cost.csv"
    path.write_bytes(b"old")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(network_file.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_bytes_atomically(path, b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["cost.csv"]
