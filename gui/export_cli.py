"""``backprop-stepper export``: the graph after N steps as SVG or PNG, headless (no display needed).

FILE is a network file, ``preset:NAME`` or a session file (``backprop-stepper.session/1``): a session
starts where it was saved, with its decimals, convention and theme, and the N steps go on from there.

Bad input (a missing or broken file, an unknown preset, a bad option) exits 2 with one line on stderr;
a file that cannot be written exits 1, leaving no file behind. Nothing is printed on success.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core import cli
from core.convention import Convention
from core.network import Network
from core.network_file import quote
from core.session import Mode, Session
from core.session_file import SessionDocument
from core.source import NetworkSource, saved_mode

MAX_STEPS = 10_000  # here and for --screenshot: a larger number would keep the window stepping
steps_number = cli.whole_number_within(0, MAX_STEPS)  # --steps
GRAPHS = {"scalar": Mode.EXAMPLE, "layer": Mode.BATCH}


def parser() -> argparse.ArgumentParser:
    from gui.export import DEFAULT_SCALE, MAX_SIDE, MIN_SIDE
    from gui.theme import THEME_NAMES

    p = cli._Parser(
        prog="backprop-stepper export",
        description="Draw the computation graph after N steps into an SVG (text stays text) or PNG file, "
        "without a display.",
    )
    p.add_argument("file", metavar="FILE|preset:NAME", help="a network file, preset:NAME, or a session file")
    p.add_argument(
        "--steps",
        type=steps_number,
        default=0,
        metavar="N",
        help=f"step-forward presses from the start of the first pass (a session: from where it was saved), "
        f"0 to {MAX_STEPS:,} (default 0); past the update they go on to the next example or batch, as → does",
    )
    p.add_argument("--out", required=True, metavar="graph.svg|graph.png", help="the file to write; .svg or .png")
    p.add_argument(
        "--graph",
        choices=tuple(GRAPHS),
        help="the scalar graph (one example) or the layer graph (batch); default: the one the window opens",
    )
    p.add_argument("--theme", choices=THEME_NAMES, default=None, metavar="NAME", help=", ".join(THEME_NAMES))
    p.add_argument(
        "--scale",
        type=_scale,
        default=DEFAULT_SCALE,
        metavar="S",
        help=f"PNG pixels per graph unit (default {DEFAULT_SCALE:g}); the image must be {MIN_SIDE} to {MAX_SIDE:,} "
        "pixels a side",
    )
    return p


def _scale(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number above 0, not {quote(text, 30)}") from None
    if not (math.isfinite(scale) and scale > 0):
        raise argparse.ArgumentTypeError(f"must be a number above 0, not {quote(text, 30)}")
    return scale


def main(argv: Sequence[str]) -> int:
    """Run ``export``; 0 when the file is written, 2 for bad input, 1 when the file cannot be written."""
    try:
        try:
            args = parser().parse_args(list(argv))
        except SystemExit as e:  # a usage error, said in one line, or --help
            return int(e.code or 0)
        out = Path(args.out)
        suffix = out.suffix.lower()
        if suffix not in (".svg", ".png"):
            return cli._fail(f"--out must end in .svg or .png, not {quote(out.name)}", 2)
        try:
            opened = cli.open_document(args.file)
            if isinstance(opened, SessionDocument) and args.graph:
                return cli._fail("a session is drawn in the graph it was saved in: give no --graph with it", 2)
            session, view = _session(opened, args.graph)
        except (KeyError, ValueError) as e:
            return cli._fail(cli.refusal(e, args.file), 2)
        return _export(session, view, args, out, suffix)
    except KeyboardInterrupt:
        return cli._fail("interrupted", 130)


def _session(opened: Network | SessionDocument, graph: str | None) -> tuple[Session, dict[str, Any]]:
    """The session to draw, on the graph asked for (default: the window's), and the view settings it
    comes with (decimals, convention, theme); a ValueError says why it cannot show that graph."""
    if isinstance(opened, SessionDocument):
        return Session.restored(opened.snapshot), dict(opened.view)
    saved = opened.view
    view = {} if saved is None else {"decimals": saved.decimals, "convention": saved.convention}
    source = NetworkSource(opened)
    mode = GRAPHS[graph] if graph else saved_mode(opened)
    if mode is not None and mode not in source.modes:
        raise ValueError(
            f"the network has {opened.param_count:,} parameters, too many to draw one node per weight: "
            "use --graph layer"
        )
    return Session(source, mode), view


def stepped(session: Session, steps: int) -> Session:
    """The session after ``steps`` presses of →. Only the last pass is drawn, so at each epoch's end the
    passes before it are let go (folded into the history, as a saved session folds them): a session
    keeps every pass to step back into, and 10,000 steps through the full-batch passes of 40,000
    examples held over 17 GB."""
    for _ in range(steps):
        session.step_forward()
        if session.cursor == 0 and session.updates % session.updates_per_epoch == 0:
            session = Session.restored(session.snapshot(kept_passes=1))
    return session


def _export(session: Session, view: dict[str, Any], args: argparse.Namespace, out: Path, suffix: str) -> int:
    from PySide6.QtWidgets import QApplication

    from gui import export, theme
    from gui.graph.scene import GraphScene
    from gui.settings import DisplaySettings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    name = args.theme or view.get("theme")
    if name in theme.THEME_NAMES:  # a session's theme this version does not know is left out, as the window does
        theme.THEME.set_name(name)
    session = stepped(session, args.steps)
    settings = DisplaySettings(decimals=view.get("decimals") or 3)
    if view.get("convention"):
        settings.set_convention(Convention(view["convention"]))
    scene = GraphScene()
    shown = settings.shown(session.current)
    scene.build(shown, settings.decimals)
    scene.show_state(shown, shown.state_at(session.cursor), settings.decimals)
    try:
        data = export.graph_file(scene, suffix, args.scale, f"{session.source.name}: computation graph")
    except export.ExportError as e:
        return cli._fail(f"--scale {args.scale:g}: {e}", 2)
    finally:
        app.processEvents()
    try:
        export.save(out, data)
    except OSError as e:
        return cli._fail(f"cannot write {quote(str(out))}: {e.strerror or e}; nothing was written", 1)
    return 0
