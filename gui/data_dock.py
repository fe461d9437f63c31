"""The data dock: every example with the network's current prediction, and for classes a
confusion table. The numbers come from core.evaluation; this module only formats them.

For a large data set the predictions of new parameters are computed on the window's worker thread
(gui.sliced_work.in_worker: numpy releases the GIL in its large products and functions) and shown when
they arrive; only the latest parameters asked for are computed, and a result for parameters since
replaced, or for a network since replaced, is dropped.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Future

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import fmt
from core.evaluation import Predictions, confusion_matrix, evaluate
from core.network import Network, Params
from gui import theme
from gui.sliced_work import in_worker

MEASURED_ROWS = 200
# Above this many examples predictions are computed off the window's thread: 400,000 examples of
# 2-16-16-1 took 148 ms on it at every step (bench/responsiveness.py).
THREAD_EXAMPLES = 20_000


class PredictionTableModel(QAbstractTableModel):
    """Rows are examples; columns the inputs (original units), the targets and the predictions."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._X = np.empty((0, 0))
        self._Y = np.empty((0, 0))
        self._feature_names: tuple[str, ...] = ()
        self._target_names: tuple[str, ...] = ()
        self._predictions: Predictions | None = None
        self._decimals = 3

    # -- filling -----------------------------------------------------------------------

    def set_network(self, network: Network, predictions: Predictions, decimals: int) -> None:
        self.beginResetModel()
        self._X, self._Y = network.original_X, network.Y
        n = network.inputs
        names = network.feature_names
        self._feature_names = names if len(names) == n else tuple(f"x{i + 1}" for i in range(n))
        k = network.outputs
        targets = network.target_names
        if len(targets) != k:
            targets = ("y",) if k == 1 else tuple(f"y{j + 1}" for j in range(k))
        self._target_names = targets
        self._predictions, self._decimals = predictions, decimals
        self.endResetModel()

    def set_predictions(self, predictions: Predictions, decimals: int) -> None:
        """New predictions for the same rows (the views repaint only the rows they show)."""
        self._predictions, self._decimals = predictions, decimals
        rows = self.rowCount()
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, self.columnCount() - 1))

    # -- columns ----------------------------------------------------------------------------

    @property
    def _classes(self) -> bool:
        return self._predictions is not None and self._predictions.predicted is not None

    def headers(self) -> list[str]:
        columns = list(self._feature_names)
        if self._classes:
            columns += ["target", "predicted"]
        else:
            columns += list(self._target_names)
        outputs = self._Y.shape[1]
        columns += ["ŷ"] if outputs == 1 else [f"ŷ{j + 1}" for j in range(outputs)]
        return columns

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else self._X.shape[0]

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return str(section + 1)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.BackgroundRole:
            correct = self._predictions.correct if self._predictions is not None else None
            # Rows whose predicted class is not the target's: tinted in the gradients' colour.
            return QBrush(theme.faded("backward", 0.18)) if correct is not None and not correct[row] else None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._class_colour(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        value = self._value(row, column)
        if isinstance(value, str):
            return value
        return fmt.full(value) if role == Qt.ItemDataRole.ToolTipRole else fmt.number(value, self._decimals)

    def _class_colour(self, row: int, column: int) -> QColor | None:
        """The class's colour in the decision regions, beside a target or predicted class."""
        column -= self._X.shape[1]
        if not self._classes or column not in (0, 1):
            return None
        p = self._predictions
        k = p.actual[row] if column == 0 else p.predicted[row]
        return QColor(theme.CLASS_COLOURS[k % len(theme.CLASS_COLOURS)])

    def _value(self, row: int, column: int) -> float | str:
        n = self._X.shape[1]
        if column < n:
            return self._X[row, column]
        column -= n
        p = self._predictions
        if self._classes:
            if column < 2:
                names = p.class_names
                return names[p.actual[row]] if column == 0 else names[p.predicted[row]]
            column -= 2
        elif column < self._Y.shape[1]:
            return self._Y[row, column]
        else:
            column -= self._Y.shape[1]
        return p.outputs[row, column]


class ConfusionTable(QTableWidget):
    """Counts by actual class (rows) and predicted class (columns); the diagonal is right."""

    def show_counts(self, counts: np.ndarray, names: tuple[str, ...]) -> None:
        k = len(names)
        if self.rowCount() != k or self._names != names:
            self._names = names
            self.setRowCount(k)
            self.setColumnCount(k)
            self.setHorizontalHeaderLabels([f"→ {n}" for n in names])
            self.setVerticalHeaderLabels(list(names))
        for i in range(k):
            for j in range(k):
                item = self.item(i, j)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    self.setItem(i, j, item)
                if i == j:  # the diagonal: examples classified right
                    item.setBackground(QBrush(theme.faded("forward", 0.18)))
                item.setText(str(int(counts[i, j])))

    _names: tuple[str, ...] = ()


class DataDock(QWidget):
    """The data table, and under it the confusion table for classifiers."""

    choose_dataset = Signal()
    import_csv = Signal()
    _evaluated = Signal(object, object)  # from the worker thread: (request, network, decimals) and its Future

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.dataset_button = QPushButton("Data set…")
        self.dataset_button.setToolTip("A built-in or generated data set")
        self.import_button = QPushButton("Import CSV…")
        self.dataset_button.clicked.connect(self.choose_dataset)
        self.import_button.clicked.connect(self.import_csv)
        self.summary = QLabel(wordWrap=True)
        self.table_model = PredictionTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        theme.follow(self.table, lambda: self.table.setFont(theme.font(9)))
        self.table.verticalHeader().setDefaultSectionSize(20)
        # Column widths measured once per data set, and on the first rows only: a data set may have
        # 100,000 rows, and measuring them all (or on every refresh) would stall the window.
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setResizeContentsPrecision(MEASURED_ROWS)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.confusion_title = QLabel("<b>Confusion table</b> (rows: target class, columns: predicted)")
        self.confusion_title.setWordWrap(True)
        self.confusion = ConfusionTable()
        theme.follow(self.confusion, lambda: self.confusion.setFont(theme.font(9)))
        self.confusion.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.confusion.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.confusion_title)
        lower_layout.addWidget(self.confusion)
        self._lower = lower
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        buttons = QHBoxLayout()
        buttons.addWidget(self.dataset_button)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.network: Network | None = None
        self.predictions: Predictions | None = None
        self._request = 0  # numbers each set of parameters asked for: only the latest one's are shown
        self._waiting: tuple[int, Network, Params, int] | None = None  # asked for while the thread was busy
        self._evaluating = False
        self._columns_due = False  # the columns are to be fitted to a new data set when the table shows
        self._on_screen = True  # until a dock says otherwise (set_on_screen)
        self._evaluated.connect(self._on_evaluated)

    def set_network(self, network: Network, params: Params, decimals: int) -> None:
        self._request += 1
        self._waiting = None  # parameters of the network before: not worth computing now
        self.network = network
        self.predictions = evaluate(network, params)
        self.table_model.set_network(network, self.predictions, decimals)
        self._columns_due = True
        if self._on_screen:
            self._fit_columns()
        self._show_summary_and_confusion()

    def set_on_screen(self, on_screen: bool) -> None:
        """Whether the panel is on screen (its dock's visibilityChanged: a tab behind another is not)."""
        self._on_screen = on_screen
        if on_screen and self._columns_due:
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Columns as wide as their texts: measured when the table is first on screen for a data set
        (the panel is often a tab behind another, and measuring asks for every cell of the first rows)."""
        self._columns_due = False
        self.table.resizeColumnsToContents()

    def show_params(self, params: Params, decimals: int) -> None:
        if self.network is None:
            return
        self._request += 1
        if self.network.examples <= THREAD_EXAMPLES:
            self._show_predictions(evaluate(self.network, params), decimals)
            return
        copied = {name: np.array(value, dtype=float) for name, value in params.items()}
        self._waiting = (self._request, self.network, copied, decimals)
        if not self._evaluating:
            self._evaluate_waiting()

    @property
    def evaluating(self) -> bool:
        """Predictions are being computed on the worker thread (the table shows the previous ones)."""
        return self._evaluating

    def _evaluate_waiting(self) -> None:
        request, network, params, decimals = self._waiting
        self._waiting, self._evaluating = None, True
        future = in_worker(evaluate, network, params)
        future.add_done_callback(lambda done: self._arrived((request, network, decimals), done))

    def _arrived(self, asked: tuple[int, Network, int], future: Future) -> None:
        """On the worker thread (or here, if already done): hand the result to the window's thread."""
        with contextlib.suppress(RuntimeError):  # the window, and this dock, may be gone
            self._evaluated.emit(asked, future)

    def _on_evaluated(self, asked: tuple[int, Network, int], future: Future) -> None:
        self._evaluating = False
        request, network, decimals = asked
        if self._waiting is not None:
            self._evaluate_waiting()  # newer parameters were asked for meanwhile
        if request != self._request or network is not self.network:
            return
        try:
            predictions = future.result()
        except MemoryError:
            return  # the previous predictions stay; the network's own checks keep its data within memory
        self._show_predictions(predictions, decimals)

    def _show_predictions(self, predictions: Predictions, decimals: int) -> None:
        self.predictions = predictions
        self.table_model.set_predictions(predictions, decimals)
        self._show_summary_and_confusion()

    def _show_summary_and_confusion(self) -> None:
        net, p = self.network, self.predictions
        what = f"{net.examples} examples, {net.inputs} inputs"
        if net.standardisation is not None:
            what += " (shown in original units; the network sees them standardised)"
        self._lower.setVisible(p.predicted is not None)
        if p.predicted is None:
            self.summary.setText(what)
            return
        self.summary.setText(f"{what} · {p.correct_count} of {net.examples} classified right")
        self.confusion.show_counts(confusion_matrix(p), p.class_names)
