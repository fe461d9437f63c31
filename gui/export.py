"""Export what the window shows, for slides and notes: the graph (PNG at a scale, SVG with its text as
text), the cost plot (PNG, SVG, CSV), the current pass as ``trace`` JSON, the narration as Markdown and
the chain-rule panel as PNG. Used by the File → Export menu and by ``backprop-stepper export``.

Rendering functions return bytes or text; ``save`` writes them atomically and says what it wrote.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import io
import math
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QImage, QPainter, QPalette, QTextDocument
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QWidget

from core.expression_cli import trace_expression
from core.limits import LimitError, human_bytes
from core.network_file import one_line, quote, write_bytes_atomically
from core.session import Session
from core.source import NetworkSource
from core.trace import strict_json, trace_network
from gui.graph.scene import GraphScene

SCALES = (1, 2, 3, 4)  # the graph's PNG scales offered in the menu (any other can be typed)
DEFAULT_SCALE = 2.0
MAX_SIDE = 16_000  # pixels: a larger PNG is refused (Qt's raster painting and most viewers stop near here)
MIN_SIDE = 32  # pixels: a PNG with a shorter side is refused (at that size nothing in it can be read)
MARGIN = 16  # scene units of background around the graph
BAND_PIXELS = 250_000  # a large PNG is drawn this many pixels at a time (2-16-16-1: mostly 15-60 ms a band, load 3)
ALL_POINTS = 2**62  # a cost-history budget that asks for its finest resolution


class ExportError(ValueError):
    """An export that cannot be made (a bad scale, a file type not offered); the message is one line."""


# -- rendering scenes ---------------------------------------------------------------------------


@contextlib.contextmanager
def _drawn_plainly(scene: QGraphicsScene) -> Iterator[None]:
    """Every item drawn by itself (a graph's: GraphScene.full_detail), directly, not from its pixmap cache
    (an SVG would get bitmaps instead of text), and without the selection outline; all restored afterwards."""
    with scene.full_detail() if isinstance(scene, GraphScene) else contextlib.nullcontext():
        items = scene.items()
        caches = [item.cacheMode() for item in items]
        selected = scene.selectedItems()
        blocked = scene.blockSignals(True)  # deselecting for the picture is not the user's click
        try:
            for item in items:
                item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            for item in selected:
                item.setSelected(False)
            yield
        finally:
            for item, cache in zip(items, caches, strict=True):
                item.setCacheMode(cache)
            for item in selected:
                item.setSelected(True)
            scene.blockSignals(blocked)


def graph_rect(scene: GraphScene) -> QRectF:
    """The part of the graph scene an export shows: every item (every label too), with a margin."""
    with scene.full_detail():
        return scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def image_size(rect: QRectF, scale: float) -> QSize:
    """The pixel size of ``rect`` drawn at ``scale``; refuses a scale that is not a number above 0, or an
    image over MAX_SIDE pixels a side or under MIN_SIDE."""
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise ExportError(f"the scale must be a number above 0, not {scale!r}")
    width, height = math.ceil(rect.width() * scale), math.ceil(rect.height() * scale)
    if min(width, height) < MIN_SIDE:
        smallest = math.ceil(MIN_SIDE / max(min(rect.width(), rect.height()), 1e-12) * 100) / 100
        raise ExportError(
            f"the image would be {width:,} × {height:,} pixels, under {MIN_SIDE} pixels a side "
            f"(the smallest scale for this picture is {smallest:g})"
        )
    if max(width, height) > MAX_SIDE:
        largest = math.floor(largest_scale(rect) * 100) / 100
        raise ExportError(
            f"the image would be {width:,} × {height:,} pixels, over {MAX_SIDE:,} pixels a side "
            f"(the largest scale for this picture is {largest:g})"
        )
    return QSize(width, height)


def _background(scene: QGraphicsScene, background: QColor | None) -> QColor:
    """What is behind the items: given (a view's background), else the scene's own, else white."""
    if background is not None:
        return background
    brush = scene.backgroundBrush()
    return brush.color() if brush.style() != Qt.BrushStyle.NoBrush else QColor("white")


def largest_scale(rect: QRectF) -> float:
    """The largest scale at which ``rect`` stays within MAX_SIDE pixels a side."""
    longest = max(rect.width(), rect.height(), 1.0)
    scale = MAX_SIDE / longest
    while math.ceil(longest * scale) > MAX_SIDE:  # the division's rounding can land a hair above
        scale = math.nextafter(scale, 0.0)
    return scale


def _new_image(size: QSize) -> QImage:
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        raise ExportError(f"there is not enough memory for an image of {size.width():,} × {size.height():,} pixels")
    return image


def scene_image(scene: QGraphicsScene, rect: QRectF, scale: float, background: QColor | None = None) -> QImage:
    """``rect`` of the scene drawn into an image ``scale`` times its size in scene units."""
    return finish(scene_image_steps(scene, rect, scale, background))


def scene_image_steps(
    scene: QGraphicsScene, rect: QRectF, scale: float, background: QColor | None = None
) -> Generator[tuple[int, int], None, QImage]:
    """``scene_image`` a band of about BAND_PIXELS at a time (yields (bands drawn, bands)), for a window
    that keeps answering while a large image is drawn; the scene is drawn plainly until it ends."""
    size = image_size(rect, scale)
    image = _new_image(size)  # filled a band at a time too: filling 10⁸ pixels at once takes a third of a second
    fill = _background(scene, background)
    width, height = size.width(), size.height()
    across = width > height  # bands across the longer side
    length = width if across else height
    band = max(1, BAND_PIXELS // max(height if across else width, 1))
    bands = math.ceil(length / band)
    sx, sy = width / max(rect.width(), 1e-12), height / max(rect.height(), 1e-12)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    try:
        with _drawn_plainly(scene):
            for k in range(bands):
                start, end = k * band, min((k + 1) * band, length)
                if across:
                    target = QRectF(start, 0, end - start, height)
                    source = QRectF(rect.left() + start / sx, rect.top(), (end - start) / sx, rect.height())
                else:
                    target = QRectF(0, start, width, end - start)
                    source = QRectF(rect.left(), rect.top() + start / sy, rect.width(), (end - start) / sy)
                painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)  # not over garbage
                painter.fillRect(target, fill)
                painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
                scene.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)
                yield k + 1, bands
    finally:
        painter.end()
    return image


def finish(steps: Generator[Any, Any, Any]) -> Any:
    """Run a steps generator (``scene_image_steps``, an export's) to its end here, and return its result."""
    sent = None
    while True:
        try:
            item = steps.send(sent)
        except StopIteration as done:
            return done.value
        sent = item if isinstance(item, concurrent.futures.Future) else None
        if sent is not None:
            concurrent.futures.wait([sent])


def scene_svg(scene: QGraphicsScene, rect: QRectF, title: str, background: QColor | None = None) -> bytes:
    """``rect`` of the scene as SVG, in scene units; labels and numbers stay ``<text>``."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(math.ceil(rect.width()), math.ceil(rect.height())))
    generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    generator.setTitle(title)
    generator.setDescription("Made with Backprop Stepper")
    painter = QPainter(generator)
    painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), _background(scene, background))
    with _drawn_plainly(scene):
        scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    painter.end()
    return bytes(buffer.data())


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ExportError("Qt could not encode the image as PNG")
    return bytes(buffer.data())


def graph_file(scene: GraphScene, suffix: str, scale: float, title: str) -> bytes:
    """The whole graph as ``.png`` (at ``scale``) or ``.svg``."""
    rect = graph_rect(scene)
    if suffix == ".svg":
        return scene_svg(scene, rect, title)
    return png_bytes(scene_image(scene, rect, scale))


def widget_scene_file(view, suffix: str, scale: float, title: str) -> bytes:
    """A graphics view's whole scene as it is laid out on screen (a pyqtgraph plot), as PNG or SVG."""
    scene, rect = view.scene(), view.mapToScene(view.viewport().rect()).boundingRect()
    background = view.backgroundBrush().color()
    if suffix == ".svg":
        return scene_svg(scene, rect, title, background)
    return png_bytes(scene_image(scene, rect, scale, background))


def document_image(document: QTextDocument, width: float, scale: float, palette: QPalette) -> QImage:
    """A rich-text document (the chain-rule panel's) laid out ``width`` wide and drawn whole at ``scale``,
    in the colours of ``palette`` (the panel's: its base behind, its text for uncoloured runs)."""
    document = document.clone()
    document.setTextWidth(width)
    size = document.size()
    image = _new_image(image_size(QRectF(0, 0, size.width(), size.height()), scale))
    image.fill(palette.color(QPalette.ColorRole.Base))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.scale(scale, scale)
    context = QAbstractTextDocumentLayout.PaintContext()
    context.palette = palette
    document.documentLayout().draw(painter, context)
    painter.end()
    return image


# -- data -----------------------------------------------------------------------------------------


def cost_csv(session: Session) -> str:
    """The cost plot's numbers: ``series,epoch,cost,epochs_per_bin``.

    ``epoch`` rows are the cost per epoch exactly; in a long run whose older epochs are kept as
    the lowest and highest cost of each bin, every bin is a ``bin_min`` and a ``bin_max`` row at the
    bin's first epoch, covering ``epochs_per_bin`` epochs; ``update`` rows are the stepped updates'
    dots, at their epoch positions (fractions of an epoch).
    """
    epochs, costs, per_bin = session.cost_view(None, budget=ALL_POINTS)
    # The history's own points come first (binned alike when per_bin > 1), then the epochs stepped since.
    binned = len(session.history.view(None, budget=ALL_POINTS)[0]) if per_bin > 1 else 0
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("series", "epoch", "cost", "epochs_per_bin"))
    for k, (epoch, cost) in enumerate(zip(epochs.tolist(), costs.tolist(), strict=True)):
        series, width = (("bin_min", "bin_max")[k % 2], per_bin) if k < binned else ("epoch", 1)
        writer.writerow((series, _number(epoch), _number(cost), width))
    for epoch, cost in zip(*(a.tolist() for a in session.update_curve()), strict=True):
        writer.writerow(("update", _number(epoch), _number(cost), ""))
    return out.getvalue()


def _number(value: float) -> str:
    """Exact (repr round-trips), whole numbers without ".0", NaN and infinities by name."""
    if math.isfinite(value) and value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def trace_json(session: Session) -> str:
    """The current pass exactly as ``backprop-stepper trace`` prints it: the layer graph's forward and
    backward pass over the pass's examples at the parameters it started from (the scalar graph's example
    I is ``trace FILE --example I``). An expression's is ``trace --expr``'s."""
    step_pass = session.current
    if not isinstance(session.source, NetworkSource):
        return strict_json(trace_expression(session.source.expression))[0]
    try:
        result = trace_network(session.source.network, session.params, step_pass.examples)
    except LimitError as e:  # a pass too large to print, as trace refuses it
        raise ExportError(str(e)) from None
    return strict_json(result)[0]


# -- files ----------------------------------------------------------------------------------------


def save(path: str | Path, data: bytes | str) -> str:
    """Write ``data`` atomically to ``path``; the confirmation to show, e.g. "Saved graph.svg (1.2 kB)".
    Raises OSError (nothing written) if the file cannot be written."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    write_bytes_atomically(path, data)
    name = path.name if path.name.isprintable() else quote(path.name)
    return f"Saved {name} ({human_bytes(len(data))})"


def save_screenshot(widget: QWidget, path: str | Path) -> str:
    """The widget as it is drawn now, saved as a PNG at ``path`` like any export (``save``)."""
    return save(path, png_bytes(widget.grab().toImage()))


def reason(error: OSError | ExportError) -> str:
    """Why a file was not written, in one line."""
    return one_line(error.strerror if isinstance(error, OSError) and error.strerror else str(error))


def failure(path: str | Path, error: OSError | ExportError) -> str:
    """One line saying why ``path`` was not written."""
    return f"Could not export {quote(str(path), 200)}: {reason(error)}. Nothing was written."
