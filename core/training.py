"""Vectorized gradient descent, as a generator of progress records.

The loop computes exactly what stepping through the layer graph computes
(examples as rows, batches in data order, no shuffling), fused into in-place
numpy calls. The cost of an epoch is the one computed in that epoch's forward
passes, before their updates (for mini-batches, the mean over the epoch's
examples). Parameters are double-buffered, so when a cost turns NaN or
infinite the last parameters with a finite cost are still at hand.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from core.network import Network, Params
from core.ops import LOG_EPS


@dataclass(frozen=True)
class TrainProgress:
    """One chunk of epochs."""

    epoch: int  # epochs completed in this run, after the chunk
    costs: np.ndarray  # the cost of each epoch of the chunk
    params: Params  # after the chunk; on a stop, the last ones with a finite cost
    stopped: str | None = None  # why training stopped early, in words


def train(
    net: Network,
    params: Params,
    epochs: int,
    chunk_seconds: float = 1 / 30,
    chunk_epochs: int | None = None,
) -> Iterator[TrainProgress]:
    """Train for ``epochs`` epochs from ``params`` (which are not modified).

    A record is yielded whenever ``chunk_epochs`` epochs or ``chunk_seconds``
    have passed, and at the end; the consumer may stop iterating at any yield.
    """
    loop = _Loop(net, params)
    done = 0
    while done < epochs:
        limit = epochs - done if chunk_epochs is None else min(chunk_epochs, epochs - done)
        costs, stopped = loop.run(limit, time.perf_counter() + chunk_seconds)
        done += len(costs)
        yield TrainProgress(done, costs, loop.params(), stopped)
        if stopped:
            return


def train_all(net: Network, params: Params, epochs: int) -> TrainProgress:
    """Train to the end in one call and return every epoch's cost."""
    chunks = list(train(net, params, epochs, chunk_seconds=math.inf))
    return TrainProgress(
        chunks[-1].epoch, np.concatenate([c.costs for c in chunks]), chunks[-1].params, chunks[-1].stopped
    )


# Forward activations, in place on Z.
def _identity(z: np.ndarray) -> np.ndarray:
    return z


def _sigmoid(z: np.ndarray) -> np.ndarray:
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    return np.reciprocal(z, out=z)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z, out=z)


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0, out=z)


def _softmax(z: np.ndarray) -> np.ndarray:
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


_FORWARD: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": _identity, "sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu, "softmax": _softmax,
}


# Backward through a hidden activation: dA (owned, may be overwritten) and the output A -> dZ.
def _d_identity(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    return da


def _d_sigmoid(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    da *= a
    da *= 1.0 - a
    return da


def _d_tanh(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    da *= 1.0 - a * a
    return da


def _d_relu(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    da *= a > 0.0
    return da


def _d_softmax(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    da -= (da * a).sum(axis=1, keepdims=True)
    da *= a
    return da


_BACKWARD = {
    "identity": _d_identity, "sigmoid": _d_sigmoid, "tanh": _d_tanh, "relu": _d_relu, "softmax": _d_softmax,
}


def _output_rule(activation: str, loss: str) -> Callable[[np.ndarray, np.ndarray, float], tuple[float, np.ndarray]]:
    """(Ŷ, Y, m) -> (cost, ∂C/∂Z of the output layer), fused where the lesson collapses it."""

    def half_squared_error(a, y, m):
        d = a - y
        cost = 0.5 * float(np.vdot(d, d)) / m
        d /= m
        return cost, backward(d, a)

    def log_loss(a, y, m):
        p = np.clip(a, LOG_EPS, 1.0 - LOG_EPS)
        cost = -float(np.vdot(y, np.log(p)) + np.vdot(1.0 - y, np.log(1.0 - p))) / m
        if activation == "sigmoid":  # through a sigmoid, ∂L/∂z = ŷ − y
            return cost, (a - y) / m
        return cost, backward(-(y - p) / (p * (1.0 - p)) / m, a)

    def cross_entropy(a, y, m):  # softmax output (checked on load)
        cost = -float(np.vdot(y, np.log(np.clip(a, LOG_EPS, None)))) / m
        return cost, (a * y.sum(axis=1, keepdims=True) - y) / m

    backward = _BACKWARD[activation]
    return {"half_squared_error": half_squared_error, "log_loss": log_loss, "cross_entropy": cross_entropy}[loss]


class _Loop:
    def __init__(self, net: Network, params: Params) -> None:
        n = len(net.layers)
        self.ws = [np.array(params[f"W{i}"], dtype=float) for i in range(1, n + 1)]
        self.bs = [np.array(params[f"b{i}"], dtype=float) for i in range(1, n + 1)]
        self.spare_ws = [w.copy() for w in self.ws]
        self.spare_bs = [b.copy() for b in self.bs]
        self.forward = [_FORWARD[layer.activation] for layer in net.layers]
        self.backward = [_BACKWARD[layer.activation] for layer in net.layers]
        self.output = _output_rule(net.layers[-1].activation, net.loss)
        self.lr = net.learning_rate
        self.m = net.examples
        self.batches = [(net.X[i], net.Y[i], float(len(i))) for i in net.batches()]
        self.whole = len(self.batches) == 1
        self.has_finite_cost = False  # whether the spare buffers hold parameters with a finite cost
        self.stopped_params = False  # whether params() should read the spare buffers

    def params(self) -> Params:
        # After a stop, the spare buffers hold the last parameters with a finite cost.
        ws, bs = (self.spare_ws, self.spare_bs) if self.stopped_params else (self.ws, self.bs)
        out: Params = {}
        for i, (w, b) in enumerate(zip(ws, bs, strict=True), start=1):
            out[f"W{i}"], out[f"b{i}"] = w.copy(), b.copy()
        return out

    def run(self, epochs: int, deadline: float) -> tuple[np.ndarray, str | None]:
        costs = np.empty(epochs)
        with np.errstate(all="ignore"):
            for e in range(epochs):
                cost = self._epoch()
                if not math.isfinite(cost):
                    return costs[:e], self._stop(cost)
                costs[e] = cost
                if time.perf_counter() > deadline:
                    return costs[: e + 1], None
        return costs, None

    def _stop(self, cost: float) -> str:
        self.stopped_params = self.has_finite_cost
        what = "NaN" if math.isnan(cost) else "infinite"
        return (
            f"the cost became {what}: the learning rate {self.lr:g} is probably too large "
            "(or the inputs need standardising); the last parameters with a finite cost are kept"
        )

    def _epoch(self) -> float:
        ws, bs, lr = self.ws, self.bs, self.lr
        forward, backward, output = self.forward, self.backward, self.output
        total = 0.0
        for x, y, m in self.batches:
            acts = [x]
            a = x
            for w, b, f in zip(ws, bs, forward, strict=True):
                z = a @ w
                z += b
                a = f(z)
                acts.append(a)
            cost, dz = output(a, y, m)
            if not math.isfinite(cost):
                return cost
            total += cost * m
            spare_ws, spare_bs = self.spare_ws, self.spare_bs
            for i in range(len(ws) - 1, -1, -1):
                w = ws[i]
                gw = acts[i].T @ dz
                gb = dz.sum(axis=0)
                if i:
                    dz = backward[i - 1](dz @ w.T, acts[i])
                gw *= lr
                gb *= lr
                np.subtract(w, gw, out=spare_ws[i])
                np.subtract(bs[i], gb, out=spare_bs[i])
            self.ws, self.spare_ws = spare_ws, ws
            self.bs, self.spare_bs = spare_bs, bs
            ws, bs = self.ws, self.bs
            self.has_finite_cost = True
        return cost if self.whole else total / self.m
