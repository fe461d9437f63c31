"""The main window: the graph in the middle, stepping on the toolbar, panels around it."""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QByteArray, QElapsedTimer, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeyEvent, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.convention import Convention, oriented
from core.csv_data import CsvError
from core.expression import ExpressionError
from core.expression_source import ExpressionSource
from core.limits import LimitError, check_network_size, human_bytes, network_bytes
from core.network import Network, ViewSettings, standardized
from core.network_file import quote, save
from core.presets import load_preset, preset_names
from core.session import Mode
from core.session_file import SessionDocument, SessionFileError, load_any
from core.source import GraphSource, saved_mode
from gui import appearance, collector, icons, theme, window_layout
from gui.chain_panel import ChainPanel
from gui.data_dock import DataDock
from gui.dataset_dialog import DatasetDialog
from gui.debugging import Debugging
from gui.edits import EditParam, ReplaceNetwork
from gui.export_menu import ExportMenu
from gui.expression_dialog import ExpressionDialog
from gui.file_loader import BACKGROUND_BYTES, FileLoader
from gui.graph.scene import GraphScene
from gui.graph.view import GraphView
from gui.import_dialog import ImportDialog
from gui.message_bar import MessageBar, MessageKind
from gui.narration import NarrationPane
from gui.network_editor import NetworkEditor
from gui.optimizer_box import offered_in_window
from gui.param_dialog import ParamDialog
from gui.position_bar import PositionBar
from gui.presenter import Presenter
from gui.runs_dock import RunsDock
from gui.session_actions import NETWORK_VIEW_KEYS, SessionActions, apply_view, window_view
from gui.session_model import SessionModel
from gui.settings import DisplaySettings
from gui.stops_menu import StopsMenu
from gui.trainer import TrainingController
from gui.training_panel import PAUSE, PLAY, TrainingPanel, next_text

PLOT_INTERVAL_MS = 33  # plots redraw at most ~30 times a second
PLOTS_AFTER_SHOW_MS = 100  # the plots (pyqtgraph) are made this long after showing, once the graph is painted
PLOTS_MODULE = "gui.plots"  # imported off the UI thread (it imports pyqtgraph)
TRAINING_PLOT_INTERVAL_MS = 100  # while training, 10 a second: the two cores may share one physical core
REGIONS_INTERVAL_MS = 333  # decision regions cost more: 3 times a second while training
CONFIRMATION_MS = 5000  # how long "Saved …" stays in the status bar


class MainWindow(QMainWindow):
    _plots_imported = Signal()  # from the thread importing the plots' module (pyqtgraph)

    def __init__(self, network: Network, mode: Mode | None = None, remember: bool = True) -> None:
        """``remember``: open at the size and layout the window was last left at, and keep them on
        closing (gui.preferences); without it the window opens at its default size and layout."""
        super().__init__()
        collector.install(QApplication.instance())  # before any worker thread can collect a cycle of Qt objects
        self._remember = remember
        appearance.follow_theme(QApplication.instance())
        appearance.restore_theme()
        self.settings = DisplaySettings(parent=self)
        # A network file opens as it was saved (graph, decimals, convention), as File → Open does.
        network, optimizer_notice = offered_in_window(network)
        self.model = SessionModel(network, mode or saved_mode(network), parent=self)
        self.trainer = TrainingController(self.model, parent=self)
        self.undo_stack = QUndoStack(self)  # new networks and parameters typed in the graph
        self.network_editor: NetworkEditor | None = None  # made when first opened
        self.param_dialog: ParamDialog | None = None
        self.expression_dialog: ExpressionDialog | None = None
        self.scene = GraphScene(self)
        self.view = GraphView(self.scene)
        self.message_bar = MessageBar()
        self.position_bar = PositionBar()
        self.chain_panel = ChainPanel(self.model, self.settings)
        # The plots are made just after the window first shows: importing pyqtgraph takes
        # a third of a second, and the graph should not wait for it.
        self._cost_plot = self._data_plot = None
        self._plot_places = (QWidget(), QWidget())
        # The narration and the data table are tabs behind others at first: each is made when its tab
        # first shows (or when asked for, as by an export), so opening a window does not wait for them.
        self._narration: NarrationPane | None = None
        self._data_panel: DataDock | None = None
        self.training_panel = TrainingPanel(self.model, self.trainer, self.settings)
        self._shown_params = None  # the parameters the plots and the data table's predictions come from
        self._build_layout()
        self._build_data_dock()
        self._build_surface_dock()
        self._build_actions()
        if network.view is not None:
            # Its decimals and convention before the graph is drawn (drawn again for them, it took twice as long).
            self._apply_view(network.view)
        self._plots_dirty = True
        self._file_loader: FileLoader | None = None  # a large file being read in the background
        self._computing_said = ""  # the message bar's notice of the last next pass computed off the UI thread
        self._view_out_of_memory = False  # set by a view that ran out of memory drawing a new network
        self._network_coming = False  # a network's saved view is applied before it is drawn
        self._regions_clock = QElapsedTimer()
        self._regions_clock.start()
        self._curve_clock = QElapsedTimer()
        self._curve_clock.start()
        self._state_clock = QElapsedTimer()
        self._state_clock.start()
        self._state_interval_ms = TRAINING_PLOT_INTERVAL_MS
        self._plot_timer = QTimer(self, interval=PLOT_INTERVAL_MS)
        self._plot_timer.timeout.connect(self._on_plot_tick)  # started by showing the window, stopped by closing it
        self._plots_maker = QTimer(self, singleShot=True)  # makes the plots once the graph is painted
        self._plots_maker.timeout.connect(self._ensure_plots_once_painted)
        self._plots_imported.connect(self._ensure_plots_once_painted)

        # updates from the model
        self.model.network_changed.connect(self._on_network_changed)
        self.model.state_changed.connect(self._on_state_changed)
        self.model.history_changed.connect(self._on_history_changed)
        self.model.settings_changed.connect(self._name_next_action)
        self.model.message.connect(self.show_message)
        self.model.stepped.connect(self._on_stepped)
        self.settings.changed.connect(self._on_display_settings_changed)
        self.settings.convention_changed.connect(self._on_convention_changed)
        self.trainer.running_changed.connect(self._on_running_changed)
        # requests to the model
        self.scene.node_clicked.connect(self.chain_panel.select)
        self.training_panel.optimizer_box.lesson_requested.connect(self.chain_panel.show_lesson)
        self.training_panel.optimizer_box.lesson_requested.connect(self._show_lesson_surface)
        self.scene.param_double_clicked.connect(self._on_param_double_clicked)
        self.position_bar.seek_requested.connect(self.model.seek)
        self._on_network_changed()
        self._add_info(optimizer_notice)
        self._layout_restored = remember and window_layout.restore(self)
        if not self._layout_restored:
            window_layout.fit_to_screen(self)

    # -- construction ------------------------------------------------------------------

    def _build_layout(self) -> None:
        graph_area = QWidget()
        column = QVBoxLayout(graph_area)
        column.setContentsMargins(2, 2, 0, 0)  # every pixel to the graph
        column.addWidget(self.message_bar)
        column.addWidget(self.position_bar)
        column.addWidget(self.view, 1)
        self.expression_note = QLabel(
            "An expression has no parameters to learn: no updates, training, cost plot or data here. "
            "Open a network (File → Open, or a preset) for those.",
            wordWrap=True,
        )
        theme.follow(self.expression_note, lambda: self.expression_note.setStyleSheet(theme.note_style()))
        self.expression_note.hide()
        column.insertWidget(2, self.expression_note)  # under the position bar
        self.setCentralWidget(graph_area)
        self.chain_dock = window_layout.dock(self, "Chain rule", "chain", self.chain_panel)
        self.narration_dock = window_layout.dock(self, "Narration", "narration", QWidget())
        self.narration_dock.visibilityChanged.connect(self._on_narration_dock_shown)
        self.cost_dock = window_layout.dock(self, "Cost", "cost", self._plot_places[0])
        self.data_plot_dock = window_layout.dock(self, "Data plot", "data_plot", self._plot_places[1])
        panel = window_layout.scrolled(self.training_panel)
        self.training_dock = window_layout.dock(self, "Training", "training", panel)
        self._network_panels_shown: set[QDockWidget] = set()  # put back when a network replaces an expression
        self._layout_before_graph_only: QByteArray | None = None

    def _build_data_dock(self) -> None:
        self.data_dock = dock = QDockWidget("Data", self)
        dock.setObjectName("data")
        dock.setWidget(QWidget())  # the data panel, once made
        dock.visibilityChanged.connect(self._on_data_dock_shown)
        feature = QDockWidget.DockWidgetFeature
        dock.setFeatures(feature.DockWidgetMovable | feature.DockWidgetClosable)
        self.runs_dock = RunsDock(self.model, self.trainer, self)
        # The panels are tabs in three groups down the left side, so the graph keeps the window's
        # full height and most of its width; drag a tab out to see two of a group at once.
        self.panel_groups = (
            (self.chain_dock, self.narration_dock),  # tabs, down the left
            (self.training_dock, self.data_dock, self.runs_dock),
            (self.cost_dock,),  # side by side in a low strip under the graph
            (self.data_plot_dock,),
        )
        window_layout.arrange(self, self.panel_groups)

    @property
    def narration(self) -> NarrationPane:
        """The narration pane, made when its tab first shows or when first asked for."""
        if self._narration is None:
            self._make_narration()
        return self._narration

    def _make_narration(self) -> None:
        self._narration = NarrationPane(self.model, self.settings)  # it narrates the pass so far
        self._narration.copied.connect(self.confirm)
        window_layout.put_in(self.narration_dock, self._narration)

    def _on_narration_dock_shown(self, shown: bool) -> None:
        if shown and self._narration is None:
            self._make_narration()  # in time for the frame that shows it

    @property
    def data_panel(self) -> DataDock:
        """The data table, made when its tab first shows or when first asked for."""
        if self._data_panel is None:
            self._make_data_panel()
        return self._data_panel

    def _make_data_panel(self) -> None:
        self._data_panel = panel = DataDock()
        panel.set_on_screen(False)  # until its tab shows
        panel.choose_dataset.connect(self.choose_dataset)
        panel.import_csv.connect(self._on_import_data)
        if self.model.network is not None:
            panel.set_network(self.model.network, self.model.session.displayed_params(), self.settings.decimals)
        window_layout.put_in(self.data_dock, panel)

    def _on_data_dock_shown(self, shown: bool) -> None:
        if shown and self._data_panel is None:
            self._make_data_panel()
        if self._data_panel is not None:
            self._data_panel.set_on_screen(shown)

    def _build_surface_dock(self) -> None:
        """View → Loss surface: a dock on the right, made (with pyqtgraph) when first shown."""
        self.surface_dock = dock = QDockWidget("Loss surface", self)
        dock.setObjectName("surface")
        feature = QDockWidget.DockWidgetFeature
        dock.setFeatures(feature.DockWidgetMovable | feature.DockWidgetClosable | feature.DockWidgetFloatable)
        dock.setWidget(QLabel("The loss surface appears here."))
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.hide()
        self.surface_view = None
        dock.visibilityChanged.connect(self._ensure_surface_view)

    def _ensure_surface_view(self, visible: bool = True) -> None:
        if visible and self.surface_view is None:
            from gui.surface_view import SurfaceView

            self.surface_view = SurfaceView(self.model, self.runs_dock.runs)
            self.surface_dock.setWidget(self.surface_view)
            self.resizeDocks([self.surface_dock], [380], Qt.Orientation.Horizontal)

    def show_surface(self) -> None:
        """Show the Loss surface dock (and make its view)."""
        self.surface_dock.show()
        self.surface_dock.raise_()
        self._ensure_surface_view()

    def _show_lesson_surface(self, name: str, index: tuple) -> None:
        self.show_surface()
        self.surface_view.show_lesson(name, index)

    def _on_data_replaced(self, network: Network, text: str) -> None:
        self._replace_network(network, text)
        self.data_dock.raise_()  # show the new data

    def _action(self, text: str, slot, keys=(), tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        action.setToolTip(f"{tip or text} ({shown})" if keys else tip or text)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        m = self.model
        self.act_reset = self._action("Reset", m.reset, ["Ctrl+R"], "Back to the initial weights")
        self.act_back = self._action("Back", m.step_back, ["Left"], "Step back")
        self.act_step = self._action("Step", m.step_forward, ["Right", "Space"], "Step forward")
        self.act_end_forward = self._action(
            "End of forward", m.to_end_of_forward, ["F"], "To the end of the forward pass"
        )
        self.act_end_backward = self._action(
            "End of backward", m.to_end_of_backward, ["B"], "To the end of the backward pass"
        )
        self.act_update = self._action("Apply update", m.apply_update, ["U"], "Apply the parameter update")
        self.act_next = self._action("Next example", m.next_example, ["N"])
        self.act_play = self._action(PLAY, self._on_play, ["P"], "Play: train continuously until Pause")
        self.mode_box = QComboBox()
        self.mode_box.addItems(["Scalar graph (one example)", "Layer graph (batch)"])
        self.mode_box.setToolTip("One example at a time in the scalar graph, or the whole batch in the layer graph")
        self.mode_box.activated.connect(self._on_mode_chosen)
        bar = QToolBar("Stepping")
        bar.setObjectName("stepping")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        style = "QToolButton {{ font-size:{}; padding:3px 5px; }}"

        def style_bar() -> None:
            bar.setStyleSheet(style.format(theme.points(11)))
            side = round(16 * theme.THEME.font_scale)
            bar.setIconSize(QSize(side, side))

        theme.follow(bar, style_bar)
        for action, name in (
            (self.act_reset, "reset"),
            (self.act_back, "back"),
            (self.act_step, "step"),
            (self.act_end_forward, "end_forward"),
            (self.act_end_backward, "end_backward"),
            (self.act_update, "update"),
            (self.act_next, "next"),
            (self.act_play, "play"),
        ):
            icons.set_icon(action, name)
        self.stepping_actions = (
            self.act_reset,
            self.act_back,
            self.act_step,
            self.act_end_forward,
            self.act_end_backward,
            self.act_update,
            self.act_next,
        )
        for a in self.stepping_actions:
            bar.addAction(a)
        bar.addSeparator()
        bar.addWidget(self.mode_box)
        bar.addSeparator()
        bar.addAction(self.act_play)
        self.addToolBar(bar)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self._action("&Open network…", self._on_open, [QKeySequence.StandardKey.Open]))
        file_menu.addAction(
            self._action("New &expression…", self.open_expression_dialog, ["Ctrl+E"], "Step through a formula")
        )
        self.act_save = self._action("&Save network as…", self._on_save, [QKeySequence.StandardKey.Save])
        file_menu.addAction(self.act_save)
        self.act_import_data = self._action("&Import data…", self._on_import_data, tip="Read a CSV file as the data")
        file_menu.addAction(self.act_import_data)
        file_menu.addAction(self._action("Save &screenshot…", self._on_save_screenshot))
        self.export_menu = ExportMenu(self)
        file_menu.addMenu(self.export_menu)
        self.session_actions = SessionActions(self, file_menu, before=file_menu.addSeparator())
        file_menu.addAction(self._action("&Quit", self.close, [QKeySequence.StandardKey.Quit]))
        presets = self.menuBar().addMenu("&Presets")
        self.preset_actions = {}
        for key, name in preset_names().items():
            self.preset_actions[key] = self._action(name, lambda _=False, k=key: self.open_preset(k))
            presets.addAction(self.preset_actions[key])
        self._build_edit_menu()
        view = self.menuBar().addMenu("&View")
        view.addAction(self._action("Zoom &in", self.view.zoom_in, ["Ctrl++", "Ctrl+="]))
        view.addAction(self._action("Zoom &out", self.view.zoom_out, ["Ctrl+-"]))
        view.addAction(self._action("&Fit to window", self.view.fit, ["Ctrl+0"]))
        view.addSeparator()
        self.act_graph_only = self._action(
            "&Graph only", self._on_graph_only, ["F11"], "Hide the panels; again to show them as they were"
        )
        self.act_graph_only.setCheckable(True)
        view.addAction(self.act_graph_only)
        self.act_follow = self._action(
            "Follow the &current step",
            lambda _=False: self._on_state_changed(),
            ["Ctrl+L"],
            "Keep the current node readable",
        )
        self.act_follow.setCheckable(True)
        self.act_follow.setChecked(True)  # it only zooms in where the fitted graph is too small to read
        view.addAction(self.act_follow)
        self.act_data_table = self.data_dock.toggleViewAction()
        self.act_data_table.setText("&Data table")
        view.addAction(self.act_data_table)
        self.act_runs = self.runs_dock.toggleViewAction()
        self.act_runs.setText("&Runs side by side")
        view.addAction(self.act_runs)
        self.act_surface = self.surface_dock.toggleViewAction()
        self.act_surface.setText("&Loss surface")
        self.act_surface.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.act_surface.setToolTip("The cost over two parameters (or along one), with the path they took")
        view.addAction(self.act_surface)
        self._build_panels_menu(view.addMenu("&Panels"))
        self.presenter = Presenter(self, view, [self.chain_dock, self.cost_dock])
        view.addSeparator()
        self._add_convention_actions(view)
        self.theme_actions = appearance.add_theme_menu(view, self)
        network = self.menuBar().addMenu("&Network")
        self.act_edit_network = self._action(
            "&Edit network…", self.open_network_editor, ["Ctrl+Shift+E"], "Layers, loss, settings, initial weights"
        )
        network.addAction(self.act_edit_network)
        self.act_standardise = self._action(
            "&Standardise inputs", self._on_standardise, tip="Shift inputs to mean 0, scale to std 1"
        )
        network.addAction(self.act_standardise)
        self.act_dataset = self._action("&Data set…", self.choose_dataset, tip="A built-in or generated data set")
        network.addAction(self.act_dataset)
        # What an expression, with no parameters, data or training, cannot do.
        self.network_only_actions = (
            self.act_update,
            self.act_next,
            self.act_play,
            self.act_save,
            self.act_edit_network,
            self.act_standardise,
            self.act_data_table,
            self.act_import_data,
            self.act_dataset,
            *self.export_menu.network_only_actions,
        )
        self.debugging = Debugging(self, view, network)
        stepping = self.menuBar().addMenu("&Step")
        for a in (
            self.act_step,
            self.act_back,
            self.act_end_forward,
            self.act_end_backward,
            self.act_update,
            self.act_next,
            self.act_reset,
            self.act_play,
        ):
            stepping.addAction(a)
        self.stops = StopsMenu(self)

    def _build_panels_menu(self, menu) -> None:
        """A check per panel: unchecked hides it (as its close button does), checked shows it again."""
        self.panel_actions = {}
        for panel in (*(p for group in self.panel_groups for p in group), self.surface_dock):
            action = panel.toggleViewAction()
            self.addAction(action)  # its shortcut, if any, works with the menu bar hidden too
            menu.addAction(action)
            self.panel_actions[panel.objectName()] = action
        menu.addSeparator()
        menu.addAction(self._action("&Reset layout", self.reset_layout, tip="Every panel back where it starts"))

    def reset_layout(self) -> None:
        """The default layout: every panel docked where it starts, the graph given the most room."""
        if self.act_graph_only.isChecked():
            self.act_graph_only.setChecked(False)
            self._layout_before_graph_only = None
        network = self.model.network is not None
        network_only = (self.training_dock, self.data_dock, self.cost_dock, self.data_plot_dock)
        self._network_panels_shown = set(network_only)
        window_layout.arrange(self, self.panel_groups)
        for group in self.panel_groups:
            for panel in group:
                panel.setVisible(network or panel not in network_only)
            group[0].raise_()
        window_layout.default_dock_sizes(self, self.panel_groups)
        QTimer.singleShot(0, lambda: window_layout.hide_stale_tab_bars(self))
        QTimer.singleShot(0, self.view.fit)

    def _build_edit_menu(self) -> None:
        self.edit_menu = edit = self.menuBar().addMenu("&Edit")
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcuts([QKeySequence("Ctrl+Z")])
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (self.act_undo, self.act_redo):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
            edit.addAction(action)
        edit.addSeparator()
        edit.addAction(self.export_menu.act_copy_graph)
        self.model.hold_changed.connect(self._on_hold_changed)
        self.model.computing_changed.connect(self._on_computing_changed)

    def _on_hold_changed(self, held: bool) -> None:
        """A change of the system's light or dark setting waits while the session is held still (an export
        draws the graph); so do Undo and Redo."""
        self._enable_undo()
        appearance.pause_following_the_system(QApplication.instance(), held)

    def _enable_undo(self) -> None:
        """Undo and Redo wait while the session is held still, and while a next pass is computed off the
        UI thread (undoing a weight typed in would be refused half done)."""
        waiting = self.model.held is not None or self.model.computing is not None
        self.act_undo.setEnabled(not waiting and self.undo_stack.canUndo())
        self.act_redo.setEnabled(not waiting and self.undo_stack.canRedo())

    def _on_computing_changed(self, text: str) -> None:
        """The next pass computed off the UI thread: said in the message bar until it is shown (or dropped)."""
        self._enable_undo()
        if text:
            self.show_info(text)
        elif self.message_bar.text() == self._computing_said:
            self.message_bar.clear()
        self._computing_said = text or self._computing_said

    def _add_convention_actions(self, menu) -> None:
        """Examples as rows or as columns: the layer graph's shapes, labels and formulas follow."""
        group = QActionGroup(self)
        self.convention_actions = {}
        for convention in Convention:
            action = self._action(
                convention.title,
                lambda _=False, c=convention: self.settings.set_convention(c),
                tip="The same numbers; the layer graph's matrices, shapes and formulas follow",
            )
            action.setCheckable(True)
            action.setChecked(convention is self.settings.convention)
            group.addAction(action)
            menu.addAction(action)
            self.convention_actions[convention] = action

    # -- requests --------------------------------------------------------------------------

    def open_file(self, path: str) -> bool:
        """Open a network file or a session; a bad file leaves the current network as it was.

        A large file is read in a child process, and True means it is on its way: the message
        bar says so, then the network opens, or the bar says why not."""
        name = quote(Path(path).name or path)
        try:
            size = Path(path).stat().st_size if Path(path).is_file() else 0
        except OSError:
            size = 0  # load() says what is wrong with it
        if size > BACKGROUND_BYTES:
            self._read_in_background(path, name, size)
            return True
        try:
            document = load_any(path)
        except MemoryError:
            self._refuse_file(name, "there is not enough memory to read it")
            return False
        except SessionFileError as e:
            self._refuse_file(name, str(e))
            return False
        return self._open_document(document, path)

    def _open_document(self, document: Network | SessionDocument, path: str) -> bool:
        """Show a network or a session read from ``path`` (undoable), and list it among the recent files."""
        if isinstance(document, SessionDocument):
            return self.session_actions.open_document(document, path)
        if not self._replace_network(document, f"Open {Path(path).name}"):
            return False
        self.session_actions.remember(path)
        return True

    def _refuse_file(self, name: str, reason: str) -> None:
        self.show_message(f"Could not open {name}: {reason}. The current network is unchanged.")

    def _read_in_background(self, path: str, name: str, size: int) -> None:
        if self._file_loader is not None:
            self._file_loader.cancel()
        self.show_info(f"Opening {name} ({human_bytes(size)})… The current network stays until it is read.")
        self._file_loader = loader = FileLoader(path, self)
        loader.loaded.connect(lambda network: self._on_file_read(loader, network, path))
        loader.failed.connect(lambda reason: self._on_file_failed(loader, name, reason))

    def _on_file_read(self, loader: FileLoader, document: Network | SessionDocument, path: str) -> None:
        if loader is self._file_loader and self.model.held is not None:  # opened once the export is written
            self.model.hold_changed.connect(
                lambda _: self._on_file_read(loader, document, path), Qt.ConnectionType.SingleShotConnection
            )
        elif loader is self._file_loader:  # not one replaced by a later request
            self._file_loader = None
            self.show_message("")
            self._open_document(document, path)

    def _on_file_failed(self, loader: FileLoader, name: str, reason: str) -> None:
        if loader is self._file_loader:
            self._file_loader = None
            self._refuse_file(name, reason)

    def open_preset(self, key: str) -> None:
        network = load_preset(key)
        self._replace_network(network, f"Open {network.name}")

    def _replace_network(self, network: Network | GraphSource, text: str) -> bool:
        """Open ``network`` (or an expression) in place of the current one; Undo (Ctrl+Z) returns to it.
        False (said) while the session is held still."""
        if self.model.refused_while_held():
            return False
        current = self.model.network or self.model.session.source
        self.undo_stack.push(ReplaceNetwork(self._install_network, current, network, text))
        return True

    def _install_network(self, network: Network | GraphSource) -> bool:
        """Make ``network`` the current one; a network too big for memory is refused with a message
        naming its size, and the current network stays (False)."""
        if isinstance(network, Network):
            try:
                check_network_size(*_shape(network))
            except LimitError as e:
                self._refuse_network(network, str(e))
                return False
        self.trainer.stop_and_wait()
        previous = self.model.session
        self._view_out_of_memory = False
        optimizer_notice = None
        view_before = None
        if isinstance(network, Network):
            network, optimizer_notice = offered_in_window(network)
            if network.view is not None:
                view_before = self._view()
                self._apply_view_before_drawing(network.view)
        try:
            self.model.set_network(network, saved_mode(network))
        except MemoryError:
            self._view_out_of_memory = True
        failed, self._view_out_of_memory = self._view_out_of_memory, False
        if failed:  # in the session, or in a view while it was drawn
            if view_before is not None:
                self._apply_view_before_drawing(view_before)
            self.model.restore_session(previous)
            self._refuse_network(network, "there is not enough memory for it")
            return False
        if isinstance(network, Network) and self.network_editor is not None and self.network_editor.isVisible():
            self.network_editor.load(network, network.initial_params(), self.model.session.displayed_params())
        self._add_info(optimizer_notice)
        return True

    def keep_optimizer_offered(self) -> None:
        """After a session is restored: an optimiser the window does not offer (Newton's method on a network
        too big for it) gives way to gradient descent from the current pass on, and the window says so."""
        network = self.model.network
        offered, notice = offered_in_window(network) if network is not None else (network, None)
        if notice:
            self.model.change_settings(optimizer=offered.optimizer)
            self._add_info(notice)

    def _refuse_network(self, network: Network | GraphSource, reason: str) -> None:
        if isinstance(network, Network):
            needs = human_bytes(network_bytes(*_shape(network)))
            reason = reason if "needs" in reason else f"{reason} (it needs {needs})"
        self.show_message(f"Could not open {quote(network.name)}: {reason}. The current network is unchanged.")

    def open_expression_dialog(self) -> None:
        """File → New expression…: the expression opens once core accepts it."""
        self.expression_dialog = dialog = ExpressionDialog(self)
        dialog.opened.connect(lambda source: self._replace_network(source, "New expression"))
        dialog.open()

    def open_expression(self, text: str, values: Mapping[str, float]) -> bool:
        """Open an expression at the given values; a bad one is explained and nothing changes."""
        try:
            source = ExpressionSource.parse(text, values)
        except ExpressionError as e:
            self.show_message(f"Could not open the expression: {e}. Nothing was changed.")
            return False
        self._replace_network(source, "New expression")
        return True

    def open_network_editor(self) -> None:
        """The editor, showing the current network with the weights stepping starts from."""
        if self.network_editor is None:
            self.network_editor = NetworkEditor(self)
            self.network_editor.apply_requested.connect(lambda net: self._replace_network(net, "Edit network"))
        network = self.model.network
        self.network_editor.load(network, network.initial_params(), self.model.session.displayed_params())
        if self.network_editor.isVisible():
            self.network_editor.activateWindow()
        else:
            self.network_editor.show()

    def _set_param(self, name: str, value) -> None:
        """A parameter's value typed by hand, or put back by Undo: training stops first."""
        self.trainer.stop_and_wait()
        self.model.set_param(name, value)

    def _on_param_double_clicked(self, node_id: str) -> None:
        """Type a parameter's value: the current pass is computed again from it, the cursor stays."""
        if self.trainer.running:
            self.show_message("Pause training before editing a weight.")
            return
        if self.model.refused_while_held() or self.model.refused_while_computing():
            return
        node = self.model.current.graph[node_id]
        source = node.source
        array = self.model.session.params[source.name]
        # A whole matrix (the layer graph) is typed as the batch convention shows it.
        convention = self.settings.convention if not source.index else Convention.ROWS
        self.param_dialog = dialog = ParamDialog(
            node.label, source.name, oriented(array, convention), source.index, self
        )
        dialog.accepted_value.connect(
            lambda name, value: self.undo_stack.push(
                EditParam(self._set_param, name, array, oriented(value, convention), f"Edit {node.label}")
            )
        )
        dialog.open()

    def import_data(self, path: str) -> ImportDialog | None:
        """Preview a CSV file in the import dialog; nothing changes until its Import button.
        A file that cannot be read is refused with a message, and the current data stays."""
        name = Path(path).name
        refused = f"Could not import {quote(name)}: {{}}. The current data is unchanged."
        network = self._network_for_data()
        if network is None:
            return None
        try:
            dialog = ImportDialog(path, network, self)
        except (CsvError, OSError) as e:
            self.show_message(refused.format(getattr(e, "strerror", None) or e))
            return None
        dialog.problem.connect(lambda text: self.show_message(refused.format(text)))
        dialog.network_ready.connect(lambda net: self._on_data_replaced(net, f"Import {name}"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def choose_dataset(self) -> DatasetDialog | None:
        """The data set dialog; the network changes only when a data set is used."""
        network = self._network_for_data()
        if network is None:
            return None
        dialog = DatasetDialog(network, self)
        dialog.network_ready.connect(lambda net: self._on_data_replaced(net, "Data set"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _network_for_data(self) -> Network | None:
        """The network with the weights shown now, to put new data into; None (said) for an expression."""
        if self.model.network is None:
            self.show_message("Data goes into a network: open a network or a preset first (an expression has none).")
            return None
        return self.model.network.with_params(self.model.session.displayed_params())

    def _on_import_data(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import data", "", "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.import_data(path)

    def _on_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open network", "", "Network files (*.json);;All files (*)")
        if path:
            self.open_file(path)

    def _on_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save network", f"{self.model.network.name}.json", "Network files (*.json)"
        )
        if not path:
            return
        try:
            save(self.model.network.with_settings(view=self._view()), path, self.model.session.displayed_params())
        except OSError as e:
            self.show_message(f"Could not save {path}: {e.strerror or e}. Nothing was written.")
            return
        if self.message_bar.text().startswith("Could not save"):
            self.show_message("")  # this save worked: the earlier failure no longer holds
        self.confirm(f"Saved {Path(path).name}")
        self.session_actions.remember(path)

    def _view(self) -> ViewSettings:
        """The window's settings a saved network keeps: graph, and of a session's view the epochs to train,
        decimals and convention."""
        shown = window_view(self)
        return ViewSettings(mode=self.model.mode.value, **{key: shown[key] for key in NETWORK_VIEW_KEYS})

    def _apply_view(self, view: ViewSettings) -> None:
        """Show an opened network as it was saved (the graph itself was chosen on opening)."""
        apply_view(self, {key: getattr(view, key) for key in NETWORK_VIEW_KEYS if getattr(view, key) is not None})

    def _apply_view_before_drawing(self, view: ViewSettings) -> None:
        """``view``'s decimals and convention for the network about to be drawn: the graph shown now is not
        drawn again for them (it was, then the new one was drawn for them again)."""
        self._network_coming = True
        try:
            self._apply_view(view)
        finally:
            self._network_coming = False

    def _on_save_screenshot(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save screenshot", "backprop-stepper.png", "PNG images (*.png)")
        if not path:
            return
        from gui import export  # QtSvg and the exporters: only when asked for

        try:
            saved = export.save_screenshot(self, path)
        except (OSError, export.ExportError) as e:
            self.show_message(
                f"Could not write the screenshot to {quote(path)}: {export.reason(e)}. Nothing was written."
            )
            return
        self.confirm(saved)

    def _on_standardise(self) -> None:
        self._replace_network(standardized(self.model.network), "Standardise inputs")

    def _on_graph_only(self, on: bool) -> None:
        """Every panel hidden; again, the panels back as they were."""
        if on:
            self._layout_before_graph_only = self.saveState(window_layout.LAYOUT_VERSION)
            for panel in self.findChildren(QDockWidget):
                panel.hide()
        elif self._layout_before_graph_only is not None:
            self.restoreState(self._layout_before_graph_only, window_layout.LAYOUT_VERSION)
            self._layout_before_graph_only = None
        QTimer.singleShot(0, self.view.fit)

    def _on_play(self) -> None:
        if self.trainer.running:
            self.trainer.pause()
        else:
            self.trainer.start()

    def _on_mode_chosen(self, index: int) -> None:
        mode = Mode.EXAMPLE if index == 0 else Mode.BATCH
        if mode not in self.model.session.source.modes:
            self.show_message("This network is too big to draw as a scalar graph; it stays in the layer graph.")
            self.mode_box.setCurrentIndex(1)
            return
        self.model.set_mode(mode)
        self.mode_box.setCurrentIndex(0 if self.model.mode is Mode.EXAMPLE else 1)  # as it was, if refused

    def show_message(self, text: str) -> None:
        """An error or a refusal in the message bar ("" clears it)."""
        self.message_bar.show_message(text, MessageKind.ERROR)

    def show_info(self, text: str) -> None:
        """A notice about what the window did, in the message bar's information style."""
        self.message_bar.show_message(text, MessageKind.INFO)

    def _add_info(self, text: str | None) -> None:
        """A notice after the one the bar shows now, if any (opening a network can give two)."""
        if text:
            shown = self.message_bar.text() if self.message_bar.kind is MessageKind.INFO else ""
            self.show_info(f"{shown} {text}" if shown else text)

    def _on_stepped(self) -> None:
        if self.message_bar.kind is MessageKind.ERROR:
            self.message_bar.clear()  # the step worked: what went wrong before no longer holds

    def confirm(self, text: str) -> None:
        """A short confirmation of a finished action (Saved …, Copied …) in the status bar."""
        self.statusBar().showMessage(text, CONFIRMATION_MS)

    # -- updates from the model -------------------------------------------------------------

    def _on_network_changed(self) -> None:
        try:
            self._show_network()
        except MemoryError:  # a slot's exception does not reach the emitter: _install_network looks here
            self._view_out_of_memory = True

    def _show_network(self) -> None:
        model = self.model
        self.setWindowTitle(f"Backprop Stepper — {model.session.source.name}")
        self._show_network_panels(model.network is not None)
        if model.network is None:
            self.scene.build(self.settings.shown(model.current), self.settings.decimals)
            self._on_state_changed()
            QTimer.singleShot(0, self.view.fit)
            return
        self.mode_box.setCurrentIndex(0 if model.mode is Mode.EXAMPLE else 1)
        self._name_next_action()
        self.scene.build(self.settings.shown(model.current), self.settings.decimals)
        if self._data_plot is not None:
            self._data_plot.set_network(model.network)
        self._shown_params = model.session.displayed_params()
        if self._data_panel is not None:
            self._data_panel.set_network(model.network, self._shown_params, self.settings.decimals)
        if model.mode is Mode.BATCH and model.session.source.scalar_graph_is_large:
            self.show_info(
                f"This network has {model.network.param_count} parameters, too many to draw one node per "
                "weight, so it opens in the layer graph. The graph selector on the toolbar switches back."
            )
        self._on_state_changed()
        self._on_history_changed()
        QTimer.singleShot(0, self.view.fit)

    def _name_next_action(self) -> None:
        """N's action named for what it moves on to: Next example, Next batch or Next mini-batch."""
        network = self.model.network
        if network is None:
            return
        text = next_text(self.model.mode, network.batch_size, network.examples)
        self.act_next.setText(text)
        self.act_next.setToolTip(f"Apply the update, then step the {text[5:]} (N)")

    def _on_convention_changed(self) -> None:
        if self._network_coming:
            return  # drawn with it
        self.scene.build(self.settings.shown(self.model.current), self.settings.decimals)
        self._on_state_changed()
        QTimer.singleShot(0, self.view.fit)

    def _on_state_changed(self) -> None:
        if self._view_out_of_memory:  # the network being opened could not be drawn: it is being put back
            return
        model = self.model
        step_pass = self.settings.shown(model.current)
        state = step_pass.state_at(model.session.cursor)
        self.scene.show_state(step_pass, state, self.settings.decimals)
        self.position_bar.set_position(
            (step_pass.n_forward, step_pass.n_backward, len(step_pass) - step_pass.end_of_backward),
            model.session.cursor,
        )
        if model.session.displayed_params() is not self._shown_params:
            self._plots_dirty = True  # an update applied or undone, or a parameter edited
        last = state.last
        if last is not None and self.act_follow.isChecked():
            self.view.follow(self.scene.nodes[last.node].sceneBoundingRect())
        if state.cursor < len(step_pass) and self.act_follow.isChecked():
            self.view.prefetch_follow(self.scene.nodes[step_pass.events[state.cursor].node].sceneBoundingRect())

    def _on_display_settings_changed(self) -> None:
        self._plots_dirty = True  # the data table's decimals
        if not self._network_coming:  # else drawn with them
            self._on_state_changed()

    def _on_history_changed(self) -> None:
        self._plots_dirty = True

    def _show_network_panels(self, network: bool) -> None:
        """Training, plots, data and updates only for a network; an expression shows a note instead."""
        if network == self.expression_note.isHidden():
            return
        panels = (self.training_dock, self.data_dock, self.cost_dock, self.data_plot_dock)
        if not network:
            self._network_panels_shown = {p for p in panels if not p.isHidden()}
        self.expression_note.setVisible(not network)
        for panel in panels:
            panel.setVisible(network and panel in self._network_panels_shown)
        self.mode_box.setEnabled(network)
        for action in self.network_only_actions:
            action.setEnabled(network)

    def _on_plot_tick(self) -> None:
        if not self._plots_dirty or self._cost_plot is None or self.model.network is None:
            return
        training = self.trainer.running
        if training and self._curve_clock.elapsed() < TRAINING_PLOT_INTERVAL_MS:
            return
        self._curve_clock.restart()
        if training:
            self._show_trained_params()
        if training and self._regions_clock.elapsed() < REGIONS_INTERVAL_MS:
            self._draw_cost()
            return
        self._plots_dirty = False
        self._regions_clock.restart()
        self._draw_cost()
        self._show_params()

    def _show_trained_params(self) -> None:
        """The graph and panels with the parameters training has reached; less often if that is slow.
        (Not while an export draws the graph in slices: the model is held still.)"""
        if self._state_clock.elapsed() < self._state_interval_ms:
            return
        self._state_clock.restart()
        self.model.show_trained_params()
        took = self._state_clock.elapsed()
        self._state_interval_ms = max(TRAINING_PLOT_INTERVAL_MS, 10 * took)  # at most a tenth of the time

    def _on_running_changed(self, running: bool) -> None:
        self.act_play.setText(PAUSE if running else PLAY)
        icons.set_icon(self.act_play, "pause" if running else "play")
        for action in self.stepping_actions:
            action.setEnabled(not running)
        self.mode_box.setEnabled(not running)
        if not running:
            self._plots_dirty = True

    @property
    def cost_plot(self):
        self._ensure_plots()
        return self._cost_plot

    @property
    def data_plot(self):
        self._ensure_plots()
        return self._data_plot

    def _ensure_plots(self) -> None:
        """Make the plots in the places kept for them (after the first show, or when first asked for)."""
        if self._cost_plot is not None:
            return
        from gui.plots import CostPlot, DataPlot

        self._cost_plot, self._data_plot = CostPlot(), DataPlot()
        for place, plot, panel in zip(
            self._plot_places, (self._cost_plot, self._data_plot), (self.cost_dock, self.data_plot_dock), strict=True
        ):
            panel.setWidget(plot)
            place.deleteLater()
        self.training_panel.log_scale.toggled.connect(self._cost_plot.set_log)
        self._cost_plot.range_requested.connect(self._on_history_changed)
        if self.training_panel.log_scale.isChecked():
            self._cost_plot.set_log(True)
        if self.model.network is not None:
            self._data_plot.set_network(self.model.network)
        self.runs_dock.ensure_panel()
        self._plots_dirty = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._layout_restored:
            self._layout_restored = True  # sized once, on first showing; later the user's sizes stay
            window_layout.default_dock_sizes(self, self.panel_groups)
        QTimer.singleShot(0, lambda: window_layout.hide_stale_tab_bars(self))
        self._plot_timer.start()
        if self._cost_plot is None:
            self._plots_maker.start(PLOTS_AFTER_SHOW_MS)

    def _ensure_plots_once_painted(self) -> None:
        """Make the plots once the graph has been painted (the graph shows first) and pyqtgraph is
        imported: off the UI thread, as it takes a third of a second to a second, while the window answers."""
        if not self.isVisible():
            return  # closed meanwhile: showing it again starts over
        if not self.view.painted:
            self.view.first_painted.connect(  # made just after, not inside, the paint event
                lambda: self._plots_maker.start(0), Qt.ConnectionType.SingleShotConnection
            )
        elif PLOTS_MODULE in sys.modules:
            self._ensure_plots()
        else:
            threading.Thread(target=self._import_plots, name="plots import").start()  # joined at exit

    def _import_plots(self) -> None:
        """On its own thread: import the plots' module, then have the window's thread make them (a failed
        import fails again there, in _ensure_plots, as it would have)."""
        with contextlib.suppress(Exception):  # raised again on the window's thread
            importlib.import_module(PLOTS_MODULE)
        with contextlib.suppress(RuntimeError):  # the window may be gone
            self._plots_imported.emit()

    def _draw_cost(self) -> None:
        session, plot = self.model.session, self.cost_plot
        x, y, per_bin = session.cost_view(plot.wanted_range(), plot.budget)
        plot.set_history(x, y, session.update_curve(), per_bin)

    def refresh_now(self) -> None:
        """Redraw the plots immediately (screenshots, tests)."""
        if self.model.network is None:
            return
        self._regions_clock.restart()
        self._plots_dirty = False
        self._draw_cost()
        self._show_params()

    def _show_params(self) -> None:
        """The current parameters' decision regions or predictions, and the data table's predictions."""
        self._shown_params = params = self.model.session.displayed_params()
        self.data_plot.show_params(params)
        if self._data_panel is not None:
            self._data_panel.show_params(params, self.settings.decimals)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A key pressed while the window is not (yet) the active one still reaches its action.

        Qt matches window shortcuts only in the active window; a window just shown, or one whose
        activation is pending, would otherwise drop the key."""
        if not self.isActiveWindow():
            pressed = QKeySequence(event.keyCombination())
            for action in self.actions():
                exact = QKeySequence.SequenceMatch.ExactMatch
                if action.isEnabled() and any(key.matches(pressed) == exact for key in action.shortcuts()):
                    action.trigger()
                    event.accept()
                    return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.presenter.active:
            self.presenter.leave()  # the window is remembered as it is outside presenter mode
        if self._remember:
            window_layout.save(self, self._layout_before_graph_only)
        if self._file_loader is not None:
            self._file_loader.cancel()
            self._file_loader = None  # nor opened when an export it waits for ends, below
        self.session_actions.cancel_restore()
        self.export_menu.cancel()
        self.model.stop_computing()  # a next pass being computed is dropped
        self.trainer.stop_and_wait()
        self.runs_dock.runs.stop_and_wait()
        for dialog in self.findChildren(ImportDialog):
            dialog.reject()  # stops its reading thread
        self._plot_timer.stop()  # a closed window draws no plots (nor makes them): showing it again starts them
        self._plots_maker.stop()
        super().closeEvent(event)


def _shape(network: Network) -> tuple[int, list[int], int]:
    """Inputs, units per layer and examples: what the size limit is checked on."""
    return network.inputs, [layer.units for layer in network.layers], network.examples
