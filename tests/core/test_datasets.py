"""Built-in data sets: the registry, reproducibility from the seed, and ``"data": {"generate": …}`` in files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core import datasets
from core.datasets import DATASETS, DatasetError, make
from core.network_file import FORMAT, NetworkFileError, from_dict, loads, to_dict
from core.presets import load_preset

GENERATORS = [key for key, info in DATASETS.items() if info.params]


def test_registry_lists_every_set_with_parameters_in_range():
    assert set(DATASETS) == {
        "or", "and", "xor", "house_prices", "mood", "moons", "circles", "spirals", "blobs", "line", "sine",
    }  # fmt: skip
    for key, info in DATASETS.items():
        for p in info.params:
            assert p.minimum <= p.default <= p.maximum, (key, p.name)
        data = make(key)
        assert data.X.shape[1] == info.inputs
        assert len(data.classes) == info.classes(**info.defaults())
        assert (info.task == "regression") == (not data.classes)
    for key in GENERATORS:
        assert {"n", "noise", "seed"} <= {p.name for p in DATASETS[key].params}


@pytest.mark.parametrize("key", GENERATORS)
def test_generators_are_reproducible_from_their_seed(key):
    a, b, c = make(key, n=60, seed=3), make(key, n=60, seed=3), make(key, n=60, seed=4)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.X, c.X)
    assert a.X.shape == (60, DATASETS[key].inputs)
    assert np.all(np.isfinite(a.X))


@pytest.mark.parametrize("key", ["moons", "circles", "spirals", "blobs"])
def test_classes_alternate_so_they_are_balanced(key):
    data = make(key, n=90, k=3) if key == "blobs" else make(key, n=90)
    k = len(data.classes)
    np.testing.assert_array_equal(data.labels, np.arange(90) % k)


def test_noise_zero_puts_points_on_the_curves():
    moons = make("moons", n=100, noise=0.0)
    upper = moons.X[moons.labels == 0]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    circles = make("circles", n=100, noise=0.0, factor=0.3)
    radius = np.hypot(circles.X[:, 0], circles.X[:, 1])
    np.testing.assert_allclose(radius, np.where(circles.labels == 0, 1.0, 0.3))
    line = make("line", n=20, noise=0.0, slope=-1.5, intercept=4.0)
    np.testing.assert_allclose(line.labels[:, 0], -1.5 * line.X[:, 0] + 4.0)
    sine = make("sine", n=20, noise=0.0)
    np.testing.assert_allclose(sine.labels[:, 0], np.sin(sine.X[:, 0]))


def test_blobs_have_k_classes_around_their_centres():
    data = make("blobs", n=400, k=5, noise=0.1, seed=1)
    y, names = data.targets(5)
    assert y.shape == (400, 5)
    assert names == tuple(f"class {i}" for i in range(5))
    centres = np.array([data.X[data.labels == j].mean(axis=0) for j in range(5)])
    np.testing.assert_allclose(np.hypot(centres[:, 0], centres[:, 1]), 3.0, atol=0.05)


def test_the_lessons_data_match_the_presets():
    for key, preset in (("or", "or_gate"), ("house_prices", "house_prices"), ("mood", "mood_perceptron")):
        net = load_preset(preset)
        data = make(key)
        y, _ = data.targets(1)
        np.testing.assert_array_equal(data.X, net.X)
        np.testing.assert_array_equal(y, net.Y)
    np.testing.assert_array_equal(make("xor").labels, [0, 1, 1, 0])
    np.testing.assert_array_equal(make("and").labels, [0, 0, 0, 1])


def _doc(data: dict, units: int = 1, activation: str = "sigmoid", loss: str = "log_loss") -> dict:
    return {
        "format": FORMAT,
        "inputs": 2,
        "layers": [{"units": 3, "activation": "tanh"}, {"units": units, "activation": activation}],
        "loss": loss,
        "data": data,
    }


def test_a_network_file_may_generate_its_data():
    net = from_dict(_doc({"generate": "moons", "n": 200, "noise": 0.1, "seed": 0}))
    expected = make("moons", n=200, noise=0.1, seed=0)
    np.testing.assert_array_equal(net.X, expected.X)
    np.testing.assert_array_equal(net.Y[:, 0], expected.labels)
    assert net.target_names == ("upper", "lower")
    softmax = from_dict(_doc({"generate": "blobs", "k": 3}, units=3, activation="softmax", loss="cross_entropy"))
    assert softmax.Y.shape == (200, 3)
    assert softmax.target_names == ("class 0", "class 1", "class 2")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"generate": "moon"}, "data generate: unknown data set 'moon' (known: or, and, xor,"),
        ({"generate": 7}, "data generate must name a data set"),
        ({"generate": "moons", "n": 3}, "data n must be a whole number from 4 to 100000, not 3"),
        ({"generate": "moons", "n": 200.5}, "data n must be a whole number from 4 to 100000, not 200.5"),
        ({"generate": "moons", "n": True}, "data n must be a whole number from 4 to 100000, not True"),
        ({"generate": "moons", "noise": -0.1}, "data noise must be a number from 0 to 10, not -0.1"),
        ({"generate": "moons", "noise": "lots"}, "data noise must be a number from 0 to 10, not 'lots'"),
        ({"generate": "moons", "seed": -1}, "data seed must be a whole number from 0 to"),
        ({"generate": "moons", "nosie": 0.1}, "data has unknown field nosie for moons (it takes n, noise, seed)"),
        ({"generate": "xor", "n": 10}, "data has unknown field n for xor (it takes no parameters)"),
        ({"generate": "moons", "X": [[1, 2]]}, "data has unknown field X for moons"),
        ({"generate": "blobs", "k": 4}, "the data set has 4 classes, so the network needs 4 outputs"),
        ({"generate": "sine"}, "data sine has 1 input column (x) but the network has 2 inputs"),
    ],
)
def test_bad_generate_specs_are_one_line_errors(data, message):
    with pytest.raises(NetworkFileError) as e:
        from_dict(_doc(data))
    assert str(e.value).startswith(message)
    assert "\n" not in str(e.value)


def test_a_generated_set_is_saved_as_its_spec_until_its_data_change():
    net = from_dict(_doc({"generate": "circles", "n": 40, "seed": 2}))
    saved = to_dict(net)["data"]
    assert saved == {"generate": "circles", "n": 40, "noise": 0.05, "seed": 2, "factor": 0.5}
    again = loads(json.dumps(to_dict(net)))
    np.testing.assert_array_equal(again.X, net.X)
    np.testing.assert_array_equal(again.Y, net.Y)
    changed = net.with_settings(X=net.X * 2)
    assert to_dict(changed)["data"]["X"] == (net.X * 2).tolist()


def test_spec_for_writes_every_parameter():
    assert datasets.spec_for("blobs", k=4) == {"generate": "blobs", "n": 200, "noise": 1.0, "seed": 0, "k": 4}
    with pytest.raises(DatasetError, match="data k must be a whole number from 2 to 10, not 11"):
        datasets.spec_for("blobs", k=11)


def test_with_dataset_puts_a_set_into_a_network_and_saves_it_as_its_spec():
    net = datasets.with_dataset(load_preset("softmax_3_class"), "blobs", n=30, k=3, seed=2)
    assert net.Y.shape == (30, 3)
    assert net.data_spec == {"generate": "blobs", "n": 30, "noise": 1.0, "seed": 2, "k": 3}
    assert to_dict(net)["data"] == net.data_spec
    sigmoid = datasets.with_dataset(load_preset("net_2_4_1_tanh"), "xor")
    np.testing.assert_array_equal(sigmoid.Y[:, 0], [0, 1, 1, 0])
    with pytest.raises(DatasetError, match=r"^the data set has 4 classes, so the network needs 4 outputs"):
        datasets.with_dataset(load_preset("softmax_3_class"), "blobs", k=4)
    with pytest.raises(DatasetError, match=r"^Noisy sine has 1 input column but the network has 2 inputs$"):
        datasets.with_dataset(load_preset("or_gate"), "sine")
    with pytest.raises(DatasetError, match=r"^log_loss needs targets between 0 and 1"):
        datasets.with_dataset(load_preset("mood_perceptron"), "house_prices")
