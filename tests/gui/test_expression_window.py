"""Expression mode in the real window: File → New expression… (Ctrl+E), stepping keys, panels that
only make sense for a network set aside, refusals in the dialog, and the --expr launch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from tests.gui.helpers import click_node, edge, node, press

REPO = Path(__file__).resolve().parents[2]
SCRIPT = "import sys; from gui.launch import main; sys.exit(main(sys.argv[1:]))"


def _new_expression(qtbot, window, text: str, values: str):
    press(qtbot, window, Qt.Key.Key_E, modifier=Qt.KeyboardModifier.ControlModifier)
    dialog = window.expression_dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.expression.setText(text[:-1])  # typing 100,000 characters one by one would take minutes
    qtbot.keyClicks(dialog.expression, text[-1:])
    dialog.values.clear()
    qtbot.keyClicks(dialog.values, values)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    return dialog


def test_ctrl_e_opens_an_expression_and_the_step_keys_walk_it(window, qtbot):
    dialog = _new_expression(qtbot, window, "(x**2 + 1)**3", "x=2")
    assert not dialog.isVisible()
    assert window.model.network is None
    assert "(x**2 + 1)**3" in window.windowTitle()
    assert [n.label for n in window.model.current.graph.nodes] == ["x", "1", "x²", "x² + 1", "f"]
    press(qtbot, window, Qt.Key.Key_Right)
    assert node(window, "x²").value_text == "4.000"
    assert node(window, "f").value_text == ""
    press(qtbot, window, Qt.Key.Key_F)
    assert node(window, "f").value_text == "125.000"
    press(qtbot, window, Qt.Key.Key_B)
    assert node(window, "x").grad_text == "∂f/∂x = 300.000"
    assert node(window, "x² + 1").grad_text == "∂f/∂(x² + 1) = 75.000"
    assert window.narration.lines()[0] == "f = (x**2 + 1)**3 at x = 2"
    assert window.narration.lines()[-1] == "B3  ^ x²: upstream 75.000 × local 2x = 4.000 → sends 300.000 to x"
    press(qtbot, window, Qt.Key.Key_Left)
    assert node(window, "x").grad_text == ""
    click_node(qtbot, window, "x")
    press(qtbot, window, Qt.Key.Key_B)
    text = window.chain_panel.toPlainText()
    assert "∂f/∂x = ∂x²/∂x · ∂(x² + 1)/∂x² · ∂f/∂(x² + 1)" in text
    assert "= 4.000 × 1.000 × 75.000 = 300.000" in text


def test_panels_for_networks_are_set_aside_with_a_note_and_come_back(window, qtbot):
    _new_expression(qtbot, window, "x*y + sin(x)", "x=1, y=2")
    assert window.expression_note.isVisible()
    assert not window.training_dock.isVisible()
    assert not window.data_dock.isVisible()
    assert not window.mode_box.isEnabled()
    for action in (window.act_update, window.act_next, window.act_play, window.act_save, window.act_edit_network):
        assert not action.isEnabled()
    end = len(window.model.current)
    press(qtbot, window, Qt.Key.Key_B)
    press(qtbot, window, Qt.Key.Key_Right, times=3)  # nothing after the backward pass
    press(qtbot, window, Qt.Key.Key_N)
    press(qtbot, window, Qt.Key.Key_P)
    assert window.model.session.cursor == end
    assert not window.trainer.running
    window.refresh_now()  # plots have nothing to draw, and do not fail
    window.preset_actions["or_gate"].trigger()
    assert window.model.network is not None
    assert not window.expression_note.isVisible()
    assert window.training_dock.isVisible()
    assert window.act_update.isEnabled()
    window.act_undo.trigger()  # back to the expression
    assert window.model.network is None
    assert window.model.current.graph.root.label == "f"


def test_fan_out_shows_the_gradient_accumulating_from_each_use(window, qtbot):
    _new_expression(qtbot, window, "x*y + x", "x=2, y=3")
    press(qtbot, window, Qt.Key.Key_F)
    press(qtbot, window, Qt.Key.Key_Right)  # B1: the sum sends 1 to x·y and to x
    assert node(window, "x").grad_text == "∂f/∂x so far = 1.000"
    assert edge(window, "x", "f").backward_text == "1.000"
    press(qtbot, window, Qt.Key.Key_Right)  # B2: the product sends y = 3 to x
    assert node(window, "x").grad_text == "∂f/∂x = 4.000"
    assert edge(window, "x", "x·y").backward_text == "3.000"


@pytest.mark.parametrize(
    ("text", "values", "shown"),
    [
        ("x +", "x=1", "Expression: column 4: "),
        ("__import__('os')", "", "Expression: column 1: unknown function"),
        ("log(x)", "x=-1", "Expression: column 1: log of a negative number"),
        ("x*y", "x=1", "Expression: column 3: y has no value"),
        ("x*2", "x=two", "Values: the value of x must be a number"),
        ("x" * 100_000, "x=1", "Expression: column 501: the expression is longer than 500 characters"),
    ],
)
def test_a_bad_expression_is_explained_in_the_dialog_and_nothing_changes(window, qtbot, text, values, shown):
    before = window.model.session
    dialog = _new_expression(qtbot, window, text, values)
    assert dialog.isVisible()
    assert dialog.error.text().startswith(shown)
    assert "\n" not in dialog.error.text()
    assert window.model.session is before
    dialog.reject()


def test_open_expression_refuses_with_the_message_bar(window):
    assert not window.open_expression("2x", {"x": 1.0})
    assert window.message_bar.text().startswith("Could not open the expression: column 1: ")
    assert window.model.network is not None


def test_launching_with_expr_renders_the_expression(tmp_path):
    out = tmp_path / "expr.png"
    argv = ["--expr", "(x**2 + 1)**3", "--at", "x=2", "--screenshot", str(out), "--steps", "4", "--size", "800x500"]
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 0
    bad = subprocess.run(
        [sys.executable, "-c", SCRIPT, "--expr", "9**9**9"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert bad.returncode == 2
    assert bad.stderr == "backprop-stepper: --expr: column 4: the exponent 387420489 is too large (at most 100)\n"


def test_the_narration_copies_as_markdown_from_the_same_structured_lines(window, qtbot):
    _new_expression(qtbot, window, "(x**2 + 1)**3", "x=2")
    press(qtbot, window, Qt.Key.Key_Right)
    window.narration.copy_markdown_action.trigger()  # from the Copy button's menu
    text = QGuiApplication.clipboard().text()
    assert text == "f = (x\\*\\*2 + 1)\\*\\*3 at x = 2  \nF1  x² = 2.000² = **4.000**"
