"""Themes in the window: View → Theme recolours everything at once, direction marks in every theme,
font scale, the system's setting as the default, and the choice remembered."""

from __future__ import annotations

import colorsys

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from core.presets import load_preset
from gui import appearance, theme
from gui.theme import THEME, THEME_NAMES
from tests.gui.graph_checks import bare_point, shows_line
from tests.gui.helpers import edge, node, press


def _pixel(window, scene_point: QPointF) -> QColor:
    """The colour the graph view shows at a point of the scene."""
    image = window.view.viewport().grab().toImage()
    return image.pixelColor(window.view.mapFromScene(scene_point))


def _close(colour: QColor, expected: str, tolerance: int = 12) -> bool:
    want = QColor(expected)
    return all(abs(a - b) <= tolerance for a, b in zip(colour.getRgb()[:3], want.getRgb()[:3], strict=True))


def _fill_point(item) -> QPointF:
    """A point inside a node's box, clear of its border and its text."""
    rect = item.sceneBoundingRect().adjusted(6, 6, -6, -6)  # the box itself (bounds have a 6 px margin)
    return QPointF(rect.left() + 0.1 * rect.width(), rect.center().y())


def _new_window(qtbot):
    from gui.main_window import MainWindow

    w = MainWindow(load_preset("or_gate"))
    qtbot.addWidget(w)
    return w


@pytest.mark.parametrize("name", ["dark", "colour-blind"])
def test_view_theme_recolours_the_graph_at_once(window, qtbot, name):
    THEME.set_line_scale(4.0)  # edges wide enough to read their colour from one pixel
    window.resize(1600, 1000)  # (the window opens fitting the 800×800 offscreen screen: the graph is small)
    qtbot.waitUntil(lambda: window.width() == 1600)
    window.view.fit()
    op, param, link = node(window, "z"), node(window, "w1"), edge(window, "x1", "w1·x1")
    background = window.scene.sceneRect().topLeft() + QPointF(3, 3)
    assert _close(_pixel(window, _fill_point(op)), theme.LIGHT.node_fill)
    window.theme_actions[name].trigger()
    palette = theme.PALETTES[name]
    assert THEME.name == name
    assert _close(_pixel(window, background), palette.background)
    assert _close(_pixel(window, _fill_point(op)), palette.node_fill)
    assert _close(_pixel(window, _fill_point(param)), palette.param_fill)
    assert _close(_pixel(window, bare_point(link)), palette.edge, tolerance=30)


def test_dark_theme_reaches_the_widgets_around_the_graph(window):
    window.theme_actions["dark"].trigger()
    app_palette = QApplication.instance().palette()
    assert app_palette.color(QPalette.ColorRole.Window).name() == theme.DARK.panel
    assert app_palette.color(QPalette.ColorRole.Base).name() == theme.DARK.background
    window.show_message("Could not open x.json: not JSON.")
    dark_bar = window.message_bar.styleSheet()
    window.theme_actions["light"].trigger()
    assert window.message_bar.styleSheet() != dark_bar
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window).name() != theme.DARK.panel


def _hue(colour: str) -> float:
    c = QColor(colour)
    return 360 * colorsys.rgb_to_hsv(c.redF(), c.greenF(), c.blueF())[0]


def test_colour_blind_palette_has_no_red_green_pair():
    palette = theme.COLOUR_BLIND
    assert (palette.forward.upper(), palette.backward.upper()) == ("#0072B2", "#D55E00")  # Okabe-Ito
    forward, backward = _hue(palette.forward), _hue(palette.backward)
    assert not 75 <= forward < 170  # not a green
    assert not 75 <= backward < 170
    assert min(abs(forward - backward), 360 - abs(forward - backward)) > 120  # blue against orange


@pytest.mark.parametrize("name", THEME_NAMES)
def test_direction_is_marked_by_a_symbol_in_every_theme(window, qtbot, name):
    window.theme_actions[name].trigger()
    press(qtbot, window, Qt.Key.Key_Right, 5 + 1)  # forward, then the loss's backward step
    assert "→ 0.500" in node(window, "ŷ").shown_lines()
    assert shows_line(node(window, "ŷ").shown_lines(), "← ∂L/∂ŷ = 0.500")  # long lines are drawn on two
    assert edge(window, "ŷ", "L").shown_labels() == ["→ 0.500", "← 0.500"]
    assert edge(window, "z", "ŷ").shown_labels() == ["→ 0.000"]
    assert node(window, "ŷ").value_text == "0.500"  # the value itself carries no mark


def test_font_scale_enlarges_the_graph_labels_and_lays_it_out_again(window, qtbot):
    press(qtbot, window, Qt.Key.Key_Right, 3)
    item = node(window, "z")
    item.setSelected(True)
    sizes = (theme.node_font().pointSizeF(), theme.node_title_font().pointSizeF(), theme.edge_font().pointSizeF())
    height, width = item.boundingRect().height(), window.scene.sceneRect().width()
    app_font = QApplication.instance().font().pointSizeF()
    THEME.set_font_scale(1.6)
    scaled = (theme.node_font().pointSizeF(), theme.node_title_font().pointSizeF(), theme.edge_font().pointSizeF())
    assert scaled == pytest.approx(tuple(1.6 * s for s in sizes))
    item = node(window, "z")  # the layout ran again
    assert item.boundingRect().height() > 1.3 * height
    assert window.scene.sceneRect().width() > 1.2 * width
    assert item.isSelected()
    assert window.model.session.cursor == 3
    assert item.value_text != ""
    assert QApplication.instance().font().pointSizeF() == pytest.approx(1.6 * app_font)  # every widget's text


def test_the_default_follows_the_system_dark_setting(qtbot, monkeypatch):
    monkeypatch.setattr(appearance, "system_theme_name", lambda: "dark")
    window = _new_window(qtbot)
    assert THEME.name == "dark"
    assert window.theme_actions[appearance.SYSTEM].isChecked()


def test_the_theme_chosen_is_remembered_by_a_new_window(window, qtbot, monkeypatch):
    monkeypatch.setattr(appearance, "system_theme_name", lambda: "dark")
    window.theme_actions["colour-blind"].trigger()
    THEME.reset()  # as a new run of the app starts
    again = _new_window(qtbot)
    assert THEME.name == "colour-blind"
    assert again.theme_actions["colour-blind"].isChecked()
    again.theme_actions[appearance.SYSTEM].trigger()
    assert THEME.name == "dark"


@pytest.mark.parametrize("name", ["dark", "colour-blind"])
def test_view_theme_recolours_the_plots_and_the_chain_panel_at_once(window, qtbot, name):
    press(qtbot, window, Qt.Key.Key_Right, 5 + 2)  # the chain panel shows values and gradients
    cost, data = window.cost_plot, window.data_plot
    window.theme_actions[name].trigger()
    palette = theme.PALETTES[name]
    for plot in (cost, data):
        assert plot.backgroundBrush().color().name() == palette.background
        assert plot.getPlotItem().getAxis("bottom").textPen().color().name() == palette.text
    assert cost.curve.opts["pen"].color().name() == palette.backward.lower()
    html = window.chain_panel.toHtml().lower()
    assert palette.forward.lower() in html
    assert palette.backward.lower() in html
    assert theme.LIGHT.forward not in html


def test_font_and_line_scale_reach_the_plots(window):
    cost = window.cost_plot
    tick = cost.getPlotItem().getAxis("left").style["tickFont"].pointSizeF()
    width = cost.curve.opts["pen"].widthF()
    THEME.set_font_scale(1.6)
    THEME.set_line_scale(2.0)
    assert cost.getPlotItem().getAxis("left").style["tickFont"].pointSizeF() == pytest.approx(1.6 * tick)
    assert cost.curve.opts["pen"].widthF() == pytest.approx(2 * width)
    assert window.chain_panel.font().pointSizeF() == pytest.approx(1.6 * 11)


def _icon_colour(icon) -> QColor:
    """The most opaque pixel's colour of a 24 px rendering of ``icon``."""
    image = icon.pixmap(24, 24).toImage()
    pixels = [image.pixelColor(x, y) for x in range(24) for y in range(24)]
    return max(pixels, key=lambda c: c.alpha())


def test_stepping_and_training_show_icons_not_font_glyphs(window, qtbot):
    glyphs = set("▶◀⏸⟲|")
    actions = (*window.stepping_actions, window.act_play)
    for action in actions:
        assert not action.icon().isNull(), action.text()
        assert not glyphs & set(action.text()), action.text()
    play = window.training_panel.play_button
    assert (play.text(), play.icon().isNull()) == ("Play", False)
    assert _icon_colour(window.act_play.icon()).name() == theme.LIGHT.text
    window.theme_actions["dark"].trigger()
    assert _icon_colour(window.act_play.icon()).name() == theme.DARK.text  # redrawn, visible on dark
    assert _icon_colour(play.icon()).name() == theme.DARK.text
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)
    assert play.text() == "Pause"
    assert window.act_play.text() == "Pause"
    qtbot.mouseClick(play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.trainer.running, timeout=5000)
    assert play.text() == "Play"


def test_position_bar_grows_with_the_font_scale(window):
    bar = window.position_bar
    height = bar.height()
    THEME.set_font_scale(1.6)
    assert bar.height() > height + 4  # its line of text still fits under the track
    THEME.set_font_scale(1.0)
    assert bar.height() == height


def test_following_the_system_takes_its_change_at_once(window, monkeypatch):
    assert window.theme_actions[appearance.SYSTEM].isChecked()
    monkeypatch.setattr(appearance, "system_theme_name", lambda: "dark")
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert THEME.name == "dark"
    window.theme_actions["light"].trigger()  # a theme picked: the system's setting no longer applies
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert THEME.name == "light"
    assert window.theme_actions["light"].isChecked()


def test_an_svg_of_the_graph_keeps_marks_and_values_as_texts_of_their_own(window, qtbot, tmp_path):
    import xml.etree.ElementTree as ET

    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    press(qtbot, window, Qt.Key.Key_Right, 5 + 1)
    path = tmp_path / "graph.svg"
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    rect = window.scene.sceneRect()
    generator.setSize(rect.size().toSize())
    painter = QPainter(generator)
    for item in window.scene.items():
        item.setCacheMode(item.CacheMode.NoCache)  # drawn as text, not as cached pixmaps
    window.scene.render(painter, source=rect)
    painter.end()
    texts = ["".join(t.itertext()).strip() for t in ET.parse(path).getroot().iter("{http://www.w3.org/2000/svg}text")]
    assert "→" in texts
    assert "←" in texts
    assert "0.500" in texts
    assert any(t.startswith("∂L/∂ŷ =") for t in texts)  # the gradient's name, its value beside or below
