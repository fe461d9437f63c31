"""Runs side by side in the window: a core RunSet, each run trained by its own TrainingController.

Each run is trained exactly as the window's single run is (gui.trainer: one child process,
records through a pipe, a stop that never blocks); ``RunTraining`` is the small model that
controller talks to, handing its records to the run set instead of the session.
"""

from __future__ import annotations

import dataclasses
import time

from PySide6.QtCore import QObject, Signal

from core.network import Network, Params
from core.optimizers import State
from core.run_set import Run, RunSet, RunSettings
from core.training import TrainProgress
from gui import theme
from gui.trainer import FOREVER, TrainingController

# Okabe-Ito: eight colours told apart with any common colour-vision deficiency.
RUN_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#F0E442")


class RunTraining(QObject):
    """What a TrainingController needs of a model, for one run of the run set."""

    message = Signal(str)

    def __init__(self, runs: RunsModel, run: Run) -> None:
        super().__init__(runs)
        self._runs = runs
        self.run = run
        self._resumed_at = 0.0
        self._seconds_before = 0.0
        self.controller = TrainingController(self, parent=self)

    @property
    def network(self) -> Network:
        return self.run.network

    def begin_training(self) -> tuple[Params, int]:
        self._resumed_at = time.perf_counter()
        self._seconds_before = self.run.seconds
        return self.run.params, self.run.epoch

    @property
    def optimizer_state(self) -> State | None:
        return self.run.optimizer_state

    def absorb(self, record: TrainProgress, start_epoch: int) -> None:
        shifted = dataclasses.replace(record, epoch=start_epoch + record.epoch)
        seconds = self._seconds_before + time.perf_counter() - self._resumed_at
        self._runs.run_set.absorb(self.run, shifted, seconds)
        self._runs.changed.emit()

    def end_training(self) -> None:
        self._runs.running_changed.emit()

    def refused_while_held(self) -> bool:
        """Never: an export holds still the window's session, which a run is not."""
        return False

    def refused_while_computing(self) -> bool:
        """Never: the window's session computes its next pass apart from any run."""
        return False


class RunsModel(QObject):
    """The window's run set and the training of its runs."""

    changed = Signal()  # a run was added, removed, or reported progress
    running_changed = Signal()
    message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.run_set: RunSet | None = None
        self._training: dict[int, RunTraining] = {}  # by run number

    @property
    def runs(self) -> list[Run]:
        return [] if self.run_set is None else self.run_set.runs

    def colour(self, run: Run) -> str:
        """The run's colour; Okabe-Ito's black is the theme's text colour (white on a dark theme)."""
        colour = RUN_COLOURS[(run.number - 1) % len(RUN_COLOURS)]
        return theme.THEME.palette.text if colour == "#000000" else colour

    def start_set(self, network: Network, params: Params) -> None:
        """A new, empty run set from this network and its weights (the old runs are stopped)."""
        self.clear()
        self.run_set = RunSet(network, params)
        self.changed.emit()

    def add(self, settings: RunSettings) -> Run:
        run = self.run_set.add(settings)
        self._watch(run)
        self.changed.emit()
        return run

    def add_sweep(self) -> list[Run]:
        runs = self.run_set.add_learning_rate_sweep()
        for run in runs:
            self._watch(run)
        self.changed.emit()
        return runs

    def _watch(self, run: Run) -> None:
        training = RunTraining(self, run)
        training.message.connect(lambda text, r=run: self._on_run_message(r, text))
        training.controller.running_changed.connect(lambda _: self.running_changed.emit())
        self._training[run.number] = training

    def _on_run_message(self, run: Run, text: str) -> None:
        if text:
            self.message.emit(f"Run {run.number}: {text}")

    def is_running(self, run: Run) -> bool:
        return self._training[run.number].controller.running

    @property
    def any_running(self) -> bool:
        return any(t.controller.running for t in self._training.values())

    def train(self, epochs: int = FOREVER) -> None:
        """Train every run that has not diverged, side by side, for ``epochs`` more epochs each."""
        for run in self.runs:
            if not run.diverged:
                self._training[run.number].controller.start(epochs)

    def pause(self) -> None:
        for training in self._training.values():
            training.controller.pause()

    def remove(self, run: Run) -> None:
        training = self._training.pop(run.number)
        training.controller.stop_and_wait()
        training.deleteLater()
        self.run_set.remove(run)
        self.changed.emit()

    def clear(self) -> None:
        """Stop every run and forget the set."""
        self.stop_and_wait()
        for training in self._training.values():
            training.deleteLater()
        self._training.clear()
        self.run_set = None
        self.changed.emit()

    def stop_and_wait(self) -> None:
        for training in self._training.values():
            training.controller.stop_and_wait()
