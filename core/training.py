"""Gradient descent, as a generator of progress records.

The loop computes exactly what stepping through the layer graph computes
(examples as rows, batches in data order, no shuffling). The cost of an epoch
is the one computed in that epoch's forward passes, before their updates (for
mini-batches, the mean over the epoch's examples). Parameters are
double-buffered, so when a cost turns NaN or infinite the last parameters with
a finite cost are still at hand.

Two paths compute the same numbers (to rounding): in-place numpy calls on
arrays allocated once, and, for tiny problems such as the lesson's presets,
straight-line Python on floats, compiled for the network's shape, because there
numpy's cost per call (about a microsecond) outweighs the arithmetic.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from core.network import Network, Params, param_shapes
from core.ops import DENOMINATOR_FLOOR, LOG_EPS


@dataclass(frozen=True)
class TrainProgress:
    """One chunk of epochs."""

    epoch: int  # epochs completed in this run, after the chunk
    costs: np.ndarray  # the cost of each epoch of the chunk
    params: Params  # after the chunk; on a stop, the last ones with a finite cost
    stopped: str | None = None  # why training stopped early, in words


MAX_CHUNK_EPOCHS = 1_000_000


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
    loop: _Loop = _ScalarLoop(net, params) if _scalar_is_faster(net) else _ArrayLoop(net, params)
    done = 0
    while done < epochs:
        # Each chunk preallocates its costs: bounded, so "train until paused" asks for little memory.
        limit = min(epochs - done, chunk_epochs or MAX_CHUNK_EPOCHS, MAX_CHUNK_EPOCHS)
        costs, stopped = loop.run(limit, time.perf_counter() + chunk_seconds)
        done += len(costs)
        yield TrainProgress(done, costs, loop.params(), stopped)
        if stopped:
            return


def train_all(net: Network, params: Params, epochs: int) -> TrainProgress:
    """Train to the end in one call and return every epoch's cost."""
    if epochs <= 0:
        return TrainProgress(0, np.empty(0), {k: np.array(v, dtype=float) for k, v in params.items()})
    chunks = list(train(net, params, epochs, chunk_seconds=math.inf))
    return TrainProgress(
        chunks[-1].epoch, np.concatenate([c.costs for c in chunks]), chunks[-1].params, chunks[-1].stopped
    )


# Python floats beat numpy while an update takes fewer multiply-adds (examples × parameters)
# than this: numpy spends about a microsecond per call whatever the size, compiled Python
# about 0.2 µs per multiply-add. Measured: the OR gate trains 10× faster on floats, a 2-4-1
# network on 20 examples (work 340) about as fast, a 2-16-16-1 on 400 examples 60× slower.
_SCALAR_MAX_WORK = 300


def _scalar_is_faster(net: Network) -> bool:
    """Whether to train on Python floats: a tiny problem, and no softmax (numpy path only)."""
    supported = net.loss in _SCALAR_LOSSES and all(layer.activation in _SCALAR_LOCAL for layer in net.layers)
    per_update = min(net.batch_size or net.examples, net.examples)
    return supported and per_update * net.param_count <= _SCALAR_MAX_WORK


class _Loop:
    """Epochs in slices of time, and the stop on a non-finite cost; subclasses run one epoch."""

    lr: float
    has_finite_cost = False  # whether the spare parameters are ones with a finite cost
    stopped_params = False  # whether params() should return the spare parameters

    def _epoch(self) -> float:
        raise NotImplementedError

    def params(self) -> Params:
        raise NotImplementedError

    def run(self, epochs: int, deadline: float) -> tuple[np.ndarray, str | None]:
        costs = np.empty(epochs)
        done = 0
        block = 1  # epochs between looks at the clock: doubles while a block takes under a millisecond
        with np.errstate(all="ignore"):
            while done < epochs:
                start = time.perf_counter()
                end = min(done + block, epochs)
                for e in range(done, end):
                    cost = self._epoch()
                    if not math.isfinite(cost):
                        return costs[:e], self._stop(cost)
                    costs[e] = cost
                done = end
                now = time.perf_counter()
                if now > deadline:
                    return costs[:done], None
                if now - start < 1e-3:
                    block *= 2
        return costs, None

    def _stop(self, cost: float) -> str:
        self.stopped_params = self.has_finite_cost
        what = "NaN" if math.isnan(cost) else "infinite"
        return (
            f"the cost became {what}: the learning rate {self.lr:g} is probably too large "
            "(or the inputs need standardising); the last parameters with a finite cost are kept"
        )


# -- the numpy path ------------------------------------------------------------------------


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
    "identity": _identity,
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "relu": _relu,
    "softmax": _softmax,
}


# Backward through an activation, in place: dA and the output A -> dZ (in dA's array).
# A is used up: the backward pass reads it here for the last time.
def _d_identity(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    return da


def _d_sigmoid(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    da *= a
    da *= np.subtract(1.0, a, out=a)
    return da


def _d_tanh(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    np.multiply(a, a, out=a)
    da *= np.subtract(1.0, a, out=a)
    return da


def _d_relu(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    da *= a > 0.0
    return da


def _d_softmax(da: np.ndarray, a: np.ndarray) -> np.ndarray:
    da -= (da * a).sum(axis=1, keepdims=True)
    da *= a
    return da


_BACKWARD = {
    "identity": _d_identity,
    "sigmoid": _d_sigmoid,
    "tanh": _d_tanh,
    "relu": _d_relu,
    "softmax": _d_softmax,
}

_OutputRule = Callable[[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray, np.ndarray], float]


def _output_rule(activation: str, loss: str) -> _OutputRule:
    """(Ŷ, Y, 1 − Y, m, G, scratch) -> cost, writing ∂C/∂Z of the output layer to G.

    Ŷ is used up. Each rule computes the graph's chain, loss node then activation node.
    """
    backward = _BACKWARD[activation]

    def half_squared_error(a, y, not_y, m, g, scratch):
        d = np.subtract(a, y, out=g)
        cost = 0.5 * float(np.vdot(d, d)) / m
        d /= m
        backward(d, a)
        return cost

    def log_loss(a, y, not_y, m, g, scratch):
        p = np.minimum(np.maximum(a, LOG_EPS, out=g), 1.0 - LOG_EPS, out=g)  # np.clip, at half the cost
        on_ones = np.vdot(y, np.log(p, out=scratch))
        on_zeros = np.vdot(not_y, np.log(np.subtract(1.0, p, out=scratch), out=scratch))
        cost = -float(on_ones + on_zeros) / m
        # ∂L/∂ŷ = −(y − ŷ) / (ŷ(1 − ŷ)) as the graph computes it (ops.LOG_LOSS), then back
        # through the activation: not the fused ŷ − y, which a saturated graph cannot give.
        np.subtract(1.0, a, out=scratch)
        scratch *= a  # ŷ(1 − ŷ): the loss's denominator, and a sigmoid's local gradient
        np.subtract(a, y, out=g)
        g /= m
        if activation == "sigmoid":  # the same product, in an order that needs no extra buffer
            g *= scratch
            g /= np.maximum(scratch, DENOMINATOR_FLOOR, out=scratch)
            return cost
        g /= np.maximum(scratch, DENOMINATOR_FLOOR, out=scratch)
        backward(g, a)
        return cost

    def cross_entropy(a, y, not_y, m, g, scratch):  # softmax output (checked on load)
        cost = -float(np.vdot(y, np.log(np.maximum(a, LOG_EPS, out=scratch), out=scratch))) / m
        # ∂L/∂a = −y / a as the graph computes it (ops.CROSS_ENTROPY), then back through the softmax.
        np.maximum(a, DENOMINATOR_FLOOR, out=scratch)
        np.divide(y, scratch, out=g)
        g /= -m
        backward(g, a)
        return cost

    return {"half_squared_error": half_squared_error, "log_loss": log_loss, "cross_entropy": cross_entropy}[loss]


class _Batch(NamedTuple):
    x: np.ndarray
    y: np.ndarray
    not_y: np.ndarray  # 1 − Y, for log loss
    m: float
    acts: list[np.ndarray]  # each layer's Z, then A, in place
    grads: list[np.ndarray]  # each layer's ∂C/∂Z
    scratch: np.ndarray  # m × outputs, for the loss


class _ArrayLoop(_Loop):
    """Batches as numpy arrays; every intermediate array is allocated once, in __init__."""

    def __init__(self, net: Network, params: Params) -> None:
        n = len(net.layers)
        self.ws = [np.array(params[f"W{i}"], dtype=float) for i in range(1, n + 1)]
        self.bs = [np.array(params[f"b{i}"], dtype=float) for i in range(1, n + 1)]
        self.spare_ws = [w.copy() for w in self.ws]
        self.spare_bs = [b.copy() for b in self.bs]
        self.grad_ws = [np.empty_like(w) for w in self.ws]
        self.grad_bs = [np.empty_like(b) for b in self.bs]
        self.forward = [_FORWARD[layer.activation] for layer in net.layers]
        self.backward = [_BACKWARD[layer.activation] for layer in net.layers]
        self.output = _output_rule(net.layers[-1].activation, net.loss)
        self.lr = net.learning_rate
        self.m = net.examples
        buffers: dict[int, tuple[list[np.ndarray], list[np.ndarray], np.ndarray]] = {}  # by batch size
        self.batches = []
        for rows in net.batches():
            k = len(rows)
            if k not in buffers:
                units = [layer.units for layer in net.layers]
                buffers[k] = (
                    [np.empty((k, u)) for u in units],
                    [np.empty((k, u)) for u in units],
                    np.empty((k, net.outputs)),
                )
            x, y = net.X[rows], net.Y[rows]
            self.batches.append(_Batch(x, y, 1.0 - y, float(k), *buffers[k]))
        self.whole = len(self.batches) == 1

    def params(self) -> Params:
        # After a stop, the spare buffers hold the last parameters with a finite cost.
        ws, bs = (self.spare_ws, self.spare_bs) if self.stopped_params else (self.ws, self.bs)
        out: Params = {}
        for i, (w, b) in enumerate(zip(ws, bs, strict=True), start=1):
            out[f"W{i}"], out[f"b{i}"] = w.copy(), b.copy()
        return out

    def _epoch(self) -> float:
        lr, forward, backward, output = self.lr, self.forward, self.backward, self.output
        grad_ws, grad_bs = self.grad_ws, self.grad_bs
        last = len(forward) - 1
        total = 0.0
        for x, y, not_y, m, acts, grads, scratch in self.batches:
            ws, bs = self.ws, self.bs
            a = x
            for w, b, f, z in zip(ws, bs, forward, acts, strict=True):
                np.matmul(a, w, out=z)
                z += b
                a = f(z)
            cost = output(a, y, not_y, m, grads[last], scratch)
            if not math.isfinite(cost):
                return cost
            total += cost * m
            spare_ws, spare_bs = self.spare_ws, self.spare_bs
            dz = grads[last]
            for i in range(last, -1, -1):
                a = acts[i - 1] if i else x  # this layer's input
                gw, gb = grad_ws[i], grad_bs[i]
                np.matmul(a.T, dz, out=gw)
                np.add.reduce(dz, axis=0, out=gb)  # dz.sum(axis=0) without its Python wrapper
                if i:
                    dz = backward[i - 1](np.matmul(dz, ws[i].T, out=grads[i - 1]), a)
                gw *= lr
                gb *= lr
                np.subtract(ws[i], gw, out=spare_ws[i])
                np.subtract(bs[i], gb, out=spare_bs[i])
            self.ws, self.spare_ws = spare_ws, ws
            self.bs, self.spare_bs = spare_bs, bs
            self.has_finite_cost = True
        return cost if self.whole else total / self.m


# -- the Python-float path, for tiny problems ----------------------------------------------
# One update is compiled to straight-line Python for the network's shape, one line per
# unit, in the numpy path's order of operations. For the OR gate it reads (abridged):
#
#     def update(params, rows, m, lr):
#         W1_0_0, W1_1_0, b1_0 = params
#         loss = gW1_0_0 = gW1_1_0 = gb1_0 = 0.0
#         for x_0, x_1, y_0 in rows:
#             a1_0 = sigmoid(x_0 * W1_0_0 + x_1 * W1_1_0 + b1_0)
#             d_0 = a1_0 - y_0
#             loss += d_0 * d_0
#             dz1_0 = d_0 / m * a1_0 * (1.0 - a1_0)
#             gW1_0_0 += x_0 * dz1_0
#             ...
#         return 0.5 * loss / m, (W1_0_0 - lr * gW1_0_0, W1_1_0 - lr * gW1_1_0, b1_0 - lr * gb1_0)


def _sigmoid_float(z: float) -> float:
    try:
        return 1.0 / (1.0 + math.exp(-z))
    except OverflowError:  # numpy's exp gives inf there, and 1 / (1 + inf) = 0
        return 0.0


_SCALAR_FORWARD = {"identity": "{z}", "sigmoid": "sigmoid({z})", "tanh": "tanh({z})", "relu": "max({z}, 0.0)"}
# Backward through an activation: ∂C/∂a (parenthesised) and a -> ∂C/∂z.
_SCALAR_LOCAL = {
    "identity": "{da}",
    "sigmoid": "{da} * {a} * (1.0 - {a})",
    "tanh": "{da} * (1.0 - {a} * {a})",
    "relu": "{da} * ({a} > 0.0)",
}
_SCALAR_LOSSES = ("half_squared_error", "log_loss")

_Update = Callable[[tuple[float, ...], list[tuple[float, ...]], float, float], tuple[float, tuple[float, ...]]]


@functools.cache
def _compile_update(inputs: int, layers: tuple[tuple[int, str], ...], loss: str) -> _Update:
    """update(params, rows, m, lr) -> (cost, new params), params flat in the order of param_shapes."""
    # The source holds only generated names, numbers and the fixed templates above.
    namespace = {
        "sigmoid": _sigmoid_float,
        "tanh": math.tanh,
        "log": math.log,
        "LOG_EPS": LOG_EPS,
        "HIGH": 1.0 - LOG_EPS,
        "FLOOR": DENOMINATOR_FLOOR,
    }
    exec(compile(_update_source(inputs, layers, loss), "<compiled update>", "exec"), namespace)
    return namespace["update"]


def _update_source(inputs: int, layers: tuple[tuple[int, str], ...], loss: str) -> str:
    """The Python source of the update for a network of this shape (units, activation per layer)."""
    sizes = [inputs] + [units for units, _ in layers]
    acts = [[f"x_{i}" for i in range(inputs)]] + [
        [f"a{n}_{j}" for j in range(units)] for n, (units, _) in enumerate(layers, start=1)
    ]
    params = []
    for n in range(1, len(sizes)):
        params += [f"W{n}_{i}_{j}" for i in range(sizes[n - 1]) for j in range(sizes[n])]
        params += [f"b{n}_{j}" for j in range(sizes[n])]
    grads = ["g" + p for p in params]
    outputs = sizes[-1]
    targets = [f"y_{k}" for k in range(outputs)]
    sums = ["loss"] if loss == "half_squared_error" else ["on_ones", "on_zeros"]

    body = []
    for n, (units, activation) in enumerate(layers, start=1):
        for j in range(units):
            z = " + ".join(f"{a} * W{n}_{i}_{j}" for i, a in enumerate(acts[n - 1])) + f" + b{n}_{j}"
            body.append(f"{acts[n][j]} = {_SCALAR_FORWARD[activation].format(z=z)}")
    out, out_activation = acts[-1], layers[-1][1]
    local = _SCALAR_LOCAL[out_activation]
    for k, (a, y) in enumerate(zip(out, targets, strict=True)):
        if loss == "half_squared_error":
            body += [f"d_{k} = {a} - {y}", f"loss += d_{k} * d_{k}"]
            body.append(f"dz{len(layers)}_{k} = {local.format(da=f'd_{k} / m', a=a)}")
            continue
        body += [f"p_{k} = min(max({a}, LOG_EPS), HIGH)", f"on_ones += {y} * log(p_{k})"]
        body.append(f"on_zeros += (1.0 - {y}) * log(1.0 - p_{k})")
        # The graph's chain (see the numpy path's log_loss), not the fused ŷ − y.
        da = f"(({a} - {y}) / max({a} * (1.0 - {a}), FLOOR) / m)"
        body.append(f"dz{len(layers)}_{k} = {local.format(da=da, a=a)}")
    for n in range(len(layers), 0, -1):
        for j in range(sizes[n]):
            body += [f"gW{n}_{i}_{j} += {a} * dz{n}_{j}" for i, a in enumerate(acts[n - 1])]
            body.append(f"gb{n}_{j} += dz{n}_{j}")
        if n > 1:
            for i, a in enumerate(acts[n - 1]):
                da = " + ".join(f"dz{n}_{j} * W{n}_{i}_{j}" for j in range(sizes[n]))
                body.append(f"dz{n - 1}_{i} = {_SCALAR_LOCAL[layers[n - 2][1]].format(da=f'({da})', a=a)}")

    cost = "0.5 * loss / m" if loss == "half_squared_error" else "-(on_ones + on_zeros) / m"
    updated = ", ".join(f"{p} - lr * {g}" for p, g in zip(params, grads, strict=True))
    return "\n".join(
        [
            "def update(params, rows, m, lr):",
            f"    {', '.join(params)}, = params",
            f"    {' = '.join(sums + grads)} = 0.0",
            f"    for {', '.join(acts[0] + targets)}, in rows:",
            *(f"        {line}" for line in body),
            f"    return {cost}, ({updated},)",
        ]
    )


class _ScalarLoop(_Loop):
    """Python floats through a compiled update; the parameters are a flat tuple."""

    def __init__(self, net: Network, params: Params) -> None:
        self.shapes = param_shapes(net.inputs, net.layers)
        layers = tuple((layer.units, layer.activation) for layer in net.layers)
        self.update = _compile_update(net.inputs, layers, net.loss)
        self.flat = tuple(float(v) for name in self.shapes for v in np.ravel(params[name]))
        self.spare = self.flat  # the parameters before the last update
        self.lr = net.learning_rate
        self.m = net.examples
        rows = np.hstack([net.X, net.Y]).tolist()
        self.batches = [([tuple(rows[i]) for i in b], float(len(b))) for b in net.batches()]
        self.whole = len(self.batches) == 1

    def params(self) -> Params:
        flat = self.spare if self.stopped_params else self.flat
        out: Params = {}
        start = 0
        for name, shape in self.shapes.items():
            size = math.prod(shape)
            out[name] = np.array(flat[start : start + size]).reshape(shape)
            start += size
        return out

    def _epoch(self) -> float:
        update, lr = self.update, self.lr
        total = 0.0
        for rows, m in self.batches:
            cost, new = update(self.flat, rows, m, lr)
            if not math.isfinite(cost):
                return cost
            total += cost * m
            self.spare, self.flat = self.flat, new
            self.has_finite_cost = True
        return cost if self.whole else total / self.m
