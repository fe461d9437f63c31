"""The side panel: learning rate, batch mode, epochs, play/pause, and display settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui import theme

BATCH_MODES = ("Full batch", "Mini-batch", "Per example")


class TrainingPanel(QWidget):
    def __init__(self, model, trainer, settings, parent=None) -> None:
        super().__init__(parent)
        self._model, self._trainer, self._settings = model, trainer, settings
        self.learning_rate = QDoubleSpinBox(decimals=6, minimum=1e-6, maximum=1000.0)
        self.learning_rate.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.learning_rate.setKeyboardTracking(False)
        self.batch_mode = QComboBox()
        self.batch_mode.addItems(BATCH_MODES)
        self.batch_size = QSpinBox(minimum=1, maximum=1_000_000)
        self.batch_size.setKeyboardTracking(False)
        self.epochs = QSpinBox(minimum=1, maximum=10_000_000, value=5000, singleStep=100)
        self.train_button = QPushButton("Train 5000 epochs")
        self.play_button = QPushButton("▶ Play")
        self.epoch_label = QLabel()
        self.rate_label = QLabel("—")
        self.cost_label = QLabel()
        for label in (self.epoch_label, self.rate_label, self.cost_label):
            label.setFont(theme.font(11, True))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.decimals = QSpinBox(minimum=1, maximum=12, value=settings.decimals)
        self.log_scale = QCheckBox("Log-scale cost axis")

        settings_box = QGroupBox("Settings")
        form = QFormLayout(settings_box)
        form.addRow("Learning rate α", self.learning_rate)
        form.addRow("Updates", self.batch_mode)
        form.addRow("Mini-batch size", self.batch_size)
        form.addRow("Epochs", self.epochs)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.play_button)
        form.addRow(buttons)
        status = QGroupBox("Progress")
        status_form = QFormLayout(status)
        status_form.addRow("Epoch", self.epoch_label)
        status_form.addRow("Cost", self.cost_label)
        status_form.addRow("Epochs / s", self.rate_label)
        display = QGroupBox("Display")
        display_form = QFormLayout(display)
        display_form.addRow("Decimals", self.decimals)
        display_form.addRow(self.log_scale)
        layout = QVBoxLayout(self)
        layout.addWidget(settings_box)
        layout.addWidget(status)
        layout.addWidget(display)
        layout.addStretch(1)

        # requests to the model
        self.learning_rate.valueChanged.connect(self._on_learning_rate)
        self.batch_mode.currentIndexChanged.connect(self._on_batch_changed)
        self.batch_size.valueChanged.connect(self._on_batch_changed)
        self.epochs.valueChanged.connect(lambda n: self.train_button.setText(f"Train {n} epochs"))
        self.train_button.clicked.connect(lambda: self._trainer.start(self.epochs.value()))
        self.play_button.clicked.connect(self._on_play)
        self.decimals.valueChanged.connect(settings.set_decimals)
        # updates from the model
        model.settings_changed.connect(self._on_settings_changed)
        model.history_changed.connect(self._on_history_changed)
        trainer.running_changed.connect(self._on_running_changed)
        trainer.rate_changed.connect(lambda r: self.rate_label.setText(f"{r:,.0f}"))
        self._on_settings_changed()
        self._on_history_changed()

    def _on_learning_rate(self, value: float) -> None:
        if value != self._model.network.learning_rate:
            self._model.change_settings(learning_rate=value)

    def _on_batch_changed(self) -> None:
        mode = self.batch_mode.currentIndex()
        self.batch_size.setEnabled(mode == 1)
        size = None if mode == 0 else (self.batch_size.value() if mode == 1 else 1)
        if size != self._model.network.batch_size:
            self._model.change_settings(batch_size=size)

    def _on_play(self) -> None:
        if self._trainer.running:
            self._trainer.pause()
        else:
            self._trainer.start()

    def _on_settings_changed(self) -> None:
        net = self._model.network
        widgets = (self.learning_rate, self.batch_mode, self.batch_size)
        for w in widgets:
            w.blockSignals(True)
        self.learning_rate.setValue(net.learning_rate)
        self.batch_size.setMaximum(net.examples)
        size = net.batch_size
        self.batch_mode.setCurrentIndex(0 if size is None else (2 if size == 1 else 1))
        self.batch_size.setValue(size if size not in (None, 1) else max(1, net.examples // 2))
        self.batch_size.setEnabled(self.batch_mode.currentIndex() == 1)
        for w in widgets:
            w.blockSignals(False)

    def _on_history_changed(self) -> None:
        session = self._model.session
        _, costs = session.cost_curve()
        self.epoch_label.setText(f"{session.epoch:g}")
        self.cost_label.setText(f"{costs[-1]:.6g}" if len(costs) else "—")

    def _on_running_changed(self, running: bool) -> None:
        self.play_button.setText("⏸ Pause" if running else "▶ Play")
        self.train_button.setEnabled(not running)
        for w in (self.learning_rate, self.batch_mode, self.batch_size, self.epochs):
            w.setEnabled(not running)
        if not running:
            self._on_settings_changed()
