"""Label spots (gui/graph/label_spots.py): the array test against nodes agrees with QRectF, spot by spot."""

import numpy as np
from PySide6.QtCore import QRectF

from gui.graph.label_spots import LabelBoxes, RectIndex


def _random_case(rng, stacked: bool):
    nodes = []
    for column in range(4):
        left, width = column * 150.0 + rng.uniform(0, 5), rng.uniform(60, 90)
        y = rng.uniform(-400, -300)
        for _ in range(12):
            height = rng.uniform(20, 70)
            nodes.append((left, y, left + width, y + height))
            y += height + (rng.uniform(4, 20) if stacked else rng.uniform(-30, 10))  # overlapping when not stacked
    routes, offsets = {}, {}
    for k in range(60):
        column = k % 3
        start = (column * 150.0 + 90 + rng.uniform(0, 5), rng.uniform(-400, 400))
        routes[(f"s{k}", f"t{k}")] = [start, (start[0] + rng.uniform(40, 70), rng.uniform(-400, 400))]
        forward = (-rng.uniform(10, 40), -rng.uniform(12, 18), rng.uniform(20, 80), rng.uniform(12, 18))
        backward = (-rng.uniform(10, 40), 1.0, rng.uniform(20, 80), rng.uniform(12, 18))
        offsets[(f"s{k}", f"t{k}")] = [forward, backward] if k % 4 else [forward]
    return nodes, routes, offsets


def _qt_clear(point, boxes, nodes) -> bool:
    return not any(
        QRectF(*b).translated(*point).intersects(QRectF(n[0], n[1], n[2] - n[0], n[3] - n[1]))
        for b in boxes
        for n in nodes
    )


def test_a_spot_is_clear_of_nodes_exactly_when_qrectf_finds_it_clear():
    rng = np.random.default_rng(3)
    for stacked in (True, False):
        nodes, routes, offsets = _random_case(rng, stacked)
        xs, ys, clear = (a.tolist() for a in LabelBoxes(list(routes), offsets).spots_clear_of_nodes(routes, nodes))
        assert len(xs) == len(routes)
        outcomes = set()
        for key, x, y, ok in zip(routes, xs, ys, clear, strict=True):
            assert len(x) == len(y) == len(ok) == 23
            for point, spot_ok in zip(zip(x, y, strict=True), ok, strict=True):
                assert spot_ok == _qt_clear(point, offsets[key], nodes)
                outcomes.add(spot_ok)
        assert outcomes == {True, False}  # the case tests both


def test_the_index_finds_what_overlaps_and_how_much():
    index = RectIndex()
    index.add((0.0, 0.0, 100.0, 50.0))
    index.add((150.0, 150.0, 400.0, 170.0))  # across several cells
    assert not index.free([(0.0, 0.0, 10.0, 10.0)], (95.0, 45.0))
    assert index.free([(0.0, 0.0, 20.0, 50.0)], (100.0, 0.0))  # edges touching share no area
    assert not index.free([(0.0, 0.0, 20.0, 50.0), (0.0, 0.0, 110.0, 40.0)], (390.0, 160.0))  # the second meets
    assert index.free([(0.0, 0.0, 20.0, 50.0), (0.0, 0.0, 5.0, 5.0)], (100.0, 0.0))
    assert index.overlap((90.0, 40.0, 160.0, 160.0)) == 10 * 10 + 10 * 10


def test_edges_without_labels_have_every_spot_clear():
    routes = {("a", "b"): [(0.0, 0.0), (50.0, 20.0)], ("a", "c"): [(0.0, 0.0), (50.0, -20.0)]}
    nodes = [(10.0, -5.0, 40.0, 5.0)]
    xs, ys, clear = LabelBoxes(list(routes), {key: [] for key in routes}).spots_clear_of_nodes(routes, nodes)
    assert xs.shape == ys.shape == clear.shape == (2, 23)
    assert clear.all()


def test_a_graph_without_edges_has_no_spots():
    xs, ys, clear = LabelBoxes([], {}).spots_clear_of_nodes({}, [(0.0, 0.0, 10.0, 10.0)])
    assert xs.shape == ys.shape == clear.shape == (0, 23)
