"""The side panel: learning rate, batch mode, epochs, play/pause, and display settings."""

from __future__ import annotations

import math
import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core import fmt
from core.limits import MAX_LEARNING_RATE, MIN_LEARNING_RATE
from core.session import Mode
from gui import icons, theme
from gui.elided_label import ElidedLabel
from gui.optimizer_box import OptimizerBox

BATCH_MODES = ("Full batch", "Mini-batch", "Per example")
# The scalar graph shows one example, so stepping it updates after each one whatever the setting;
# the panel says so on its own row, and the setting's row is named for what it still decides.
SCALAR_STEPPING = "updates after each example"
PLAY, PAUSE = "Play", "Pause"  # continuous training, the same words as the toolbar's action


def next_text(mode: Mode, batch_size: int | None, examples: int) -> str:
    """What the N key moves on to: the scalar graph's next example, or the layer graph's next batch."""
    if mode is Mode.EXAMPLE or batch_size == 1:
        return "Next example"
    return "Next batch" if batch_size is None or batch_size >= examples else "Next mini-batch"


def train_text(epochs: int) -> str:
    """The fixed run's button: Train 5,000 epochs."""
    return f"Train {fmt.count(epochs)} epoch{'' if epochs == 1 else 's'}"
# The rates a network file may hold (core.limits): the loader refuses any other, so the box always
# shows the network's true rate, never a clamped one.
MIN_RATE, MAX_RATE = MIN_LEARNING_RATE, MAX_LEARNING_RATE
# The arrows walk a 1-2-5 ladder (…, 0.01, 0.02, 0.05, 0.1, 0.2, …): the round rates a lecturer tries,
# three to a decade, so a few presses cross orders of magnitude and every value reads cleanly.
# (×2 / ÷2 would give 0.1, 0.05, 0.025, 0.0125: numbers nobody would type.)
LADDER = (1, 2, 5)
# The characters of a positive decimal, and what may still become one while it is typed ("1e-").
_PARTIAL_RATE = re.compile(r"\d*\.?\d*([eE][+-]?\d*)?")


def ladder_step(rate: float, steps: int) -> float:
    """The rate ``steps`` rungs up (or down, if negative) the 1-2-5 ladder, within [MIN_RATE, MAX_RATE]."""
    for _ in range(abs(steps)):
        k = math.floor(math.log10(rate))
        # Built from text, so 0.1 is the float 0.1 and not 1 × 10**-1 with a rounding error.
        rungs = [float(f"{m}e{e}") for e in range(k - 1, k + 3) for m in LADDER]
        if steps > 0:
            rate = min(r for r in rungs if r > rate * (1 + 1e-9))
        else:
            rate = max(r for r in rungs if r < rate * (1 - 1e-9))
    return min(max(rate, MIN_RATE), MAX_RATE)


def parse_rate(text: str) -> float | None:
    """The rate typed, or None if it is not a number in [MIN_RATE, MAX_RATE]."""
    if not _PARTIAL_RATE.fullmatch(text):
        return None  # float() would also take "inf", "nan" and "1_000"
    try:
        rate = float(text)
    except ValueError:
        return None
    return rate if MIN_RATE <= rate <= MAX_RATE else None


class RateSpinBox(QAbstractSpinBox):
    """A positive rate shown compactly (1e-08, 0.3, 2.5); typed freely, stepped along a 1-2-5 ladder.

    A QDoubleSpinBox rounds to a fixed number of decimals, so it cannot hold 1e-8 and show 0.3 neatly.
    ``valueChanged`` is emitted for a committed change only: Enter, leaving the box, or an arrow step.
    """

    valueChanged = Signal(float)

    def __init__(self, value: float = 0.1, parent=None) -> None:
        super().__init__(parent)
        self._value = value
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setToolTip(
            f"Any positive rate from {MIN_RATE:g} to {MAX_RATE:g}: type 1e-8 or 0.3.\n"
            "The arrows step along 1, 2, 5, 10, 20, 50, …"
        )
        self.editingFinished.connect(self._on_editing_finished)
        self._show()

    def value(self) -> float:
        return self._value

    def setValue(self, value: float) -> None:
        value = min(max(float(value), MIN_RATE), MAX_RATE)
        changed = value != self._value
        self._value = value
        self._show()
        if changed:
            self.valueChanged.emit(value)

    def textFromValue(self, value: float) -> str:
        return f"{value:g}"

    # -- QAbstractSpinBox ------------------------------------------------------------------

    def validate(self, text: str, pos: int) -> object:
        text = text.strip()
        if parse_rate(text) is not None:
            return QValidator.State.Acceptable, text, pos
        if _PARTIAL_RATE.fullmatch(text):
            return QValidator.State.Intermediate, text, pos  # "", "0.", "1e-": typing is not over
        return QValidator.State.Invalid, text, pos  # a minus sign, a letter: refused as typed

    def fixup(self, text: str) -> str:
        return self.textFromValue(self._value)

    def stepBy(self, steps: int) -> None:
        self.setValue(ladder_step(self._typed() or self._value, steps))
        self.selectAll()

    def stepEnabled(self) -> QAbstractSpinBox.StepEnabledFlag:
        flags = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self._value < MAX_RATE:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        if self._value > MIN_RATE:
            flags |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        return flags

    def sizeHint(self):
        return self._wide_enough(super().sizeHint())

    def minimumSizeHint(self):
        return self._wide_enough(super().minimumSizeHint())

    # -- internals -------------------------------------------------------------------------

    def _typed(self) -> float | None:
        """The rate in the box, if the user has typed a different one than is shown."""
        text = self.text().strip()
        return None if text == self.textFromValue(self._value) else parse_rate(text)

    def _on_editing_finished(self) -> None:
        typed = self._typed()
        if typed is None:
            self._show()  # not a rate in range: back to the current one
        else:
            self.setValue(typed)

    def _show(self) -> None:
        self.lineEdit().setText(self.textFromValue(self._value))

    def _wide_enough(self, hint):
        # The base class cannot measure a value it does not know; make room for "0.000125".
        text_width = self.fontMetrics().horizontalAdvance("0.0001255")
        hint.setWidth(max(hint.width(), text_width + 2 * hint.height()))
        return hint


class TrainingPanel(QWidget):
    def __init__(self, model, trainer, settings, parent=None) -> None:
        super().__init__(parent)
        self._model, self._trainer, self._settings = model, trainer, settings
        self.learning_rate = RateSpinBox(model.network.learning_rate)
        self.batch_mode = QComboBox()
        self.batch_mode.addItems(BATCH_MODES)
        self.stepping_updates = QLabel(SCALAR_STEPPING, wordWrap=True)
        self.batch_size = QSpinBox(minimum=1, maximum=1_000_000)
        self.batch_size.setKeyboardTracking(False)
        self.epochs = QSpinBox(minimum=1, maximum=10_000_000, value=5000, singleStep=100)
        self.train_button = QPushButton(train_text(self.epochs.value()))
        self.train_button.setToolTip("Train for the number of epochs above, then stop")
        self.play_button = QPushButton(PLAY)
        self.play_button.setToolTip("Play: train continuously until Pause (P)")
        icons.set_icon(self.play_button, "play")
        # Fields that never widen the panel as their numbers grow (cut with "…", whole in the tooltip).
        self.epoch_label = ElidedLabel()
        self.rate_label = ElidedLabel("—")
        self.cost_label = ElidedLabel()
        for label in (self.epoch_label, self.rate_label, self.cost_label):
            theme.follow(label, lambda label=label: label.setFont(theme.font(11, True)))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.decimals = QSpinBox(minimum=1, maximum=12, value=settings.decimals)
        self.log_scale = QCheckBox("Log-scale cost axis")

        settings_box = QGroupBox("Settings")
        form = QFormLayout(settings_box)
        form.addRow("Learning rate α", self.learning_rate)
        form.addRow("Stepping", self.stepping_updates)
        form.addRow("Updates", self.batch_mode)
        self._settings_form = form
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
        self.optimizer_box = OptimizerBox(model)
        display = QGroupBox("Display")
        display_form = QFormLayout(display)
        display_form.addRow("Decimals", self.decimals)
        display_form.addRow(self.log_scale)
        layout = QVBoxLayout(self)
        layout.addWidget(settings_box)
        layout.addWidget(self.optimizer_box)
        layout.addWidget(status)
        layout.addWidget(display)
        layout.addStretch(1)

        # requests to the model
        self.learning_rate.valueChanged.connect(self._on_learning_rate)
        self.batch_mode.currentIndexChanged.connect(self._on_batch_changed)
        self.batch_size.valueChanged.connect(self._on_batch_changed)
        self.epochs.valueChanged.connect(lambda n: self.train_button.setText(train_text(n)))
        self.train_button.clicked.connect(lambda: self._trainer.start(self.epochs.value()))
        self.play_button.clicked.connect(self._on_play)
        self.decimals.valueChanged.connect(settings.set_decimals)
        settings.changed.connect(self._on_history_changed)  # the cost in the decimals chosen
        # updates from the model
        model.network_changed.connect(self._on_network_changed)
        model.settings_changed.connect(self._on_settings_changed)
        model.history_changed.connect(self._on_history_changed)
        trainer.running_changed.connect(self._on_running_changed)
        trainer.rate_changed.connect(lambda r: self.rate_label.setText(f"{r:,.0f}"))
        self._on_network_changed()
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

    def _on_network_changed(self) -> None:
        self.rate_label.setText("—")  # the speed of training another network, or another graph
        # Emitted on mode switches too: only the scalar graph steps one example at a time, and there
        # the Updates setting decides training's batches only.
        scalar = self._model.mode is Mode.EXAMPLE
        self._settings_form.setRowVisible(self.stepping_updates, scalar)
        self._settings_form.labelForField(self.batch_mode).setText("Training updates" if scalar else "Updates")

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
        self.epoch_label.setText(fmt.count(session.epoch))
        last = session.last_cost()
        if last is None:
            self.cost_label.setText("—")
        else:
            cost, kind = last
            text = fmt.number(cost, self._settings.decimals)
            self.cost_label.setText(text if kind == "epoch" else f"{text} (last update)")

    def _on_running_changed(self, running: bool) -> None:
        self.play_button.setText(PAUSE if running else PLAY)
        icons.set_icon(self.play_button, "pause" if running else "play")
        self.train_button.setEnabled(not running)
        for w in (self.learning_rate, self.batch_mode, self.batch_size, self.epochs, self.optimizer_box):
            w.setEnabled(not running)
        if not running:
            self._on_settings_changed()
