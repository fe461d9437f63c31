"""Debugging backprop: View → Gradient check, and Network → Plant / Reveal / Remove a bug."""

from __future__ import annotations

import random

from PySide6.QtCore import QObject

from core.bugs import BUGS
from core.gradcheck import check_graph, check_network
from gui.bug_dialog import PlantBugDialog
from gui.gradcheck_dialog import GradCheckDialog


class Debugging(QObject):
    """The actions and dialogs of one main window; the bug lives in the network (Network.planted_bug)."""

    def __init__(self, window, view_menu, network_menu) -> None:
        super().__init__(window)
        self.window, self.model = window, window.model
        self.check_dialog: GradCheckDialog | None = None
        self.act_check = window._action(
            "Gradient &check…", self.open_check, ["Ctrl+Shift+G"], "Backprop against finite differences"
        )
        view_menu.addAction(self.act_check)
        self.act_plant = window._action("Plant a &bug…", self.open_plant, tip="A classic backprop mistake, hidden")
        self.act_reveal = window._action("&Reveal the bug", self.reveal, tip="Name the planted bug")
        self.act_remove = window._action("Re&move the bug", self.remove, tip="Correct gradients again")
        network_menu.addSeparator()
        for action in (self.act_plant, self.act_reveal, self.act_remove):
            network_menu.addAction(action)
        self.model.network_changed.connect(self._on_changed)
        self.model.settings_changed.connect(self._on_changed)
        self._on_changed()

    @property
    def planted(self) -> str | None:
        net = self.model.network
        return None if net is None else net.planted_bug

    # -- requests ----------------------------------------------------------------------------

    def open_check(self) -> GradCheckDialog:
        if self.check_dialog is None:
            self.check_dialog = GradCheckDialog(self.window)
        self.check_dialog.show()
        self._run_check()
        return self.check_dialog

    def open_plant(self) -> PlantBugDialog | None:
        if self._refused():
            return None
        dialog = PlantBugDialog(self.window)
        dialog.accepted.connect(lambda: self.plant(dialog.choice()))
        dialog.open()
        return dialog

    def plant(self, name: str | None) -> None:
        """Plant bug ``name``, or a random one (kept hidden) for None."""
        if self._refused():
            return
        hidden = name is None
        bug = BUGS[random.choice(tuple(BUGS))] if hidden else BUGS[name]
        self.model.change_settings(planted_bug=bug.name)
        self.window.show_info(
            "A bug is planted, hidden: stepping, training and the gradient check all use its wrong gradients. "
            "Network → Reveal the bug names it."
            if hidden
            else f"Planted: {bug.title}. It shows at {bug.where}."
        )

    def reveal(self) -> None:
        if self.planted is not None:
            bug = BUGS[self.planted]
            self.window.show_info(f"The planted bug: {bug.title}. It shows at {bug.where}.")

    def remove(self) -> None:
        if self.planted is None or self._refused():
            return
        self.model.change_settings(planted_bug=None)
        self.window.show_message("")

    # -- updates from the model ------------------------------------------------------------

    def _on_changed(self) -> None:
        network = self.model.network is not None
        self.act_plant.setEnabled(network)
        self.act_reveal.setEnabled(self.planted is not None)
        self.act_remove.setEnabled(self.planted is not None)
        if self.check_dialog is not None and self.check_dialog.isVisible():
            self._run_check()

    def _run_check(self) -> None:
        session, net = self.model.session, self.model.network
        if net is None:  # an expression: its variables
            step_pass = session.current
            self.check_dialog.run(lambda: check_graph(step_pass.graph, step_pass.leaves), "the expression's variables")
            return
        params = session.displayed_params()
        self.check_dialog.run(
            lambda: check_network(net, params), f"{net.param_count} parameters over {net.examples} examples"
        )

    def _refused(self) -> bool:
        if self.model.training:
            self.window.show_message("Pause training before planting or removing a bug.")
        return self.model.training
