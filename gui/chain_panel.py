"""The chain-rule panel: renders core.explain's explanation of the selected (or current) node as HTML."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser

from core.explain import INTRO, explain_node
from core.text import html
from gui import theme


class ChainPanel(QTextBrowser):
    """Shows the clicked node, or the node of the current step when none is clicked."""

    def __init__(self, model, settings, parent=None) -> None:
        super().__init__(parent)
        self._model, self._settings = model, settings
        self.selected: str | None = None
        self.setFont(theme.font(11))
        self.setOpenLinks(False)
        model.state_changed.connect(self.refresh)
        model.network_changed.connect(self._on_network_changed)
        settings.changed.connect(self.refresh)
        self.refresh()

    def select(self, node_id: str | None) -> None:
        self.selected = node_id
        self.refresh()

    def _on_network_changed(self) -> None:
        self.selected = None
        self.refresh()

    def refresh(self) -> None:
        step_pass = self._settings.shown(self._model.current)
        state = step_pass.state_at(self._model.session.cursor)
        node_id = self.selected if self.selected in step_pass.graph else None
        if node_id is None and state.last is not None:
            node_id = state.last.node
        if node_id is None:
            self.setHtml(html(INTRO, theme.role_colours()))
            return
        document = explain_node(step_pass, state, node_id, self._settings.decimals)
        self.setHtml(html(document, theme.role_colours()))
