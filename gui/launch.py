"""The ``backprop-stepper`` command: headless sub-commands, or the window."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from core import cli

NO_DISPLAY = (
    "backprop-stepper: no display found (DISPLAY and WAYLAND_DISPLAY are unset); "
    "to render without a screen run: QT_QPA_PLATFORM=offscreen backprop-stepper --screenshot OUT.png"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the headless command line or open the main window."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in cli.COMMANDS:
        return cli.main(argv)
    args = _parser().parse_args(argv)
    if not _display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from gui.app import run  # Qt is imported only once a window is wanted

    return run(args)


def _display_available() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return True  # offscreen, minimal, vnc, eglfs...: no X or Wayland server needed
    if sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1600x1000, not {text!r}") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise argparse.ArgumentTypeError("width and height must be between 200 and 8000")
    return w, h


def _parser() -> argparse.ArgumentParser:
    parser = cli._Parser(
        prog="backprop-stepper",
        description="Step through a neural network's forward and backward pass, one node at a time. "
        "Headless: backprop-stepper trace FILE | train FILE --epochs N.",
    )
    parser.add_argument("file", nargs="?", help="a network file (JSON) to open")
    parser.add_argument("--preset", metavar="NAME", help="open a shipped preset (default: or_gate)")
    parser.add_argument("--screenshot", metavar="OUT.png", help="render the window to a PNG and exit")
    parser.add_argument("--steps", type=int, default=0, metavar="N", help="with --screenshot: steps to take first")
    parser.add_argument("--size", type=_size, default=(1600, 1000), metavar="WxH", help="window size")
    parser.add_argument("--mode", choices=("example", "batch"), help="start in one-example or batch mode")
    return parser
