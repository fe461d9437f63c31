"""The one Qt adapter around the core session: requests in, change signals out.

Moving on to a pass that takes long to record (a full batch of a large data set), or back into one
recorded again, is computed on the window's worker thread (gui/sliced_work.in_worker): the window
keeps painting and answering, says what it computes, and refuses other steps and edits with that
message until the pass is shown.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from core import fmt
from core.network import Network
from core.optimizers import State
from core.session import Mode, NextPass, PassAgain, Session
from core.source import GraphSource
from core.stepper import StepPass, StepState
from core.training import TrainProgress
from gui.sliced_work import in_worker
from gui.training_panel import next_text

# Moving on to a pass whose recording costs more than this (Session.next_pass_work: its examples ×
# parameters, about 5-10 ns a unit: some 15-30 ms) is computed off the UI thread. Below it, as for
# every preset, the next pass is shown in the key's own call.
BACKGROUND_WORK = 3_000_000
POLL_MS = 5  # how often the UI thread looks whether the worker's pass is ready (no Qt call crosses threads)


class SessionModel(QObject):
    """Wraps core.session.Session; widgets call its requests and listen to its signals."""

    network_changed = Signal()  # a new network, or a new graph (mode switch)
    state_changed = Signal()  # the cursor or the pass moved
    history_changed = Signal()  # the cost curve changed
    settings_changed = Signal()  # learning rate or batch size
    message = Signal(str)  # something the user must read; "" clears it
    stepped = Signal()  # a step was taken and its cost is finite: an error about an earlier action is stale
    hold_changed = Signal(bool)  # the session is held still (see hold), or no longer
    computing_changed = Signal(str)  # what is being computed off the UI thread (see step_forward); "" once over

    def __init__(self, network: Network, mode: Mode | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = Session(network, mode)
        self.training = False
        self.held: str | None = None  # why the session is held still (an export drawing the graph), or None
        self._training_end_waits = False  # a run ended while held: shown on release
        self.computing: str | None = None  # what the worker computes for this session (a pass), or None
        # the session a pass is computed for, the worker's future and what takes its result
        self._computed: tuple[Session, concurrent.futures.Future, Callable[[Session, Any], None]] | None = None
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._take_computed)

    # -- reading -------------------------------------------------------------------

    @property
    def network(self) -> Network | None:
        """The network being stepped, or None for an expression."""
        return self.session.network

    @property
    def mode(self) -> Mode:
        return self.session.mode

    @property
    def current(self) -> StepPass:
        return self.session.current

    @property
    def state(self) -> StepState:
        return self.session.state

    # -- requests to the model -------------------------------------------------------

    def step_forward(self) -> None:
        """One event on; past the update, on to the next pass (off the UI thread if it takes long)."""
        session = self.session
        if session.cursor < len(session.current) or not self._long_to_record():
            self._move(session.step_forward)
        elif not self._refused():
            self._compute_next_pass()

    def step_back(self) -> None:
        """One event back; before the start of a pass, into the previous one (recorded again off the UI
        thread if only what computes it is kept and that takes long)."""
        session = self.session
        if session.step_back_work() <= BACKGROUND_WORK:
            self._move(session.step_back)
        elif not self._refused():
            examples = fmt.count(session.step_back_examples())
            text = f"Computing the previous {self._what()} again ({examples} examples)… Stepping waits for it."
            self._compute(session.step_back_job(), text, self._step_back_into)

    def seek(self, cursor: int) -> None:
        self._move(lambda: self.session.seek(cursor))

    def to_end_of_forward(self) -> None:
        self._move(self.session.to_end_of_forward)

    def to_end_of_backward(self) -> None:
        self._move(self.session.to_end_of_backward)

    def apply_update(self) -> None:
        self._move(self.session.apply_update)

    def next_example(self) -> None:
        """Apply the update and move on to the next pass (computed off the UI thread if it takes long; the
        window shows the pass as it was until then: drawing the update applied meanwhile would take the
        worker's CPU, about doubling a 400,000-example press under load)."""
        if not self._long_to_record():
            self._move(self.session.next_example)
        elif not self._refused():
            self._compute_next_pass()

    def reset(self) -> None:
        """Back to the initial weights (a next pass being computed is dropped)."""
        if self._refused(while_computing=False):
            return
        self.stop_computing()
        self.session.reset()
        self.message.emit("")
        self.state_changed.emit()
        self.history_changed.emit()

    def set_mode(self, mode: Mode) -> None:
        if mode is self.session.mode or self._refused():
            return
        self.session.set_mode(mode)
        self.network_changed.emit()
        self.state_changed.emit()

    def set_network(self, network: Network | GraphSource, mode: Mode | None = None) -> None:
        """Open another network (or another graph source, an expression): a new session, history cleared."""
        session = Session(network, mode)
        session.current  # the first pass, recorded before the current session is let go  # noqa: B018
        self.stop_computing()
        self.session = session
        self.message.emit("")
        self.network_changed.emit()
        self.state_changed.emit()
        self.history_changed.emit()
        if self.network is not None:  # an expression has no learning rate or batches
            self.settings_changed.emit()

    def restore_session(self, session: Session) -> None:
        """Put back a session kept aside (a new network could not be opened): its history and place stay."""
        self.stop_computing()
        self.session = session
        self.network_changed.emit()
        self.state_changed.emit()
        self.history_changed.emit()
        if self.network is not None:
            self.settings_changed.emit()

    def change_settings(self, **changes: object) -> None:
        """Change learning_rate or batch_size, keeping parameters and history."""
        self.session.set_network(self.network.with_settings(**changes))
        self.settings_changed.emit()
        self.state_changed.emit()

    def set_param(self, name: str, value) -> None:
        """A parameter's new value for the current pass; the pass is computed again, the cursor stays."""
        if self._refused():
            return
        self.session.set_param(name, value)
        self.state_changed.emit()

    # -- holding still --------------------------------------------------------------------

    def hold(self, reason: str) -> None:
        """Keep the session, and so the graph, still (an export draws it in bands): requests are refused,
        ``reason`` said, until ``release``; a training run's parameters and its end are shown then."""
        self.held = reason
        self.hold_changed.emit(True)

    def release(self) -> None:
        if self.held is None:
            return
        self.held = None
        if self._training_end_waits:
            self._training_end_waits = False
            self.state_changed.emit()
        self.hold_changed.emit(False)

    def refused_while_held(self) -> bool:
        """Whether the session is held still; if so the message says why."""
        if self.held is not None:
            self.message.emit(self.held)
        return self.held is not None

    # -- computing the next pass off the UI thread ------------------------------------------

    def refused_while_computing(self) -> bool:
        """Whether the next pass is being computed; if so the message says so."""
        if self.computing is not None:
            self.message.emit(self.computing)
        return self.computing is not None

    def stop_computing(self) -> None:
        """Drop the pass being computed, if any (its session is reset, replaced or closed): the worker
        finishes it alone and its result is let go."""
        if self._computed is None:
            return
        self._computed, self.computing = None, None
        self._poll.stop()
        self.computing_changed.emit("")

    def _long_to_record(self) -> bool:
        session = self.session
        return session.can_update and session.next_pass_work() > BACKGROUND_WORK

    def _what(self) -> str:
        """What N moves on to: example, batch or mini-batch."""
        network, mode = self.network, self.session.mode
        return next_text(mode, network.batch_size, network.examples)[5:] if network else "pass"

    def _compute_next_pass(self) -> None:
        """Start recording the pass after the current one's update on the worker thread."""
        session = self.session
        examples = fmt.count(session.next_pass_examples())
        text = f"Computing the next {self._what()} ({examples} examples)… Stepping waits for it."
        self._compute(session.next_pass_job(), text, self._commit_next_pass)

    def _compute(self, job: Callable[[], object], text: str, finish: Callable[[Session, object], None]) -> None:
        """Run ``job`` on the worker thread, saying ``text`` until ``finish(session, its result)``."""
        self.computing = text
        self._computed = self.session, in_worker(job), finish
        self._poll.start()
        self.computing_changed.emit(text)

    def _take_computed(self) -> None:
        """Once the worker has it, hand the result to its finish, if its session is still the one shown (not
        while the session is held still: an export drawing the graph shows one state throughout)."""
        session, future, finish = self._computed
        if not future.done() or self.held is not None:
            return
        self.stop_computing()
        try:
            result = future.result()
        except MemoryError:
            self.message.emit("There is not enough memory to compute that pass. Nothing was changed.")
            return
        if session is self.session:
            finish(session, result)

    def _commit_next_pass(self, session: Session, next_pass: NextPass) -> None:
        """Apply the update and show the next pass, as N or → in the key's own call would have; a new
        learning rate meanwhile (the current pass computed again): the next one computed again, with it."""
        if not session.follows_current(next_pass):
            self._compute_next_pass()
            return
        before = self._applied_updates()
        session.apply_update()
        session.commit(next_pass)
        self._moved(before)

    def _step_back_into(self, session: Session, again: PassAgain) -> None:
        """Step back into the pass recorded again, as ← would have at once (unless the session went elsewhere)."""
        if session.steps_back_into(again):
            before = self._applied_updates()
            session.step_back_into(again)
            self._moved(before)

    # -- training hand-over ----------------------------------------------------------

    def begin_training(self):
        self.training = True
        params, epoch = self.session.begin_training()
        self.state_changed.emit()
        self.history_changed.emit()
        return params, epoch

    @property
    def optimizer_state(self) -> State | None:
        """The optimiser's state training goes on from (after begin_training)."""
        return self.session.optimizer_state

    def absorb(self, progress: TrainProgress, start_epoch: float) -> None:
        self.session.absorb(progress, start_epoch)
        self.history_changed.emit()

    def show_trained_params(self) -> None:
        """Let the views show the parameters training has reached (called at the plots' rate, not per record)."""
        if self.training and self.held is None:
            self.state_changed.emit()

    def end_training(self) -> None:
        self.training = False
        if self.held is not None:
            self._training_end_waits = True
            return
        self.state_changed.emit()

    # -- internals ---------------------------------------------------------------------

    def _move(self, action) -> None:
        if self._refused():
            return
        before = self._applied_updates()
        action()
        self._moved(before)

    def _moved(self, before: int) -> None:
        """Say that the session moved (``before``: the updates applied before it did)."""
        self.state_changed.emit()
        if self._applied_updates() != before:
            self.history_changed.emit()
        if self.session.diverged:
            self.message.emit(
                f"The cost is not finite: the learning rate {self.network.learning_rate:g} is too large "
                "for this data (or the inputs need standardising). Reset, then lower it."
            )
        else:
            self.stepped.emit()

    def _applied_updates(self) -> int:
        session = self.session
        return session.updates + session.update_applied

    def _refused(self, while_computing: bool = True) -> bool:
        """Whether a request must wait (training runs, the session is held still, or, unless the request
        drops it, the next pass is being computed); if so, said."""
        if self.training:
            self.message.emit("Pause training before stepping.")
            return True
        return self.refused_while_held() or (while_computing and self.refused_while_computing())
