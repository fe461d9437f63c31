"""The Runs dock: add runs that differ in settings, train them side by side, compare them.

A run table (settings, current and best cost, the epoch each first reached the target cost,
speed, state), the runs' costs overlaid in their own colours with a legend (a diverged run
marked with a cross where it diverged), and the learning-rate sweep: final cost against
learning rate on log axes. "Make current" gives the window's network a run's settings and weights.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core import fmt
from core.optimizers import NAMES, TITLES, Optimizer
from core.run_set import MAX_RUNS, SWEEP_RATES, Run, RunSetError, RunSettings, describe_batch
from gui import icons, plot_style, theme
from gui.runs import RunsModel

COLUMNS = ("Run", "Settings", "Cost", "Best", "Reached target at", "Epochs/s", "State")
REDRAW_MS = 200  # the table and plots while runs train (a repaint costs the UI thread tens of ms)
BATCHES = ("Network's", "Full batch", "Mini-batch", "1 (stochastic)")


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _cost(value: float | None) -> str:
    return "—" if value is None else fmt.significant(value, 4)


class RunsPanel(QWidget):
    """Settings for a new run, the run table, and the overlaid cost and sweep plots."""

    make_current = Signal(object)  # a Run whose settings and weights the window should take

    def __init__(self, runs: RunsModel, base, parent: QWidget | None = None) -> None:
        """``base()`` returns the window's (network, initial parameters) or None."""
        super().__init__(parent)
        self.runs = runs
        self._base = base
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        form = QGridLayout()
        self.rate = QLineEdit(placeholderText="network's")
        self.rate.setToolTip("The run's learning rate α (empty: the network's)")
        self.batch = QComboBox()
        self.batch.addItems(BATCHES)
        self.batch_k = QSpinBox(minimum=1, maximum=1_000_000, value=8)
        self.batch_k.setToolTip("k examples per update, for a mini-batch")
        self.optimizer = QComboBox()
        self.optimizer.addItem("Network's", None)
        for name in NAMES:
            self.optimizer.addItem(TITLES[name], name)
        self.seed = QSpinBox(minimum=-1, maximum=2**31 - 1, value=-1, specialValueText="current weights")
        self.seed.setToolTip("Initial weights: the current ones, or fresh ones drawn from this seed")
        form.addWidget(QLabel("α"), 0, 0)
        form.addWidget(self.rate, 0, 1)
        form.addWidget(QLabel("Optimiser"), 0, 2)
        form.addWidget(self.optimizer, 0, 3)
        form.addWidget(QLabel("Batch"), 1, 0)
        batch_row = QHBoxLayout()
        batch_row.addWidget(self.batch, 1)
        batch_row.addWidget(self.batch_k)
        form.addLayout(batch_row, 1, 1)
        form.addWidget(QLabel("Seed"), 1, 2)
        form.addWidget(self.seed, 1, 3)
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add run")
        self.sweep_button = QPushButton("Sweep α " + ", ".join(f"{r:g}" for r in SWEEP_RATES))
        self.sweep_button.setToolTip("One run per learning rate, the other settings the network's")
        self.clear_button = QPushButton("Clear")
        for b in (self.add_button, self.sweep_button, self.clear_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)

        controls = QHBoxLayout()
        self.epochs = QSpinBox(minimum=1, maximum=10_000_000, value=2000, suffix=" epochs")
        self.train_button = QPushButton("Train runs")
        self.pause_button = QPushButton("Pause")
        icons.set_icon(self.train_button, "play")
        icons.set_icon(self.pause_button, "pause")
        self.current_button = QPushButton("Make current")
        self.current_button.setToolTip("Give the network this run's settings and weights (or double-click a row)")
        self.remove_button = QPushButton("Remove")
        for w in (self.epochs, self.train_button, self.pause_button, self.current_button, self.remove_button):
            controls.addWidget(w)
        layout.addLayout(controls)

        target_row = QHBoxLayout()
        target_row.addWidget(QLabel("Target cost"))
        self.target = QLineEdit(placeholderText="e.g. 0.05")
        self.target.setToolTip("The table says at which epoch each run first reached this cost")
        target_row.addWidget(self.target, 1)
        layout.addLayout(target_row)

        self.status = QLabel(wordWrap=True)
        theme.follow(self.status, lambda: self.status.setStyleSheet(theme.error_style()))
        layout.addWidget(self.status)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)

        self.plots = QTabWidget()
        self.cost_plot = pg.PlotWidget(title="Cost per epoch, each run")
        self.cost_plot.setLabel("bottom", "epoch")
        self.cost_plot.setLabel("left", "cost")
        self.cost_plot.setLogMode(y=True)
        self.cost_plot.showGrid(x=True, y=True, alpha=0.25)
        self.legend = self.cost_plot.addLegend(offset=(-8, 8), labelTextSize="8pt")
        self.sweep_plot = pg.PlotWidget(title="Final cost against learning rate")
        self.sweep_plot.setLabel("bottom", "learning rate α")
        self.sweep_plot.setLabel("left", "final cost")
        self.sweep_plot.setLogMode(x=True, y=True)
        self.sweep_plot.showGrid(x=True, y=True, alpha=0.25)
        self.sweep_line = self.sweep_plot.plot(symbol="o", symbolBrush="#0072B2")
        self.sweep_diverged = self.sweep_plot.plot(pen=None, symbol="x", symbolSize=12, symbolBrush="#D55E00")
        self.plots.addTab(self.cost_plot, "Costs")
        self.plots.addTab(self.sweep_plot, "α sweep")
        layout.addWidget(self.plots, 2)

        self._curves: dict[int, tuple[pg.PlotDataItem, pg.PlotDataItem]] = {}  # by run number
        plot_style.follow_theme(self.cost_plot, self._restyle_costs)
        plot_style.follow_theme(
            self.sweep_plot, lambda: self.sweep_line.setPen(plot_style.pen(theme.THEME.palette.muted))
        )
        self._dirty = True
        self._timer = QTimer(self, interval=REDRAW_MS)
        self._timer.timeout.connect(self._redraw_if_dirty)
        self._timer.start()

        self.add_button.clicked.connect(self.add_run)
        self.sweep_button.clicked.connect(self.add_sweep)
        self.clear_button.clicked.connect(self.runs.clear)
        self.train_button.clicked.connect(lambda: self.runs.train(self.epochs.value()))
        self.pause_button.clicked.connect(self.runs.pause)
        self.current_button.clicked.connect(self._on_make_current)
        self.remove_button.clicked.connect(self._on_remove)
        self.table.cellDoubleClicked.connect(lambda row, _: self._on_make_current(row))
        self.target.editingFinished.connect(self._on_target)
        self.batch.currentIndexChanged.connect(lambda i: self.batch_k.setEnabled(i == 2))
        self.batch_k.setEnabled(False)
        self.runs.changed.connect(self._mark_dirty)
        self.runs.running_changed.connect(self._mark_dirty)
        self.runs.message.connect(self.status.setText)

    # -- adding runs -----------------------------------------------------------------------

    def _settings(self) -> RunSettings | None:
        text = self.rate.text().strip()
        rate = None
        if text:
            rate = _number(text)
            if rate is None or rate <= 0:
                self.status.setText(f"The learning rate must be a positive number, not {text!r}.")
                return None
        batch = {0: None, 1: 0, 2: self.batch_k.value(), 3: 1}[self.batch.currentIndex()]
        name = self.optimizer.currentData()
        seed = self.seed.value()
        try:
            return RunSettings(rate, batch, None if name is None else Optimizer(name), None if seed < 0 else seed)
        except (RunSetError, ValueError) as e:
            self.status.setText(f"{e}.")
            return None

    def _ensure_set(self) -> bool:
        if self.runs.run_set is not None:
            return True
        base = self._base()
        if base is None:
            self.status.setText("Runs need a network (an expression has nothing to train).")
            return False
        self.runs.start_set(*base)
        return True

    def add_run(self) -> Run | None:
        settings = self._settings()
        if settings is None or not self._ensure_set():
            return None
        try:
            run = self.runs.add(settings)
        except RunSetError as e:
            self.status.setText(f"{e}.")
            return None
        self.status.setText("")
        return run

    def add_sweep(self) -> None:
        if not self._ensure_set():
            return
        try:
            self.runs.add_sweep()
        except RunSetError as e:
            self.status.setText(f"{e}.")
            return
        self.status.setText("")

    def _on_target(self) -> None:
        if self.runs.run_set is None:
            return
        text = self.target.text().strip()
        value = _number(text) if text else None
        if text and value is None:
            self.status.setText(f"The target cost must be a number, not {text!r}.")
            return
        self.runs.run_set.set_target(value)
        self._mark_dirty()

    def selected_run(self, row: int | None = None) -> Run | None:
        if row is None:
            rows = self.table.selectionModel().selectedRows()
            row = rows[0].row() if rows else -1
        runs = self.runs.runs
        return runs[row] if 0 <= row < len(runs) else None

    def _on_make_current(self, row: int | None = None) -> None:
        run = self.selected_run(row if isinstance(row, int) else None)
        if run is None:
            self.status.setText("Select a run in the table first.")
            return
        self.make_current.emit(run)

    def _on_remove(self) -> None:
        run = self.selected_run()
        if run is not None:
            self.runs.remove(run)

    # -- drawing ---------------------------------------------------------------------------

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _redraw_if_dirty(self) -> None:
        if self._dirty and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Table and plots from the run set now (the timer calls this at most every REDRAW_MS)."""
        self._dirty = False
        runs = self.runs.runs
        full = self.runs.run_set is not None and len(runs) >= MAX_RUNS
        self.add_button.setEnabled(not full)
        self._fill_table(runs)
        self._draw_costs(runs)
        self._draw_sweep()

    def _fill_table(self, runs: list[Run]) -> None:
        if self.table.rowCount() != len(runs):
            self.table.setRowCount(len(runs))
        for row, run in enumerate(runs):
            speed = run.speed
            values = (
                f"● {run.number}",
                run.label.partition(": ")[2] + f"; batch {describe_batch(run.network)}",
                _cost(run.current_cost),
                _cost(run.best),
                "—" if run.reached_at is None else str(run.reached_at),
                "—" if speed is None else f"{speed:,.0f}",
                self._state(run),
            )
            for col, text in enumerate(values):
                item = self.table.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)
            self.table.item(row, 0).setForeground(pg.mkColor(self.runs.colour(run)))

    def _state(self, run: Run) -> str:
        if run.diverged:
            return f"diverged at epoch {run.diverged_at}"
        if self.runs.is_running(run):
            return "training"
        return f"{run.epoch} epochs" if run.epoch else "ready"

    def _restyle_costs(self) -> None:
        """Each run's curve and cross in its colour (one follows the theme) at the current line scale;
        the table's colours at the next redraw."""
        for run in self.runs.runs:
            if run.number in self._curves:
                curve, cross = self._curves[run.number]
                curve.setPen(plot_style.pen(self.runs.colour(run), 2))
                cross.setSymbolBrush(self.runs.colour(run))
        self._dirty = True

    def _draw_costs(self, runs: list[Run]) -> None:
        numbers = {r.number for r in runs}
        for number in [n for n in self._curves if n not in numbers]:
            for item in self._curves.pop(number):
                self.cost_plot.removeItem(item)
        for run in runs:
            if run.number not in self._curves:
                colour = self.runs.colour(run)
                curve = self.cost_plot.plot(pen=plot_style.pen(colour, 2), name=run.label)
                cross = self.cost_plot.plot(pen=None, symbol="x", symbolSize=14, symbolBrush=colour)
                self._curves[run.number] = (curve, cross)
            curve, cross = self._curves[run.number]
            x, y, _ = run.history.view(budget=4096)
            positive = y > 0  # log axis
            curve.setData(x[positive], y[positive])
            if run.diverged and len(y):
                cross.setData([run.diverged_at], [max(float(y[-1]), 1e-300)])
            else:
                cross.setData([], [])

    def _draw_sweep(self) -> None:
        if self.runs.run_set is None:
            self.sweep_line.setData([], [])
            self.sweep_diverged.setData([], [])
            return
        rates, finals, diverged = self.runs.run_set.sweep()
        ok = ~diverged & (finals > 0)
        self.sweep_line.setData(rates[ok], finals[ok])
        bad = diverged & (finals > 0)
        self.sweep_diverged.setData(rates[bad], finals[bad])

    def curve_data(self, run: Run) -> tuple[np.ndarray, np.ndarray]:
        """The overlaid curve of a run as drawn (tests, screenshots)."""
        curve = self._curves[run.number][0]
        return curve.xData, curve.yData
