"""Network → Data set…: a built-in data set or a generated one (size, noise, seed, …) as the
network's data, from core.datasets' registry; the network adapted to it on request."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.data_import import resized
from core.datasets import DATASETS, DatasetError, DatasetInfo, with_dataset
from core.network import Network
from gui import theme

SPIN_BOX_MAX = 2**31 - 1


class DatasetDialog(QDialog):
    """The registry's data sets on the left; the chosen one's parameters and fit on the right."""

    network_ready = Signal(object)  # Network

    def __init__(self, network: Network, parent=None) -> None:
        super().__init__(parent)
        self.network = network
        self.setWindowTitle("Data set")
        self.sets = QListWidget()
        for info in DATASETS.values():
            item = QListWidgetItem(f"{info.title} ({info.task}, {info.inputs} input{'s' * (info.inputs != 1)})")
            item.setData(Qt.ItemDataRole.UserRole, info.key)
            self.sets.addItem(item)
        self.description = QLabel(wordWrap=True)
        self.params_box = QWidget()
        self.params_form = QFormLayout(self.params_box)
        self.inputs: dict[str, QSpinBox | QDoubleSpinBox] = {}
        self.fit = QLabel(wordWrap=True)
        self.adapt = QCheckBox("Adapt the network's input and output layers to the data (hidden layers kept)")
        self.error = QLabel(wordWrap=True)
        theme.follow(self.error, lambda: self.error.setStyleSheet(theme.error_style()))
        self.use_button = QPushButton("Use this data set")
        self.use_button.setDefault(True)
        self.close_button = QPushButton("Close")
        right = QVBoxLayout()
        right.addWidget(self.description)
        right.addWidget(self.params_box)
        right.addStretch(1)
        right.addWidget(self.fit)
        right.addWidget(self.adapt)
        right.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.use_button)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.sets, 1)
        layout.addLayout(right, 2)
        self.resize(720, 380)
        self.sets.currentRowChanged.connect(self._on_set_chosen)
        self.adapt.toggled.connect(self._show_fit)
        self.use_button.clicked.connect(self._on_use)
        self.close_button.clicked.connect(self.reject)
        current = (network.data_spec or {}).get("generate")
        keys = list(DATASETS)
        self.sets.setCurrentRow(keys.index(current) if current in keys else 0)
        if current in keys:
            for name, value in network.data_spec.items():
                if name in self.inputs:
                    self.inputs[name].setValue(value)

    @property
    def info(self) -> DatasetInfo:
        return DATASETS[self.sets.currentItem().data(Qt.ItemDataRole.UserRole)]

    def choose(self, key: str, **values: float) -> None:
        """Select a data set and set some of its parameters (as a user would in the dialog)."""
        self.sets.setCurrentRow(list(DATASETS).index(key))
        for name, value in values.items():
            self.inputs[name].setValue(value)

    def params(self) -> dict[str, float]:
        return {name: box.value() for name, box in self.inputs.items()}

    def _on_set_chosen(self) -> None:
        info = self.info
        self.description.setText(f"<b>{info.title}</b>" + (f": {info.description}" if info.description else ""))
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.inputs = {}
        for param in info.params:
            if param.integer:
                box = QSpinBox()
                # a spin box holds 32-bit numbers: seeds above that are for network files
                box.setRange(int(param.minimum), int(min(param.maximum, SPIN_BOX_MAX)))
            else:
                box = QDoubleSpinBox(decimals=3, singleStep=0.05)
                box.setRange(param.minimum, param.maximum)  # the registry's documented range
            box.setValue(param.default)
            box.setToolTip(f"{param.help} ({box.minimum():g} to {box.maximum():g})")
            box.valueChanged.connect(self._show_fit)  # k changes the classes, so the outputs
            self.params_form.addRow(param.name, box)
            self.inputs[param.name] = box
        if not info.params:
            self.params_form.addRow(QLabel("A fixed table: nothing to set."))
        self.error.clear()
        self._show_fit()

    def _shape(self) -> tuple[int, int, bool]:
        """The inputs and outputs this data set needs, and whether its targets are classes."""
        info = self.info
        classes = info.classes(**self.params())
        outputs = 1 if classes <= 2 else classes
        if classes == 2 and self.network.outputs == 2:
            outputs = 2  # two classes fit a 2-unit softmax as well as one sigmoid
        return info.inputs, outputs, classes > 0

    def _show_fit(self) -> None:
        inputs, outputs, _ = self._shape()
        net = self.network
        fits = (inputs, outputs) == (net.inputs, net.outputs)
        self.adapt.setVisible(not fits)
        if fits:
            self.fit.setText(f"It fits the network's {net.inputs} inputs and {net.outputs} outputs.")
        else:
            self.fit.setText(
                f"It needs {inputs} inputs and {outputs} outputs; the network has {net.inputs} and {net.outputs}."
            )
        self.use_button.setEnabled(fits or self.adapt.isChecked())

    def _on_use(self) -> None:
        info, params = self.info, self.params()
        inputs, outputs, classes = self._shape()
        net = self.network
        if self.adapt.isVisible() and self.adapt.isChecked():
            net = resized(net, inputs, outputs, classes)
        try:
            result = with_dataset(net, info.key, **params)
        except DatasetError as e:
            self.error.setText(f"Cannot use it: {e}.")
            return
        self.network_ready.emit(result)
        self.accept()
