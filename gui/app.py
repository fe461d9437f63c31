"""Start the application: open the network, show the window, or render a screenshot."""

from __future__ import annotations

import argparse
import sys
import traceback

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from core.cli import PRESET, open_document, refusal
from core.expression_source import ExpressionSource
from core.network_file import quote
from core.presets import DEFAULT, load_preset
from core.session import Mode
from core.session_file import SessionDocument

SCREENSHOT_SIZE = (1600, 1000)


def run(args: argparse.Namespace) -> int:
    """Open the window (or render it to a PNG with --screenshot); returns the exit status."""
    try:
        # A file whose "format" says session is a session; otherwise it is read as a network file.
        opened = open_document(args.file) if args.file else load_preset(args.preset or DEFAULT)
    except (KeyError, ValueError) as e:
        print(f"backprop-stepper: {refusal(e, args.file or args.preset)}", file=sys.stderr)
        return 2
    session = opened if isinstance(opened, SessionDocument) else None
    if session is not None and args.mode:
        print("backprop-stepper: a session opens in the graph it was saved in: give no --mode with it", file=sys.stderr)
        return 2
    network = session.snapshot.network if session is not None else opened
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Backprop Stepper")
    if app.platformName() == "offscreen":
        qInstallMessageHandler(_without_offscreen_notes)
    from gui.main_window import MainWindow  # after QApplication: widgets need it

    mode = Mode(args.mode) if args.mode else None
    # A screenshot shows the default layout at the size asked for, whatever the window was last left at.
    window = MainWindow(network, mode, remember=not args.screenshot)
    if session is not None:
        window.session_actions.show_document(session)
    if getattr(args, "expression", None) is not None:
        window.model.set_network(ExpressionSource(args.expression))
    sys.excepthook = _reporting_hook(window)
    if args.size is not None or args.screenshot:
        window.resize(*(args.size or SCREENSHOT_SIZE))
    if args.screenshot:
        return screenshot(app, window, args.screenshot, args.steps)
    if args.file and not args.file.startswith(PRESET):
        window.session_actions.remember(args.file)  # File → Open recent lists it (not for screenshots)
    window.show()
    return app.exec()


def _without_offscreen_notes(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's messages on stderr, less the offscreen platform's note that it cannot size windows to
    their hints (four lines for every screenshot, and nothing a user can act on)."""
    if message != "This plugin does not support propagateSizeHints()":
        print(message, file=sys.stderr)


def screenshot(app: QApplication, window, path: str, steps: int) -> int:
    """Take ``steps`` steps, render the window to ``path`` and return."""
    window.show()
    for _ in range(max(steps, 0)):
        window.model.step_forward()
    app.processEvents()
    window.view.fit()
    window.refresh_now()
    app.processEvents()
    from gui import export

    try:
        export.save_screenshot(window, path)
    except (OSError, export.ExportError) as e:
        print(f"backprop-stepper: could not write the screenshot to {quote(path)}: {export.reason(e)}", file=sys.stderr)
        return 2
    window.close()
    return 0


def _reporting_hook(window):
    """Unexpected errors go to stderr and the message bar, never into a dialog."""

    def hook(kind, value, tb) -> None:
        traceback.print_exception(kind, value, tb, file=sys.stderr)
        window.show_message(f"Internal error: {kind.__name__}: {value}. Your network and history are kept.")

    return hook
