"""The ``backprop-stepper`` command: headless sub-commands, or the window."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def _exit_on_interrupt(signum, frame) -> None:
    """Ctrl+C while the command is still importing: one line and status 130, not an import's traceback."""
    os.write(2, b"backprop-stepper: interrupted\n")
    os._exit(130)


# Only when started as the console command (not when a test imports this module), and before the
# imports below, which take a few hundred milliseconds; main() hands Ctrl+C back to Python.
if Path(sys.argv[0]).name == "backprop-stepper":
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _exit_on_interrupt)
    # One BLAS thread, as the app uses everywhere (the window, its training process and `train` limit
    # OpenBLAS at run time too): said before numpy loads, OpenBLAS does not start its thread pool at
    # all, which saves about 0.1 s of start-up on a busy machine. A value the user set is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import ctypes  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from core import cli  # noqa: E402
from core.expression_cli import ExpressionArgumentError, expression_from_arguments  # noqa: E402
from core.network_file import quote  # noqa: E402
from gui.export_cli import steps_number  # noqa: E402  (Qt-free: Qt is imported only to draw)

EXPORT = "export"  # the one headless command that draws with Qt (gui/export_cli.py)
NO_DISPLAY = (
    "backprop-stepper: no display found (DISPLAY and WAYLAND_DISPLAY are unset); "
    "to render without a screen run: QT_QPA_PLATFORM=offscreen backprop-stepper --screenshot OUT.png"
)


# Qt's X11 plugin needs system libraries that pip cannot install; without them Qt aborts
# with a core dump, so the launcher checks first.
X11_PACKAGES = (
    "install the X11 libraries Qt uses (Debian/Ubuntu: sudo apt install libxcb-cursor0 libxcb-icccm4 "
    "libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxkbcommon-x11-0), "
    "or render offscreen with QT_QPA_PLATFORM=offscreen backprop-stepper --screenshot OUT.png"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the headless command line or open the main window."""
    if signal.getsignal(signal.SIGINT) is _exit_on_interrupt:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in cli.COMMANDS:
        return cli.main(argv)
    if argv and argv[0] == EXPORT:
        return _export(argv[1:])
    if argv and _unknown_command(argv[0]):
        commands = ", ".join((*cli.COMMANDS, EXPORT))
        print(
            f"backprop-stepper: unknown command {quote(argv[0])} (the commands are {commands}; "
            "or give a network file to open it in the window)",
            file=sys.stderr,
        )
        return 2
    parser = _parser()
    args = parser.parse_args(argv)
    args.expression = None
    if args.expr is not None or args.at is not None:
        if args.expr is None:
            parser.error("--at needs --expr EXPR")
        if args.file or args.preset or args.mode:
            parser.error("--expr opens an expression: give no network file, --preset or --mode with it")
        try:
            args.expression = expression_from_arguments(args.expr, args.at)
        except ExpressionArgumentError as e:
            print(f"backprop-stepper: {e}", file=sys.stderr)
            return 2
    if not _display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    missing = _x11_plugin_problem() if _needs_x11() else None
    if missing:
        print(f"backprop-stepper: Qt cannot open a window on X11: {missing}; {X11_PACKAGES}", file=sys.stderr)
        return 2
    from gui.app import run  # Qt is imported only once a window is wanted

    return run(args)


def _export(argv: list[str]) -> int:
    """``export``: drawn offscreen, so no display is needed (unless the user chose a platform that needs one)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if not _display_available():
        platform = quote(os.environ["QT_QPA_PLATFORM"])
        print(
            f"backprop-stepper: QT_QPA_PLATFORM={platform} needs a display and none was found "
            "(DISPLAY and WAYLAND_DISPLAY are unset); leave QT_QPA_PLATFORM unset to export without one",
            file=sys.stderr,
        )
        return 2
    from gui.export_cli import main as export_main  # Qt is imported only for this command

    return export_main(argv)


def _unknown_command(word: str) -> bool:
    """A bare word that is neither a command nor a file: no path separator, no extension, not on disk."""
    looks_like_a_file = word.startswith(("-", "preset:")) or "/" in word or os.sep in word or "." in word
    return not looks_like_a_file and not os.path.exists(word)


def _needs_x11() -> bool:
    """Whether Qt will use its X11 (xcb) plugin: Linux with an X display and no other platform chosen."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if sys.platform != "linux" or (platform and not platform.startswith("xcb")):
        return False
    return bool(os.environ.get("DISPLAY")) and (platform.startswith("xcb") or not os.environ.get("WAYLAND_DISPLAY"))


def _x11_plugin_problem() -> str | None:
    """Why Qt's X11 plugin cannot load (the loader names the missing library), or None."""
    import PySide6  # the package only: no Qt library is loaded by this

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None  # a PySide6 build laid out differently: let Qt speak for itself
    try:
        ctypes.CDLL(str(plugin))
    except OSError as e:
        return str(e).split(": cannot open")[0].rsplit("/", 1)[-1] + " is missing"
    return None


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
        raise argparse.ArgumentTypeError(f"size must look like 1600x1000, not {quote(text, 30)}") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise argparse.ArgumentTypeError("width and height must be between 200 and 8000")
    return w, h


def _parser() -> argparse.ArgumentParser:
    parser = cli._Parser(
        prog="backprop-stepper",
        description="Step through a neural network's forward and backward pass, one node at a time. "
        "Headless: backprop-stepper trace FILE | train FILE --epochs N | export FILE --out graph.svg.",
    )
    parser.add_argument("file", nargs="?", help="a network or session file (JSON) to open")
    parser.add_argument("--preset", metavar="NAME", help="open a shipped preset (default: or_gate)")
    parser.add_argument("--screenshot", metavar="OUT.png", help="render the window to a PNG and exit")
    parser.add_argument(
        "--steps", type=steps_number, default=0, metavar="N", help="with --screenshot: steps to take first"
    )
    parser.add_argument(
        "--size",
        type=_size,
        metavar="WxH",
        help="window size (default: as last left, or fitting the screen; 1600x1000 for --screenshot)",
    )
    parser.add_argument("--mode", choices=("example", "batch"), help="start in one-example or batch mode")
    parser.add_argument("--expr", metavar="EXPR", help='open an expression instead, as in "(x**2 + 1)**3"')
    parser.add_argument(
        "--at", metavar="x=2,y=3", action="append", help="with --expr: the values of its variables (repeatable)"
    )
    return parser
