"""A plot in the low strip under the graph keeps its height for its data: its title (and the cost plot's
legend) stand in a column beside the data area instead of above and under it; a taller plot has them
in their usual places.

At 1280×720 the strip is about 140 px high (the graph needs the rest for its digits to stay 10 px):
a title row above and a legend under the axis left the cost curve about 70 px and the decision
regions about 50.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsLinearLayout, QGraphicsWidget

from gui import plot_style

LOW_PLOT_HEIGHT = 240  # pixels: a plot lower than this, and wider than twice its height, is in a strip
TITLE_CELL = (0, 1)  # cells of a PlotItem's grid: its title's, above the data area
UNDER = (4, 1)  # under the bottom axis
BESIDE = (2, 3)  # right of the data area
GAP = 8  # px between the data area and the column beside it
TITLE_ROW_HEIGHT = 30  # pyqtgraph's, for a one-line title above the data area
TITLE_LINE_HEIGHT = 18  # for each line more


class StripLayout:
    """Puts ``plot``'s title, and ``legend`` if given, above and under the data area, or beside it when
    the plot is low and wide. Call ``follow_size`` from the plot's resizeEvent and set the title
    through ``set_title``."""

    def __init__(self, plot: pg.PlotWidget, legend: pg.LegendItem | None = None) -> None:
        self.plot, self.legend = plot, legend
        self.beside = False
        self.column = QGraphicsWidget()  # holds the title and legend while beside the data area
        self.column_layout = QGraphicsLinearLayout(Qt.Orientation.Vertical, self.column)
        self.column_layout.setContentsMargins(0, 0, 0, 0)
        if legend is not None:
            plot.getPlotItem().layout.addItem(legend, *UNDER)

    def set_title(self, text: str) -> None:
        """The plot's title (``<br>`` between lines), at the theme's title size."""
        self.plot.setTitle(text, size=plot_style.title_size())
        self._fit_title_row()

    def follow_size(self) -> None:
        plot = self.plot
        beside = plot.height() < LOW_PLOT_HEIGHT and plot.width() > 2 * plot.height()
        if beside == self.beside:
            return
        self.beside = beside
        grid = plot.getPlotItem().layout
        title = plot.getPlotItem().titleLabel
        moved = [title] if self.legend is None else [title, self.legend]
        if beside:
            for item in moved:
                grid.removeItem(item)
                self.column_layout.addItem(item)
            self.column_layout.addStretch()
            grid.addItem(self.column, *BESIDE)
        else:
            grid.removeItem(self.column)
            while self.column_layout.count():
                self.column_layout.removeAt(0)
            grid.addItem(title, *TITLE_CELL)
            if self.legend is not None:
                grid.addItem(self.legend, *UNDER)
        grid.setColumnSpacing(BESIDE[1] - 1, GAP if beside else 0)
        self._fit_title_row()

    def _fit_title_row(self) -> None:
        """No title row while the title stands beside the data area; a row for each of its lines above it."""
        item = self.plot.getPlotItem()
        title = item.titleLabel
        lines = title.text.count("<br>") + 1 if title.text else 0
        height = TITLE_ROW_HEIGHT + TITLE_LINE_HEIGHT * (lines - 1) if lines else 0
        item.layout.setRowFixedHeight(TITLE_CELL[0], 0 if self.beside else height)
        title.setMaximumHeight(height)
