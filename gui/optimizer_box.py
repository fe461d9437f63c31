"""The side panel's optimiser: gradient descent, momentum, Adam or Newton's method with their settings,
what Newton's current step found (H's eigenvalues, damping), and the one-variable lesson's parameter."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
)

from core.network import Network
from core.network_file import quote
from core.optimizers import MAX_NEWTON_PARAMS, NAMES, TITLES, Optimizer, fits
from core.param_entries import all_entries
from core.update_text import newton_summary
from gui import theme

# Stepping with Newton's method computes the Hessian on the window's thread at every update, from 2P
# backward passes: about 0.5 ms a parameter (bench/responsiveness.py; 135 ms at 267 parameters, load ~5).
# The window offers it while that stays under about 0.1 s; training runs in its own process, and the
# command line takes Newton's method up to the engine's MAX_NEWTON_PARAMS.
WINDOW_NEWTON_PARAMS = 150
LESSON_NAME_CHARACTERS = 10  # the one-variable lesson's list is as wide as this many characters


def fits_in_window(opt: Optimizer, param_count: int) -> str | None:
    """Why the window does not offer ``opt`` for a network of this size, or None."""
    unfit = fits(opt, param_count)
    if unfit is None and opt.name == "newton" and param_count > WINDOW_NEWTON_PARAMS:
        return (
            f"In the window Newton's method is offered up to {WINDOW_NEWTON_PARAMS} parameters (this network has "
            f"{param_count}): each step computes the Hessian from {2 * param_count} backward passes and the window "
            f"would pause; backprop-stepper train takes it up to {MAX_NEWTON_PARAMS}"
        )
    return unfit


def offered_in_window(network: Network) -> tuple[Network, str | None]:
    """``network`` with an optimiser the window offers, and a notice when it had to change: Newton's method
    above WINDOW_NEWTON_PARAMS becomes gradient descent (the learning rate and other settings kept)."""
    opt, count = network.optimizer, network.param_count
    if opt.name != "newton" or fits_in_window(opt, count) is None:
        return network, None
    notice = (
        f"{quote(network.name)} asks for Newton's method, which the window offers up to {WINDOW_NEWTON_PARAMS} "
        f"parameters (it has {count}: each step would pause the window): it steps and trains here with gradient "
        f"descent, α = {network.learning_rate:g}; backprop-stepper train takes Newton's method up to "
        f"{MAX_NEWTON_PARAMS}"
    )
    return network.with_settings(optimizer=replace(opt, name="gd")), notice


class OptimizerBox(QGroupBox):
    """Chooses the network's optimiser and its settings; the model steps and trains with them."""

    lesson_requested = Signal(str, tuple)  # parameter name and index for the one-variable lesson

    def __init__(self, model, parent=None) -> None:
        super().__init__("Optimiser", parent)
        self._model = model
        self.choice = QComboBox()
        for name in NAMES:
            self.choice.addItem(TITLES[name], name)
        self.momentum = self._spin(0.0, 0.999, 3, 0.05)
        self.beta1 = self._spin(0.0, 0.999, 3, 0.01)
        self.beta2 = self._spin(0.0, 0.9999, 4, 0.001)
        self.eps = self._spin(1e-12, 1.0, 12, 1e-8)
        self.damping = self._spin(0.0, 1e6, 4, 0.1)
        self.undamped = QCheckBox("Plain step, never damped (it can climb)")
        self.note = QLabel(wordWrap=True)
        theme.follow(self.note, lambda: self.note.setStyleSheet(theme.note_style() + "; font-style: italic"))
        self.lesson_param = QComboBox()
        # As wide as a name like W2[15][15], whatever the names listed: measuring hundreds of them for its
        # width took 2.4 ms of each big network's opening (the list opens as wide as its names).
        self.lesson_param.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.lesson_param.setMinimumContentsLength(LESSON_NAME_CHARACTERS)
        self._lessons: list[tuple[str, tuple[int, ...]]] = []  # (name, index) of each parameter listed
        self.lesson_button = QPushButton("Show f′, f″ and x ← x − f′/f″")
        self.lesson_button.setToolTip(
            "The one-variable lesson in the chain-rule panel: this parameter moves, the others stay"
        )
        form = QFormLayout(self)
        form.addRow("Method", self.choice)
        self._rows = {
            "momentum": (("Momentum μ", self.momentum),),
            "adam": (("β₁", self.beta1), ("β₂", self.beta2), ("ε", self.eps)),
            "newton": (("Least damping λ", self.damping), ("", self.undamped)),
        }
        for rows in self._rows.values():
            for label, widget in rows:
                form.addRow(label, widget) if label else form.addRow(widget)
        form.addRow(self.note)
        form.addRow("One variable", self.lesson_param)
        form.addRow(self.lesson_button)
        self._form = form

        self.choice.currentIndexChanged.connect(self._on_edited)
        for spin in (self.momentum, self.beta1, self.beta2, self.eps, self.damping):
            spin.valueChanged.connect(self._on_edited)
        self.undamped.toggled.connect(self._on_edited)
        self.lesson_button.clicked.connect(self._on_lesson)
        model.settings_changed.connect(self._on_settings_changed)
        model.network_changed.connect(self._on_network_changed)
        model.state_changed.connect(self._show_newton)
        self._on_network_changed()

    @staticmethod
    def _spin(low: float, high: float, decimals: int, step: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(minimum=low, maximum=high, decimals=decimals, singleStep=step)
        spin.setKeyboardTracking(False)
        return spin

    def _widgets(self):
        return (self.choice, self.momentum, self.beta1, self.beta2, self.eps, self.damping, self.undamped)

    def _on_edited(self) -> None:
        net = self._model.network
        if net is None:
            return
        name = self.choice.currentData()
        unfit = fits_in_window(replace(net.optimizer, name=name), net.param_count)
        if unfit:
            self._model.message.emit(unfit)
            self._on_settings_changed()
            return
        try:
            optimizer = replace(
                net.optimizer,
                name=name,
                momentum=self.momentum.value(),
                beta1=self.beta1.value(),
                beta2=self.beta2.value(),
                eps=self.eps.value(),
                damping=self.damping.value(),
                undamped=self.undamped.isChecked(),
            )
        except ValueError as e:
            self._model.message.emit(str(e))
            self._on_settings_changed()
            return
        if optimizer != net.optimizer:
            self._model.change_settings(optimizer=optimizer)

    def _on_network_changed(self) -> None:
        net = self._model.network
        self.setEnabled(net is not None)
        self.lesson_param.clear()
        self._lessons = []
        if net is not None:
            entries = all_entries(net.initial_params())
            self._lessons = [(entry.name, entry.index) for entry in entries]
            self.lesson_param.addItems([entry.label for entry in entries])  # at once: a big network has hundreds
            newton = self.choice.model().item(NAMES.index("newton"))
            unfit = fits_in_window(replace(net.optimizer, name="newton"), net.param_count)
            newton.setEnabled(unfit is None)
            newton.setToolTip(unfit or "")
        self._on_settings_changed()

    def _on_settings_changed(self) -> None:
        net = self._model.network
        if net is None:
            return
        opt = net.optimizer
        for w in self._widgets():
            w.blockSignals(True)
        self.choice.setCurrentIndex(NAMES.index(opt.name))
        self.momentum.setValue(opt.momentum)
        self.beta1.setValue(opt.beta1)
        self.beta2.setValue(opt.beta2)
        self.eps.setValue(opt.eps)
        self.damping.setValue(opt.damping)
        self.undamped.setChecked(opt.undamped)
        for w in self._widgets():
            w.blockSignals(False)
        for name, rows in self._rows.items():
            for _, widget in rows:
                self._form.setRowVisible(widget, name == opt.name)
        self.damping.setEnabled(not opt.undamped)
        self._show_newton()

    def _show_newton(self) -> None:
        net = self._model.network
        if net is None or net.optimizer.name != "newton":
            self.note.setText(f"{net.optimizer.formula}" if net is not None else "")
            return
        newton = self._model.current.newton
        self.note.setText(newton_summary(newton, 3) if newton is not None else net.optimizer.formula)

    def _on_lesson(self) -> None:
        index = self.lesson_param.currentIndex()
        if 0 <= index < len(self._lessons):
            self.lesson_requested.emit(*self._lessons[index])
