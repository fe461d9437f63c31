"""Presenter mode (F5, Esc to leave): full screen, the graph with the chain-rule panel and the cost plot,
large type and thick lines, every key of the window still working, and all back as it was on leaving."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from core.presets import load_preset
from core.session import Mode
from gui.graph.node_item import NAME_SEP, compact_lines
from gui.graph.view import digit_pixel_height
from gui.preferences import preferences
from gui.presenter import DEFAULT_SCALE, SCALE_KEY
from gui.theme import THEME
from tests.gui.graph_checks import label_boxes, outside, overlapping
from tests.gui.helpers import f3, press


def _present(window, qtbot, width: int = 1280, height: int = 720) -> None:
    """F5, then the window at the size of a 1280×720 screen (offscreen, the screen is 800×800)."""
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.presenter.active
    qtbot.waitUntil(lambda: window.isFullScreen() and window.width() == window.screen().geometry().width())
    qtbot.wait(50)
    window.resize(width, height)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (width, height))
    window.presenter.arrange()
    qtbot.wait(30)
    window.view.fit()


def _shown_panels(window) -> set[str]:
    return {p.objectName() for p in window.findChildren(QDockWidget) if p.isVisible()}


def test_f5_presents_and_esc_restores_the_window_as_it_was(window, qtbot):
    window.narration_dock.raise_()
    window.runs_dock.raise_()
    qtbot.wait(20)
    shown, size = _shown_panels(window), window.size()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.isFullScreen()
    assert window.presenter.action.isChecked()
    assert _shown_panels(window) == {"chain", "cost"}
    assert not window.menuBar().isVisible()
    assert THEME.font_scale == DEFAULT_SCALE
    assert THEME.line_scale > 1
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isFullScreen()
    assert not window.presenter.action.isChecked()
    assert (THEME.font_scale, THEME.line_scale) == (1.0, 1.0)
    qtbot.waitUntil(lambda: window.size() == size)
    assert _shown_panels(window) == shown  # the same tabs in front, too
    assert window.menuBar().isVisible()


def test_the_view_menu_enters_and_leaves_presenter_mode(window, qtbot):
    window.presenter.action.trigger()
    assert window.isFullScreen()
    window.presenter.action.trigger()
    assert not window.isFullScreen()


@pytest.mark.parametrize(
    ("keys", "check"),
    [
        ([Qt.Key.Key_Right] * 3, lambda w: w.model.session.cursor == 3),
        ([Qt.Key.Key_Space, Qt.Key.Key_Space, Qt.Key.Key_Left], lambda w: w.model.session.cursor == 1),
        ([Qt.Key.Key_F], lambda w: w.model.session.cursor == 5),
        ([Qt.Key.Key_B], lambda w: w.model.session.cursor == 10),
        ([Qt.Key.Key_B, Qt.Key.Key_U], lambda w: len(w.model.session.update_curve()[1]) == 1),
        ([Qt.Key.Key_N], lambda w: len(w.model.session.update_curve()[1]) == 1 and w.model.session.cursor == 0),
    ],
)
def test_every_stepping_key_works_while_presenting(window, qtbot, keys, check):
    _present(window, qtbot)
    for key in keys:
        qtbot.keyClick(window, key)
    assert check(window)


def test_play_follow_zoom_and_reset_keys_work_while_presenting(window, qtbot):
    _present(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: window.trainer.running)
    qtbot.keyClick(window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=5000)
    follow = window.act_follow.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.act_follow.isChecked() != follow
    zoom = window.view.zoom
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom > zoom
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom == pytest.approx(zoom)
    press(qtbot, window, Qt.Key.Key_Right, 2)
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.model.session.cursor == 0
    qtbot.keyClick(window, Qt.Key.Key_F11)  # graph only, within presenter mode
    assert _shown_panels(window) == set()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert _shown_panels(window) == {"chain", "cost"}


@pytest.mark.parametrize(
    ("key", "mode"), [("or_gate", Mode.EXAMPLE), ("or_gate", Mode.BATCH), ("mood_2_2_1", Mode.EXAMPLE)]
)
def test_presenting_at_1280x720_every_label_is_in_view_and_apart(window, qtbot, key, mode):
    window.open_preset(key)
    window.model.set_mode(mode)
    window.model.to_end_of_backward()  # every value and gradient written
    _present(window, qtbot)
    boxes = label_boxes(window.scene)
    assert outside(boxes, window.view) == []
    assert overlapping(boxes) == []


def _whole_in_view(window) -> bool:
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    return shown.contains(window.scene.itemsBoundingRect())


@pytest.mark.parametrize(
    ("key", "mode", "least"),
    [("or_gate", Mode.EXAMPLE, 16.0), ("mood_2_2_1", Mode.EXAMPLE, 10.0), ("or_gate", Mode.BATCH, 10.0)],
)
def test_presenting_at_1280x720_shows_the_whole_graph_with_large_digits(window, qtbot, key, mode, least):
    """Issue 10 item 2's targets, measured on screen: the OR-gate scalar graph's digits at least 16 px
    (whole, too), the whole mood 2-2-1 scalar graph and the whole OR-gate layer graph with digits of
    at least 10 px (at the end of the backward pass, every line written)."""
    window.open_preset(key)
    window.model.set_mode(mode)
    window.model.to_end_of_backward()
    _present(window, qtbot)
    assert _whole_in_view(window)
    assert digit_pixel_height(window.view) >= least


def test_presenting_writes_node_lines_short_and_leaving_writes_them_in_full(window, qtbot):
    window.model.to_end_of_backward()
    yhat = next(item for item in window.scene.nodes.values() if item.title.endswith("ŷ"))
    assert "← ∂L/∂ŷ =" in yhat.shown_lines()
    _present(window, qtbot)
    yhat = next(item for item in window.scene.nodes.values() if item.title.endswith("ŷ"))
    assert yhat.shown_lines() == ["σ ŷ", "→ 0.500", "← 0.500", "local 0.250"]  # the title names the gradient
    assert yhat.grad_text == "∂L/∂ŷ = 0.500"  # what the node holds is the same
    product = next(item for item in window.scene.nodes.values() if item.title.endswith("w1·x1"))
    assert product.shown_lines()[-2:] == ["∂/∂w1 0.000", "∂/∂x1 0.100"]  # each local under its input
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    yhat = next(item for item in window.scene.nodes.values() if item.title.endswith("ŷ"))
    assert "← ∂L/∂ŷ =" in yhat.shown_lines()


def test_the_presenter_font_size_is_a_remembered_setting(window, qtbot):
    from gui.main_window import MainWindow

    window.presenter.scale_actions[2.0].trigger()
    assert float(preferences().value(SCALE_KEY)) == 2.0
    _present(window, qtbot)
    assert THEME.font_scale == 2.0
    window.presenter.scale_actions[1.4].trigger()  # at once while presenting
    assert THEME.font_scale == 1.4
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    other = MainWindow(load_preset("or_gate"))
    qtbot.addWidget(other)
    assert other.presenter.scale == 1.4


def test_presenting_labels_an_edge_only_with_the_part_of_a_gradient_its_source_does_not_show(window, qtbot):
    window.open_preset("mood_2_2_1")
    window.model.to_end_of_backward()
    _present(window, qtbot)
    graph = window.model.session.graph
    for (source, target), edge in window.scene.edges.items():
        fans_out = len(graph.consumers[source]) > 1  # x1 and x2 feed two products each
        sent = window.model.session.state.edge_grads[(source, target)] if fans_out else None
        assert edge.shown_labels() == ([f"← {f3(sent)}"] if fans_out else []), (source, target)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert all(edge.shown_labels()[0].startswith("→ ") for edge in window.scene.edges.values())  # in full again


def test_entering_and_leaving_lay_the_graph_out_once_each(window, qtbot, monkeypatch):
    """Fonts, line widths and the lines' form change together: one layout, not one per change."""
    builds = []
    build = window.scene.build
    monkeypatch.setattr(window.scene, "build", lambda *args: builds.append(args) or build(*args))
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert len(builds) == 1
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert len(builds) == 2


def test_presenting_every_line_fits_its_node_at_every_step(window, qtbot):
    """A gradient "so far" (x1 feeds two products) is wider than the complete one the node is sized for
    at the end of the pass: the node has room for it too, so no number is cut."""
    window.open_preset("mood_2_2_1")
    _present(window, qtbot)
    x1 = next(item for item in window.scene.nodes.values() if item.title == "x1")
    seen_so_far = False
    for _ in range(len(window.model.session.current)):
        qtbot.keyClick(window, Qt.Key.Key_Right)
        seen_so_far |= any(line.startswith("← so far ") for line in x1.shown_lines())
        assert all(item.needed_size()[0] <= item.width + 0.01 for item in window.scene.nodes.values())
    assert seen_so_far


@pytest.mark.parametrize(
    ("text", "block", "lines"),
    [
        ("∂L/∂x1 so far = 0.013", "grad", ["so far 0.013"]),
        ("new b = −0.125", "update", ["new −0.125"]),
        ("local ∂/∂w2 = 0.000\nlocal ∂/∂x2 = 0.600", "local", ["∂/∂w2 0.000", "∂/∂x2 0.600"]),
        ("∂C/∂Ŷ =\n[0.125, −0.089, −0.119]", "grad", ["0.125", "−0.089", "−0.119"]),  # a vector as a column
        ("∂C/∂W = [−0.048, −0.039]", "grad", ["−0.048", "−0.039"]),
        ("4×2\n[0.000, 1.000]\n[1.000, 0.000]", "value", ["4×2", "[0.000, 1.000]", "[1.000, 0.000]"]),  # rows stay
        ("local 1 to each", "local", ["local 1", "to each"]),
    ],
)
def test_compact_lines_keep_the_numbers_and_drop_the_names_the_title_gives(text, block, lines):
    assert [line.replace(NAME_SEP, " ") for line in compact_lines(text, block)] == lines


def test_presenting_the_panels_titles_are_large_and_leaving_restores_them(window, qtbot):
    """Qt draws a panel's title in the platform's title font while the panel's font is the application's:
    presenter mode gives the shown panels a font of their own, scaled."""
    from PySide6.QtWidgets import QApplication

    panels = window.presenter.shown_panels
    bars = {panel: panel.widget().y() for panel in panels}  # the title bar is above the panel's content
    fonts = {panel: panel.font() for panel in panels}
    _present(window, qtbot)
    for panel in panels:
        assert panel.font() != QApplication.font(panel)  # so Qt draws the title in it
        assert panel.font().pointSizeF() == pytest.approx(fonts[panel].pointSizeF() * THEME.font_scale)
        assert panel.widget().y() >= 1.4 * bars[panel]
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    for panel in panels:  # the application's font change reaches the widgets through posted events
        qtbot.waitUntil(lambda p=panel: p.font() == fonts[p] and p.widget().y() == bars[p])


def test_presenting_the_chain_rule_panel_shows_the_part_the_step_computed(window, qtbot):
    """The strip under the graph holds a few lines: the step's part of the explanation is scrolled to
    its top (Forward, Backward or Update), not the node's heading."""
    _present(window, qtbot)
    seen = set()
    for _ in range(len(window.model.session.current)):
        qtbot.keyClick(window, Qt.Key.Key_Right)
        seen.add(_assert_step_part_at_top(window.chain_panel, window.model.session.state.last))
    assert seen == {"Forward", "Backward", "Update"}
    assert window.chain_panel.verticalScrollBar().value() > 0  # the last step's part is below the heading


def test_entering_presenter_mode_after_a_step_shows_the_part_it_computed(window, qtbot):
    """The panel's text is wrapped again in the strip's size and type: its part stays at the top."""
    press(qtbot, window, Qt.Key.Key_Right, 9)  # w1·x1's backward step: its part is well below the heading
    _present(window, qtbot)
    assert _assert_step_part_at_top(window.chain_panel, window.model.session.state.last) == "Backward"
    bar = window.chain_panel.verticalScrollBar()
    bar.triggerAction(bar.SliderAction.SliderToMinimum)  # the reader scrolls up to the heading: it stays
    window.resize(1100, 720)
    qtbot.waitUntil(lambda: window.chain_panel.width() != 0 and window.width() == 1100)
    window.presenter.arrange()
    qtbot.wait(30)
    assert bar.value() == 0


def _assert_step_part_at_top(panel, step) -> str:
    """The part of the chain-rule panel's explanation ``step`` computed is at the panel's top (or the panel
    scrolled as far as it goes, with it in view); its title."""
    from core.stepper import BackwardEvent, ForwardEvent, UpdateEvent

    title = {ForwardEvent: "Forward", BackwardEvent: "Backward", UpdateEvent: "Update"}[type(step)]
    block = panel.document().begin()
    while not block.text().startswith(title):
        block = block.next()
    bar = panel.verticalScrollBar()
    top = panel.document().documentLayout().blockBoundingRect(block).top() - bar.value()
    assert 0 <= top < panel.viewport().height() - panel.fontMetrics().height(), (title, top)  # in view: at the top,
    assert top < 10 or bar.value() == bar.maximum(), (title, top)  # or scrolled as far as it goes
    return title
