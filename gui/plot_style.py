"""pyqtgraph plots in the live theme's colours and fonts: background, axes, grid, title, legend.

Each plot calls ``follow_theme`` once; its own curves are re-penned by the ``restyle`` it passes.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg

from gui import theme

TITLE_POINTS = 10  # short, small titles: pyqtgraph gives a title a minimum width a narrow plot cannot shrink below
LABEL_POINTS = 9
TICK_POINTS = 8.5
LEGEND_POINTS = 8
AXES = ("left", "bottom", "top", "right")


def title_size() -> str:
    """A plot title's size at the current font scale (for ``setTitle(..., size=title_size())``)."""
    return theme.points(TITLE_POINTS)


def pen(colour: str, width: float = 1, **options) -> pg.QtGui.QPen:
    """A plot pen at the current line scale."""
    return pg.mkPen(colour, width=theme.line(width), **options)


def follow_theme(plot: pg.PlotWidget, restyle: Callable[[], None] | None = None) -> None:
    """Style ``plot`` now and after every theme change; ``restyle`` re-pens what the plot itself draws."""

    def apply() -> None:
        style(plot)
        if restyle is not None:
            restyle()

    theme.follow(plot, apply)


def style(plot: pg.PlotWidget) -> None:
    """The plot's frame in the current theme: background, axes and grid, tick and label fonts, title, legend."""
    palette = theme.THEME.palette
    plot.setBackground(palette.background)
    item = plot.getPlotItem()
    for name in AXES:
        axis = item.getAxis(name)
        axis.setPen(palette.muted)  # the axis, its ticks and the grid
        axis.setTextPen(palette.text)
        axis.setTickFont(theme.font(TICK_POINTS))
        axis.labelStyle["font-size"] = theme.points(LABEL_POINTS)
        axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix, **axis.labelStyle)
    title = item.titleLabel
    if title.text:
        title.setText(title.text, color=palette.text, size=title_size())
    else:
        title.opts["color"] = palette.text
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(palette.text)
        legend.setLabelTextSize(theme.points(LEGEND_POINTS))
        for _, label in legend.items:
            label.setText(label.text)  # the new colour and size reach the labels already there
        background = pg.mkColor(palette.background)
        background.setAlpha(220)
        legend.setBrush(background)
        legend.setPen(palette.muted)
