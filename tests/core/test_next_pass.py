"""Moving on to the next example or batch in two parts: ``Session.next_pass_job`` computes the next
pass from what it takes at once, touching nothing of the session (so a front end may run it on
another thread), and ``Session.commit`` makes it current: the same session, bit for bit, as
``next_example`` gives."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import core.pass_log
from core.datasets import two_spirals
from core.network import Layer, Network
from core.optimizers import Optimizer
from core.presets import load_preset
from core.session import Mode, Session
from tests.core.test_pass_log import assert_same, assert_same_pass


def spirals(examples: int = 300, batch_size: int | None = 128, optimizer: Optimizer | None = None) -> Network:
    X, y = two_spirals(examples, seed=0)
    layers = (Layer(4, "tanh"), Layer(1, "sigmoid"))
    network = Network("2-4-1", 2, layers, "log_loss", 0.3, X, y, seed=1, batch_size=batch_size)
    return network if optimizer is None else network.with_settings(optimizer=optimizer)


def seen(session: Session) -> tuple:
    """What stepping shows of a session (its parameters copied)."""
    params = {k: v.copy() for k, v in session.params.items()}
    return params, session.updates, session.cursor, session.epoch, session.current, len(session.update_curve()[0])


def assert_unchanged(session: Session, before: tuple) -> None:
    params, *rest = seen(session)
    assert params.keys() == before[0].keys()
    assert all(np.array_equal(params[k], before[0][k]) for k in params)
    assert rest[:3] == list(before[1:4])
    assert rest[3] is before[4]  # the same pass object: not recorded again
    assert rest[4] == before[5]


@pytest.mark.parametrize("optimizer", [None, Optimizer("adam")])
@pytest.mark.parametrize("mode", [Mode.BATCH, Mode.EXAMPLE])
def test_a_job_and_its_commit_step_on_exactly_as_next_example(mode, optimizer):
    network = spirals(optimizer=optimizer) if mode is Mode.BATCH else load_preset("or_gate")
    stepped, split = Session(network, mode), Session(network, mode)
    for press in range(7):  # past an epoch's end (300 examples in batches of 128; the OR gate's 4)
        if press == 2:  # and once from inside a pass
            stepped.step_forward()
            split.step_forward()
        stepped.next_example()
        split.apply_update()
        before = seen(split)
        job = split.next_pass_job()
        next_pass = job()
        assert_unchanged(split, before)  # nothing changes until it is committed
        split.commit(next_pass)
        assert_same(split, stepped)
    assert stepped.optimizer_state == split.optimizer_state
    assert_same_pass(split.current, stepped.current)


def test_the_job_runs_on_another_thread_while_the_session_is_stepped_back():
    session = Session(spirals(), Mode.BATCH)
    session.next_example()
    session.apply_update()
    job = session.next_pass_job()
    result = []
    worker = threading.Thread(target=lambda: result.append(job()))
    worker.start()
    session.step_back()  # the update no longer applied: the same pass, still current
    worker.join()
    reference = Session(spirals(), Mode.BATCH)
    reference.next_example()
    reference.next_example()
    session.commit(result[0])
    assert_same(session, reference)


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.reset(),
        lambda s: s.set_network(s.network.with_settings(learning_rate=0.1)),
        lambda s: s.set_param("b2", np.array([0.5])),
        lambda s: s.next_example(),
        lambda s: (s.seek(0), s.step_back()),
    ],
    ids=["reset", "learning rate", "parameter typed", "stepped on", "stepped back a pass"],
)
def test_a_pass_computed_for_a_pass_since_replaced_is_refused(change):
    session = Session(spirals(), Mode.BATCH)
    session.next_example()
    session.seek(0)
    session.apply_update()
    next_pass = session.next_pass_job()()
    assert session.follows_current(next_pass)
    change(session)
    before = seen(session)
    assert not session.follows_current(next_pass)
    with pytest.raises(ValueError, match="does not follow"):
        session.commit(next_pass)
    assert_unchanged(session, before)


def test_the_work_of_the_next_pass_is_its_examples_times_the_parameters():
    session = Session(spirals(examples=300, batch_size=128), Mode.BATCH)  # batches of 128, 128, 44
    params = 2 * 4 + 4 + 4 * 1 + 1
    assert session.next_pass_work() == 128 * params  # the second batch
    session.next_example()
    assert session.next_pass_work() == 44 * params  # the last, smaller one
    session.next_example()
    assert session.next_pass_work() == 128 * params  # the next epoch's first
    full = Session(spirals(examples=300, batch_size=None), Mode.BATCH)
    assert full.next_pass_work() == 300 * params
    newton = Session(spirals(examples=300, batch_size=None, optimizer=Optimizer("newton")), Mode.BATCH)
    assert newton.next_pass_work() == 300 * params * (2 * params + 1)
    assert Session(load_preset("or_gate"), Mode.EXAMPLE).next_pass_work() == 1 * 3  # one example, w1, w2, b


def test_stepping_back_into_a_pass_kept_only_in_part_records_it_apart_then_steps_at_once(monkeypatch):
    monkeypatch.setattr(core.pass_log, "KEEP_WHOLE", 1)  # only the current pass keeps its events
    split, plain = Session(spirals(), Mode.BATCH), Session(spirals(), Mode.BATCH)
    for session in (split, plain):
        for _ in range(3):
            session.next_example()
        session.step_forward()
    assert split.step_back_job() is None  # inside the pass: nothing to record
    assert split.step_back_work() == 0
    split.seek(0)
    plain.seek(0)
    job = split.step_back_job()
    assert split.step_back_work() == 44 * 17  # the epoch's last batch, 2-4-1's 17 parameters
    before = seen(split)
    again = job()
    assert_unchanged(split, before)
    split.step_back_into(again)
    plain.step_back()
    assert_same(split, plain)
    assert split.current is again.step_pass
    split.step_forward()  # and on again
    plain.step_forward()
    assert_same(split, plain)


def test_a_pass_recorded_again_for_a_pass_stepping_back_no_longer_reaches_is_refused(monkeypatch):
    monkeypatch.setattr(core.pass_log, "KEEP_WHOLE", 1)
    session = Session(spirals(), Mode.BATCH)
    for _ in range(3):
        session.next_example()
    again = session.step_back_job()()
    assert session.steps_back_into(again)
    for moved in (session.step_forward, session.step_back):  # inside a pass, then back past it
        moved()
        before = seen(session)
        assert not session.steps_back_into(again)
        with pytest.raises(ValueError, match="not the one stepping back goes into"):
            session.step_back_into(again)
        assert_unchanged(session, before)
        session.seek(0)
