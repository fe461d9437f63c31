"""The chain-rule panel: renders core.explain's explanation of the selected (or current) node as HTML,
below the one-variable lesson for a parameter when one is picked (core.update_text)."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextBrowser

from core.curvature import one_variable
from core.explain import INTRO, explain_node
from core.param_entries import ParamEntry
from core.stepper import BackwardEvent, ForwardEvent, UpdateEvent
from core.text import html
from core.update_text import one_variable_document
from gui import theme

# The part of a node's explanation each kind of step computes, by its title.
_SECTION = {ForwardEvent: "Forward", BackwardEvent: "Backward", UpdateEvent: "Update"}


class ChainPanel(QTextBrowser):
    """Shows the clicked node, or the node of the current step when none is clicked."""

    def __init__(self, model, settings, parent=None) -> None:
        super().__init__(parent)
        self._model, self._settings = model, settings
        self.selected: str | None = None
        self.lesson: tuple[str, tuple[int, ...]] | None = None  # the one-variable lesson's parameter
        self._part: str | None = None  # the title of the part a step scrolled to the top, until the reader scrolls
        self.setOpenLinks(False)
        self.verticalScrollBar().actionTriggered.connect(self._on_scrolled_by_hand)
        model.state_changed.connect(self.refresh)
        model.network_changed.connect(self._on_network_changed)
        settings.changed.connect(self.refresh)
        theme.follow(self, self._on_theme_changed)

    def _on_theme_changed(self) -> None:
        self.setFont(theme.font(11))
        self.refresh()

    def select(self, node_id: str | None) -> None:
        self.selected = node_id
        self.refresh()

    def show_lesson(self, name: str, index: tuple[int, ...]) -> None:
        """Newton's method in one variable for parameter ``name[index]``, the others fixed."""
        self.lesson = (name, tuple(index))
        self.refresh()

    def _on_network_changed(self) -> None:
        self.selected = None
        self.lesson = None
        self.refresh()

    def _lesson_document(self):
        net, (name, index) = self._model.network, self.lesson
        lesson = one_variable(net, self._model.session.params, name, index)
        return one_variable_document(lesson, ParamEntry(name, index).label, "C", self._settings.decimals)

    def refresh(self) -> None:
        step_pass = self._settings.shown(self._model.current)
        state = step_pass.state_at(self._model.session.cursor)
        node_id = self.selected if self.selected in step_pass.graph else None
        if node_id is None and state.last is not None:
            node_id = state.last.node
        document = INTRO if node_id is None else explain_node(step_pass, state, node_id, self._settings.decimals)
        lesson = self.lesson is not None and self._model.network is not None
        if lesson:
            document = self._lesson_document() + document
        self.setHtml(html(document, theme.role_colours()))
        self._part = None
        if not lesson and state.last is not None and state.last.node == node_id:
            self._show_from(_SECTION[type(state.last)])

    def _show_from(self, title: str) -> None:
        """Scroll the part titled ``title`` (what the step just taken computed) to the top: a short
        panel, as presenter mode's, would otherwise show only the node's heading and its forward line."""
        flags = QTextDocument.FindFlag.FindCaseSensitively | QTextDocument.FindFlag.FindWholeWords
        found = self.document().find(title, 0, flags)
        if not found.isNull():
            top = self.document().documentLayout().blockBoundingRect(found.block()).top()
            self.verticalScrollBar().setValue(int(top))
            self._part = title

    def resizeEvent(self, event) -> None:
        """The text is wrapped again (as on entering presenter mode): the part a step scrolled to the top
        stays there, unless the reader has scrolled since."""
        super().resizeEvent(event)
        if self._part is not None:
            self._show_from(self._part)

    def _on_scrolled_by_hand(self) -> None:
        self._part = None
