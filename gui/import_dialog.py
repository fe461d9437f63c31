"""File → Import data…: a preview of a CSV file and the choices for reading it; nothing changes
until Import. The file is read by core.csv_data on a worker thread, with progress and Cancel."""

from __future__ import annotations

import html
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
)

from core import fmt
from core.csv_data import CsvCancelled, CsvData, CsvError, CsvLayout, CsvOptions, read_csv, sniff
from core.data_import import adapted, mismatch, with_data
from core.network import Network
from gui import theme

PREVIEW_ROWS = 20
REREAD_DELAY_MS = 250  # a change of choice waits this long for the next one before the file is read again
DELIMITER_CHOICES = (("detect", None), ("comma", ","), ("semicolon", ";"), ("tab", "\t"), ("whitespace", " "))
DECIMAL_CHOICES = (("detect", None), ("point (1.5)", False), ("comma (1,5)", True))
HEADER_CHOICES = (("detect", None), ("first row is a header", True), ("no header", False))
TEXT_FEATURE_CHOICES = (("leave out", "drop"), ("one-hot encode", "onehot"))
MISSING_CHOICES = (("drop the row", "drop"), ("refuse the file", "refuse"))
TARGET_CHOICES = (
    ("detect (text: classes; numbers: regression)", "auto"),
    ("classes, one-hot (softmax)", "onehot"),
    ("two classes, 0/1 (sigmoid)", "binary"),
    ("numbers (regression)", "numeric"),
)


class CsvReader(QObject):
    """Reads one CSV file on a worker thread; results arrive as signals on the GUI thread."""

    progress = Signal(float)
    finished = Signal(object)  # CsvData
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, path: str, options: CsvOptions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path, self.options = path, options
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="csv-reader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._stop.set()

    def wait(self, seconds: float = 5.0) -> None:
        """Until the thread has stopped (it checks for Cancel every few thousand rows)."""
        if self._thread.is_alive():
            self._thread.join(seconds)

    def _run(self) -> None:
        try:
            data = read_csv(self.path, self.options, self.progress.emit, self._stop.is_set)
        except CsvCancelled:
            self.cancelled.emit()
        except CsvError as e:
            self.failed.emit(str(e))
        except MemoryError:
            self.failed.emit("not enough memory to read this file")
        else:
            self.finished.emit(data)


def _combo(choices) -> QComboBox:
    box = QComboBox()
    for text, value in choices:
        box.addItem(text, value)
    return box


class ImportDialog(QDialog):
    """Preview and choices; ``network_ready`` carries the network on the imported data."""

    network_ready = Signal(object)  # Network
    problem = Signal(str)  # a one-line reason the file cannot be used

    def __init__(self, path: str, network: Network, parent=None) -> None:
        layout = sniff(path, rows=PREVIEW_ROWS)  # CsvError before any widget exists: the caller refuses the file
        super().__init__(parent)
        self.path, self.network = path, network
        self.layout_: CsvLayout = layout
        self.setWindowTitle(f"Import data — {Path(path).name}")
        self.data: CsvData | None = None
        self.result_network: Network | None = None
        self._reader: CsvReader | None = None
        self._stopping: list[CsvReader] = []  # cancelled, their threads perhaps still running
        self._reread_timer = QTimer(self, singleShot=True, interval=REREAD_DELAY_MS)
        self._reread_timer.timeout.connect(self.read_now)
        self._build()
        self._fill_from_layout()
        self._connect()
        self.read_now()

    # -- construction ----------------------------------------------------------------

    def _build(self) -> None:
        self.delimiter = _combo(DELIMITER_CHOICES)
        self.decimal = _combo(DECIMAL_CHOICES)
        self.header = _combo(HEADER_CHOICES)
        self.detected = QLabel(wordWrap=True)
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setMinimumHeight(150)
        self.target = QComboBox()
        self.features = QListWidget()
        self.features.setMaximumHeight(100)
        self.text_features = _combo(TEXT_FEATURE_CHOICES)
        self.missing = _combo(MISSING_CHOICES)
        self.target_as = _combo(TARGET_CHOICES)
        if self.network.layers[-1].activation == "softmax":
            # a softmax network reads classes one-hot, two of them as well, and class numbers too
            self.target_as.setCurrentIndex(self.target_as.findData("onehot"))
        self.standardise = QCheckBox("Standardise the inputs (mean 0, standard deviation 1)")
        self.progress = QProgressBar(maximum=1000, textVisible=True)
        self.cancel_read = QPushButton("Cancel reading")
        self.summary = QTextBrowser()
        self.summary.setMinimumHeight(90)
        self.summary.setMaximumHeight(170)
        self.error = QLabel(wordWrap=True)
        theme.follow(self.error, lambda: self.error.setStyleSheet(theme.error_style()))
        self.fit = QLabel(wordWrap=True)
        self.adapt = QCheckBox("Adapt the network's input and output layers to the data (hidden layers kept)")
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.close_button = QPushButton("Close")

        reading = QGroupBox("How the file is read")
        grid = QGridLayout(reading)
        for column, (label, box) in enumerate(
            (("Delimiter", self.delimiter), ("Decimal", self.decimal), ("Header", self.header))
        ):
            grid.addWidget(QLabel(label), 0, 2 * column)
            grid.addWidget(box, 0, 2 * column + 1)
        grid.addWidget(self.detected, 1, 0, 1, 6)
        columns = QGroupBox("Columns")
        form = QFormLayout(columns)
        form.addRow("Target", self.target)
        form.addRow("Target as", self.target_as)
        form.addRow("Features", self.features)
        form.addRow("Text features", self.text_features)
        form.addRow("Missing cells", self.missing)
        form.addRow(self.standardise)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_read)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(reading)
        layout.addWidget(QLabel(f"First rows of {html.escape(Path(self.path).name)}:"))
        layout.addWidget(self.preview, 1)
        layout.addWidget(columns)
        layout.addLayout(progress_row)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.fit)
        layout.addWidget(self.adapt)
        layout.addLayout(buttons)
        self.resize(760, 820)

    def _connect(self) -> None:
        for box in (self.delimiter, self.decimal, self.header):
            box.activated.connect(self._on_layout_choice)
        for box in (self.target, self.target_as, self.text_features, self.missing):
            box.activated.connect(self._on_column_choice)
        self.features.itemChanged.connect(self._on_column_choice)
        self.standardise.toggled.connect(self._on_column_choice)
        self.adapt.toggled.connect(self._show_fit)
        self.cancel_read.clicked.connect(self._on_cancel_read)
        self.import_button.clicked.connect(self._on_import)
        self.close_button.clicked.connect(self.reject)

    # -- the preview --------------------------------------------------------------------

    def _fill_from_layout(self) -> None:
        layout = self.layout_
        decimal = "decimal comma" if layout.decimal_comma else "decimal point"
        header = "a header row" if layout.header else "no header row"
        self.detected.setText(f"Read as: {layout.delimiter_name}-separated, {decimal}, {header}.")
        names = [
            f"{j}: {name}\n({kind})" for j, (name, kind) in enumerate(zip(layout.columns, layout.kinds, strict=True))
        ]
        self.preview.clear()
        self.preview.setColumnCount(len(names))
        self.preview.setRowCount(len(layout.rows))
        self.preview.setHorizontalHeaderLabels(names)
        for i, row in enumerate(layout.rows):
            for j, cell in enumerate(row):
                self.preview.setItem(i, j, QTableWidgetItem(cell))
        self.preview.resizeColumnsToContents()
        self.target.blockSignals(True)
        self.target.clear()
        for j, name in enumerate(layout.columns):
            self.target.addItem(f"{j}: {name}", j)
        self.target.setCurrentIndex(len(layout.columns) - 1)
        self.target.blockSignals(False)
        self._fill_features()

    def _fill_features(self) -> None:
        layout, target = self.layout_, self.target.currentData()
        self.features.blockSignals(True)
        self.features.clear()
        for j, (name, kind) in enumerate(zip(layout.columns, layout.kinds, strict=True)):
            item = QListWidgetItem(f"{j}: {name} ({kind})")
            item.setData(Qt.ItemDataRole.UserRole, j)
            if j == target:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setCheckState(Qt.CheckState.Unchecked)
            else:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            self.features.addItem(item)
        self.features.blockSignals(False)

    def options(self) -> CsvOptions:
        """The choices made in the dialog, as the reader's options."""
        chosen = [
            self.features.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.features.count())
            if self.features.item(i).checkState() == Qt.CheckState.Checked
        ]
        every_other = len(chosen) == len(self.layout_.columns) - 1
        return CsvOptions(
            delimiter=self.delimiter.currentData(),
            decimal_comma=self.decimal.currentData(),
            header=self.header.currentData(),
            target=self.target.currentData(),
            features=None if every_other else chosen,
            text_features=self.text_features.currentData(),
            missing=self.missing.currentData(),
            target_encoding=self.target_as.currentData(),
            standardise=self.standardise.isChecked(),
        )

    def _on_layout_choice(self) -> None:
        """A new delimiter, decimal mark or header choice: the columns may change, so preview again."""
        self._stop_reading()
        reading = CsvOptions(
            delimiter=self.delimiter.currentData(),
            decimal_comma=self.decimal.currentData(),
            header=self.header.currentData(),
        )
        try:
            self.layout_ = sniff(self.path, reading, rows=PREVIEW_ROWS)
        except CsvError as e:
            self._fail(str(e))
            return
        self._fill_from_layout()
        self._reread_timer.start()

    def _on_column_choice(self) -> None:
        if self.sender() is self.target:
            self._fill_features()
        self._stop_reading()
        self._reread_timer.start()

    # -- reading off the UI thread ------------------------------------------------------

    def read_now(self) -> None:
        self._stop_reading()
        self.data = self.result_network = None
        self.import_button.setEnabled(False)
        self.error.clear()
        self.fit.clear()
        self.adapt.hide()
        self.summary.setHtml("<i>Reading…</i>")
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_read.show()
        # Slots of this dialog, which lives on the GUI thread: the signals the worker emits are queued here.
        reader = self._reader = CsvReader(self.path, self.options(), self)
        reader.progress.connect(self._on_progress)
        reader.finished.connect(self._on_read)
        reader.failed.connect(self._on_failed)
        reader.cancelled.connect(self._on_cancelled)
        reader.start()

    @property
    def reading(self) -> bool:
        return self._reader is not None

    def _stop_reading(self, wait: bool = False) -> None:
        """Cancel the current reading; with ``wait``, until every reader's thread has ended."""
        self._reread_timer.stop()
        if self._reader is not None:
            self._reader.cancel()
            self._stopping.append(self._reader)
            self._reader = None
        if wait:
            for reader in self._stopping:
                reader.wait()

    def _finished_with(self, reader: CsvReader) -> None:
        """A reader has sent its last signal."""
        if reader in self._stopping:
            self._stopping.remove(reader)
        reader.deleteLater()

    @Slot(float)
    def _on_progress(self, fraction: float) -> None:
        if self.sender() is self._reader:
            self.progress.setValue(round(fraction * 1000))

    def _on_cancel_read(self) -> None:
        self._stop_reading()
        self._done_reading()
        self.summary.setHtml("<i>Reading cancelled. Change a choice to read the file again.</i>")

    @Slot()
    def _on_cancelled(self) -> None:
        self._finished_with(self.sender())

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        reader = self.sender()
        self._finished_with(reader)
        if reader is self._reader:
            self._reader = None
            self._fail(text)

    def _fail(self, text: str) -> None:
        self._done_reading()
        self.data = self.result_network = None
        self.import_button.setEnabled(False)
        self.summary.clear()
        self.error.setText(f"Cannot import: {text}.")
        self.problem.emit(text)

    @Slot(object)
    def _on_read(self, data: CsvData) -> None:
        reader = self.sender()
        self._finished_with(reader)
        if reader is not self._reader:
            return
        self._reader = None
        self._done_reading()
        self.data = data
        self.summary.setHtml(summary_html(data))
        self._show_fit()

    def _done_reading(self) -> None:
        self.progress.hide()
        self.cancel_read.hide()

    # -- fitting the network ----------------------------------------------------------------

    def _show_fit(self) -> None:
        data = self.data
        if data is None:
            return
        name = self.network.name
        differs = mismatch(self.network, data)
        try:
            self.result_network = with_data(self.network, data, name)
            self.fit.setText(f"The network ({_shape(self.network)}) fits the data as it is.")
            self.adapt.hide()
        except ValueError as e:
            self.adapt.show()
            reason = differs or str(e)
            if not self.adapt.isChecked():
                self.result_network = None
                self.fit.setText(
                    f"The data does not fit the network: {reason}. Adapt the network, or choose other columns."
                )
            else:
                try:
                    self.result_network = adapted(self.network, data, name)
                    self.fit.setText(
                        f"The data does not fit the network as it is ({reason}); "
                        f"adapted, it becomes {_shape(self.result_network)}."
                    )
                except ValueError as e2:
                    self.result_network = None
                    self.fit.setText(f"Refused: {e2}.")
        self.import_button.setEnabled(self.result_network is not None)

    def _on_import(self) -> None:
        if self.result_network is not None:
            self.network_ready.emit(self.result_network)
            self.accept()

    def done(self, result: int) -> None:
        self._stop_reading(wait=True)  # no signal may reach the dialog once it is gone
        super().done(result)


def _shape(net: Network) -> str:
    units = " → ".join([str(net.inputs), *(f"{layer.units} {layer.activation}" for layer in net.layers)])
    return f"{units}, {net.loss.replace('_', ' ')}"


def summary_html(data: CsvData) -> str:
    """Rows kept and dropped, classes, columns left out, and per-column statistics in original units."""
    parts = [f"<p><b>{data.rows}</b> rows"]
    parts.append(
        f", <b>{data.dropped}</b> dropped for a missing cell" if data.dropped else ", none with a missing cell"
    )
    parts.append(f". Target: <b>{html.escape(data.target_column)}</b>")
    if data.classes:
        names = ", ".join(html.escape(c) for c in data.classes)
        parts.append(f", {len(data.classes)} classes ({names})")
    else:
        parts.append(" (numbers: regression)")
    parts.append(".")
    if data.left_out:
        parts.append(f" Text columns left out: {html.escape(', '.join(data.left_out))}.")
    parts.append("</p>")
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        + "".join(f"<td align='right'>{fmt.number(v, 4)}</td>" for v in (s.mean, s.std, s.min, s.max))
        + "</tr>"
        for name, s in data.stats.items()
    )
    parts.append(
        "<table cellspacing='0' cellpadding='3' border='1' style='border-collapse:collapse'>"
        "<tr><th>column</th><th>mean</th><th>std</th><th>min</th><th>max</th></tr>"
        f"{rows}</table>"
    )
    if data.standardised:
        parts.append(
            "<p>Standardised: each input x becomes (x − mean)/std with the mean and std above; "
            "predictions and the decision-region plot apply the same statistics, and show original units.</p>"
        )
    return "".join(parts)
