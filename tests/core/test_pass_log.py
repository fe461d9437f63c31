"""Stepping keeps only its newest passes whole: older ones are recorded again, to the same bits,
when stepping back reaches them; the passes kept whole stay bounded however long the run."""

from __future__ import annotations

import numpy as np
import pytest

import core.pass_log
import core.session
from core.optimizers import Optimizer
from core.presets import load_preset
from core.session import Mode, Session
from core.stepper import StepPass


def same_value(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return np.array_equal(a, b, equal_nan=True) and np.shape(a) == np.shape(b)


def assert_same_pass(a: StepPass, b: StepPass) -> None:
    """The same examples, settings, leaves and every event's numbers, bit for bit."""
    assert (a.examples, a.learning_rate, a.optimizer, a.planted_bug) == (
        b.examples,
        b.learning_rate,
        b.optimizer,
        b.planted_bug,
    )
    assert a.leaves.keys() == b.leaves.keys()
    assert all(same_value(a.leaves[k], b.leaves[k]) for k in a.leaves)
    assert len(a.events) == len(b.events)
    for x, y in zip(a.events, b.events, strict=True):
        assert type(x) is type(y)
        assert x.node == y.node
        for field in ("value", "upstream", "old", "grad", "new"):
            assert same_value(getattr(x, field, None), getattr(y, field, None))
        for field in ("local", "sent", "quantities"):
            xs, ys = getattr(x, field, ()), getattr(y, field, ())
            assert len(xs) == len(ys)
            for u, v in zip(xs, ys, strict=True):
                u, v = (u[1], v[1]) if field == "quantities" else (u, v)
                assert same_value(u, v)


def assert_same(a: Session, b: Session) -> None:
    assert (a.cursor, a.updates, a.epoch) == (b.cursor, b.updates, b.epoch)
    assert_same_pass(a.current, b.current)
    for name in a.params:
        assert np.array_equal(a.params[name], b.params[name])
    for curve_a, curve_b in ((a.cost_view(), b.cost_view()), (a.update_curve(), b.update_curve())):
        for x, y in zip(curve_a[:2], curve_b[:2], strict=True):
            assert np.array_equal(x, y, equal_nan=True)


def keeping_everything(monkeypatch, run):
    """``run()`` with every pass kept whole, as stepping kept them before."""
    with monkeypatch.context() as m:
        m.setattr(core.pass_log, "KEEP_WHOLE", 10**9)
        m.setattr(core.pass_log, "KEEP_WHOLE_BYTES", 10**15)
        return run()


def stepped_with_changes(mode: Mode) -> Session:
    """Passes with Adam's state, then a new learning rate, a planted bug and momentum along the way."""
    net = load_preset("mood_2_2_1").with_settings(optimizer=Optimizer("adam"), batch_size=2)
    session = Session(net, mode)
    for _ in range(9):
        session.next_example()
    session.to_end_of_backward()
    session.set_network(session.network.with_settings(learning_rate=0.3))
    for _ in range(7):
        session.next_example()
    session.set_network(session.network.with_settings(planted_bug="product_own_input"))
    for _ in range(6):
        session.next_example()
    session.set_network(session.network.with_settings(optimizer=Optimizer("momentum"), planted_bug=None))
    for _ in range(8):
        session.next_example()
    session.to_end_of_forward()
    return session


@pytest.mark.parametrize("mode", [Mode.EXAMPLE, Mode.BATCH])
def test_stepping_back_and_on_again_gives_the_passes_a_session_keeping_everything_gives(monkeypatch, mode):
    monkeypatch.setattr(core.pass_log, "KEEP_WHOLE", 3)
    reference = keeping_everything(monkeypatch, lambda: stepped_with_changes(mode))
    session = stepped_with_changes(mode)
    assert session._passes.whole_count == 3 < len(session._passes) == reference._passes.whole_count
    assert_same(session, reference)
    while reference.updates or reference.cursor:  # all the way back, a pass at a time, recording older passes again
        for s in (session, reference):
            if s.cursor:
                s.seek(0)
            else:
                s.step_back()
        assert_same(session, reference)
    assert (session.updates, session.cursor) == (0, 0)
    assert session._passes.whole_count <= 3
    for _ in range(len(reference._passes) + 3):  # and on again, past where it was
        session.next_example()
        reference.next_example()
        assert_same(session, reference)


def test_a_saved_session_is_the_same_from_a_log_that_let_passes_go(monkeypatch):
    monkeypatch.setattr(core.pass_log, "KEEP_WHOLE", 2)
    reference = keeping_everything(monkeypatch, lambda: stepped_with_changes(Mode.EXAMPLE))
    session = stepped_with_changes(Mode.EXAMPLE)
    ours, theirs = session.snapshot(kept_passes=20), reference.snapshot(kept_passes=20)
    assert (ours.passes, ours.updates, ours.cursor) == (theirs.passes, theirs.updates, theirs.cursor)
    for name in theirs.first_params:
        assert np.array_equal(ours.first_params[name], theirs.first_params[name])
    assert_same(Session.restored(ours), Session.restored(theirs))


def test_the_passes_kept_whole_stay_bounded_in_count_and_size(monkeypatch):
    session = Session(load_preset("mood_2_2_1"), Mode.BATCH)
    for _ in range(3 * core.pass_log.KEEP_WHOLE):
        session.next_example()
    assert session._passes.whole_count == core.pass_log.KEEP_WHOLE
    assert len(session._passes) == 3 * core.pass_log.KEEP_WHOLE + 1
    monkeypatch.setattr(core.pass_log, "KEEP_WHOLE_BYTES", 1)  # every pass over the size: the newest only
    session.reset()
    for _ in range(10):
        session.next_example()
    assert session._passes.whole_count == 1
    for _ in range(10):
        session.step_back()
        assert session._passes.whole_count <= 2


def assert_same_place(a: Session, b: Session) -> None:
    """The same pass, cursor, parameters and curves; epochs and the curves' positions within 1e-12
    (a session that let passes go counts its epochs from a later whole epoch)."""
    assert a.cursor == b.cursor
    assert abs(a.epoch - b.epoch) <= 1e-12
    assert_same_pass(a.current, b.current)
    for name in a.params:
        assert np.array_equal(a.params[name], b.params[name])
    for curve_a, curve_b in ((a.cost_view(), b.cost_view()), (a.update_curve(), b.update_curve())):
        assert np.allclose(curve_a[0], curve_b[0], rtol=0.0, atol=1e-12)
        assert np.array_equal(curve_a[1], curve_b[1])


@pytest.mark.parametrize(
    ("mode", "setting", "value"),
    [(Mode.BATCH, "KEPT_PASSES", 5), (Mode.EXAMPLE, "KEPT_PASSES", 5), (Mode.BATCH, "KEPT_PARAMS_BYTES", 1000)],
)
def test_a_long_run_lets_go_of_whole_epochs_as_a_save_does(monkeypatch, mode, setting, value):
    """Past twice a save's passes (or parameters' bytes) the oldest whole epochs join the histories: the
    passes held stay bounded, the curves are the same, and ← goes back as far as a saved session's."""

    def run() -> Session:
        net = load_preset("mood_2_2_1").with_settings(optimizer=Optimizer("momentum"), batch_size=2)
        session = Session(net, mode)
        for _ in range(60):
            session.next_example()
        return session

    reference = run()
    monkeypatch.setattr(core.session, setting, value)
    session = run()
    assert len(session._passes) < 24 < len(reference._passes)
    assert_same_place(session, reference)
    saved = Session.restored(session.snapshot())
    while session.updates or session.cursor:
        for s in (session, reference, saved):
            if s.cursor:
                s.seek(0)
            else:
                s.step_back()
        assert_same_place(session, reference)
        assert_same_place(session, saved)
    session.step_back()  # as far back as it goes
    assert (session.updates, session.cursor) == (0, 0)
