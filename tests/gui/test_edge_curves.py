"""The resting curves' pieces (gui/graph/edge_curves.py): exact parts of their cubics, boxed."""

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QTransform

from gui.graph.edge_curves import Curve, EdgeCurves


def _bezier(c: Curve, t: float) -> np.ndarray:
    p = np.array([c.p0, c.p1, c.p2, c.p3])
    u = 1 - t
    return u**3 * p[0] + 3 * u * u * t * p[1] + 3 * u * t * t * p[2] + t**3 * p[3]


def test_every_piece_runs_along_its_curve_and_lies_in_its_box():
    curves = [
        Curve((0.0, 0.0), (300.0, 0.0), (300.0, 2000.0), (600.0, 2000.0)),  # long: many pieces
        Curve((10.0, 5.0), (40.0, 5.0), (40.0, -30.0), (70.0, -30.0), has_arrow=False),  # short: one piece
    ]
    found = EdgeCurves(np.array([(c.p0, c.p1, c.p2, c.p3) for c in curves]), np.array([c.has_arrow for c in curves]))
    piece_curves, parts, pieces, piece_boxes = found._cut
    assert len(pieces) > 10
    for piece, curve_index, (t0, t1), box in zip(pieces, piece_curves, parts, piece_boxes, strict=True):
        curve = curves[curve_index]
        piece_curve = Curve(*map(tuple, piece))
        for s in (0.0, 0.25, 0.5, 0.75, 1.0):
            on_piece = np.array(_bezier(piece_curve, s))
            assert np.allclose(on_piece, _bezier(curve, t0 + s * (t1 - t0)), atol=1e-9)
            assert box[0] <= on_piece[0] <= box[2]
            assert box[1] <= on_piece[1] <= box[3]


def _lightness(curves: EdgeCurves, shown: QRectF, asked: QRectF, scale: float) -> np.ndarray:
    """``shown`` at ``scale`` as grey levels, after curves.paint was asked to draw ``asked``."""
    image = QImage(int(shown.width() * scale), int(shown.height() * scale), QImage.Format.Format_Grayscale8)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setTransform(QTransform(scale, 0, 0, scale, -shown.left() * scale, -shown.top() * scale))
    painter.setPen(QPen(QColor("black"), 1.5 / scale))  # 1.5 device pixels
    curves.paint(painter, asked, QColor("black"))
    painter.end()
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width()].astype(int)


@pytest.mark.parametrize("scale", [0.08, 0.3, 1.0])  # pieces in one stroke with the whole curves, and alone
def test_a_rect_draws_what_the_whole_curves_draw_there(qapp, scale):
    ends = [((0.0, 0.0), (2000.0, 9000.0)), ((0.0, 6000.0), (2000.0, 500.0)), ((900.0, 4000.0), (1100.0, 4100.0))]
    curves = EdgeCurves.through([[a, b] for a, b in ends])
    shown = QRectF(600.0, 1000.0, 800.0, 4000.0)  # cuts the long curves, holds the short one
    part = _lightness(curves, shown, shown, scale)
    whole = _lightness(curves, shown, QRectF(-1e5, -1e5, 2e5, 2e5), scale)  # every curve whole
    inked = (part < 128) | (whole < 128)
    assert inked.sum() > 2 * shown.height() * scale  # the two long curves cross the rect top to bottom
    differ = inked & (np.abs(part - whole) > 96)
    assert differ.sum() <= 0.03 * inked.sum()  # where pieces meet, their ends' antialiasing
