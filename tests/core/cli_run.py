"""The command line run in-process, as the console script runs it."""

from __future__ import annotations

from gui.launch import main


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    """The exit status (argparse exits through SystemExit, as the console script would), stdout, stderr."""
    try:
        status = main(argv)
    except SystemExit as e:
        status = e.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err
