"""The Runs dock: runs side by side (gui.runs_panel) tied to the window's network and session."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDockWidget, QLabel, QScrollArea, QWidget

from core.network import Network
from gui.runs import RunsModel


def _shape(network: Network) -> tuple:
    return network.inputs, tuple(layer.units for layer in network.layers)


class _NarrowScroll(QScrollArea):
    """Asks for no more width than the panel's narrowest form: the dock area keeps its width."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), 240), hint.height())


class RunsDock(QDockWidget):
    """Holds the run set; its panel is made when the plots are (pyqtgraph loads after the first paint)."""

    def __init__(self, model, trainer, parent: QWidget | None = None) -> None:
        super().__init__("Runs", parent)
        self.setObjectName("runs")
        feature = QDockWidget.DockWidgetFeature
        self.setFeatures(feature.DockWidgetMovable | feature.DockWidgetClosable)
        self._model = model  # the window's SessionModel
        self._trainer = trainer  # the window's own training
        self.runs = RunsModel(self)
        self.panel = None
        self.setWidget(QLabel("Runs side by side load with the plots…"))
        model.network_changed.connect(self._on_network_changed)

    def ensure_panel(self):
        if self.panel is None:
            from gui.runs_panel import RunsPanel

            self.panel = RunsPanel(self.runs, self._base)
            self.panel.make_current.connect(self.make_current)
            # Scrolled, so the table's width never widens the tabs it shares with Training and Data.
            scroll = _NarrowScroll()
            scroll.setWidgetResizable(True)
            scroll.setWidget(self.panel)
            self.setWidget(scroll)
        return self.panel

    def _base(self):
        """The window's network and the weights it shows now: where every run starts."""
        network = self._model.network
        return None if network is None else (network, self._model.session.displayed_params())

    def make_current(self, run) -> None:
        """The network takes the run's settings and weights; the graph shows them."""
        panel = self.ensure_panel()
        if self._trainer.running:
            panel.status.setText("Pause the network's own training before making a run current.")
            return
        if self._model.network is None or _shape(self._model.network) != _shape(run.network):
            panel.status.setText("This run belongs to another network.")
            return
        net = run.network
        self._model.change_settings(learning_rate=net.learning_rate, batch_size=net.batch_size, optimizer=net.optimizer)
        for name, value in run.params.items():
            self._model.set_param(name, value)
        panel.status.setText(f"Run {run.number} is current: the graph shows its weights after {run.epoch} epochs.")

    def _on_network_changed(self) -> None:
        """Another network (not a mode switch): its runs would not fit, so they stop and go."""
        run_set = self.runs.run_set
        network = self._model.network
        if run_set is not None and (network is None or _shape(network) != _shape(run_set.network)):
            self.runs.clear()
