"""``backprop-stepper export``: the graph after N steps as SVG or PNG with no display; bad input is one line
and exit 2, a file that cannot be written one line and exit 1, and neither leaves a file behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from core import session_file
from core.presets import load_preset
from core.session import Session
from core.session_file import SessionDocument
from gui import launch, theme
from tests.conftest import REPO
from tests.gui.graph_checks import shows_line
from tests.gui.helpers import f3

LAUNCH = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"
SVG = "{http://www.w3.org/2000/svg}"
REFERENCE = json.loads((Path(__file__).resolve().parents[1] / "data" / "or_gate_reference.json").read_text())
EXAMPLE_1 = REFERENCE["example_1"]


def run_without_display(args: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=120
    )


def svg_texts(path: Path) -> list[str]:
    return ["".join(t.itertext()).strip() for t in ET.parse(path).getroot().iter(f"{SVG}text")]


def test_export_works_with_no_display_at_all(tmp_path):
    svg, png = tmp_path / "graph.svg", tmp_path / "graph.png"
    result = run_without_display(["export", "preset:or_gate", "--steps", "7", "--out", str(svg)])
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    texts = svg_texts(svg)
    forward, backward = EXAMPLE_1["forward"], EXAMPLE_1["backward"]
    assert {"x1", "x2", "y"} <= set(texts)
    assert f3(forward["loss"]) in texts
    assert f3(forward["yhat"]) in texts
    assert shows_line(texts, f"∂L/∂z = {f3(backward['dL_dz'])}")
    assert shows_line(texts, f"∂L/∂ŷ = {f3(backward['dL_dyhat'])}")
    result = run_without_display(["export", "preset:or_gate", "--steps", "3", "--out", str(png), "--scale", "1"])
    assert (result.returncode, result.stderr) == (0, "")
    assert not QImage(str(png)).isNull()


def export(capsys, *args: str) -> tuple[int, str, str]:
    status = launch.main(["export", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def refused(capsys, status: int, *args: str) -> str:
    """Export ``args`` expecting exit ``status`` with nothing on stdout and one line on stderr; that line."""
    got, stdout, stderr = export(capsys, *args)
    assert (got, stdout) == (status, "")
    assert stderr.count("\n") == 1
    assert "Traceback" not in stderr
    return stderr


def test_the_png_has_the_size_of_its_scale(tmp_path, capsys):
    sizes = []
    for scale in ("1", "3"):
        out = tmp_path / f"g{scale}.png"
        assert export(capsys, "preset:or_gate", "--out", str(out), "--scale", scale) == (0, "", "")
        image = QImage(str(out))
        sizes.append((image.width(), image.height()))
    (w1, h1), (w3, h3) = sizes
    assert abs(w3 - 3 * w1) <= 3
    assert abs(h3 - 3 * h1) <= 3
    out = tmp_path / "default.png"
    assert export(capsys, "preset:or_gate", "--out", str(out)) == (0, "", "")
    assert abs(QImage(str(out)).width() - 2 * w1) <= 2  # --scale 2 by default


def test_steps_beyond_the_pass_go_on_to_the_next_example_as_the_arrow_key_does(tmp_path, capsys):
    out = tmp_path / "graph.svg"
    # The OR gate's scalar pass is 13 steps (5 forward, 5 backward, 3 updates): 17 are 4 into example 2's pass.
    assert export(capsys, "preset:or_gate", "--steps", "17", "--out", str(out))[0] == 0
    texts = svg_texts(out)
    assert f3(EXAMPLE_1["after_update"]["b"]) in texts  # b after the first update


def test_the_layer_graph_and_a_theme(tmp_path, capsys):
    out = tmp_path / "layer.png"
    assert export(capsys, "preset:or_gate", "--graph", "layer", "--theme", "dark", "--out", str(out)) == (0, "", "")
    assert QImage(str(out)).pixelColor(1, 1) == QColor(theme.PALETTES["dark"].background)
    out = tmp_path / "layer.svg"
    assert export(capsys, "preset:or_gate", "--graph", "layer", "--steps", "2", "--out", str(out))[0] == 0
    texts = svg_texts(out)
    assert any(t.endswith("X·W") for t in texts)
    assert any(t.endswith("mean   C") for t in texts)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["missing.json"], "No such file"),
        (["preset:nope"], "nope"),
        (["preset:or_gate", "--steps", "-1"], "--steps"),
        (["preset:or_gate", "--steps", "many"], "--steps"),
        (["preset:or_gate", "--steps", "10001"], "--steps"),
        (["preset:or_gate", "--scale", "0"], "--scale"),
        (["preset:or_gate", "--scale", "nan"], "--scale"),
        (["preset:or_gate", "--scale", "-2"], "--scale"),
        (["preset:or_gate", "--scale", "500"], "over 16,000 pixels a side"),
        (["preset:or_gate", "--scale", "1e-9"], "under 32 pixels a side"),
        (["preset:or_gate", "--scale", "0.01"], "the smallest scale for this picture is"),
        (["preset:or_gate", "--theme", "purple"], "--theme"),
        (["preset:or_gate", "--graph", "both"], "--graph"),
        (["preset:or_gate", "--out-of-place"], "unrecognized"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_and_writes_nothing(tmp_path, capsys, args, expected):
    assert expected in refused(capsys, 2, *args, "--out", str(tmp_path / "graph.png"))
    assert os.listdir(tmp_path) == []


def test_a_broken_file_and_a_bad_out_extension(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "backprop-stepper.network/1", "inputs": ')
    assert "broken.json" in refused(capsys, 2, str(broken), "--out", str(tmp_path / "g.svg"))
    assert "--out must end in .svg or .png" in refused(capsys, 2, "preset:or_gate", "--out", str(tmp_path / "g.jpg"))
    assert sorted(os.listdir(tmp_path)) == ["broken.json"]


def test_an_out_that_cannot_be_written_is_one_line_and_exit_1_and_leaves_nothing(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    stderr = refused(capsys, 1, "preset:or_gate", "--out", str(blocker / "graph.svg"))
    assert "cannot write" in stderr
    assert "nothing was written" in stderr
    assert os.listdir(tmp_path) == ["not-a-folder"]


def test_the_unknown_command_message_lists_export(capsys):
    assert launch.main(["exprot"]) == 2
    assert "export" in capsys.readouterr().err


def test_a_session_file_is_drawn_where_it_was_saved_with_its_view(tmp_path, capsys):
    session = Session(load_preset("or_gate"))
    for _ in range(5):  # the forward pass
        session.step_forward()
    path = tmp_path / "lecture.json"
    session_file.save(SessionDocument(session.snapshot(), view={"decimals": 4, "theme": "dark"}), path)
    out = tmp_path / "graph.svg"
    assert export(capsys, str(path), "--out", str(out)) == (0, "", "")
    texts = svg_texts(out)
    backward = EXAMPLE_1["backward"]
    assert f"{EXAMPLE_1['forward']['yhat']:.4f}" in texts  # the saved position, at the saved decimals
    assert not any(t.startswith("∂L/∂z") for t in texts)
    png = tmp_path / "graph.png"
    assert export(capsys, str(path), "--steps", "4", "--out", str(png)) == (0, "", "")
    assert QImage(str(png)).pixelColor(1, 1) == QColor(theme.PALETTES["dark"].background)
    assert export(capsys, str(path), "--steps", "4", "--out", str(out)) == (0, "", "")
    assert shows_line(svg_texts(out), f"∂L/∂z = {backward['dL_dz']:.4f}")  # four steps on from there
    assert "give no --graph with it" in refused(capsys, 2, str(path), "--graph", "layer", "--out", str(out))


def test_a_corrupt_session_file_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "backprop-stepper.session/2", "network": {}, "state": {}}')
    assert "newer Backprop Stepper" in refused(capsys, 2, str(path), "--out", str(tmp_path / "g.svg"))
    assert os.listdir(tmp_path) == ["broken.json"]


@pytest.mark.parametrize(
    ("key", "mode", "steps"),
    [("or_gate", None, 400), ("mood_2_2_1", None, 333), ("mood_2_2_1", "batch", 250), ("softmax_3_class", "batch", 97)],
)
def test_many_steps_reach_the_same_pass_holding_at_most_an_epoch_of_passes(key, mode, steps):
    """Exporting after N steps lets go of the passes of finished epochs (10,000 full-batch steps on
    40,000 examples held 17 GB), and draws exactly what N presses of → show."""
    from core.session import Mode
    from gui.export_cli import stepped

    network = load_preset(key)
    pressed = Session(network, mode and Mode(mode))
    for _ in range(steps):
        pressed.step_forward()
    exported = stepped(Session(network, mode and Mode(mode)), steps)
    assert (exported.cursor, exported.epoch, exported.current.examples) == (
        pressed.cursor,
        pressed.epoch,
        pressed.current.examples,
    )
    for name, value in pressed.displayed_params().items():
        assert np.array_equal(exported.displayed_params()[name], value)
    for shown in ("values", "grads"):
        for node, value in getattr(pressed.state, shown).items():
            assert np.array_equal(getattr(exported.state, shown)[node], value)
    held = exported.snapshot(kept_passes=10**9).pass_count
    assert held <= exported.updates_per_epoch + 1 < pressed.snapshot(kept_passes=10**9).pass_count
