"""Live plots: the cost curve, and the data with the network's decision regions or predictions."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsItem

from core import fmt
from core.predict import classes, data_bounds, decision_grid, level_segments, plotted_rows, predict
from gui import plot_style, theme
from gui.plot_strip import StripLayout

# Antialiasing and pens wider than 1 px make long curves paint several times slower.
pg.setConfigOptions(antialias=False, background="w", foreground="#37474f")

GRID = 90  # decision-region resolution
REGION_ALPHA = (90, 150)  # a decision region's opacity at P = 0.5 and at P = 0 or 1
# Beyond this a plot's coordinates are not drawn: a span between them could overflow a float, which
# pyqtgraph cannot show (it clips its own views at ±1e307), and neither can the grid of decision regions.
MAX_SHOWN = 1e300
MAX_UPDATE_DOTS = 2000  # stepped updates drawn as dots: the most recent ones
MAX_POINTS = 10_000  # examples drawn as points: beyond this an even sample, and the plot's title says so
RIGHT_MARGIN = 14  # px right of a plot's frame: half of the last tick label of the x axis hangs out there
# Axis limits grow along these steps (× 10^k): at most a quarter beyond the data, and they change
# rarely as a curve grows, so the axes repaint only now and then.
NICE_STEPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


class CompactAxis(pg.AxisItem):
    """Tick labels short enough not to run together: 200k, 1.5M, 2e+09."""

    def tickStrings(self, values, scale, spacing):
        if self.logMode:  # the values are powers of ten: label 10⁻² as 0.01, not −2
            return [_log_tick(10.0 ** (v * scale)) for v in values]
        return [compact_number(v * scale) for v in values]


def _log_tick(v: float) -> str:
    """A log axis's label: 1, 2 and 5 × 10^k written out, the ticks between them left blank."""
    mantissa = v / 10.0 ** math.floor(math.log10(v)) if v > 0 else 0.0
    return compact_number(v) if any(abs(mantissa - m) < 1e-6 for m in (1, 2, 5, 10)) else ""


def compact_number(v: float) -> str:
    """A tick label: plain below 10,000, then k and M, then scientific."""
    a = abs(v)
    if a < 1e4:
        return f"{v:.6g}".replace("-", "−")
    for limit, unit in ((1e6, "k"), (1e9, "M")):
        if a < limit:
            return f"{v / (limit / 1e3):.4g}{unit}".replace("-", "−")
    return f"{v:.3g}".replace("-", "−")


def _compact_axes() -> dict[str, CompactAxis]:
    return {"bottom": CompactAxis("bottom"), "left": CompactAxis("left")}


def _set_up_axes(plot: pg.PlotWidget) -> None:
    """Plain numbers on every axis, painted from a cached pixmap redrawn only when the range changes;
    the data area framed on all four sides, with room on the right for the last tick label."""
    item = plot.getPlotItem()
    for name in ("top", "right"):
        item.showAxis(name)
        item.getAxis(name).setStyle(showValues=False)
    for name in ("left", "bottom", "top", "right"):
        axis = item.getAxis(name)
        # Auto SI prefixes would turn the labels into "epoch (x0.001)" or "cost (x1e+27)".
        axis.enableAutoSIPrefix(False)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    item.layout.setContentsMargins(2, 2, RIGHT_MARGIN, 2)


def _drawable(values) -> bool:
    """Whether every value is one a plot can place: finite and within ±MAX_SHOWN."""
    return bool(np.all(np.abs(np.asarray(values, dtype=float)) <= MAX_SHOWN))


def nice_ceiling(x: float) -> float:
    """The smallest of NICE_STEPS × 10^k at or above x: an axis limit at most 25 % beyond x."""
    if x <= 0:
        return 1.0
    k = np.floor(np.log10(x))
    for step in NICE_STEPS:
        if step * 10**k >= x * (1 - 1e-12):
            return float(step * 10**k)
    return float(10 ** (k + 1))


class CostPlot(pg.PlotWidget):
    """Cost per epoch as a line, and each stepped update's cost as a hollow dot; redrawn by the
    window's throttled refresh, not on every record.

    A long run arrives as a min/max envelope within ``budget`` points (see core.cost_history);
    after the user zooms or pans, the window asks for the visible epochs only (``wanted_range``).
    """

    range_requested = pg.QtCore.Signal()  # the user zoomed or panned: draw the curve for the new range
    budget = 8192  # points per redraw, whatever the length of the run
    strip: StripLayout | None = None  # made in __init__ (resize events come before)

    def __init__(self, parent=None) -> None:
        super().__init__(parent, axisItems=_compact_axes())
        self.setLabel("bottom", "epoch")
        self.setLabel("left", "cost")
        self.showGrid(x=True, y=True, alpha=0.25)
        # The legend lies outside the data area (inside, it covered the first points, which are the
        # highest): under the epoch axis, or beside the plot when the plot is low and wide. One
        # column, so a narrow plot is not widened (and clipped) by it.
        self.legend = pg.LegendItem(labelTextSize="8pt", frame=False, verSpacing=-6)
        self.getPlotItem().legend = self.legend  # plot(name=…) adds its curves to it
        self.strip = StripLayout(self, self.legend)
        self.strip.set_title("Cost per epoch")
        self.curve = self.plot(symbol=None, name="per epoch")
        self.dots = self.plot(pen=None, symbol="o", symbolSize=6)
        self.update_dots = self.plot(pen=None, symbol="o", symbolSize=7, symbolBrush=None, name="per stepped update")
        self.readout = pg.TextItem(anchor=(0, 1))
        self.readout.setZValue(10)
        self.addItem(self.readout, ignoreBounds=True)
        self.readout.hide()
        self._epochs = np.empty(0)
        self._costs = np.empty(0)
        self._updates = (np.empty(0), np.empty(0))
        self._ranges: tuple | None = None
        self._per_bin = 1
        self._user_range = False
        item = self.getPlotItem()
        item.vb.disableAutoRange()
        item.vb.sigRangeChangedManually.connect(self._on_user_range)
        item.autoBtn.clicked.connect(self._on_whole_range)
        _set_up_axes(self)
        plot_style.follow_theme(self, self._restyle)
        self._proxy = pg.SignalProxy(self.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse_moved)

    def resizeEvent(self, event) -> None:
        """A low, wide plot (a strip under the graph) keeps its height for the curve: the title and
        legend go beside the data area, and the axis goes without its "epoch" ("per epoch" says it)."""
        super().resizeEvent(event)
        if self.strip is not None:
            self.strip.follow_size()
            self._show_epoch_label()

    def _show_epoch_label(self) -> None:
        self.getPlotItem().getAxis("bottom").showLabel(self.strip is None or not self.strip.beside)

    def _restyle(self) -> None:
        palette = theme.THEME.palette
        self._show_epoch_label()  # restyling the axes shows every label again
        self.curve.setPen(plot_style.pen(palette.backward))
        self.dots.setSymbolBrush(palette.backward)
        self.update_dots.setSymbolPen(plot_style.pen(palette.update))
        self.readout.setColor(palette.text)
        fill = pg.mkColor(palette.background)
        fill.setAlpha(220)
        self.readout.fill = pg.mkBrush(fill)
        self.readout.setFont(theme.font(plot_style.LABEL_POINTS))

    @property
    def point_count(self) -> int:
        """Points on the per-epoch curve."""
        return len(self._costs)

    @property
    def update_count(self) -> int:
        """Dots for stepped updates."""
        return len(self._updates[1])

    @property
    def epochs_per_bin(self) -> int:
        """1 while the curve is exact; otherwise how many epochs each min/max stroke covers."""
        return self._per_bin

    def wanted_range(self) -> tuple[float, float] | None:
        """The epochs to draw: None for all of them, or the range the user zoomed or panned to."""
        if not self._user_range:
            return None
        x0, x1 = self.getPlotItem().vb.viewRange()[0]
        return float(x0), float(x1)

    def set_log(self, on: bool) -> None:
        self.setLogMode(y=on)
        self._ranges = None
        self.set_history(self._epochs, self._costs, self._updates, self._per_bin)

    def _on_user_range(self, *_) -> None:
        self._user_range = True
        self.range_requested.emit()

    def _on_whole_range(self) -> None:
        self.getPlotItem().vb.disableAutoRange()  # the limits are ours: they follow the whole curve
        self._user_range, self._ranges = False, None
        self.range_requested.emit()

    def set_history(
        self,
        epochs: np.ndarray,
        costs: np.ndarray,
        updates: tuple[np.ndarray, np.ndarray] | None = None,
        per_bin: int = 1,
    ) -> None:
        """The per-epoch curve (exact, or a min/max envelope with ``per_bin`` epochs per stroke) and,
        optionally, (epoch positions, costs) of stepped updates."""
        self._epochs, self._costs = epochs, costs
        if per_bin != self._per_bin:
            self._per_bin = per_bin
            note = "" if per_bin == 1 else f"<br>min–max of each {compact_number(per_bin)} epochs"
            self.strip.set_title(f"Cost per epoch{note}")
        self._updates = updates if updates is not None else (np.empty(0), np.empty(0))
        x, y = self._drawable(epochs, costs)
        ux, uy = self._drawable(*self._updates)
        self.curve.setData(x, y)
        # Markers only while the points are few enough to see one by one (stepping).
        self.dots.setData(x, y) if len(x) <= 60 else self.dots.setData([], [])
        self.update_dots.setData(ux[-MAX_UPDATE_DOTS:], uy[-MAX_UPDATE_DOTS:])
        self._fit_ranges(np.append(x, ux), np.append(y, uy))

    def _drawable(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keep = np.isfinite(y)
        if self.getPlotItem().ctrl.logYCheck.isChecked():
            keep &= y > 0
        return x[keep], y[keep]

    def _fit_ranges(self, x: np.ndarray, y: np.ndarray) -> None:
        """Limits that grow in 1-2-5 steps, so the axes repaint only now and then."""
        if self._user_range:
            return
        if not len(x):
            ranges = (0.0, 1.0, 0.0, 1.0)
        elif self.getPlotItem().ctrl.logYCheck.isChecked():
            lo, hi = np.log10(y.min()), np.log10(y.max())
            ranges = (0.0, nice_ceiling(x.max()), np.floor(lo * 2) / 2, np.ceil(hi * 2) / 2 + 0.01)
        else:
            # A diverging cost can sit just below the largest float: cap the axis rather than overflow.
            top = min(float(y.max()), MAX_SHOWN / 10)
            ranges = (0.0, nice_ceiling(x.max()), 0.0, nice_ceiling(top * 1.05))
        if ranges != self._ranges:
            self._ranges = ranges
            self.setRange(xRange=ranges[:2], yRange=ranges[2:], padding=0.02)

    def _on_mouse_moved(self, event) -> None:
        pos: QPointF = event[0]
        epochs, costs, kind = self._epochs, self._costs, "cost"
        if not len(costs):  # stepping, before an epoch is complete: read the updates
            (epochs, costs), kind = self._updates, "update cost"
        if not self.sceneBoundingRect().contains(pos) or not len(costs):
            self.readout.hide()
            return
        x = self.getPlotItem().vb.mapSceneToView(pos).x()
        k = int(np.clip(np.searchsorted(epochs, x), 0, len(epochs) - 1))
        if k > 0 and abs(epochs[k - 1] - x) < abs(epochs[k] - x):
            k -= 1
        epoch, cost = epochs[k], costs[k]
        self.readout.setText(f"epoch {fmt.count(epoch)}\n{kind} {fmt.number(cost, 6)}")
        y = np.log10(cost) if self.getPlotItem().ctrl.logYCheck.isChecked() and cost > 0 else cost
        self.readout.setPos(epoch, y)
        self.readout.show()


class DataPlot(pg.PlotWidget):
    """2-input classification: decision regions under the points. Otherwise predictions against targets."""

    strip: StripLayout | None = None  # made in __init__ (resize events come before)

    def __init__(self, parent=None) -> None:
        super().__init__(parent, axisItems=_compact_axes())
        self.showGrid(x=True, y=True, alpha=0.2)
        self.image = pg.ImageItem()
        self.addItem(self.image)
        self.boundary = pg.PlotCurveItem(connect="pairs")  # the decision boundary P = 0.5, over the regions
        self.addItem(self.boundary, ignoreBounds=True)
        self.points = pg.ScatterPlotItem(size=9)
        self.addItem(self.points)
        self.diagonal = self.plot()
        _set_up_axes(self)
        plot_style.follow_theme(self, self._restyle)
        self.strip = StripLayout(self)
        self.network = None
        self.kind = ""

    def resizeEvent(self, event) -> None:
        """A low, wide plot (a strip under the graph) keeps its height for the data: the title goes beside."""
        super().resizeEvent(event)
        if self.strip is not None:
            self.strip.follow_size()

    def _restyle(self) -> None:
        palette = theme.THEME.palette
        self.points.setPen(plot_style.pen(palette.text))
        self.boundary.setPen(plot_style.pen(palette.text, 1.5))
        self.diagonal.setPen(plot_style.pen(palette.muted, style=pg.QtCore.Qt.PenStyle.DashLine))

    def set_network(self, network) -> None:
        self.network = network
        self.kind = "regions" if network.inputs == 2 and network.is_classifier else "regression"
        self.bounds = None  # where decision regions are drawn; None when there are none
        self.rows = plotted_rows(network.examples, MAX_POINTS)  # the examples drawn
        self.diagonal.setVisible(self.kind == "regression")
        if self.kind == "regions":
            self._show_classes(network)
        else:
            self._set_title("Predictions vs targets")
            self.setLabel("bottom", "target")
            self.setLabel("left", "prediction")
            lo, hi = float(network.Y.min()), float(network.Y.max())
            pad = (hi - lo) * 0.1 or 1.0
            ends = [lo - pad, hi + pad]
            self.diagonal.setData(*([ends, ends] if _drawable(ends) else [[], []]))
            # The range follows this network's targets and predictions, not the previous network's.
            self.getPlotItem().vb.enableAutoRange()
        self.image.setVisible(self.bounds is not None)
        self.boundary.setVisible(self.bounds is not None and network.outputs == 1)

    def _show_classes(self, network) -> None:
        """The examples coloured by class; the regions come with the parameters, in show_params."""
        names = network.feature_names or ("x1", "x2")
        xy = network.original_X[:, :2]  # axes in the data's own units; the grid is in the network's inputs
        with np.errstate(over="ignore", invalid="ignore"):  # a span beyond the largest float is checked next
            grid_bounds = data_bounds(network.X)
            bounds = data_bounds(xy)
        scale = 1.0
        if _drawable(bounds) and _drawable(grid_bounds):
            self.bounds = grid_bounds
            self._set_title("Decision regions")
        else:
            # The grid of regions cannot span this; the points are drawn in units of a power of ten,
            # as pyqtgraph cannot hold coordinates whose differences overflow.
            scale = 10.0 ** math.floor(math.log10(float(np.abs(xy).max())))
            xy = xy / scale
            bounds = data_bounds(xy)
            self._set_title("Range too large for regions")
        unit = "" if scale == 1.0 else f" (×{scale:g})"
        self.setLabel("bottom", names[0] + unit)
        self.setLabel("left", names[1] + unit)
        palette = [pg.mkBrush(colour) for colour in theme.CLASS_COLOURS]  # shared: one symbol per class
        brushes = [palette[c % len(palette)] for c in classes(network)[self.rows]]
        self.points.setData(xy[self.rows, 0], xy[self.rows, 1], brush=brushes)
        x0, x1, y0, y1 = bounds
        self._image_rect = pg.QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        self.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def show_params(self, params) -> None:
        net = self.network
        if net is None:
            return
        if self.kind == "regions":
            if self.bounds is None:
                return
            grid = decision_grid(net, params, self.bounds, GRID)
            self.image.setImage(self._colours(grid, net.outputs), autoLevels=False)
            self.image.setRect(self._image_rect)
            if net.outputs == 1:
                self._draw_boundary(grid)
        else:
            out = predict(net, params, net.X[self.rows])[:, 0]
            targets = net.Y[self.rows, 0]
            # Diverged predictions are left out: NaN, infinities, and values pyqtgraph cannot place.
            shown = (np.abs(out) <= MAX_SHOWN) & (np.abs(targets) <= MAX_SHOWN)
            self.points.setData(targets[shown], out[shown], brush=pg.mkBrush(theme.CLASS_COLOURS[0]))

    @property
    def point_count(self) -> int:
        """Examples drawn as points."""
        return len(self.rows)

    def _set_title(self, title: str) -> None:
        """The title, and how many of the examples are drawn when not all of them are."""
        total = self.network.examples
        if len(self.rows) < total:
            title += f"<br>{len(self.rows):,} of {total:,} points shown"
        self.strip.set_title(title)

    def _draw_boundary(self, grid: np.ndarray) -> None:
        """The P = 0.5 line of ``grid`` (rows along y), where the grid's points lie in the data's own
        units (as the regions are drawn)."""
        rect, n = self._image_rect, grid.shape[0] - 1
        x, y = level_segments(grid, 0.5)
        self.boundary.setData(rect.left() + x * rect.width() / n, rect.top() + y * rect.height() / n)

    @staticmethod
    def _colours(grid: np.ndarray, outputs: int) -> np.ndarray:
        """RGBA image (x along the first axis, as ImageItem expects) from P(class 1) or class indices.

        Each point is its predicted class's colour, with P(class 1) as opacity: fainter towards the
        boundary, never a colour of its own there (a blend through white made a grey band on a dark
        background), so the regions meet at a clean edge in every theme.
        """
        palette = np.array([pg.mkColor(c).getRgb() for c in theme.CLASS_COLOURS], dtype=float)
        if outputs == 1:
            p = np.nan_to_num(grid, nan=0.5)
            rgba = palette[(p >= 0.5).astype(int)]
            rgba[..., 3] = REGION_ALPHA[0] + (REGION_ALPHA[1] - REGION_ALPHA[0]) * np.abs(2 * p - 1)
        else:
            rgba = palette[grid.astype(int) % len(palette)]
            rgba[..., 3] = REGION_ALPHA[1]
        return rgba.transpose(1, 0, 2).astype(np.ubyte)
