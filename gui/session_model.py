"""The one Qt adapter around the core session: requests in, change signals out."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.network import Network
from core.optimizers import State
from core.session import Mode, Session
from core.source import GraphSource
from core.stepper import StepPass, StepState
from core.training import TrainProgress


class SessionModel(QObject):
    """Wraps core.session.Session; widgets call its requests and listen to its signals."""

    network_changed = Signal()  # a new network, or a new graph (mode switch)
    state_changed = Signal()  # the cursor or the pass moved
    history_changed = Signal()  # the cost curve changed
    settings_changed = Signal()  # learning rate or batch size
    message = Signal(str)  # something the user must read; "" clears it
    stepped = Signal()  # a step was taken and its cost is finite: an error about an earlier action is stale
    hold_changed = Signal(bool)  # the session is held still (see hold), or no longer

    def __init__(self, network: Network, mode: Mode | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = Session(network, mode)
        self.training = False
        self.held: str | None = None  # why the session is held still (an export drawing the graph), or None
        self._training_end_waits = False  # a run ended while held: shown on release

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
        self._move(self.session.step_forward)

    def step_back(self) -> None:
        self._move(self.session.step_back)

    def seek(self, cursor: int) -> None:
        self._move(lambda: self.session.seek(cursor))

    def to_end_of_forward(self) -> None:
        self._move(self.session.to_end_of_forward)

    def to_end_of_backward(self) -> None:
        self._move(self.session.to_end_of_backward)

    def apply_update(self) -> None:
        self._move(self.session.apply_update)

    def next_example(self) -> None:
        self._move(self.session.next_example)

    def reset(self) -> None:
        if self._refused():
            return
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
        self.session = session
        self.message.emit("")
        self.network_changed.emit()
        self.state_changed.emit()
        self.history_changed.emit()
        if self.network is not None:  # an expression has no learning rate or batches
            self.settings_changed.emit()

    def restore_session(self, session: Session) -> None:
        """Put back a session kept aside (a new network could not be opened): its history and place stay."""
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

    def _refused(self) -> bool:
        """Whether a request must wait (training runs, or the session is held still); if so, said."""
        if self.training:
            self.message.emit("Pause training before stepping.")
            return True
        return self.refused_while_held()
