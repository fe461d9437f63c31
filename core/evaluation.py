"""How the network does on its data, row by row: predictions, predicted classes, a confusion table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from core.network import Network, Params
from core.predict import classes, predict


@dataclass(frozen=True)
class Predictions:
    """The network's outputs for every example, and for a classifier each example's classes."""

    outputs: np.ndarray  # m × outputs
    predicted: np.ndarray | None  # m class indices; None for regression
    actual: np.ndarray | None  # m class indices from the targets; None for regression
    class_names: tuple[str, ...]  # one per class; empty for regression

    @cached_property
    def correct(self) -> np.ndarray | None:
        """Per example, whether the predicted class is the target's (computed once: the table asks per cell)."""
        return None if self.predicted is None else self.predicted == self.actual

    @property
    def correct_count(self) -> int | None:
        correct = self.correct
        return None if correct is None else int(np.count_nonzero(correct))

    @property
    def accuracy(self) -> float | None:
        correct = self.correct
        return None if correct is None else float(correct.mean())


def predicted_classes(outputs: np.ndarray) -> np.ndarray:
    """The class of each row of outputs: the most probable one, or P(class 1) ≥ 0.5 for one output."""
    if outputs.shape[1] > 1:
        return np.argmax(np.nan_to_num(outputs, nan=-np.inf), axis=1)
    return (outputs[:, 0] >= 0.5).astype(int)


def class_names(net: Network) -> tuple[str, ...]:
    """The classes' names: the data's target names when there is one per class, else numbered."""
    count = max(net.outputs, 2)
    if len(net.target_names) == count:
        return tuple(net.target_names)
    if net.outputs == 1:
        return ("0", "1")
    return tuple(f"class {k + 1}" for k in range(count))


def evaluate(net: Network, params: Params) -> Predictions:
    """Predictions on the network's own data with these parameters."""
    outputs = predict(net, params, net.X)
    if not net.is_classifier:
        return Predictions(outputs, None, None, ())
    return Predictions(outputs, predicted_classes(outputs), classes(net), class_names(net))


def confusion_matrix(predictions: Predictions) -> np.ndarray:
    """Counts of examples by actual class (rows) and predicted class (columns)."""
    if predictions.predicted is None:
        raise ValueError("a confusion table needs class targets")
    k = len(predictions.class_names)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (predictions.actual, predictions.predicted), 1)
    return counts
