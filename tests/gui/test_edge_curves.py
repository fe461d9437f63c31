"""The resting curves' pieces (gui/graph/edge_curves.py): exact parts of their cubics, boxed."""

import numpy as np

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
