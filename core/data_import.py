"""Putting imported data into a network: as it is when the shapes fit, or with the network's
input and output layers adapted to the data (hidden layers kept), or refused with the reason."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.activations import activation
from core.csv_data import CsvData
from core.network import Layer, Network, Standardisation, check_network


def mismatch(net: Network, data: CsvData) -> str | None:
    """How the data's shape differs from the network's inputs and outputs, or None when it fits."""
    inputs, outputs = data.X.shape[1], data.y.shape[1]
    if (inputs, outputs) == (net.inputs, net.outputs):
        return None
    return (
        f"the data has {_count(inputs, 'input column')} and {_count(outputs, 'target column')}; "
        f"the network has {_count(net.inputs, 'input')} and {_count(net.outputs, 'output')}"
    )


def with_data(net: Network, data: CsvData, name: str | None = None) -> Network:
    """``net`` on the imported data; ValueError says why they cannot go together."""
    standardisation = None if data.mean is None else Standardisation(np.array(data.mean), np.array(data.std))
    result = replace(
        net,
        X=np.array(data.X, dtype=float),
        Y=np.array(data.y, dtype=float),
        feature_names=tuple(data.feature_names),
        target_names=tuple(data.target_names),
        standardisation=standardisation,
        data_spec=None,  # the data is the file's rows now, not a generator's
        name=name or net.name,
    )
    check_network(result)
    result.initial_params()  # builds the starting parameters, so their errors surface here
    return result


def adapted(net: Network, data: CsvData, name: str | None = None) -> Network:
    """``net`` resized to the data (see ``resized``) and on it; ValueError says why it still cannot work."""
    return with_data(resized(net, data.X.shape[1], data.y.shape[1], bool(data.classes)), data, name)


def resized(net: Network, inputs: int, outputs: int, classes: bool) -> Network:
    """``net`` with its input and output layers resized (new seeded weights there), its hidden
    layers and their weights kept, and an output and loss that suit the targets: softmax with
    cross-entropy for several classes, sigmoid for two, identity for numbers. The data is not
    touched: the caller puts data of the new shape in."""
    activation, loss = _output_for(net, classes, outputs)
    layers = list(net.layers)
    if net.inputs != inputs:
        layers[0] = Layer(layers[0].units, layers[0].activation)
    last = layers[-1]
    if last.units != outputs or last.activation != activation:
        layers[-1] = Layer(outputs, activation)
    return replace(net, inputs=inputs, layers=tuple(layers), loss=loss)


def _output_for(net: Network, classes: bool, outputs: int) -> tuple[str, str]:
    """The output activation and loss that suit the data's targets."""
    current = (net.layers[-1].activation, net.loss)
    if not classes:
        output = activation(current[0])
        if not (output.probabilities or output.output_only) and current[1] in ("half_squared_error", "squared_error"):
            return current
        return "identity", "half_squared_error"
    if outputs > 1:
        return "softmax", "cross_entropy"
    if current[0] == "sigmoid" and current[1] in ("log_loss", "half_squared_error"):
        return current
    return "sigmoid", "log_loss"


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")
