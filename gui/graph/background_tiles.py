"""The edges' resting curves kept as tiles of device pixels (transparent, over the background colour).

Following the current step makes the view jump between distant rows of a big graph, so nearly
every step exposes the whole viewport, and the view's own background cache (one viewport's worth)
is then of no use. Tiles rendered at the view's scale are kept, least recently used dropped beyond
a memory budget, so a part of the graph seen before is copied, not drawn again. A change of scale
or of the background (a new graph, new colours) starts afresh.
"""

from __future__ import annotations

import math
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

    def clear(self) -> None:
        self._tiles.clear()

    def __len__(self) -> int:
        return len(self._tiles)

    def paint(self, painter: QPainter, rect: QRectF) -> bool:
        """Draw ``rect`` from tiles; False (nothing drawn) if the view is rotated or sheared."""
        t = painter.transform()
        if t.type().value > QTransform.TransformationType.TxScale.value or t.m11() != t.m22() or t.m11() <= 0:
            return False
        scale, ox, oy = t.m11(), t.dx(), t.dy()
        base_x, base_y = math.floor(ox), math.floor(oy)
        ratio = painter.device().devicePixelRatioF()
        key = (scale, ox - base_x, oy - base_y, ratio)
        if key != self._key:
            self._tiles.clear()
            self._key = key
        device = t.mapRect(rect)
        cols = range(math.floor((device.left() - base_x) / TILE), math.floor((device.right() - base_x) / TILE) + 1)
        rows = range(math.floor((device.top() - base_y) / TILE), math.floor((device.bottom() - base_y) / TILE) + 1)
        painter.save()
        painter.resetTransform()
        for i in cols:
            for j in rows:
                painter.drawImage(QPointF(base_x + i * TILE, base_y + j * TILE), self._tile(i, j))
        painter.restore()
        return True

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
