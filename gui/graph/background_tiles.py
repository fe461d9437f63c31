"""The edges' resting curves kept as tiles of device pixels (transparent, over the background colour).

Following the current step makes the view jump between distant rows of a big graph, so nearly
every step exposes the whole viewport, and the view's own background cache (one viewport's worth)
is then of no use. Tiles rendered at the view's scale are kept, least recently used dropped beyond
a memory budget, so a part of the graph seen before is copied, not drawn again. A change of scale
or of the background (a new graph, new colours) starts afresh.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QTransform

TILE = 256  # device pixels a side
BUDGET_BYTES = 48 * 2**20


class BackgroundTiles:
    def __init__(self, render: Callable[[QPainter, QRectF], None]) -> None:
        """``render(painter, rect)`` draws what the tiles keep of the scene rect ``rect``."""
        self._render = render
        self._tiles: OrderedDict[tuple[int, int], QImage] = OrderedDict()
        self._key: tuple | None = None  # (scale, fraction of a pixel the scene is offset by, pixel ratio)
        self._planned: list[tuple[int, int]] = []  # tiles to draw ahead, the next first (popped from the end)

    def clear(self) -> None:
        self._tiles.clear()
        self._planned = []

    def __len__(self) -> int:
        return len(self._tiles)

    def paint(self, painter: QPainter, rect: QRectF) -> bool:
        """Draw ``rect`` from tiles; False (nothing drawn) if the view is rotated or sheared."""
        t = painter.transform()
        grid = self._grid(t, painter.device().devicePixelRatioF(), rect)
        if grid is None:
            return False
        key, cols, rows = grid
        if key != self._key:
            self._tiles.clear()
            self._key = key
        base_x, base_y = math.floor(t.dx()), math.floor(t.dy())
        painter.save()
        painter.resetTransform()
        for i in cols:
            for j in rows:
                painter.drawImage(QPointF(base_x + i * TILE, base_y + j * TILE), self._tile(i, j))
        painter.restore()
        return True

    def plan(self, transform: QTransform, ratio: float, rect: QRectF) -> None:
        """Note the tiles a paint of ``rect`` through ``transform`` would draw anew, for draw_planned."""
        grid = self._grid(transform, ratio, rect)
        self._planned = []
        if grid is not None and grid[0] == self._key:  # at another scale, the tiles kept now would go
            _, cols, rows = grid
            self._planned = [(i, j) for j in rows for i in cols if (i, j) not in self._tiles]

    def draw_planned(self, seconds: float) -> bool:
        """Draw planned tiles for about ``seconds`` at most; True while some are left."""
        end = time.perf_counter() + seconds
        while self._planned and time.perf_counter() < end:
            i, j = self._planned.pop()
            if (i, j) not in self._tiles:
                self._tile(i, j)
        return bool(self._planned)

    @staticmethod
    def _grid(t: QTransform, ratio: float, rect: QRectF) -> tuple[tuple, range, range] | None:
        """The tiles' key and the columns and rows of tiles under ``rect``; None if rotated or sheared."""
        if t.type().value > QTransform.TransformationType.TxScale.value or t.m11() != t.m22() or t.m11() <= 0:
            return None
        scale, ox, oy = t.m11(), t.dx(), t.dy()
        base_x, base_y = math.floor(ox), math.floor(oy)
        device = t.mapRect(rect)
        cols = range(math.floor((device.left() - base_x) / TILE), math.floor((device.right() - base_x) / TILE) + 1)
        rows = range(math.floor((device.top() - base_y) / TILE), math.floor((device.bottom() - base_y) / TILE) + 1)
        return (scale, ox - base_x, oy - base_y, ratio), cols, rows

    def _tile(self, i: int, j: int) -> QImage:
        image = self._tiles.get((i, j))
        if image is not None:
            self._tiles.move_to_end((i, j))
            return image
        scale, fx, fy, ratio = self._key
        side = math.ceil(TILE * ratio)
        image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        # Tile pixel (a, b) is device pixel (base + i·TILE + a, …): scene x·scale + fx − i·TILE.
        to_tile = QTransform(scale, 0, 0, scale, fx - i * TILE, fy - j * TILE)
        painter = QPainter(image)
        painter.setTransform(to_tile)
        scene_rect, _ = to_tile.inverted()
        self._render(painter, scene_rect.mapRect(QRectF(0, 0, TILE, TILE)))
        painter.end()
        self._tiles[(i, j)] = image
        while len(self._tiles) * image.sizeInBytes() > BUDGET_BYTES:
            self._tiles.popitem(last=False)
        return image
