"""The run set: runs differing in settings, their records, best cost, target, divergence, sweep."""

import dataclasses

import numpy as np
import pytest

from core.optimizers import Optimizer
from core.presets import load_preset
from core.run_set import MAX_RUNS, RunSet, RunSetError, RunSettings
from core.training import train, train_all


def _feed(run_set, run, epochs, chunk_epochs=7):
    """Train a run as a front end would, one record at a time."""
    for i, record in enumerate(train(run.network, run.start_params, epochs, chunk_epochs=chunk_epochs), start=1):
        run_set.absorb(run, record, seconds=0.01 * i)


def test_each_run_trains_as_it_would_alone():
    base = load_preset("mood_2_2_1")
    runs = RunSet(base, base.initial_params())
    settings = [
        RunSettings(learning_rate=0.5),
        RunSettings(batch_size=1),
        RunSettings(optimizer=Optimizer("adam"), learning_rate=0.05),
        RunSettings(seed=7),
    ]
    for s in settings:
        runs.add(s)
    for run in runs.runs:  # interleaved, as side by side
        _feed(runs, run, 30)
    for s, run in zip(settings, runs.runs, strict=True):
        alone = s.network(base)
        start = base.initial_params() if s.seed is None else s.initial_params(base, base.initial_params())
        expected = train_all(alone, start, 30)
        np.testing.assert_array_equal(run.history.costs, expected.costs)
        for k, v in expected.params.items():
            np.testing.assert_array_equal(run.params[k], v)
        assert run.best == pytest.approx(expected.costs.min())
        assert run.epoch == 30
        assert run.speed == pytest.approx(30 / (0.01 * 5))
    assert runs.runs[1].network.batch_size == 1
    assert runs.runs[2].network.optimizer.name == "adam"
    assert "Adam" in runs.runs[2].label
    assert "seed 7" in runs.runs[3].label


def test_a_paused_run_goes_on_with_its_optimizers_state():
    base = load_preset("mood_2_2_1")
    runs = RunSet(base, base.initial_params())
    run = runs.add(RunSettings(optimizer=Optimizer("adam"), learning_rate=0.05))
    _feed(runs, run, 12)
    for record in train(run.network, run.params, 18, chunk_epochs=5, state=run.optimizer_state):  # Play again
        runs.absorb(run, dataclasses.replace(record, epoch=12 + record.epoch), seconds=1.0)
    expected = train_all(run.network, base.initial_params(), 30)
    np.testing.assert_allclose(run.history.costs, expected.costs, rtol=1e-12)
    for k, v in expected.params.items():
        np.testing.assert_allclose(run.params[k], v, rtol=1e-12)


def test_a_seed_draws_other_initial_weights_and_none_keeps_the_base_ones():
    base = load_preset("net_2_4_1_tanh")
    params = base.initial_params()
    same = RunSettings().initial_params(base, params)
    other = RunSettings(seed=123).initial_params(base, params)
    np.testing.assert_array_equal(same["W1"], params["W1"])
    assert not np.allclose(other["W1"], params["W1"])
    np.testing.assert_array_equal(other["W1"], RunSettings(seed=123).initial_params(base, params)["W1"])


def test_target_cost_first_epoch_and_changing_the_target():
    base = load_preset("or_gate")
    runs = RunSet(base, base.initial_params(), target=0.2)
    run = runs.add(RunSettings(learning_rate=2.0))
    _feed(runs, run, 200)
    costs = run.history.costs
    first = int(np.flatnonzero(costs <= 0.2)[0]) + 1
    assert run.reached_at == first
    runs.set_target(0.1)
    assert run.reached_at == int(np.flatnonzero(costs <= 0.1)[0]) + 1
    runs.set_target(-1.0)
    assert run.reached_at is None


def test_a_diverging_run_stops_alone_and_says_where():
    base = load_preset("house_prices")  # raw data: a large rate overflows
    runs = RunSet(base, base.initial_params())
    wild = runs.add(RunSettings(learning_rate=10.0))
    calm = runs.add(RunSettings(learning_rate=1e-9))
    for run in runs.runs:
        _feed(runs, run, 50)
    assert wild.diverged
    assert wild.diverged_at == wild.epoch + 1 < 50
    assert "cost became" in wild.stop_reason
    assert all(np.isfinite(v).all() for v in wild.params.values())  # the last finite parameters
    assert not calm.diverged
    assert calm.epoch == 50
    rates, _finals, diverged = runs.sweep()
    assert list(rates) == [1e-9, 10.0]
    assert list(diverged) == [False, True]


def test_learning_rate_sweep_and_the_limit_of_eight():
    base = load_preset("or_gate")
    runs = RunSet(base, base.initial_params())
    sweep = runs.add_learning_rate_sweep()
    assert [r.network.learning_rate for r in sweep] == [0.01, 0.1, 1.0, 10.0]
    runs.add_learning_rate_sweep()
    assert len(runs.runs) == MAX_RUNS
    with pytest.raises(RunSetError, match="at most 8"):
        runs.add(RunSettings())
    for bad in (dict(learning_rate=-1.0), dict(learning_rate=float("nan")), dict(batch_size=-2), dict(seed=-1)):
        with pytest.raises(RunSetError):
            RunSettings(**bad)


def test_trajectory_samples_for_the_surface_view():
    base = load_preset("or_gate")
    runs = RunSet(base, base.initial_params())
    run = runs.add(RunSettings(learning_rate=1.0))
    _feed(runs, run, 5000, chunk_epochs=3)  # more records than samples kept
    path = run.path(("W1[0][0]", "b1[0]"))
    assert path.shape[1] == 2
    assert 2 <= len(path) <= 513
    assert path[0][0] == base.initial_params()["W1"][0][0]
    assert path[-1][0] == run.params["W1"][0][0]
    assert path[-1][1] == run.params["b1"][0]
    epochs = [e for e, _ in run.trajectory]
    assert epochs == sorted(epochs)
    assert epochs[-1] == 5000
