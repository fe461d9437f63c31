"""Moving on to a pass that takes long to record (a full batch of a large data set: above
session_model.BACKGROUND_WORK, lowered here so that a small data set is just above it) is computed on
the worker thread: N returns at once, the window keeps answering and says what it computes, other steps
and edits are refused with that message, and the pass then shows exactly as a step in the key's own call
would have. A reset, another network or closing the window meanwhile drops it."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

import core.pass_log
from core.datasets import two_spirals
from core.network import Layer, Network
from core.optimizers import Optimizer
from core.presets import load_preset
from core.session import Mode, Session
from gui import session_model, sliced_work
from tests.core.test_pass_log import assert_same
from tests.gui.helpers import press
from tests.gui.test_export_hold import held_export

EXAMPLES = 2000
RIGHT, LEFT, N = Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_N


def spirals() -> Network:
    X, y = two_spirals(EXAMPLES, seed=0)
    layers = (Layer(16, "tanh"), Layer(1, "sigmoid"))  # 65 parameters: opens in the layer graph
    return Network("2-16-1", 2, layers, "log_loss", 0.3, X, y, seed=1, optimizer=Optimizer("adam"))


@pytest.fixture
def window(qtbot, monkeypatch):
    """A window on 2-16-1 over 2,000 points, full batch: a pass just above the (lowered) threshold."""
    from gui.main_window import MainWindow

    network = spirals()
    work = Session(network, Mode.BATCH).next_pass_work()
    monkeypatch.setattr(session_model, "BACKGROUND_WORK", work - 1)
    w = MainWindow(network, Mode.BATCH, remember=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.view.painted)
    w.refresh_now()  # the plots made and drawn: the window is settled
    yield w
    w.trainer.stop_and_wait()


@pytest.fixture
def gate(monkeypatch):
    """Next passes computed off the UI thread wait, once started, until the test sets this event."""
    event = threading.Event()

    def gated(job_of):
        def gated_job(session):
            job = job_of(session)
            if job is None:
                return None

            def run():
                if threading.current_thread() is not threading.main_thread():
                    event.wait(30)
                return job()

            return run

        return gated_job

    for name in ("next_pass_job", "step_back_job"):
        monkeypatch.setattr(Session, name, gated(getattr(Session, name)))
    yield event
    event.set()


def assert_same_state(a, b) -> None:
    assert (a.name, a.t, a.v.keys(), a.m.keys()) == (b.name, b.t, b.v.keys(), b.m.keys())
    for moments_a, moments_b in ((a.v, b.v), (a.m, b.m)):
        assert all(np.array_equal(moments_a[k], moments_b[k]) for k in moments_a)


def computed(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.model.computing is None, timeout=10_000)


def ticks_while(qtbot, milliseconds: int) -> int:
    """How many times a 10 ms timer fires while the event loop runs ``milliseconds``."""
    count = [0]
    timer = QTimer(interval=10)
    timer.timeout.connect(lambda: count.__setitem__(0, count[0] + 1))
    timer.start()
    qtbot.wait(milliseconds)
    timer.stop()
    return count[0]


def test_n_returns_at_once_the_window_answers_and_the_pass_is_a_plain_steps(window, qtbot, gate):
    model = window.model
    press(qtbot, window, N)
    assert model.computing == "Computing the next batch (2,000 examples)… Stepping waits for it."
    assert window.message_bar.text() == model.computing  # said, as a notice
    assert (model.session.updates, model.session.cursor) == (0, 0)  # the pass as it was until the next one
    assert ticks_while(qtbot, 200) >= 10  # the window answers while the pass computes
    assert model.computing is not None
    assert not window.act_undo.isEnabled()
    gate.set()
    computed(qtbot, window)
    assert window.message_bar.text() == ""
    press(qtbot, window, RIGHT, 3)  # into the pass shown
    press(qtbot, window, N)
    computed(qtbot, window)
    press(qtbot, window, Qt.Key.Key_U)
    press(qtbot, window, RIGHT)  # → past the update: on to the next batch, in the background too
    assert model.computing is not None
    computed(qtbot, window)

    reference = Session(spirals(), Mode.BATCH)
    reference.next_example()
    for _ in range(3):
        reference.step_forward()
    reference.next_example()
    reference.apply_update()
    reference.step_forward()
    assert_same(model.session, reference)  # parameters, pass, cost curves: bit for bit
    assert_same_state(model.session.current.state_after, reference.current.state_after)  # Adam's moments
    assert window.position_bar.cursor == 0
    press(qtbot, window, LEFT)  # back across the updates, as after plain steps
    reference.step_back()
    assert_same(model.session, reference)


def test_back_into_a_pass_recorded_again_is_computed_in_the_background_too(window, qtbot, gate, monkeypatch):
    monkeypatch.setattr(core.pass_log, "KEEP_WHOLE", 1)  # only the current pass keeps its events
    press(qtbot, window, Qt.Key.Key_R, modifier=Qt.KeyboardModifier.ControlModifier)  # a session that does so
    gate.set()
    for _ in range(2):
        press(qtbot, window, N)
        computed(qtbot, window)
    gate.clear()
    press(qtbot, window, LEFT)  # into the previous pass: recorded again
    model = window.model
    assert model.computing == "Computing the previous batch again (2,000 examples)… Stepping waits for it."
    assert (model.session.updates, model.session.cursor) == (2, 0)
    assert ticks_while(qtbot, 100) >= 5
    press(qtbot, window, RIGHT)
    assert window.message_bar.text() == model.computing  # refused
    gate.set()
    computed(qtbot, window)
    reference = Session(spirals(), Mode.BATCH)
    reference.next_example()
    reference.next_example()
    reference.step_back()
    assert_same(model.session, reference)
    assert window.message_bar.text() == ""
    press(qtbot, window, LEFT)  # within the pass: at once
    press(qtbot, window, RIGHT, 2)  # and on past the update: the next pass computed again
    computed(qtbot, window)
    reference.step_back()
    reference.step_forward()
    reference.step_forward()
    assert_same(model.session, reference)


def test_keys_and_edits_while_it_computes_are_refused_with_the_message(window, qtbot, gate):
    model = window.model
    press(qtbot, window, N)
    said = model.computing
    session, place = model.session, model.session.position
    for key in (RIGHT, LEFT, N, Qt.Key.Key_U, Qt.Key.Key_B, Qt.Key.Key_F, Qt.Key.Key_P):
        press(qtbot, window, key)
        assert window.message_bar.text() == said
    qtbot.keyClick(window.mode_box, Qt.Key.Key_Up)  # the scalar graph chosen
    parameter = next(n.id for n in model.current.graph.nodes if n.source is not None)
    window.scene.param_double_clicked.emit(parameter)
    assert window.param_dialog is None
    assert window.mode_box.currentIndex() == 1  # the selector still says the layer graph
    assert (model.session, model.session.position, model.mode) == (session, place, Mode.BATCH)
    assert not window.trainer.running
    gate.set()
    computed(qtbot, window)
    assert window.message_bar.text() == ""  # the step worked: the refusals are over
    assert model.session.updates == 1
    press(qtbot, window, RIGHT)
    assert model.session.cursor == 1


def test_a_pass_computed_during_an_export_is_shown_once_the_export_is_written(
    window, qtbot, gate, tmp_path, monkeypatch
):
    monkeypatch.setattr(sliced_work, "SYNC_BUDGET_S", 0.0)  # the export goes on in slices at once
    press(qtbot, window, N)
    work, finish = held_export(window, tmp_path / "graph.png")
    gate.set()
    qtbot.wait(100)  # the pass is ready, the picture still being drawn: the graph holds still
    assert window.model.computing is not None
    assert window.model.session.updates == 0
    finish.append(True)
    qtbot.waitUntil(lambda: not work.running, timeout=10_000)
    computed(qtbot, window)
    assert window.model.session.updates == 1


def test_a_new_learning_rate_meanwhile_computes_the_pass_again_with_it(window, qtbot, gate):
    press(qtbot, window, N)
    window.model.change_settings(learning_rate=0.05)
    gate.set()
    computed(qtbot, window)
    reference = Session(spirals(), Mode.BATCH)
    reference.set_network(reference.network.with_settings(learning_rate=0.05))
    reference.next_example()
    assert_same(window.model.session, reference)


def test_reset_meanwhile_drops_the_pass(window, qtbot, gate):
    press(qtbot, window, N)
    press(qtbot, window, Qt.Key.Key_R, modifier=Qt.KeyboardModifier.ControlModifier)
    assert window.model.computing is None
    assert window.message_bar.text() == ""
    gate.set()
    qtbot.wait(100)  # the worker's pass arrives, and is let go
    assert_same(window.model.session, Session(spirals(), Mode.BATCH))
    press(qtbot, window, RIGHT)
    assert window.model.session.cursor == 1


def test_opening_a_preset_or_closing_the_window_meanwhile_drops_the_pass(window, qtbot, gate):
    press(qtbot, window, N)
    window.preset_actions["or_gate"].trigger()
    assert window.model.network.name == load_preset("or_gate").name
    assert window.model.computing is None
    press(qtbot, window, N)  # the OR gate steps at once
    assert window.model.session.updates == 1
    window.act_undo.trigger()  # back to the spirals, as they opened
    press(qtbot, window, N)
    assert window.model.computing is not None
    window.close()
    assert window.model.computing is None
    gate.set()
    qtbot.wait(100)
    session = window.model.session
    assert (session.updates, session.cursor) == (0, 0)  # as when closed: nothing half-applied


def test_a_diverging_pass_computed_in_the_background_still_says_so(window, qtbot, monkeypatch):
    monkeypatch.setattr(session_model, "BACKGROUND_WORK", 0)
    window.preset_actions["house_prices"].trigger()
    window.mode_box.setCurrentIndex(1)  # the layer graph
    window.model.change_settings(learning_rate=1000.0)
    for _ in range(40):
        press(qtbot, window, N)
        assert window.model.computing is not None
        computed(qtbot, window)
        if window.model.session.diverged:
            break
    assert window.model.session.diverged
    assert "not finite" in window.message_bar.text()


def test_a_small_data_set_steps_on_in_the_keys_own_call(qtbot):
    from gui.main_window import MainWindow

    window = MainWindow(load_preset("or_gate"), remember=False)
    qtbot.addWidget(window)
    window.show()
    press(qtbot, window, N)
    assert window.model.session.updates == 1
    assert window.model.computing is None
    assert np.isfinite(window.model.session.current.cost)


def test_undo_waits_for_the_pass_even_when_an_export_ends_first(window, qtbot, gate, tmp_path, monkeypatch):
    monkeypatch.setattr(sliced_work, "SYNC_BUDGET_S", 0.0)  # the export goes on in slices at once
    window._replace_network(spirals(), "Open 2-16-1 again")  # something to undo
    assert window.act_undo.isEnabled()
    press(qtbot, window, N)
    work, finish = held_export(window, tmp_path / "graph.png")
    finish.append(True)
    qtbot.waitUntil(lambda: not work.running, timeout=10_000)  # the export ends, the pass still computing
    assert window.model.computing is not None
    assert not window.act_undo.isEnabled()
    gate.set()
    computed(qtbot, window)
    assert window.act_undo.isEnabled()
