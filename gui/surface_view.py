"""The Loss surface view: the cost over a grid of two chosen parameters (contours over a heat
map) or along one (a curve, with Newton's tangent parabola), the current point and the path the
parameters have taken. The grid comes from core.surface, computed on a worker thread."""

from __future__ import annotations

import threading

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core import fmt
from core.curvature import one_variable
from core.param_entries import ParamEntry, all_entries
from core.surface import DEFAULT_SPAN, Surface, loss_surface
from gui import plot_style

GRID_POINTS = 61  # per axis: odd, so the current point is a grid point
CURVE_POINTS = 201
CONTOURS = 10
MAX_PATH_POINTS = 20_000  # beyond this the path keeps every other point
RUN_PATHS_INTERVAL_MS = 200  # the runs' paths are redrawn at most this often while they train
NO_SECOND = "— none: the cost along x —"
# Over the heat map (viridis), whatever the theme; the curve and parabola are on the theme's background.
PATH_COLOUR, PATH_SHADOW_COLOUR = "#ffffff", "#000000"
CURVE_COLOUR = "#0072B2"  # Okabe-Ito blue and vermillion: told apart in every theme
PARABOLA_COLOUR = "#D55E00"


class SurfaceView(QWidget):
    """Pick one or two parameters; the view keeps itself up to date with the model's parameters."""

    _computed = Signal(int, object)  # from the worker thread: generation, Surface or an error text

    def __init__(self, model, runs=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._runs = runs  # the Runs dock's RunsModel: each run's path in its colour
        self.run_paths: dict[int, pg.PlotDataItem] = {}  # by run number
        self._runs_dirty = False
        self._entries: list[ParamEntry] = []
        self._surface: Surface | None = None
        self._generation = 0  # the latest request; older results are dropped
        self._busy = False
        self.path: list[tuple[float, ...]] = []
        self.x_box, self.y_box = QComboBox(), QComboBox()
        self.span_box = QDoubleSpinBox(decimals=3, minimum=0.001, maximum=1e6, value=DEFAULT_SPAN)
        self.span_box.setToolTip("The grid runs from each parameter's value − span to + span")
        self.recompute_button = QPushButton("Recompute")
        self.recompute_button.setToolTip("The grid again around the current point, with the other parameters as now")
        self.status = QLabel(wordWrap=True)
        self.plot = pg.PlotWidget()
        self.plot.setMinimumHeight(200)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.contours = [pg.IsocurveItem(pen=pg.mkPen("#ffffff", width=1)) for _ in range(CONTOURS)]
        for contour in self.contours:
            contour.setParentItem(self.image)
        self.curve = pg.PlotDataItem()
        self.parabola = pg.PlotDataItem()
        self.path_shadow = pg.PlotDataItem()
        self.path_line = pg.PlotDataItem()
        plot_style.follow_theme(self.plot, self._restyle)
        self.marker = pg.ScatterPlotItem(size=12, brush=pg.mkBrush("#d62728"), pen=pg.mkPen("#ffffff", width=2))
        for item in (self.image, self.curve, self.parabola, self.path_shadow, self.path_line, self.marker):
            self.plot.addItem(item)
        self._build_layout()
        self._computed.connect(self._on_computed)
        self.x_box.activated.connect(self._on_choice)
        self.y_box.activated.connect(self._on_choice)
        self.span_box.editingFinished.connect(self.recompute)
        self.recompute_button.clicked.connect(self.recompute)
        model.network_changed.connect(self._on_network_changed)
        model.state_changed.connect(self._on_state_changed)
        if runs is not None:
            runs.changed.connect(self._mark_runs_dirty)
            self._runs_timer = QTimer(self, interval=RUN_PATHS_INTERVAL_MS)
            self._runs_timer.timeout.connect(self._draw_runs_if_dirty)
            self._runs_timer.start()
        self._on_network_changed()

    def _restyle(self) -> None:
        """The curves' pens at the current line scale."""
        self.curve.setPen(plot_style.pen(CURVE_COLOUR, 2))
        self.parabola.setPen(plot_style.pen(PARABOLA_COLOUR, 2, style=Qt.PenStyle.DashLine))
        self.path_shadow.setPen(plot_style.pen(PATH_SHADOW_COLOUR, 4))
        self.path_line.setPen(plot_style.pen(PATH_COLOUR, 2))

    def _build_layout(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        for label, box in (("x", self.x_box), ("y", self.y_box)):
            row = QHBoxLayout()
            row.addWidget(QLabel(label))
            row.addWidget(box, 1)
            column.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel("span ±"))
        row.addWidget(self.span_box)
        row.addWidget(self.recompute_button)
        column.addLayout(row)
        column.addWidget(self.plot, 1)
        column.addWidget(self.status)

    # -- choices -------------------------------------------------------------------------

    @property
    def entries(self) -> list[ParamEntry]:
        """The chosen parameters: x, and y unless the cost curve along x is shown."""
        return list(self._entries)

    def choose(self, x: str, y: str | None = None) -> None:
        """Show the surface over parameters ``x`` and ``y`` (labels like W1[0][0]), or the curve along ``x``."""
        self.x_box.setCurrentText(x)
        self.y_box.setCurrentText(y if y is not None else NO_SECOND)
        self._on_choice()

    def show_lesson(self, name: str, index: tuple[int, ...]) -> None:
        """The one-variable lesson's parameter: the cost along it with Newton's parabola."""
        self.choose(ParamEntry(name, tuple(index)).label)

    def _on_network_changed(self) -> None:
        net = self._model.network
        labels = [e.label for e in all_entries(self._model.session.params)] if net is not None else []
        for box, extra in ((self.x_box, []), (self.y_box, [NO_SECOND])):
            box.blockSignals(True)
            box.clear()
            box.addItems(labels + extra)
            box.blockSignals(False)
        self._surface = None
        if not labels:
            self._entries = []
            self._clear("The loss surface needs a network: an expression has no cost to learn.")
            return
        self.x_box.setCurrentIndex(0)
        self.y_box.setCurrentIndex(1 if len(labels) > 1 else len(labels))  # the OR gate: w1 and w2
        self._on_choice()

    def _on_choice(self) -> None:
        if self._model.network is None:
            return
        by_label = {e.label: e for e in all_entries(self._model.session.params)}
        x = by_label[self.x_box.currentText()]
        y = by_label.get(self.y_box.currentText())
        if y == x:
            self.status.setText(f"x and y are both {x.label}: pick two different parameters, or none for y.")
            return
        self._entries = [x] if y is None else [x, y]
        self._surface = None  # the old grid is of other parameters
        self.draw_run_paths()
        self.path = []
        self._on_state_changed()
        self.recompute()

    # -- computing -------------------------------------------------------------------------

    def recompute(self) -> None:
        """Compute the grid around the current point on a worker thread (a newer request supersedes it)."""
        if not self._entries or self._model.network is None:
            return
        self._generation += 1
        generation, net, entries = self._generation, self._model.network, list(self._entries)
        params = {k: np.array(v) for k, v in self._model.session.displayed_params().items()}
        points = GRID_POINTS if len(entries) == 2 else CURVE_POINTS
        span = self.span_box.value()
        self._busy = True
        self.status.setText("Computing the grid…")

        def work() -> None:
            try:
                result: object = loss_surface(net, params, entries, span, points)
                if len(entries) == 1:
                    result = (result, one_variable(net, params, entries[0].name, entries[0].index))
            except (ValueError, MemoryError, FloatingPointError) as e:
                result = str(e)
            self._computed.emit(generation, result)

        threading.Thread(target=work, daemon=True, name="loss surface").start()

    def _on_computed(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return
        self._busy = False
        if isinstance(result, str):
            self._clear(f"Cannot compute the surface: {result}")
            return
        lesson = None
        if isinstance(result, tuple):
            result, lesson = result
        self._surface = result
        self._draw(lesson)
        self._draw_path()
        self.draw_run_paths()
        if self._outside(self._current()):  # the parameters moved on while it was computed
            self.recompute()

    # -- drawing -------------------------------------------------------------------------

    def _clear(self, text: str) -> None:
        self.image.clear()
        for item in (self.curve, self.parabola, self.path_line, self.path_shadow):
            item.setData([], [])
        self.marker.setData([], [])
        for contour in self.contours:
            contour.setData(None)
        self.status.setText(text)

    def _draw(self, lesson) -> None:
        s = self._surface
        finite = s.cost[np.isfinite(s.cost)]
        self.plot.setLabel("bottom", s.entries[0].label)
        others = "the other parameters fixed as they were when computed"
        if s.y is None:
            self.image.clear()
            for contour in self.contours:
                contour.setData(None)
            self.curve.setData(s.x, s.cost)
            self.plot.setLabel("left", "cost C")
            self._draw_parabola(lesson, finite)
            goes = None if lesson is None else lesson.newton_x
            newton = "" if goes is None else f"; Newton's step goes to {fmt.significant(goes)}"
            self.status.setText(f"The cost along {s.entries[0].label}, {others}{newton}. Dashed: the tangent parabola.")
            return
        self.curve.setData([], [])
        self.parabola.setData([], [])
        self.plot.setLabel("left", s.entries[1].label)
        levels = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self.image.setImage(np.where(np.isfinite(s.cost), s.cost, levels[1]), levels=levels)
        dx, dy = s.x[1] - s.x[0], s.y[1] - s.y[0]
        self.image.setRect(QRectF(s.x[0] - dx / 2, s.y[0] - dy / 2, dx * len(s.x), dy * len(s.y)))
        values = np.linspace(*levels, CONTOURS + 2)[1:-1]
        for contour, level in zip(self.contours, values, strict=True):
            contour.setData(s.cost.T, level)  # IsocurveItem reads [column, row]
        self.plot.setXRange(s.x[0], s.x[-1], padding=0)
        self.plot.setYRange(s.y[0], s.y[-1], padding=0)
        self.status.setText(
            f"Cost from {fmt.significant(levels[0])} (dark) to {fmt.significant(levels[1])} (yellow), {others}. "
            "White: the path the parameters took; red: where they are."
        )

    def _draw_parabola(self, lesson, finite: np.ndarray) -> None:
        if lesson is None:
            self.parabola.setData([], [])
            return
        f, slope, curvature = lesson.parabola()
        t = self._surface.x
        self.parabola.setData(t, f + slope * (t - lesson.x) + curvature / 2 * (t - lesson.x) ** 2)
        if finite.size:  # keep the curve in view, however far the parabola runs
            low, high = float(finite.min()), float(finite.max())
            self.plot.setYRange(low - 0.1 * (high - low), high + 0.1 * (high - low), padding=0)
        self.plot.setXRange(t[0], t[-1], padding=0)

    def _current(self) -> tuple[float, ...]:
        params = self._model.session.displayed_params()
        return tuple(e.value(params) for e in self._entries)

    def _on_state_changed(self) -> None:
        if not self._entries or self._model.network is None:
            return
        point = self._current()
        if self._model.session.epoch == 0 and not self._model.training:
            self.path = self.path[:1] if self.path and self.path[0] == point else [point]
        elif not self.path or self.path[-1] != point:
            self.path.append(point)
            if len(self.path) > MAX_PATH_POINTS:
                self.path = self.path[::2] + ([point] if len(self.path) % 2 == 0 else [])
        self._draw_path()
        if self._surface is not None and not self._busy and self._outside(point):
            self.recompute()

    def _outside(self, point: tuple[float, ...]) -> bool:
        s = self._surface
        axes = [s.x] if s.y is None else [s.x, s.y]
        return any(not axis[0] <= v <= axis[-1] for axis, v in zip(axes, point, strict=True))

    def _draw_path(self) -> None:
        if not self.path or self._surface is None:
            return
        path = np.array(self.path)
        if len(self._entries) == 1:
            xs = path[:, 0]
            ys = self._cost_along(xs)
        else:
            xs, ys = path[:, 0], path[:, 1]
        for item in (self.path_shadow, self.path_line):
            item.setData(xs, ys)
        self.marker.setData([xs[-1]], [ys[-1]])

    def _mark_runs_dirty(self) -> None:
        self._runs_dirty = True

    def _draw_runs_if_dirty(self) -> None:
        if self._runs_dirty:
            self._runs_dirty = False
            self.draw_run_paths()

    def draw_run_paths(self) -> None:
        """Each run's trajectory over the chosen parameters, in the run's colour."""
        runs = [] if self._runs is None or self._surface is None else self._runs.runs
        labels = tuple(e.label for e in self._entries)
        for number in set(self.run_paths) - {run.number for run in runs}:
            self.plot.removeItem(self.run_paths.pop(number))
        for run in runs:
            try:
                path = run.path(labels)
            except (KeyError, IndexError, ValueError):  # a run of a network without these entries
                path = np.empty((0, len(labels)))
            if run.number not in self.run_paths:
                item = pg.PlotDataItem(pen=pg.mkPen(self._runs.colour(run), width=2), name=run.label)
                self.plot.addItem(item)
                self.run_paths[run.number] = item
            xs = path[:, 0]
            ys = self._cost_along(xs) if len(labels) == 1 else path[:, 1]
            self.run_paths[run.number].setData(xs, ys)

    def _cost_along(self, xs: np.ndarray) -> np.ndarray:
        """For the curve: the path drawn on it, at the curve's height (interpolated in its grid)."""
        s = self._surface
        return np.interp(xs, s.x, s.cost)
