"""View → Loss surface in the real window: the current point, the path growing as updates are
stepped with keys, the cost curve with Newton's parabola for one parameter."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.curvature import one_variable
from core.predict import cost
from tests.gui.helpers import press


def _shown(qtbot, window):
    window.act_surface.trigger()
    view = window.surface_view
    assert view is not None
    assert window.surface_dock.isVisible()
    qtbot.waitUntil(lambda: view._surface is not None and not view._busy, timeout=5000)
    return view


def test_or_gate_surface_shows_w1_w2_the_current_point_and_a_growing_path(qtbot, window):
    view = _shown(qtbot, window)
    assert [e.label for e in view.entries] == ["W1[0][0]", "W1[1][0]"]
    surface = view._surface
    assert surface.centre == (0.1, 0.6)  # the walkthrough's w1, w2
    middle = len(surface.x) // 2
    assert surface.cost[middle][middle] == cost(window.model.network, window.model.session.params)
    xs, ys = view.marker.getData()
    assert (xs[0], ys[0]) == (0.1, 0.6)
    assert len(view.path) == 1
    press(qtbot, window, Qt.Key.Key_N, 3)
    params = window.model.session.displayed_params()
    # Example (0, 0) leaves w1 and w2 where they were; (0, 1) moves w2, (1, 0) moves w1.
    assert view.path == [(0.1, 0.6), (0.1, view.path[1][1]), (params["W1"][0, 0], params["W1"][1, 0])]
    xs, ys = view.path_line.getData()
    assert len(xs) == 3
    assert (xs[-1], ys[-1]) == view.path[-1]
    assert view.marker.getData()[0][0] == params["W1"][0, 0]


def test_moving_out_of_the_grid_recomputes_it_around_the_new_point(qtbot, window):
    view = _shown(qtbot, window)
    view.span_box.setValue(0.01)
    view.recompute()
    qtbot.waitUntil(lambda: not view._busy, timeout=5000)
    before = view._surface
    press(qtbot, window, Qt.Key.Key_N, 4)
    qtbot.waitUntil(lambda: view._surface is not before and not view._busy, timeout=5000)
    params = window.model.session.displayed_params()
    assert view._surface.centre == pytest.approx((params["W1"][0, 0], params["W1"][1, 0]))


def test_one_parameter_draws_the_cost_curve_and_newtons_tangent_parabola(qtbot, window):
    view = _shown(qtbot, window)
    view.choose("b1[0]")
    qtbot.waitUntil(lambda: view._surface is not None and view._surface.y is None and not view._busy, timeout=5000)
    net, params = window.model.network, window.model.session.params
    xs, ys = view.curve.getData()
    assert np.allclose(ys, [cost(net, {**params, "b1": np.array([x])}) for x in xs], rtol=1e-12)
    lesson = one_variable(net, params, "b1", (0,))
    px, py = view.parabola.getData()
    assert np.allclose(py, lesson.f + lesson.slope * (px - lesson.x) + lesson.curvature / 2 * (px - lesson.x) ** 2)
    middle = len(px) // 2
    assert py[middle] == pytest.approx(cost(net, params), rel=1e-12)  # it touches the curve at x


def test_an_expression_has_no_surface(qtbot, window):
    view = _shown(qtbot, window)
    window.open_expression("x**2 + 1", {"x": 2.0})
    assert view.entries == []
    assert "needs a network" in view.status.text()


def test_each_run_side_by_side_draws_its_path_in_its_colour(qtbot, window):
    from core.run_set import RunSettings

    view = _shown(qtbot, window)
    runs = window.runs_dock.runs
    runs.start_set(window.model.network, window.model.session.displayed_params())
    slow, fast = runs.add(RunSettings(learning_rate=0.1)), runs.add(RunSettings(learning_rate=3.0))
    runs.train(50)
    qtbot.waitUntil(lambda: not runs.any_running and slow.epoch == fast.epoch == 50, timeout=20000)
    view.draw_run_paths()
    for run in (slow, fast):
        xs, ys = view.run_paths[run.number].getData()
        assert len(xs) >= 2  # sampled per training record: at least the start and the end
        assert (xs[0], ys[0]) == (0.1, 0.6)  # every run starts where the window's weights are
        assert (xs[-1], ys[-1]) == (run.params["W1"][0, 0], run.params["W1"][1, 0])
        assert view.run_paths[run.number].opts["pen"].color().name() == runs.colour(run).lower()
    assert view.run_paths[fast.number].getData()[0][-1] != view.run_paths[slow.number].getData()[0][-1]
