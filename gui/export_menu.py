"""File → Export: the graph, the cost plot, the current pass, the narration and the chain-rule panel to
files, and the graph image to the clipboard. Each file is written atomically; the window says what was
written ("Saved graph.svg (48.8 kB)") or, in its message bar, why nothing was."""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu

from gui import export
from gui.sliced_work import SlicedWork, Steps, in_thread

THREAD_PIXELS = 400_000  # a larger image is encoded on a worker thread (a 16,000-pixel-high one takes seconds)
THREAD_BYTES = 4_000_000  # a larger file is written on a worker thread
HOLD = "An export is drawing the graph: wait until it is written, or cancel it."

_FILTERS = {
    ".png": "PNG images (*.png)",
    ".svg": "SVG images (*.svg)",
    ".csv": "CSV files (*.csv)",
    ".json": "JSON files (*.json)",
    ".md": "Markdown (*.md)",
}


class ExportMenu(QMenu):
    """The Export submenu of a main window; ``act_copy_graph`` also goes into the Edit menu."""

    def __init__(self, window) -> None:
        super().__init__("E&xport", window)
        self._window = window
        self._work: SlicedWork | None = None  # the export or copy under way
        graph_png = self.addMenu("&Graph as PNG")
        self.graph_png_actions = {
            scale: graph_png.addAction(f"{scale}× size", lambda _=False, s=scale: self._graph_png(s))
            for scale in export.SCALES
        }
        self.act_graph_png_other = graph_png.addAction("Other scale…", self._graph_png_other_scale)
        self.act_graph_svg = self.addAction("Graph as &SVG…", self._graph_svg)
        self.addSeparator()
        self.act_cost_png = self.addAction("Cost plot as P&NG…", lambda: self._cost_plot(".png"))
        self.act_cost_svg = self.addAction("Cost plot as S&VG…", lambda: self._cost_plot(".svg"))
        self.act_cost_csv = self.addAction("Cost plot as &CSV…", self._cost_csv)
        self.addSeparator()
        self.act_trace = self.addAction("Current pass as JSON &trace…", self._trace)
        self.act_narration = self.addAction("Narration as &Markdown…", self._narration)
        self.act_chain = self.addAction("C&hain-rule panel as PNG…", self._chain_panel)
        self.addSeparator()
        self.act_copy_graph = copy = QAction("&Copy graph image", window)
        copy.setShortcut(QKeySequence("Ctrl+Shift+C"))
        copy.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        copy.setToolTip("Copy the whole graph as an image, at 2× size (Ctrl+Shift+C)")
        copy.triggered.connect(self.copy_graph)
        window.addAction(copy)
        self.addAction(copy)
        # What an expression, with no updates, cost history or training, has nothing to export for.
        self.network_only_actions = (self.act_cost_png, self.act_cost_svg, self.act_cost_csv)

    # -- the menu's items ------------------------------------------------------------------------

    def _graph_png(self, scale: float) -> None:
        self._export("Export the graph as PNG", "graph", ".png", lambda: self.graph_png_steps(scale))

    def _graph_png_other_scale(self) -> None:
        text, ok = QInputDialog.getText(
            self._window, "Graph as PNG", "Scale (pixels per graph unit, e.g. 2.5):", text="2.5"
        )
        if not ok:
            return
        try:
            scale = float(text.strip().rstrip("×xX"))
        except ValueError:
            self._window.show_message(f"The scale must be a number above 0, not {text.strip()!r}.")
            return
        self._graph_png(scale)

    def _graph_svg(self) -> None:
        self._export("Export the graph as SVG", "graph", ".svg", lambda: self._graph_file(".svg", 1.0))

    def _cost_plot(self, suffix: str) -> None:
        plot = self._window.cost_plot
        self._window.refresh_now()
        self._export(
            f"Export the cost plot as {suffix[1:].upper()}",
            "cost",
            suffix,
            lambda: export.widget_scene_file(plot, suffix, export.DEFAULT_SCALE, self._title("cost per epoch")),
        )

    def _cost_csv(self) -> None:
        self._export("Export the cost history as CSV", "cost", ".csv", lambda: export.cost_csv(self._session))

    def _trace(self) -> None:
        self._export("Export the current pass as JSON", "trace", ".json", lambda: export.trace_json(self._session))

    def _narration(self) -> None:
        pane = self._window.narration
        self._export("Export the narration as Markdown", "narration", ".md", lambda: pane.markdown() + "\n")

    def _chain_panel(self) -> None:
        panel = self._window.chain_panel
        self._export(
            "Export the chain-rule panel as PNG",
            "chain-rule",
            ".png",
            lambda: export.png_bytes(
                export.document_image(
                    panel.document(), panel.viewport().width(), export.DEFAULT_SCALE, panel.viewport().palette()
                )
            ),
        )

    def copy_graph(self) -> None:
        """The whole graph, as the window shows it, at 2× size (smaller if that is too large), to the clipboard."""
        rect = export.graph_rect(self._scene)
        scale = min(export.DEFAULT_SCALE, export.largest_scale(rect))

        def copied(image: QImage) -> None:
            QGuiApplication.clipboard().setImage(image)
            self._confirm(f"Copied the graph image ({image.width()} × {image.height()} pixels)")

        def failed(e: Exception) -> None:
            self._window.show_message(f"Could not copy the graph: {e}.")

        self._run(export.scene_image_steps(self._scene, rect, scale), "Copying the graph image…", copied, failed)

    # -- doing it --------------------------------------------------------------------------------

    @property
    def _session(self):
        return self._window.model.session

    @property
    def _scene(self):
        return self._window.scene

    def _title(self, what: str) -> str:
        return f"{self._session.source.name}: {what}"

    def _graph_file(self, suffix: str, scale: float) -> bytes:
        return export.graph_file(self._scene, suffix, scale, self._title("computation graph"))

    def graph_png_steps(self, scale: float) -> Steps:
        """The graph's PNG drawn a band at a time, then encoded on a worker thread if it is large."""
        image = yield from export.scene_image_steps(self._scene, export.graph_rect(self._scene), scale)
        if image.width() * image.height() > THREAD_PIXELS:
            return (yield from in_thread(export.png_bytes, image))
        return export.png_bytes(image)

    def _export(self, caption: str, stem: str, suffix: str, make: Callable[[], bytes | str]) -> None:
        path, _ = QFileDialog.getSaveFileName(self._window, caption, f"{stem}{suffix}", _FILTERS[suffix])
        if path:
            self.write(path, suffix, make)

    def write(self, path: str, suffix: str, make: Callable[[], bytes | str | Steps]) -> bool:
        """Write what ``make`` returns (or its steps generator returns) to ``path`` (given no extension,
        ``suffix`` is added); say what was written, or why nothing was (another extension, a scale too
        large, a folder that cannot be written). Long work goes on in slices (gui/sliced_work.py): False
        if it failed at once, else True (done, or on its way)."""
        target = Path(path)
        if not target.suffix:
            target = target.with_name(target.name + suffix)
        outcome: list[bool] = []
        writing: list[bool] = []  # the file is being written on a worker thread: a Cancel now cannot stop it

        def steps() -> Steps:
            if target.suffix.lower() != suffix:
                raise export.ExportError(f"this export makes a {suffix} file, not {target.suffix or 'one'}")
            made = make()
            data = (yield from made) if isinstance(made, Generator) else made
            if len(data) > THREAD_BYTES:
                writing.append(True)
                return (yield from in_thread(export.save, target, data))
            return export.save(target, data)

        def written(confirmation: str) -> None:
            self._confirm(confirmation)
            if self._window.message_bar.text().startswith("Could not export"):
                self._window.show_message("")  # this export worked: the earlier failure no longer holds
            outcome.append(True)

        def failed(e: Exception) -> None:
            self._window.show_message(export.failure(target, e))
            outcome.append(False)

        def cancelled() -> None:
            done = "the file was being written, so it is whole" if writing else "nothing was written"
            self._confirm(f"Export cancelled: {done}")

        self._run(steps(), f"Exporting {target.name}…", written, failed, cancelled)
        return outcome[0] if outcome else True

    @property
    def busy(self) -> bool:
        """An export or copy is under way (drawn in slices, or being written)."""
        return self._work is not None and self._work.running

    def cancel(self) -> None:
        """Stop an export under way (the window closes); a file already being written is written whole."""
        if self.busy:
            self._work.cancel()

    def _run(
        self,
        steps: Steps,
        label: str,
        on_done: Callable,
        on_failed: Callable[[Exception], None],
        on_cancelled: Callable[[], None] | None = None,
    ) -> None:
        self.cancel()
        model = self._window.model
        model.hold(HOLD)  # the picture shows one state throughout: nothing changes the graph until it ends
        self._work = SlicedWork(
            steps,
            label,
            self._window,
            on_done,
            on_failed,
            expected=(OSError, export.ExportError),
            on_cancelled=on_cancelled or (lambda: self._confirm("Cancelled")),
        )
        self._work.ended.connect(model.release)
        self._work.start()

    def _confirm(self, text: str) -> None:
        self._window.confirm(text)
