"""The network editor: inputs, layers, loss and settings, initial weights and data of the right shape.

What may be applied is decided by core (core/network_edit.py, which asks check_network): this
dialog shows the reasons inline and keeps Apply disabled while there is one.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
)

from core import network_edit as edit
from core.initialisers import SCHEMES, initial_params
from core.limits import MAX_WHOLE_NUMBER
from core.network import Network, Params, layer_param_names
from gui import theme
from gui.matrix_table import LayerTableModel, parse_number
from gui.training_panel import RateSpinBox


class NetworkEditor(QDialog):
    """Emits ``apply_requested(network)`` with a checked network; the window decides what applying does."""

    apply_requested = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit network")
        self._base: Network | None = None
        self._params: Params = {}
        self._loading = False

        self.inputs = QSpinBox(minimum=1, maximum=MAX_WHOLE_NUMBER)
        self.layers = QTableWidget(0, 2)
        self.layers.setHorizontalHeaderLabels(["units", "activation"])
        self.layers.horizontalHeader().setStretchLastSection(True)
        self.add_layer = QPushButton("Add layer")
        self.remove_layer = QPushButton("Remove")
        self.move_up = QPushButton("Up")
        self.move_down = QPushButton("Down")
        self.loss = QComboBox()
        self.pairing = QLabel(wordWrap=True)
        self.learning_rate = RateSpinBox()
        self.batch_size = QSpinBox(minimum=0, maximum=MAX_WHOLE_NUMBER)
        self.batch_size.setSpecialValueText("full batch")
        self.data_note = QLabel(wordWrap=True)
        self.generate = QCheckBox("Replace the data with a generated set of this shape")
        self.examples = QSpinBox(minimum=1, maximum=MAX_WHOLE_NUMBER, value=40)
        self.data_seed = QSpinBox(minimum=0, maximum=MAX_WHOLE_NUMBER)
        self.scheme = QComboBox()
        for s in SCHEMES.values():
            self.scheme.addItem(s.title, s.name)
        self.scheme.setCurrentIndex(self.scheme.findData("xavier"))
        self.scheme_scale = QLineEdit("0.5")
        self.scheme_seed = QSpinBox(minimum=0, maximum=MAX_WHOLE_NUMBER)
        self.scheme_note = QLabel(wordWrap=True)
        theme.follow(self.scheme_note, lambda: self.scheme_note.setStyleSheet(theme.note_style()))
        self.fill = QPushButton("Fill the weights from the scheme")
        self.use_current = QPushButton("Use the current weights")
        self.use_current.setToolTip("The weights the graph shows now (after stepping or training), where shapes fit")
        self._current: Params | None = None
        self.weights = QTabWidget()
        self.weights_note = QLabel(wordWrap=True)
        theme.follow(self.weights_note, lambda: self.weights_note.setStyleSheet(theme.note_style()))
        self.size_note = QLabel(wordWrap=True)
        theme.follow(self.size_note, lambda: self.size_note.setStyleSheet(theme.note_style()))
        self.problem = QLabel(wordWrap=True)
        theme.follow(self.problem, lambda: self.problem.setStyleSheet(theme.error_style()))
        self.apply_button = QPushButton("Apply")
        self.apply_button.setDefault(True)
        self.close_button = QPushButton("Close")
        self._build_layout()

        self.inputs.valueChanged.connect(self._on_structure_changed)
        self.add_layer.clicked.connect(self._on_add_layer)
        self.remove_layer.clicked.connect(self._on_remove_layer)
        self.move_up.clicked.connect(lambda: self._on_move(-1))
        self.move_down.clicked.connect(lambda: self._on_move(1))
        self.layers.currentCellChanged.connect(lambda *_: self._update_layer_buttons())
        self.loss.currentIndexChanged.connect(self._on_changed)
        self.learning_rate.valueChanged.connect(self._on_changed)
        self.batch_size.valueChanged.connect(self._on_changed)
        for w in (self.generate, self.examples, self.data_seed):
            (w.toggled if w is self.generate else w.valueChanged).connect(self._on_changed)
        self.scheme.currentIndexChanged.connect(self._on_scheme_changed)
        self.fill.clicked.connect(self._on_fill)
        self.use_current.clicked.connect(self._on_use_current)
        self.apply_button.clicked.connect(self._on_apply)
        self.close_button.clicked.connect(self.close)

    def _build_layout(self) -> None:
        structure = QGroupBox("Structure")
        form = QFormLayout(structure)
        form.addRow("Inputs", self.inputs)
        layer_buttons = QHBoxLayout()
        for b in (self.add_layer, self.remove_layer, self.move_up, self.move_down):
            layer_buttons.addWidget(b)
        form.addRow(QLabel("Layers, the output layer last (softmax only there):"))
        form.addRow(self.layers)
        form.addRow(layer_buttons)
        form.addRow("Loss", self.loss)
        form.addRow(self.pairing)
        form.addRow("Learning rate α", self.learning_rate)
        form.addRow("Batch size", self.batch_size)
        form.addRow(self.size_note)
        data = QGroupBox("Data")
        data_form = QFormLayout(data)
        data_form.addRow(self.data_note)
        data_form.addRow(self.generate)
        data_form.addRow("Examples", self.examples)
        data_form.addRow("Seed", self.data_seed)
        weights = QGroupBox("Initial weights")
        weights_form = QFormLayout(weights)
        scheme_row = QHBoxLayout()
        scheme_row.addWidget(self.scheme, 1)
        scheme_row.addWidget(QLabel("value / range / σ"))
        scheme_row.addWidget(self.scheme_scale)
        scheme_row.addWidget(QLabel("seed"))
        scheme_row.addWidget(self.scheme_seed)
        weights_form.addRow("Scheme", scheme_row)
        weights_form.addRow(self.scheme_note)
        fill_row = QHBoxLayout()
        fill_row.addWidget(self.fill)
        fill_row.addWidget(self.use_current)
        weights_form.addRow(fill_row)
        weights_form.addRow(self.weights)
        weights_form.addRow(self.weights_note)
        left = QVBoxLayout()
        left.addWidget(structure)
        left.addWidget(data)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(weights, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.problem, 1)
        bottom.addWidget(self.apply_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)

    # -- requests from the window ------------------------------------------------------

    def load(self, network: Network, params: Params, current: Params | None = None) -> None:
        """Show ``network`` with ``params`` as its initial weights (the ones Apply would keep);
        ``current`` are the weights the window shows now, offered by a button."""
        self._loading = True
        self._base = network
        self._current = current
        self.use_current.setEnabled(current is not None)
        self._params = {k: np.array(v, dtype=float) for k, v in params.items()}
        self.inputs.setValue(network.inputs)
        self.layers.setRowCount(0)
        for layer in network.layers:
            self._append_layer_row(layer.units, layer.activation)
        self.loss.clear()
        for name in edit.loss_names():
            self.loss.addItem(name, name)
        self.loss.setCurrentIndex(self.loss.findData(network.loss))
        self.learning_rate.setValue(network.learning_rate)
        self.batch_size.setValue(network.batch_size or 0)
        self.generate.setChecked(False)
        self.examples.setValue(network.examples)
        self.scheme_seed.setValue(network.seed)
        self._loading = False
        self._on_scheme_changed()
        self._rebuild_weight_tables()
        self._on_changed()

    def draft(self) -> Network:
        """The network the current choices describe (it may have a problem: see ``problem_text``)."""
        return self._draft()[0]

    def _draft(self) -> tuple[Network, str | None]:
        """The network the choices describe and the first reason core gives for not applying it.

        The size limits are asked first, so no array beyond them is ever made.
        """
        assert self._base is not None
        net = edit.with_structure(
            self._base,
            self.inputs.value(),
            self._layer_choices(),
            self.loss.currentData(),
            self.learning_rate.value(),
            self.batch_size.value() or None,
        )
        generate = self.generate.isChecked()
        too_big = edit.limit_problem(net, self.examples.value() if generate else self._base.examples)
        if too_big is not None:
            return net, too_big
        if generate:
            net = edit.with_fitting_data(net, self.examples.value(), self.data_seed.value())
        structure = edit.structure_problem(net)
        if structure is not None:
            return net, structure
        net = net.with_params(edit.fitted_params(edit.shapes_of(net), self._params, lambda: self._fresh_params(net)))
        return net, edit.data_problem(net) or edit.problem(net)

    def problem_text(self) -> str:
        return self.problem.text()

    # -- layers ------------------------------------------------------------------------

    def _append_layer_row(self, units: int, activation: str, row: int | None = None) -> None:
        row = self.layers.rowCount() if row is None else row
        self.layers.insertRow(row)
        spin = QSpinBox(minimum=1, maximum=MAX_WHOLE_NUMBER, value=units)
        spin.valueChanged.connect(self._on_structure_changed)
        combo = QComboBox()
        for name in edit.activation_names():
            combo.addItem(name, name)
        combo.setCurrentIndex(combo.findData(activation))
        combo.currentIndexChanged.connect(self._on_changed)
        self.layers.setCellWidget(row, 0, spin)
        self.layers.setCellWidget(row, 1, combo)

    def layer_widgets(self, row: int) -> tuple[QSpinBox, QComboBox]:
        return self.layers.cellWidget(row, 0), self.layers.cellWidget(row, 1)

    def _layer_choices(self) -> tuple[edit.LayerChoice, ...]:
        choices = []
        for row in range(self.layers.rowCount()):
            spin, combo = self.layer_widgets(row)
            choices.append(edit.LayerChoice(spin.value(), combo.currentData()))
        return tuple(choices)

    def _on_add_layer(self) -> None:
        """A hidden layer before the output layer (or after the selected one), like the one before it."""
        row = self.layers.currentRow()
        at = self.layers.rowCount() - 1 if row < 0 or row == self.layers.rowCount() - 1 else row + 1
        at = max(at, 0)
        choices = self._layer_choices()
        units = choices[at - 1].units if at > 0 else 3
        activation = choices[at - 1].activation if at > 0 and choices[at - 1].activation != "softmax" else "sigmoid"
        self._append_layer_row(units, activation, at)
        self.layers.setCurrentCell(at, 0)
        self._on_structure_changed()

    def _on_remove_layer(self) -> None:
        row = self.layers.currentRow()
        if self.layers.rowCount() > 1:
            self.layers.removeRow(row if row >= 0 else self.layers.rowCount() - 1)
            self._on_structure_changed()

    def _on_move(self, by: int) -> None:
        row = self.layers.currentRow()
        other = row + by
        if row < 0 or not 0 <= other < self.layers.rowCount():
            return
        choices = list(self._layer_choices())
        choices[row], choices[other] = choices[other], choices[row]
        self._loading = True
        self.layers.setRowCount(0)
        for c in choices:
            self._append_layer_row(c.units, c.activation)
        self._loading = False
        self.layers.setCurrentCell(other, 0)
        self._on_structure_changed()

    def _update_layer_buttons(self) -> None:
        row, n = self.layers.currentRow(), self.layers.rowCount()
        self.remove_layer.setEnabled(n > 1)
        self.move_up.setEnabled(row > 0)
        self.move_down.setEnabled(0 <= row < n - 1)

    # -- weights -----------------------------------------------------------------------

    def _scale(self) -> float | None:
        return parse_number(self.scheme_scale.text())

    def _fresh_params(self, net: Network) -> Params:
        """Weights from the scheme for layers whose shape changed; an unusable scale falls back to 0.5."""
        scale = self._scale()
        try:
            return initial_params(
                net, self.scheme.currentData(), self.scheme_seed.value(), 0.5 if scale is None else scale
            )
        except ValueError:
            return initial_params(net, self.scheme.currentData(), self.scheme_seed.value(), 0.5)

    def _on_scheme_changed(self) -> None:
        scheme = SCHEMES[self.scheme.currentData()]
        self.scheme_scale.setEnabled(scheme.uses_scale)
        self.scheme_note.setText(f"{scheme.title}: {scheme.description}. Biases start at 0.")

    def _on_fill(self) -> None:
        net = self.draft()
        if edit.structure_problem(net) is not None:
            return
        try:
            scale = self._scale()
            if scale is None:
                raise ValueError(f"“{self.scheme_scale.text()}” is not a number")
            self._params = initial_params(net, self.scheme.currentData(), self.scheme_seed.value(), scale)
        except ValueError as e:
            self.weights_note.setText(f"Not filled: {e}.")
            return
        self._rebuild_weight_tables()
        self.weights_note.setText(
            f"Filled from {SCHEMES[self.scheme.currentData()].title}, seed {self.scheme_seed.value()}."
        )
        self._on_changed()

    def _on_use_current(self) -> None:
        if self._current is None:
            return
        shapes = {name: p.shape for name, p in self._params.items()}
        kept = [name for name, p in self._current.items() if shapes.get(name) == p.shape]
        self._params.update({name: np.array(self._current[name], dtype=float) for name in kept})
        self._rebuild_weight_tables()
        self.weights_note.setText(
            "The current weights, where their shapes fit."
            if len(kept) == len(shapes)
            else f"The current weights for {', '.join(kept) or 'no parameter'}; the others do not fit the new shapes."
        )
        self._on_changed()

    def _rebuild_weight_tables(self) -> None:
        """One table per layer with the weights Apply would use; a layer whose shape changed is refilled."""
        if self._base is None:
            return
        net = edit.with_structure(self._base, self.inputs.value(), self._layer_choices(), self._base.loss, 1.0, None)
        too_big = edit.limit_problem(net, examples=1)
        if too_big is not None:
            self.weights.clear()
            self.weights_note.setText(f"No weights: {too_big}.")
            return
        shapes = edit.shapes_of(net)
        names = [layer_param_names(i) for i in range(1, len(net.layers) + 1)]
        refilled = [
            str(i) for i, (w, _) in enumerate(names, start=1) if self._params.get(w, np.empty(0)).shape != shapes[w]
        ]
        self._params = edit.fitted_params(shapes, self._params, lambda: self._fresh_params(net))
        self.weights.clear()
        for i, (w, b) in enumerate(names, start=1):
            model = LayerTableModel(self._params[w], self._params[b], self)
            # The tables write into the draft's arrays, so typed numbers are what Apply uses.
            self._params[w], self._params[b] = model.weights, model.bias
            model.rejected.connect(self.weights_note.setText)
            model.dataChanged.connect(lambda *_: self._on_changed())
            view = QTableView()
            view.setModel(model)
            self.weights.addTab(view, f"layer {i}")
        if refilled:
            self.weights_note.setText(
                f"Layer {', '.join(refilled)} changed shape: its weights come from the scheme. "
                "Type into a table to set any."
            )
        else:
            self.weights_note.setText("Type into a table to set any weight (w_ij joins input i to unit j).")

    # -- checking ----------------------------------------------------------------------

    def _on_structure_changed(self) -> None:
        if self._loading:
            return
        self._rebuild_weight_tables()
        self._on_changed()

    def _on_changed(self) -> None:
        if self._loading or self._base is None:
            return
        self._update_layer_buttons()
        net, text = self._draft()
        self._annotate_choices(net)
        self.size_note.setText(f"{edit.graph_size(net).explanation()} {edit.engine_limits()}")
        data = edit.data_problem(net)
        base = self._base
        columns = f"{base.X.shape[1]} input column{'s' * (base.X.shape[1] != 1)}"
        targets = f"{base.Y.shape[1]} target column{'s' * (base.Y.shape[1] != 1)}"
        note = f"Now: {base.examples} examples, {columns} and {targets}."
        if data is not None:
            note += (
                f" This network needs {net.inputs} and {net.outputs}, so they no longer fit: tick the box "
                "below for a generated set of that shape, or change the inputs or outputs back."
            )
        self.data_note.setText(note)
        self.data_note.setStyleSheet(theme.note_style() if data is None else theme.error_style())
        self.problem.setText("" if text is None else f"Cannot apply: {text}.")
        self.apply_button.setEnabled(text is None)

    def _annotate_choices(self, net: Network) -> None:
        """Mark each loss and activation that cannot go with the rest, with core's reason."""
        losses = edit.loss_problems(net)
        _annotate(self.loss, losses)
        why = losses[net.loss]
        self.pairing.setText("" if why is None else f"{why}.")
        self.pairing.setStyleSheet(theme.error_style())
        for row in range(self.layers.rowCount()):
            _annotate(self.layer_widgets(row)[1], edit.activation_problems(net, row))

    def _on_apply(self) -> None:
        net, text = self._draft()
        if text is None:
            self.apply_requested.emit(net)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.resize(max(self.width(), 900), max(self.height(), 560))


def _annotate(combo: QComboBox, problems: dict[str, str | None]) -> None:
    """Each item's name, with core's reason where that choice is what makes the network unusable.

    Where no choice here would do, the reason most choices share lies elsewhere (shown once, below
    the loss): only a choice with a reason of its own is marked.
    """
    reasons = [why for why in problems.values() if why is not None]
    common = None if len(reasons) < len(problems) else max(set(reasons), key=reasons.count)
    for k in range(combo.count()):
        name = combo.itemData(k)
        why = problems[name]
        combo.setItemText(k, name if why is None or why == common else f"{name}  ✗ {why}")
