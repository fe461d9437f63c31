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
numpy's cost per call (about a microsecond) outweighs the arithmetic. Both take
every activation's and loss's rules from their definitions (core.activations,
core.losses: fast kernels where registered, the plain rules otherwise), the
update from core.update, and a planted bug's wrong gradients from core.bugs.

Gradient descent is fused into each loop. The other optimisers (momentum, Adam, Newton's
method) take each batch's gradient from the loop and update through core.optimizers.update,
the function stepping uses; their state (velocity, moments) goes on from the state a run is
given, and each record carries it on, so a paused run, stepping after it and the next run continue
where the last update left off.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from core.activations import ActivationDef
from core.bugs import op_set
from core.curvature import cost_hessian
from core.losses import ArrayKernel, LossDef
from core.network import Network, Params, param_shapes
from core.opset import Linear, OpSet
from core.optimizers import OptimizerError, State, fits, update
from core.update import GradientDescent


@dataclass(frozen=True)
class TrainProgress:
    """One chunk of epochs."""

    epoch: int  # epochs completed in this run, after the chunk
    costs: np.ndarray  # the cost of each epoch of the chunk
    params: Params  # after the chunk; on a stop, the last ones with a finite cost
    stopped: str | None = None  # why training stopped early, in words
    state: State | None = None  # the optimiser's state after the chunk (None for gradient descent, or after a stop)


MAX_CHUNK_EPOCHS = 1_000_000


def train(
    net: Network,
    params: Params,
    epochs: int,
    chunk_seconds: float = 1 / 30,
    chunk_epochs: int | None = None,
    path: str = "auto",
    state: State | None = None,
) -> Iterator[TrainProgress]:
    """Train for ``epochs`` epochs from ``params`` (which are not modified) and the optimiser's ``state``.

    A record is yielded whenever ``chunk_epochs`` epochs or ``chunk_seconds``
    have passed, and at the end; the consumer may stop iterating at any yield.
    ``path`` is "numpy", "float", or "auto" (the faster one for the network).
    """
    loop = _loop(net, params, path, state)
    done = 0
    while done < epochs:
        # Each chunk preallocates its costs: bounded, so "train until paused" asks for little memory.
        limit = min(epochs - done, chunk_epochs or MAX_CHUNK_EPOCHS, MAX_CHUNK_EPOCHS)
        costs, stopped = loop.run(limit, time.perf_counter() + chunk_seconds)
        done += len(costs)
        yield TrainProgress(done, costs, loop.params(), stopped, None if stopped else loop.optimizer_state())
        if stopped:
            return


def train_all(
    net: Network, params: Params, epochs: int, path: str = "auto", state: State | None = None
) -> TrainProgress:
    """Train to the end in one call and return every epoch's cost."""
    if epochs <= 0:
        return TrainProgress(0, np.empty(0), {k: np.array(v, dtype=float) for k, v in params.items()}, state=state)
    chunks = list(train(net, params, epochs, chunk_seconds=math.inf, path=path, state=state))
    last = chunks[-1]
    return TrainProgress(last.epoch, np.concatenate([c.costs for c in chunks]), last.params, last.stopped, last.state)


# Python floats beat numpy while an update takes fewer multiply-adds (examples × parameters)
# than this: numpy spends about a microsecond per call whatever the size, compiled Python
# about 0.2 µs per multiply-add. Measured: the OR gate trains 10× faster on floats, a 2-4-1
# network on 20 examples (work 340) about as fast, a 2-16-16-1 on 400 examples 60× slower.
_SCALAR_MAX_WORK = 300


def _loop(net: Network, params: Params, path: str, state: State | None) -> _Loop:
    if path not in ("auto", "numpy", "float"):
        raise ValueError(f"unknown training path {path!r} (use auto, numpy or float)")
    unfit = fits(net.optimizer, net.param_count)
    if unfit:
        raise OptimizerError(unfit)
    per_update = min(net.batch_size or net.examples, net.examples)
    on_floats = path == "float" or (path == "auto" and per_update * net.param_count <= _SCALAR_MAX_WORK)
    return _ScalarLoop(net, params, state) if on_floats else _ArrayLoop(net, params, state)


class _OptimizerSteps:
    """Momentum, Adam or Newton's method: one update of named parameters through core.optimizers,
    carrying the optimiser's state from batch to batch."""

    def __init__(self, net: Network, state: State | None) -> None:
        self.net = net
        self.state = state

    def __call__(self, params: Params, grads: Params, rows: np.ndarray) -> Params:
        net = self.net
        hessian = (lambda p: cost_hessian(net, p, rows)) if net.optimizer.name == "newton" else None
        result = update(net.optimizer, net.learning_rate, params, grads, self.state, hessian)
        self.state = result.state
        return result.params


def _optimizer_steps(net: Network, state: State | None) -> _OptimizerSteps | None:
    """The optimiser's steps, going on from ``state``; None for gradient descent, which each loop fuses
    into its own update."""
    return None if net.optimizer.name == "gd" else _OptimizerSteps(net, state)


class _Loop:
    """Epochs in slices of time, and the stop on a non-finite cost; subclasses run one epoch."""

    rule: GradientDescent
    net: Network
    steps: _OptimizerSteps | None
    has_finite_cost = False  # whether the spare parameters are ones with a finite cost
    stopped_params = False  # whether params() should return the spare parameters

    def _epoch(self) -> float:
        raise NotImplementedError

    def params(self) -> Params:
        raise NotImplementedError

    def optimizer_state(self) -> State | None:
        return None if self.steps is None else self.steps.state

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
        cause = (
            "Newton's steps diverged (try damping)"
            if self.net.optimizer.name == "newton"
            else f"the learning rate {self.rule.learning_rate:g} is probably too large"
        )
        return (
            f"the cost became {what}: {cause} "
            "(or the inputs need standardising); the last parameters with a finite cost are kept"
        )


# -- the numpy path ------------------------------------------------------------------------


class _Batch(NamedTuple):
    x: np.ndarray
    y: np.ndarray
    not_y: np.ndarray  # 1 − Y, for log loss
    m: float
    zs: list[np.ndarray]  # each layer's Z
    acts: list[np.ndarray]  # each layer's A
    grads: list[np.ndarray]  # each layer's ∂C/∂Z
    scratch: np.ndarray  # m × outputs, for the loss
    rows: np.ndarray  # which examples


def _output_kernel(opset: OpSet, activation: ActivationDef, loss: LossDef) -> tuple[ArrayKernel, bool]:
    """The loss's kernel for the output layer, and whether it already went back through the activation."""
    fused = loss.fused.get(activation.name) if opset.fused_outputs else None
    return (fused, True) if fused is not None else (loss.kernel, False)


class _ArrayLoop(_Loop):
    """Batches as numpy arrays; every intermediate array is allocated once, in __init__."""

    def __init__(self, net: Network, params: Params, state: State | None) -> None:
        n = len(net.layers)
        opset = op_set(net.planted_bug)
        self.ws = [np.array(params[f"W{i}"], dtype=float) for i in range(1, n + 1)]
        self.bs = [np.array(params[f"b{i}"], dtype=float) for i in range(1, n + 1)]
        self.spare_ws = [w.copy() for w in self.ws]
        self.spare_bs = [b.copy() for b in self.bs]
        self.grad_ws = [np.empty_like(w) for w in self.ws]
        self.grad_bs = [np.empty_like(b) for b in self.bs]
        activations = [opset.activation(layer.activation) for layer in net.layers]
        self.forward = [a.forward_into for a in activations]
        self.backward = [a.backward_in_place for a in activations]
        self.output, self.output_fused = _output_kernel(opset, activations[-1], opset.loss(net.loss))
        self.linear: Linear = opset.linear
        self.mean_divides = opset.mean_divides
        self.rule = GradientDescent(net.learning_rate)
        self.net = net
        self.steps = _optimizer_steps(net, state)
        self.m = net.examples
        buffers: dict[int, tuple[list[np.ndarray], ...]] = {}  # by batch size
        self.batches = []
        for rows in net.batches():
            k = len(rows)
            if k not in buffers:
                units = [layer.units for layer in net.layers]
                zs = [np.empty((k, u)) for u in units]
                acts = [
                    z if not a.array_backward_reads_z else np.empty_like(z)
                    for z, a in zip(zs, activations, strict=True)
                ]
                buffers[k] = (zs, acts, [np.empty((k, u)) for u in units])
            x, y = net.X[rows], net.Y[rows]
            self.batches.append(_Batch(x, y, 1.0 - y, float(k), *buffers[k], np.empty((k, net.outputs)), rows))
        self.whole = len(self.batches) == 1

    def params(self) -> Params:
        # After a stop, the spare buffers hold the last parameters with a finite cost.
        ws, bs = (self.spare_ws, self.spare_bs) if self.stopped_params else (self.ws, self.bs)
        out: Params = {}
        for i, (w, b) in enumerate(zip(ws, bs, strict=True), start=1):
            out[f"W{i}"], out[f"b{i}"] = w.copy(), b.copy()
        return out

    def _epoch(self) -> float:
        forward, backward, output, linear, step = self.forward, self.backward, self.output, self.linear, self.rule
        grad_ws, grad_bs = self.grad_ws, self.grad_bs
        last = len(forward) - 1
        total = 0.0
        for x, y, not_y, m, zs, acts, grads, scratch, rows in self.batches:
            ws, bs = self.ws, self.bs
            a = x
            for w, b, f, z, out in zip(ws, bs, forward, zs, acts, strict=True):
                np.matmul(a, w, out=z)
                z += b
                a = f(z, out)
            cost = output(a, y, not_y, grads[last], scratch, m if self.mean_divides else 1.0) / m
            if not math.isfinite(cost):
                return cost
            total += cost * m
            dz = grads[last] if self.output_fused else backward[last](grads[last], zs[last], a)
            spare_ws, spare_bs = self.spare_ws, self.spare_bs
            for i in range(last, -1, -1):
                gw, gb = grad_ws[i], grad_bs[i]
                if i:
                    linear.array(acts[i - 1], dz, ws[i], gw, gb, grads[i - 1])
                    dz = backward[i - 1](grads[i - 1], zs[i - 1], acts[i - 1])
                else:
                    linear.array(x, dz, ws[i], gw, gb, None)
                if self.steps is None:
                    step.step_into(ws[i], gw, spare_ws[i])
                    step.step_into(bs[i], gb, spare_bs[i])
            if self.steps is not None:
                self._optimizer_step(rows)
            self.ws, self.spare_ws = spare_ws, ws
            self.bs, self.spare_bs = spare_bs, bs
            self.has_finite_cost = True
        return cost if self.whole else total / self.m

    def _optimizer_step(self, rows: np.ndarray) -> None:
        """The non-fused optimisers: the new parameters into the spare buffers."""
        names = [f"{kind}{i}" for i in range(1, len(self.ws) + 1) for kind in "Wb"]
        current = [a for pair in zip(self.ws, self.bs, strict=True) for a in pair]
        grads = [a for pair in zip(self.grad_ws, self.grad_bs, strict=True) for a in pair]
        new = self.steps(dict(zip(names, current, strict=True)), dict(zip(names, grads, strict=True)), rows)
        for i in range(len(self.ws)):
            np.copyto(self.spare_ws[i], new[f"W{i + 1}"])
            np.copyto(self.spare_bs[i], new[f"b{i + 1}"])


# -- the Python-float path, for tiny problems ----------------------------------------------
# One update is compiled to straight-line Python for the network's shape, one line per
# unit, in the numpy path's order of operations, from the templates the activations and
# losses register (core.activations, core.losses). For the OR gate it reads (abridged):
#
#     def update(params, rows, m, lr):
#         W1_0_0, W1_1_0, b1_0 = params
#         total = gW1_0_0 = gW1_1_0 = gb1_0 = 0.0
#         for x_0, x_1, y_0 in rows:
#             a1_0 = sigmoid(x_0 * W1_0_0 + x_1 * W1_1_0 + b1_0)
#             d_0 = a1_0 - y_0
#             total += d_0 * d_0
#             dz1_0 = (d_0) / m * a1_0 * (1.0 - a1_0)
#             gW1_0_0 += x_0 * dz1_0
#             ...
#         return (0.5 * total) / m, (W1_0_0 - lr * gW1_0_0, W1_1_0 - lr * gW1_1_0, b1_0 - lr * gb1_0)

_Update = Callable[[tuple[float, ...], list[tuple[float, ...]], float, float], tuple[float, tuple[float, ...]]]


def _compile_update(net: Network, gradient_only: bool = False) -> _Update:
    """update(params, rows, m, lr) -> (cost, new params), params flat in the order of param_shapes;
    with ``gradient_only``, (cost, gradient) for an optimiser to apply."""
    opset = op_set(net.planted_bug)
    activations = tuple(opset.activation(layer.activation) for layer in net.layers)
    layers = tuple((layer.units, a) for layer, a in zip(net.layers, activations, strict=True))
    return _compiled(net.inputs, layers, opset.loss(net.loss), opset.linear, opset.mean_divides, gradient_only)


@functools.cache
def _compiled(
    inputs: int,
    layers: tuple[tuple[int, ActivationDef], ...],
    loss: LossDef,
    linear: Linear,
    mean_divides: bool,
    gradient_only: bool,
) -> _Update:
    # The source holds only generated names, numbers and the definitions' templates.
    namespace: dict = {}
    for _, activation in layers:
        namespace.update(activation.float_namespace())
    namespace.update(loss.float_namespace())
    source = _update_source(inputs, layers, loss, linear, mean_divides, gradient_only)
    exec(compile(source, "<compiled update>", "exec"), namespace)
    return namespace["update"]


def _update_source(
    inputs: int,
    layers: tuple[tuple[int, ActivationDef], ...],
    loss: LossDef,
    linear: Linear,
    mean_divides: bool,
    gradient_only: bool = False,
) -> str:
    """The Python source of the update for a network of this shape (units, activation per layer)."""
    sizes = [inputs] + [units for units, _ in layers]
    acts = [[f"x_{i}" for i in range(inputs)]] + [
        [f"a{n}_{j}" for j in range(units)] for n, (units, _) in enumerate(layers, start=1)
    ]
    zs = [[]] + [[f"z{n}_{j}" for j in range(units)] for n, (units, _) in enumerate(layers, start=1)]
    params = []
    for n in range(1, len(sizes)):
        params += [f"W{n}_{i}_{j}" for i in range(sizes[n - 1]) for j in range(sizes[n])]
        params += [f"b{n}_{j}" for j in range(sizes[n])]
    grads = ["g" + p for p in params]
    targets = [f"y_{k}" for k in range(sizes[-1])]

    body = []
    for n, (units, activation) in enumerate(layers, start=1):
        sums = [
            " + ".join(f"{a} * W{n}_{i}_{j}" for i, a in enumerate(acts[n - 1])) + f" + b{n}_{j}" for j in range(units)
        ]
        if activation.float_needs_z:
            body += [f"{z} = {s}" for z, s in zip(zs[n], sums, strict=True)]
            sums = zs[n]
        body += activation.float_layer_forward(sums, acts[n])
    last = len(layers)
    out_grads = []
    for k, (a, y) in enumerate(zip(acts[-1], targets, strict=True)):
        body += loss.float_term_lines(k, a, y)
        grad = loss.float_grad_expression(k, a, y)
        out_grads.append(f"({grad}) / m" if mean_divides else f"({grad})")
    dzs = layers[-1][1].float_layer_backward(out_grads, zs[last], acts[last])
    body += [f"dz{last}_{j} = {dz}" for j, dz in enumerate(dzs)]
    for n in range(last, 0, -1):
        for j in range(sizes[n]):
            for i, a in enumerate(acts[n - 1]):
                add = linear.float_weight_grad(i, a, f"W{n}_{i}_{j}", f"dz{n}_{j}")
                if add is not None:
                    body.append(f"gW{n}_{i}_{j} += {add}")
            add = linear.float_bias_grad(f"dz{n}_{j}")
            if add is not None:
                body.append(f"gb{n}_{j} += {add}")
        if n > 1:
            das = [
                "("
                + linear.float_input_grad(
                    i, a, [f"W{n}_{i}_{j}" for j in range(sizes[n])], [f"dz{n}_{j}" for j in range(sizes[n])]
                )
                + ")"
                for i, a in enumerate(acts[n - 1])
            ]
            dzs = layers[n - 2][1].float_layer_backward(das, zs[n - 1], acts[n - 1])
            body += [f"dz{n - 1}_{i} = {dz}" for i, dz in enumerate(dzs)]

    rule = GradientDescent(0.0)  # the rule's form; the rate is the update's argument lr
    updated = ", ".join(
        grads if gradient_only else (rule.step_source(p, g, "lr") for p, g in zip(params, grads, strict=True))
    )
    return "\n".join(
        [
            "def update(params, rows, m, lr):",
            f"    {', '.join(params)}, = params",
            f"    {' = '.join(['total', *grads])} = 0.0",
            f"    for {', '.join(acts[0] + targets)}, in rows:",
            *(f"        {line}" for line in body),
            f"    return ({loss.float_cost.format(total='total')}) / m, ({updated},)",
        ]
    )


class _ScalarLoop(_Loop):
    """Python floats through a compiled update; the parameters are a flat tuple."""

    def __init__(self, net: Network, params: Params, state: State | None) -> None:
        self.shapes = param_shapes(net.inputs, net.layers)
        self.steps = _optimizer_steps(net, state)
        self.update = _compile_update(net, gradient_only=self.steps is not None)
        self.net = net
        self.flat = tuple(float(v) for name in self.shapes for v in np.ravel(params[name]))
        self.spare = self.flat  # the parameters before the last update
        self.rule = GradientDescent(net.learning_rate)
        self.m = net.examples
        rows = np.hstack([net.X, net.Y]).tolist()
        self.batches = [([tuple(rows[i]) for i in b], float(len(b)), b) for b in net.batches()]
        self.whole = len(self.batches) == 1

    def params(self) -> Params:
        return self._named(self.spare if self.stopped_params else self.flat)

    def _named(self, flat: tuple[float, ...]) -> Params:
        out: Params = {}
        start = 0
        for name, shape in self.shapes.items():
            size = math.prod(shape)
            out[name] = np.array(flat[start : start + size]).reshape(shape)
            start += size
        return out

    def _epoch(self) -> float:
        update, lr = self.update, self.rule.learning_rate
        total = 0.0
        for rows, m, indices in self.batches:
            cost, new = update(self.flat, rows, m, lr)
            if not math.isfinite(cost):
                return cost
            if self.steps is not None:  # new is the gradient
                stepped = self.steps(self._named(self.flat), self._named(new), indices)
                new = tuple(float(v) for name in self.shapes for v in np.ravel(stepped[name]))
            total += cost * m
            self.spare, self.flat = self.flat, new
            self.has_finite_cost = True
        return cost if self.whole else total / self.m
