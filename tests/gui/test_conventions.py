"""View → examples as rows or as columns, in the real window: transposed shapes, identical numbers."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from core import fmt
from core.convention import Convention
from tests.gui.helpers import press


def node(window, label: str):
    """The node item labelled ``label`` as the window shows the graph (in its convention)."""
    graph = window.settings.shown(window.model.current).graph
    (node_id,) = [n.id for n in graph.nodes if n.label == label]
    return window.scene.nodes[node_id]


def click_node(qtbot, window, label: str) -> None:
    view = window.view
    point = view.mapFromScene(node(window, label).sceneBoundingRect().center())
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def _layer_graph(window, qtbot):
    window.mode_box.setCurrentIndex(1)
    window.mode_box.activated.emit(1)
    press(qtbot, window, Qt.Key.Key_B)  # forward and backward done


def _columns(window) -> None:
    window.convention_actions[Convention.COLUMNS].trigger()


def test_columns_show_transposed_shapes_with_the_same_numbers(window, qtbot):
    _layer_graph(window, qtbot)
    rows_x = node(window, "X").value_text
    rows_w = node(window, "W").value_text
    assert rows_x.startswith("4×2")
    assert rows_w.startswith("2×1")
    assert node(window, "X·W").title.endswith("X·W")
    cursor = window.model.session.cursor

    _columns(window)
    assert window.convention_actions[Convention.COLUMNS].isChecked()
    assert window.model.session.cursor == cursor  # nothing recomputed, nothing moved
    x, w = node(window, "X").value_text, node(window, "W").value_text
    assert x.startswith("2×4")
    assert w.startswith("1×2")
    assert node(window, "W·X").title.endswith("W·X")
    # The same numbers: X's columns are the rows it had, W's row the column it had.
    X = window.model.network.X
    assert x.splitlines()[1:] == ["[" + ", ".join(f"{v:.3f}" for v in X[:, k]) + "]" for k in range(2)]
    yhat_rows = window.model.state.values["A1"]
    assert node(window, "Ŷ").value_text.startswith("1×4")
    assert node(window, "Ŷ").value_text.splitlines()[1] == "[" + ", ".join(f"{v:.3f}" for v in yhat_rows[:, 0]) + "]"
    assert rows_w != w
    assert node(window, "X").toolTip().startswith(f"X\nvalue: {fmt.full(X.T)}")  # tooltips follow too

    lines = window.narration.lines()
    assert any(line.startswith("F1  W·X = ") and line.endswith("(1×4)") for line in lines)
    click_node(qtbot, window, "W")
    text = window.chain_panel.toPlainText()
    assert "∂C/∂W = ∂C/∂(W·X)·Xᵀ" in text

    window.convention_actions[Convention.ROWS].trigger()
    assert node(window, "X").value_text == rows_x
    assert node(window, "X·W").title.endswith("X·W")


def test_a_matrix_typed_in_columns_lands_transposed(window, qtbot):
    _layer_graph(window, qtbot)
    _columns(window)
    item = node(window, "W")
    view = window.view
    qtbot.mouseDClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(item.sceneBoundingRect().center())
    )
    dialog = window.param_dialog
    assert dialog.model.rowCount() == 1  # W is 1×2 with examples as columns
    assert dialog.model.columnCount() == 2
    assert dialog.model.setData(dialog.model.index(0, 1), "3")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(window.model.session.params["W1"], [[0.1], [3.0]])
    assert node(window, "W").value_text.splitlines()[1] == "[0.100, 3.000]"
