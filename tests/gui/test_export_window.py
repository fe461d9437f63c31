"""File → Export, driven through the window's menu: graph PNG/SVG, cost plot, trace, narration, chain panel,
clipboard; every file written whole or not at all, and the window says which."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage

from core import cli
from core.limits import human_bytes
from core.network_file import save
from core.presets import load_preset
from core.session import Session
from gui import export
from tests.gui.graph_checks import shows_line
from tests.gui.helpers import f3, press

SVG = "{http://www.w3.org/2000/svg}"
REFERENCE = json.loads((Path(__file__).resolve().parents[1] / "data" / "or_gate_reference.json").read_text())
EXAMPLE_1 = REFERENCE["example_1"]


@pytest.fixture
def save_as(monkeypatch, tmp_path):
    """The file dialog answers with the path set here (relative to tmp_path)."""
    answer = {"path": ""}

    def dialog(*args, **kwargs):
        return str(answer["path"]), ""

    monkeypatch.setattr("gui.export_menu.QFileDialog.getSaveFileName", dialog)

    def choose(name: str | Path) -> Path:
        answer["path"] = tmp_path / name
        return answer["path"]

    return choose


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def exported(window, qtbot) -> None:
    """Wait for an export the window finishes in the background (a large image is encoded on a thread)."""
    qtbot.waitUntil(lambda: not window.export_menu.busy, timeout=10000)


def saved_notice(window) -> str:
    return window.statusBar().currentMessage()


def test_the_graph_as_svg_keeps_labels_and_values_as_text(window, qtbot, save_as):
    press(qtbot, window, Qt.Key.Key_Right, 7)  # the forward pass (5 steps), then L's and σ's backward steps
    out = save_as("graph.svg")
    window.export_menu.act_graph_svg.trigger()
    exported(window, qtbot)
    texts = svg_texts(out)  # parses as XML
    assert {"x1", "x2", "y"} <= set(texts)
    assert any(t.endswith("w1·x1") for t in texts)
    forward, backward = EXAMPLE_1["forward"], EXAMPLE_1["backward"]
    for value in (forward["yhat"], forward["loss"], EXAMPLE_1["w"][1]):
        assert f3(value) in texts
    assert shows_line(texts, f"∂L/∂ŷ = {f3(backward['dL_dyhat'])}")
    assert shows_line(texts, f"∂L/∂z = {f3(backward['dL_dz'])}")
    assert shows_line(texts, f"local ŷ(1−ŷ) = {f3(backward['local_dyhat_dz'])}")
    assert b"<image" not in out.read_bytes()  # drawn, not pasted from the nodes' pixmap caches
    assert saved_notice(window) == f"Saved graph.svg ({human_bytes(out.stat().st_size)})"
    assert window.message_bar.isHidden()


def test_the_graph_as_png_has_the_size_of_its_scale(window, qtbot, save_as):
    rect = window.scene.itemsBoundingRect()
    sizes = {}
    for scale in (1, 3):
        out = save_as(f"graph{scale}.png")
        window.export_menu.graph_png_actions[scale].trigger()
        exported(window, qtbot)
        image = QImage(str(out))
        sizes[scale] = (image.width(), image.height())
    for scale, (w, h) in sizes.items():
        assert w == math.ceil((rect.width() + 2 * export.MARGIN) * scale)
        assert h == math.ceil((rect.height() + 2 * export.MARGIN) * scale)
    assert saved_notice(window).startswith("Saved graph3.png (")


def test_a_typed_scale_is_used_and_a_bad_one_refused(window, qtbot, save_as, monkeypatch):
    answers = iter([("2.5×", True), ("big", True)])
    monkeypatch.setattr("gui.export_menu.QInputDialog.getText", lambda *a, **k: next(answers))
    out = save_as("graph.png")
    window.export_menu.act_graph_png_other.trigger()
    exported(window, qtbot)
    rect = window.scene.itemsBoundingRect()
    assert QImage(str(out)).width() == math.ceil((rect.width() + 2 * export.MARGIN) * 2.5)
    out.unlink()
    window.export_menu.act_graph_png_other.trigger()
    exported(window, qtbot)
    assert "scale must be a number above 0" in window.message_bar.text()
    assert not out.exists()


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        ("400", "over 16,000 pixels a side (the largest scale for this picture is"),
        ("1e-9", "under 32 pixels a side (the smallest scale for this picture is"),  # was a 1 × 1 PNG
    ],
)
def test_a_scale_too_large_or_too_small_is_refused_and_writes_nothing(
    window, qtbot, save_as, monkeypatch, scale, expected
):
    monkeypatch.setattr("gui.export_menu.QInputDialog.getText", lambda *a, **k: (scale, True))
    out = save_as("graph.png")
    window.export_menu.act_graph_png_other.trigger()
    exported(window, qtbot)
    assert expected in window.message_bar.text()
    assert os.listdir(out.parent) == []


def test_export_into_a_folder_that_cannot_be_written_says_so_and_leaves_no_file(window, qtbot, save_as):
    # A parent that is a file makes the write fail even for root, where a read-only folder would not.
    blocker = save_as("not-a-folder")
    blocker.write_text("a file")
    for action, name in (
        (window.export_menu.act_graph_svg, "graph.svg"),
        (window.export_menu.graph_png_actions[2], "graph.png"),
        (window.export_menu.act_cost_csv, "cost.csv"),
        (window.export_menu.act_trace, "trace.json"),
        (window.export_menu.act_narration, "narration.md"),
    ):
        save_as(Path("not-a-folder") / name)
        action.trigger()
        exported(window, qtbot)
        message = window.message_bar.text()
        assert message.startswith("Could not export ")
        assert name in message
        assert message.endswith("Nothing was written.")
        assert "\n" not in message
        assert os.listdir(blocker.parent) == ["not-a-folder"]
    assert not saved_notice(window).startswith("Saved")
    save_as("graph.svg")
    window.export_menu.act_graph_svg.trigger()  # the next export that works clears the failure
    exported(window, qtbot)
    assert window.message_bar.isHidden()
    assert saved_notice(window).startswith("Saved graph.svg")


def test_a_file_name_with_another_extension_is_refused(window, qtbot, save_as):
    out = save_as("graph.jpg")
    window.export_menu.act_graph_svg.trigger()
    exported(window, qtbot)
    assert "makes a .svg file, not .jpg" in window.message_bar.text()
    assert not out.exists()


def test_a_name_without_extension_gets_the_export_s(window, qtbot, save_as, tmp_path):
    save_as("graph")
    window.export_menu.act_graph_svg.trigger()
    exported(window, qtbot)
    assert (tmp_path / "graph.svg").exists()


def _trace_output(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(argv) == 0
    return out.getvalue()


def test_the_json_trace_is_what_the_trace_command_prints_for_the_same_position(window, qtbot, save_as, tmp_path):
    press(qtbot, window, Qt.Key.Key_Right, 3)
    out = save_as("trace.json")
    window.export_menu.act_trace.trigger()
    exported(window, qtbot)
    assert out.read_text() == _trace_output(["trace", "preset:or_gate", "--example", "0"])
    assert json.loads(out.read_text())["cost"] == EXAMPLE_1["forward"]["loss"]
    # After an update, on the next example: the same as trace on the network saved with its new weights.
    press(qtbot, window, Qt.Key.Key_N)
    window.export_menu.act_trace.trigger()
    exported(window, qtbot)
    network = tmp_path / "updated.json"
    save(window.model.network, network, window.model.session.params)
    assert out.read_text() == _trace_output(["trace", str(network), "--example", "1"])
    assert json.loads(out.read_text())["params"]["b1"]["value"] == [EXAMPLE_1["after_update"]["b"]]
    # The layer graph keeps the place: its first pass is the rest of the batch the scalar steps were
    # in (examples 2–4), then whole batches (the OR gate is full batch), which trace prints.
    window.mode_box.setCurrentIndex(1)
    window.mode_box.activated.emit(1)
    assert window.model.session.current.examples == (1, 2, 3)
    press(qtbot, window, Qt.Key.Key_N)
    window.export_menu.act_trace.trigger()
    exported(window, qtbot)
    save(window.model.network, network, window.model.session.params)
    assert out.read_text() == _trace_output(["trace", str(network)])


def test_the_cost_csv_holds_the_epochs_and_the_stepped_updates(window, qtbot, save_as):
    press(qtbot, window, Qt.Key.Key_N, 8)  # two epochs of per-example updates
    out = save_as("cost.csv")
    window.export_menu.act_cost_csv.trigger()
    exported(window, qtbot)
    rows = list(csv.DictReader(out.read_text().splitlines()))
    epochs = [r for r in rows if r["series"] == "epoch"]
    updates = [r for r in rows if r["series"] == "update"]
    assert [float(r["epoch"]) for r in epochs] == [1.0, 2.0]
    assert [float(r["epoch"]) for r in updates] == [0.25 * k for k in range(1, 9)]
    update_costs = [float(r["cost"]) for r in updates]
    assert update_costs[0] == pytest.approx(EXAMPLE_1["forward"]["loss"], abs=1e-15)
    # An epoch's cost is the mean of the losses its updates were computed from.
    for k, row in enumerate(epochs):
        assert float(row["cost"]) == pytest.approx(sum(update_costs[4 * k : 4 * k + 4]) / 4, rel=1e-12)
        assert row["epochs_per_bin"] == "1"
    _x, y = window.model.session.cost_curve()
    assert [float(r["cost"]) for r in epochs] == y.tolist()


def test_the_narration_as_markdown_holds_every_line_of_the_pane(window, qtbot, save_as):
    press(qtbot, window, Qt.Key.Key_Right, 6)
    out = save_as("narration.md")
    window.export_menu.act_narration.trigger()
    exported(window, qtbot)
    text = out.read_text().replace("**", "").replace("\\", "")
    lines = window.narration.lines()
    assert len(lines) == 7  # the example's header and six steps
    for line in lines:
        assert line in text
    assert f"**{f3(EXAMPLE_1['forward']['yhat'])}**" in out.read_text()  # values in bold


def test_the_chain_rule_panel_as_png_is_the_whole_explanation_in_its_colours(window, qtbot, save_as):
    press(qtbot, window, Qt.Key.Key_Right, 7)
    panel = window.chain_panel
    panel.resize(panel.width(), 80)  # shorter than its text: the image still holds all of it
    out = save_as("chain.png")
    window.export_menu.act_chain.trigger()
    exported(window, qtbot)
    image = QImage(str(out))
    assert image.width() == 2 * panel.viewport().width()
    assert image.height() >= 2 * panel.document().size().height() - 2 > 2 * panel.viewport().height()
    assert image.pixelColor(1, 1) == panel.viewport().palette().color(panel.viewport().backgroundRole())


def test_the_cost_plot_as_svg_and_png(window, qtbot, save_as):
    press(qtbot, window, Qt.Key.Key_N, 4)
    svg = save_as("cost.svg")
    window.export_menu.act_cost_svg.trigger()
    exported(window, qtbot)
    texts = svg_texts(svg)
    assert "Cost per epoch" in texts
    assert "per stepped update" in texts
    png = save_as("cost.png")
    window.export_menu.act_cost_png.trigger()
    exported(window, qtbot)
    viewport = window.cost_plot.viewport()
    image = QImage(str(png))
    assert (image.width(), image.height()) == (2 * viewport.width(), 2 * viewport.height())


def test_copy_graph_image_puts_the_graph_on_the_clipboard(window, qtbot):
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    exported(window, qtbot)
    image = QGuiApplication.clipboard().image()
    rect = window.scene.itemsBoundingRect()
    assert image.width() == math.ceil((rect.width() + 2 * export.MARGIN) * 2)
    assert image.height() == math.ceil((rect.height() + 2 * export.MARGIN) * 2)
    assert saved_notice(window) == f"Copied the graph image ({image.width()} × {image.height()} pixels)"
    assert window.export_menu.act_copy_graph in window.edit_menu.actions()


def test_the_export_leaves_the_selection_and_the_node_caches_as_they_were(window, qtbot, save_as):
    item = next(iter(window.scene.nodes.values()))
    item.setSelected(True)
    save_as("graph.svg")
    window.export_menu.act_graph_svg.trigger()
    exported(window, qtbot)
    assert item.isSelected()
    assert item.cacheMode() is item.CacheMode.DeviceCoordinateCache


def test_a_graph_too_large_for_twice_its_size_is_copied_as_large_as_allowed(window, qtbot, monkeypatch):
    monkeypatch.setattr(export, "MAX_SIDE", 600)
    window.export_menu.act_copy_graph.trigger()
    exported(window, qtbot)
    image = QGuiApplication.clipboard().image()
    assert max(image.width(), image.height()) <= 600
    assert max(image.width(), image.height()) >= 598


def test_an_expression_s_pass_exports_as_trace_expr_prints_it(window, qtbot, save_as):
    assert window.open_expression("x*y + x", {"x": 2.0, "y": 3.0})
    press(qtbot, window, Qt.Key.Key_Right, 2)
    out = save_as("trace.json")
    window.export_menu.act_trace.trigger()
    exported(window, qtbot)
    assert out.read_text() == _trace_output(["trace", "--expr", "x*y + x", "--at", "x=2,y=3"])
    assert json.loads(out.read_text())["grads"] == {"x": 4.0, "y": 2.0}  # ∂(xy + x)/∂x = y + 1, ∂/∂y = x
    assert not window.export_menu.act_cost_csv.isEnabled()  # an expression has no cost history


def test_a_disk_that_fills_up_keeps_the_old_file_whole_and_leaves_no_temporary(window, qtbot, save_as, monkeypatch):
    out = save_as("graph.png")
    out.write_bytes(b"the old picture")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("core.network_file.os.fsync", disk_full)
    window.export_menu.graph_png_actions[1].trigger()
    exported(window, qtbot)
    assert "No space left on device" in window.message_bar.text()
    assert out.read_bytes() == b"the old picture"
    assert os.listdir(out.parent) == ["graph.png"]


def test_a_long_history_is_written_as_min_max_bins_then_the_epochs_stepped_since(qapp):
    session = Session(load_preset("or_gate"))
    trained = np.arange(1, 40_001, dtype=float)
    costs = 1.0 / trained + 0.01 * np.sin(trained)  # a wiggle, so each bin's lowest and highest differ
    session.history.extend(trained, costs)
    session.epoch_offset = 40_000.0
    for _ in range(4):  # one stepped epoch (four examples) after the trained ones
        session.next_example()
    rows = list(csv.DictReader(export.cost_csv(session).splitlines()))
    bins = [r for r in rows if r["series"] in ("bin_min", "bin_max")]
    stepped = [r for r in rows if r["series"] == "epoch"]
    assert len(bins) > 0
    assert len(bins) % 2 == 0
    width = int(bins[0]["epochs_per_bin"])
    assert width > 1
    for low, high in zip(bins[0::2], bins[1::2], strict=True):
        assert (low["series"], high["series"], low["epoch"]) == ("bin_min", "bin_max", high["epoch"])
        start = int(low["epoch"])
        covered = costs[(trained >= start) & (trained < start + width)]
        assert float(low["cost"]) == covered.min()
        assert float(high["cost"]) == covered.max()
    assert [float(r["epoch"]) for r in stepped] == [40_001.0]
    updates = [float(r["cost"]) for r in rows if r["series"] == "update"]
    assert float(stepped[0]["cost"]) == pytest.approx(sum(updates) / 4, rel=1e-12)


@pytest.mark.parametrize("height", [39298.5, 2637.0, 16001.0, 12345.678, 99999.99])
def test_the_largest_scale_always_fits(height):
    """2-16-16-1's graph (39,298.5 units high) copied at the largest scale was refused at 16,001 pixels."""
    rect = QRectF(0, 0, 1000.0, height)
    size = export.image_size(rect, export.largest_scale(rect))
    assert size.height() == export.MAX_SIDE
