"""The live theme: one object, its palettes, font and line scales, and the change signal widgets follow."""

from __future__ import annotations

import pytest

from gui import theme
from gui.theme import THEME, THEME_NAMES


def test_theme_names_and_palettes():
    assert THEME_NAMES == ("light", "dark", "colour-blind")
    assert THEME.name == "light"
    assert THEME.palette is theme.LIGHT


def test_every_change_is_announced_once(qtbot):
    with qtbot.waitSignal(THEME.changed, timeout=100):
        THEME.set_name("dark")
    assert THEME.palette is theme.DARK
    assert theme.colour("background").name() == theme.DARK.background
    with qtbot.waitSignal(THEME.changed, timeout=100):
        THEME.set_line_scale(2.0)
    assert theme.line(1.5) == 3.0
    with qtbot.assertNotEmitted(THEME.changed):
        THEME.set_name("dark")  # no change, no signal


def test_font_scale_scales_every_font_helper(qtbot):
    before = {f: getattr(theme, f)().pointSizeF() for f in ("node_font", "node_title_font", "edge_font")}
    plain = theme.font(10).pointSizeF()
    small_height = theme.metrics(theme.node_font()).height()
    with qtbot.waitSignal(THEME.changed, timeout=100):
        THEME.set_font_scale(1.6)
    for name, size in before.items():
        assert getattr(theme, name)().pointSizeF() == pytest.approx(1.6 * size)
    assert theme.font(10).pointSizeF() == pytest.approx(1.6 * plain)
    assert theme.metrics(theme.node_font()).height() > 1.4 * small_height


@pytest.mark.parametrize(
    ("setter", "bad"), [("set_name", "solarised"), ("set_font_scale", 0), ("set_line_scale", "nan")]
)
def test_bad_settings_are_refused_and_change_nothing(setter, bad):
    with pytest.raises(ValueError, match=r"theme|scale"):
        getattr(THEME, setter)(bad)
    assert (THEME.name, THEME.font_scale, THEME.line_scale) == ("light", 1.0, 1.0)
