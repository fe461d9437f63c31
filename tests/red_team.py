"""Red-team driver: runs hostile and unusual inputs through every command and flags what breaks.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/red_team.py [CATEGORY ...] [--subprocess]

Each case runs ``backprop-stepper``'s entry function in a forked child (imports done once, so a
case costs milliseconds; ``--subprocess`` runs the real console script instead) in a fresh temporary
folder, with stdout and stderr captured. A case is flagged when: the exit status is not one the
README documents (0, 1, 2, 130) or not the one the case expects, stderr has more than one line,
stderr holds a traceback, it runs over 20 s, or an output file is left half-written (a temporary
file beside it, or a file at all after a failure). Prints one line per flagged case and a count per
category; exits 1 if anything was flagged.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.core import documents
from tests.core.documents import or_gate_document

TIMEOUT = 20.0
DOCUMENTED = {0, 1, 2, 130}
BIG = "1" + "0" * 399


@dataclass
class Case:
    category: str
    name: str
    argv: list[str]
    files: dict[str, bytes] = field(default_factory=dict)  # written into the case's folder first
    expect: set[int] = field(default_factory=lambda: {2})
    out: str | None = None  # an output file the command may write (checked for half-written leftovers)
    setup: Callable[[Path], None] | None = None  # anything else to prepare in the folder
    stdout: str = "pipe"  # "pipe", "full" (/dev/full) or "closed"
    sigint_after: float | None = None  # send SIGINT this many seconds after starting
    unprivileged: bool = False  # run as user 65534 when this is root (who reads and writes anything)


# -- documents ---------------------------------------------------------------------------------


def two_layer() -> dict:
    return {
        "format": "backprop-stepper.network/1",
        "name": "2-2-1",
        "inputs": 2,
        "layers": [
            {"units": 2, "activation": "tanh", "weights": [[0.1, -0.2], [0.3, 0.4]], "bias": [0.0, 0.1]},
            {"units": 1, "activation": "sigmoid", "weights": [[0.5], [-0.6]], "bias": [0.2]},
        ],
        "loss": "log_loss",
        "learning_rate": 0.5,
        "batch_size": 2,
        "seed": 3,
        "optimizer": {"name": "adam", "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "view": {"mode": "example", "epochs": 10, "decimals": 3, "convention": "rows"},
        "data": {
            "X": [[0, 0], [0, 1], [1, 0], [1, 1]],
            "y": [0, 1, 1, 0],
            "feature_names": ["a", "b"],
            "target_names": ["no", "yes"],
        },
    }


def generated() -> dict:
    doc = or_gate_document()
    doc["layers"] = [{"units": 3, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]
    doc["data"] = {"generate": "moons", "n": 20, "noise": 0.1, "seed": 0}
    return doc


def session_doc() -> dict:
    """A real session: the 2-2-1 network stepped through two updates, with a stop and a view."""
    from core import network_file

    return documents.session_document(network_file.from_dict(two_layer()), 3, 40, centre=[10.0, 20.0])


MARK = "__RAW__"


def raw_replaced(doc: dict, where: tuple, literal: str) -> bytes:
    """The document with one field's JSON text replaced by ``literal`` (which json.dumps cannot write)."""
    return json.dumps(documents.replaced(doc, where, MARK)).replace(f'"{MARK}"', literal).encode()


WRONG = [
    None,
    True,
    False,
    0,
    -1,
    -0.0,
    0.5,
    2.0,
    1e308,
    1e-320,
    2**31,
    "",
    "a\nb",
    "\u202eRTL",
    "x" * 10_000,
    [],
    [[]],
    [None],
    {},
    {"a": 1},
    "NaN",
    "Infinity",
]
RAW_WRONG = {"big_int": BIG, "neg_big_int": "-" + BIG, "1e999": "1e999", "NaN": "NaN", "-Infinity": "-Infinity"}


def field_sweep(category: str, doc: dict, commands: list[list[str]], every: int = 1) -> Iterator[Case]:
    """Each field replaced by each wrong value, run through each command."""
    fields = list(documents.fields(doc))  # item 0 of a list stands for all
    fields = [p for p in fields if p[:3] != ("stops", 0, "state") or len(p) <= 5]  # a stop's state is a state
    for n, where in enumerate(fields):
        if n % every:
            continue
        label = ".".join(map(str, where))
        contents = [(repr(w)[:20], json.dumps(documents.replaced(doc, where, w)).encode()) for w in WRONG]
        contents += [(k, raw_replaced(doc, where, v)) for k, v in RAW_WRONG.items()]
        for k, (wrong, content) in enumerate(contents):
            command = commands[(n + k) % len(commands)]
            argv = [a.replace("{f}", "f.json") for a in command]
            out = "out.svg" if "export" in command else None
            yield Case(category, f"{label}={wrong} {command[0]}", argv, {"f.json": content}, {0, 1, 2}, out)


# -- categories --------------------------------------------------------------------------------

RUN = [
    ["trace", "{f}"],
    ["train", "{f}", "--epochs", "3"],
    ["gradcheck", "{f}"],
    ["surface", "{f}", "--params", "W1[0][0]", "--grid", "3"],
]
EXPORT = [["export", "{f}", "--out", "out.svg", "--steps", "5"]]


def network_cases() -> Iterator[Case]:
    good = json.dumps(two_layer())
    encodings = {
        "utf8_bom": (b"\xef\xbb\xbf" + good.encode(), {0}),
        "utf16_bom": (good.encode("utf-16"), {2}),
        "utf16_be_no_bom": (good.encode("utf-16-be"), {2}),
        "utf16_le_no_bom": (good.encode("utf-16-le"), {2}),
        "utf32": (good.encode("utf-32"), {2}),
        "latin1": (good.replace("2-2-1", "Café").encode("latin-1"), {2}),
        "cp1252_quotes": (good.replace("2-2-1", "\u201cnet\u201d").encode("cp1252"), {2}),
        "double_bom": (b"\xef\xbb\xbf\xef\xbb\xbf" + good.encode(), {2}),
        "bom_only": (b"\xef\xbb\xbf", {2}),
        "gzip": (b"\x1f\x8b\x08\x00" + b"\x00" * 20, {2}),
        "crlf": (good.replace(", ", ",\r\n").encode(), {0}),
    }
    for name, (content, expect) in encodings.items():
        for command in [*RUN, *EXPORT]:
            argv = [a.replace("{f}", "f.json") for a in command]
            out = "out.svg" if command[0] == "export" else None
            yield Case("encodings", f"{name} {command[0]}", argv, {"f.json": content}, expect, out)
    yield from field_sweep("network fields", two_layer(), [*RUN, *EXPORT])
    yield from field_sweep("generated data", generated(), [*RUN, *EXPORT])
    deep = b"[" * 100_000 + b"]" * 100_000
    dup = good[:-1].encode() + b', "name": "again"}'
    for command in [*RUN, *EXPORT]:
        argv = [a.replace("{f}", "f.json") for a in command]
        out = "out.svg" if command[0] == "export" else None
        yield Case("structure", f"deep {command[0]}", argv, {"f.json": deep}, {2}, out)
        yield Case("structure", f"dup {command[0]}", argv, {"f.json": dup}, {2}, out)
        for where in documents.fields(two_layer(), every_item=True):
            if len(where) > 1 and isinstance(where[-1], str):  # a duplicate key inside every object
                content = raw_replaced(two_layer(), where, json.dumps(0) + f', "{where[-1]}": 1')
                yield Case("duplicate keys", f"{'.'.join(map(str, where))} {command[0]}", argv, {"f.json": content})


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "fifo.json")


def _loop(folder: Path) -> None:
    os.symlink("loop_b.json", folder / "loop_a.json")
    os.symlink("loop_a.json", folder / "loop_b.json")


def _dir(folder: Path) -> None:
    (folder / "adir.json").mkdir()


def _unreadable(folder: Path) -> None:
    folder.chmod(0o777)
    (folder / "locked.json").write_text(json.dumps(or_gate_document()))
    os.chmod(folder / "locked.json", 0)


def _readonly(folder: Path) -> None:
    folder.chmod(0o777)
    (folder / "ro").mkdir()
    os.chmod(folder / "ro", 0o555)


def path_cases() -> Iterator[Case]:
    targets = {
        "dir": ("adir.json", _dir),
        "fifo": ("fifo.json", _fifo),
        "dev_zero": ("/dev/zero", None),
        "dev_null": ("/dev/null", None),
        "missing": ("nope.json", None),
        "symlink_loop": ("loop_a.json", _loop),
        "newline_name": ("a\nb.json", None),
        "unreadable": ("locked.json", _unreadable),
        "empty_name": ("", None),
        "dash": ("-", None),
        "nul_in_name": ("a\x00b", None),
    }
    for name, (target, setup) in targets.items():
        if "\x00" in target:
            continue  # argv cannot carry NUL
        for command in [*RUN, *EXPORT, ["data", "{f}"], ["trace", "preset:or_gate", "--data", "{f}"]]:
            argv = [a.replace("{f}", target) for a in command]
            yield Case(
                "paths",
                f"{name} {command[0]} {len(argv)}",
                argv,
                {},
                {2},
                None,
                setup,
                unprivileged=name == "unreadable",
            )


def argument_cases() -> Iterator[Case]:
    p = "preset:or_gate"
    bad_numbers = ["-1", "0", BIG, "nan", "NaN", "inf", "-inf", "1e3", "0x10", "", " 3", "٣", "1.5", "+0", "-0"]
    for value in bad_numbers:
        yield Case("arguments", f"epochs {value!r}", ["train", p, "--epochs", value], expect={0, 2})
        yield Case("arguments", f"every {value!r}", ["train", p, "--epochs", "4", "--every", value], expect={0, 2})
        yield Case("arguments", f"example {value!r}", ["trace", p, "--example", value], expect={0, 2})
        yield Case("arguments", f"grid {value!r}", ["surface", p, "--params", "W1[0][0]", "--grid", value], expect={2})
        yield Case(
            "arguments", f"span {value!r}", ["surface", p, "--params", "W1[0][0]", "--span", value], expect={0, 2}
        )
        for option in ("--momentum", "--beta1", "--beta2", "--eps", "--damping"):
            optimizer = {"--momentum": "momentum", "--damping": "newton"}.get(option, "adam")
            argv = ["train", p, "--epochs", "2", "--optimizer", optimizer, option, value]
            yield Case("arguments", f"{option} {value!r}", argv, expect={0, 2})
        for option in ("steps", "scale"):
            argv = ["export", p, "--out", "o.png", f"--{option}", value]
            yield Case("arguments", f"export {option} {value!r}", argv, expect={0, 2}, out="o.png")
    for params in [
        "",
        ",",
        "W1[0][0],W1[0][0]",
        "W9[0][0]",
        "W1[5][0]",
        "W1[0]",
        "b1[0],W1[0][0],W1[1][0]",
        "W1[-1][0]",
        "W1[0][0]\n",
        "w1",
        "W1[00][0]",
        "W1[ 0][0]",
        "b1[0][0]",
    ]:
        yield Case("arguments", f"params {params!r}", ["surface", p, "--params", params], expect={0, 2})
    for spans in ["1e308", "1e-320", "5e307"]:
        yield Case(
            "arguments", f"span {spans}", ["surface", p, "--params", "W1[0][0]", "--span", spans], expect={0, 1, 2}
        )
    for optimizer in ["sgd", "", "ADAM", "newton\n"]:
        yield Case("arguments", f"optimizer {optimizer!r}", ["train", p, "--epochs", "2", "--optimizer", optimizer])
    yield Case(
        "arguments", "momentum for adam", ["train", p, "--epochs", "2", "--optimizer", "adam", "--momentum", ".5"]
    )
    yield Case("arguments", "plant unknown", ["gradcheck", p, "--plant", "nope"])
    yield Case("arguments", "theme unknown", ["export", p, "--out", "o.svg", "--theme", "neon"], out="o.svg")
    yield Case("arguments", "graph unknown", ["export", p, "--out", "o.svg", "--graph", "tree"], out="o.svg")
    for preset in ["../x", "../../etc/passwd", "/etc/passwd", "or_gate.json", "", "OR_GATE", "or_gate\n", "__init__"]:
        for command in (["trace"], ["export", "--out", "o.svg"], ["gradcheck"], ["surface", "--params", "W1[0][0]"]):
            argv = [command[0], f"preset:{preset}", *command[1:]]
            yield Case("arguments", f"preset {preset!r} {command[0]}", argv, out="o.svg" if "export" in argv else None)
    for expr, at in [
        ("x +", "x=1"),
        ("log(x)", "x=0"),
        ("x", "x=nan"),
        ("x", "x=1e999"),
        ("x" * 600, "x=1"),
        ("9**9**9", ""),
        ("x", "x=1,x=2"),
        ("x", "y=2"),
        ("sqrt(x)", "x=0"),
        ("x/y", "x=1,y=0"),
        ("x", "x"),
        ("x", "=1"),
        ("(" * 200 + "x" + ")" * 200, "x=1"),
    ]:
        for command in ("trace", "gradcheck"):
            argv = [command, "--expr", expr] + (["--at", at] if at else [])
            yield Case("arguments", f"expr {expr[:20]!r} at {at!r} {command}", argv, expect={0, 1, 2})
    for option in (["--help"], ["-h"]):
        for command in ("trace", "train", "gradcheck", "surface", "data", "export"):
            yield Case("arguments", f"{command} {option[0]}", [command, *option], expect={0})


def output_cases() -> Iterator[Case]:
    p = "preset:or_gate"
    commands = [
        ["trace", p],
        ["train", p, "--epochs", "50"],
        ["gradcheck", p],
        ["surface", p, "--params", "W1[0][0]", "--grid", "5"],
        ["trace", "--expr", "x*y", "--at", "x=1,y=2"],
    ]
    for command in commands:
        yield Case("output faults", f"dev_full {command[0]}", command, expect={1}, stdout="full")
        yield Case("output faults", f"closed {command[0]}", command, expect={1}, stdout="closed")
    outs = {
        "ro_dir": ("ro/g.svg", _readonly, {1}),
        "missing_dir": ("nope/g.svg", None, {1}),
        "is_dir": ("adir.json", _dir, {1, 2}),
        "no_suffix": ("graph", None, {2}),
        "upper_png": ("G.PNG", None, {0}),
        "upper_svg": ("G.SVG", None, {0}),
        "dot_svg_only": (".svg", None, {0, 2}),
        "dev_full_svg": ("/dev/full", None, {1, 2}),
        "trailing_dot": ("g.svg.", None, {2}),
        "jpg": ("g.jpg", None, {2}),
        "newline": ("a\nb.png", None, {0}),
    }
    for name, (out, setup, expect) in outs.items():
        for extra in ([], ["--graph", "layer"], ["--scale", "100"]):
            argv = ["export", p, "--out", out, "--steps", "3", *extra]
            expect |= {2} if extra else set()
            yield Case("export outputs", f"{name} {extra}", argv, {}, expect, out, setup, unprivileged=name == "ro_dir")
    for steps in ["0", "10000", "10001", "7", "99"]:
        for graph in ("scalar", "layer"):
            argv = ["export", p, "--out", "g.png", "--steps", steps, "--graph", graph]
            yield Case("export steps", f"{steps} {graph}", argv, {}, {0, 2}, "g.png")
    big = or_gate_document()
    big["layers"] = [{"units": 400, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]
    argv = ["export", "f.json", "--out", "g.svg", "--graph", "scalar"]
    yield Case("export steps", "scalar on a big net", argv, {"f.json": json.dumps(big).encode()}, {2}, "g.svg")
    argv = ["export", "f.json", "--out", "g.png", "--graph", "layer", "--scale", "16"]
    yield Case("export steps", "scale at the limit", argv, {"f.json": json.dumps(big).encode()}, {0, 2}, "g.png")
    yield Case("signals", "sigint train", ["train", p, "--epochs", "10000000"], expect={130}, sigint_after=2.5)
    yield Case(
        "signals",
        "sigint surface",
        ["surface", p, "--params", "W1[0][0],W1[1][0]", "--grid", "500"],
        expect={0, 130},
        sigint_after=1.5,
    )


def session_cases(every: int) -> Iterator[Case]:
    doc = session_doc()
    text = json.dumps(doc).encode()
    commands = [*RUN, *EXPORT, ["export", "{f}", "--out", "out.png", "--steps", "0"]]
    yield from field_sweep("session fields", doc, commands, every)
    for cut in range(0, len(text), max(1, len(text) // 400)):
        command = commands[cut % len(commands)]
        argv = [a.replace("{f}", "s.json") for a in command]
        out = "out.svg" if "export" in command else None
        yield Case("session truncated", f"at {cut} {command[0]}", argv, {"s.json": text[:cut]}, {2}, out)
    newer = documents.replaced(doc, ("format",), "backprop-stepper.session/2")
    for command in commands:
        argv = [a.replace("{f}", "s.json") for a in command]
        out = "out.svg" if "export" in command else None
        yield Case("session newer", command[0], argv, {"s.json": json.dumps(newer).encode()}, {2}, out)
        yield Case("session good", command[0], argv, {"s.json": text}, {0, 1}, out)


def csv_cases() -> Iterator[Case]:
    files = {
        "empty": b"",
        "header_only": b"a,b,y\n",
        "one_row": b"a,b,y\n1,2,3\n",
        "one_column": b"y\n1\n2\n3\n",
        "broken_quote": b'a,b,y\n"1,2,3\n4,5,6\n',
        "quote_in_middle": b'a,b,y\n1,2"x,3\n4,5,6\n',
        "mixed": b"a,b,y\n1,x,0\n2,3,1\n4,5,0\n",
        "nan_cells": b"a,b,y\n1,nan,0\n2,inf,1\n4,-inf,0\n5,6,1\n",
        "inf_cells": b"a,b,y\n1e999,2,0\n2,3,1\n4,5,0\n",
        "huge_line": b"a,b,y\n" + b"1," * 200_000 + b"1\n1,2,3\n",
        "huge_cell": b"a,b,y\n" + b"9" * 500_000 + b",2,1\n1,2,0\n",
        "big_int_cell": b"a,b,y\n" + BIG.encode() + b",2,1\n1,2,0\n",
        "ragged": b"a,b,y\n1,2\n1,2,3\n",
        "utf16": "a,b,y\n1,2,0\n3,4,1\n".encode("utf-16"),
        "latin1_header": "café,b,y\n1,2,0\n3,4,1\n".encode("latin-1"),
        "bom": b"\xef\xbb\xbfa,b,y\n1,2,0\n3,4,1\n",
        "binary": bytes(range(256)),
        "nul": b"a,b,y\n1,\x002,0\n3,4,1\n",
        "only_comments": b"# x\n# y\n",
        "blank_lines": b"\n\n\n",
        "semicolon_decimal_comma": b"a;b;y\n1,5;2;0\n3;4,25;1\n",
        "newline_in_quoted_header": b'"a\nb",c,y\n1,2,0\n3,4,1\n',
        "text_target_many": b"a,b,y\n1,2,x\n3,4,y\n5,6,z\n",
        "dup_header": b"a,a,y\n1,2,0\n3,4,1\n",
        "empty_header_name": b",b,y\n1,2,0\n3,4,1\n",
        "all_missing": b"a,b,y\nNA,NA,NA\n?,?,?\n",
        "constant_column": b"a,b,y\n1,2,0\n1,3,1\n1,4,0\n",
        "cr_only": b"a,b,y\r1,2,0\r3,4,1\r",
        "tabs": b"a\tb\ty\n1\t2\t0\n3\t4\t1\n",
        "control_chars": b"a,b\x1b[31m,y\n1,2,0\n3,4,1\n",
        "rtl_header": "a,\u202eb,y\n1,2,0\n3,4,1\n".encode(),
        "1e308_sum": b"a,b,y\n1e308,1e308,0\n1e308,1e308,1\n",
    }
    option_sets = [
        [],
        ["--standardise"],
        ["--missing", "refuse"],
        ["--target", "b"],
        ["--target", "99"],
        ["--features", "a,a"],
        ["--delimiter", "ab"],
        ["--delimiter", "\n"],
        ["--target", "-99"],
        ["--target-encoding", "onehot"],
        ["--text-features", "onehot"],
        ["--features", ""],
    ]
    for name, content in files.items():
        for k, options in enumerate(option_sets):
            argv = ["data", "d.csv", *options]
            yield Case("csv", f"{name} data {options}", argv, {"d.csv": content}, {0, 2})
            if k < 3:
                for command in (
                    ["trace", "preset:or_gate"],
                    ["train", "preset:or_gate", "--epochs", "2"],
                    ["gradcheck", "preset:or_gate"],
                    ["surface", "preset:or_gate", "--params", "W1[0][0]", "--grid", "3"],
                ):
                    argv = [*command, "--data", "d.csv", *options]
                    yield Case("csv", f"{name} {command[0]} {options}", argv, {"d.csv": content}, {0, 1, 2})


WINDOW = [["{f}", "--screenshot", "shot.png", "--size", "400x300"]]


def window_cases(every: int) -> Iterator[Case]:
    """The window's launch (rendered to a PNG) on the network and session sweeps, every K-th field."""
    for case in [
        *field_sweep("window network", two_layer(), WINDOW, every),
        *field_sweep("window session", session_doc(), WINDOW, 2 * every),
    ]:
        case.out = "shot.png"
        yield case


CATEGORIES = {
    "network": lambda args: network_cases(),
    "paths": lambda args: path_cases(),
    "arguments": lambda args: argument_cases(),
    "output": lambda args: output_cases(),
    "session": lambda args: session_cases(args.every),
    "csv": lambda args: csv_cases(),
    "window": lambda args: window_cases(max(args.every, 3)),
}


# -- running -----------------------------------------------------------------------------------


@dataclass
class Result:
    status: int | None
    out: bytes
    err: bytes
    seconds: float


def run_forked(case: Case, folder: Path) -> Result:
    """The case in a forked child of this process (the imports already done)."""
    out_path, err_path = folder / ".stdout", folder / ".stderr"
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        status = 99
        try:
            os.chdir(folder)
            fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fd, 2)
            if case.stdout == "closed":
                os.close(1)
                sys.stdout = None
            else:
                target = "/dev/full" if case.stdout == "full" else out_path
                os.dup2(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            if case.unprivileged and os.getuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            from gui.launch import main

            try:
                status = main(case.argv)
            except SystemExit as e:
                status = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
            if sys.stdout is not None:
                try:
                    sys.stdout.flush()
                except OSError:
                    os.write(2, b"(python's exit flush failed)\n")
        except BaseException:
            import traceback

            traceback.print_exc()
            status = 98
        finally:
            os._exit(status if isinstance(status, int) else 97)
    return _wait(pid, case, start, out_path, err_path)


def run_subprocess(case: Case, folder: Path) -> Result:
    """The case as a whole ``backprop-stepper`` process."""
    exe = Path(sys.executable).parent / "backprop-stepper"
    with open("/dev/full", "wb") as full:
        stdout = {"pipe": subprocess.PIPE, "full": full, "closed": subprocess.DEVNULL}[case.stdout]
        start = time.monotonic()
        proc = subprocess.Popen([str(exe), *case.argv], cwd=folder, stdout=stdout, stderr=subprocess.PIPE)
        if case.sigint_after:
            time.sleep(case.sigint_after)
            proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            return Result(None, out or b"", err, time.monotonic() - start)
    return Result(proc.returncode, out or b"", err, time.monotonic() - start)


def _wait(pid: int, case: Case, start: float, out_path: Path, err_path: Path) -> Result:
    sent = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        elapsed = time.monotonic() - start
        if case.sigint_after and not sent and elapsed > case.sigint_after:
            os.kill(pid, signal.SIGINT)
            sent = True
        if elapsed > TIMEOUT:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return Result(None, b"", err_path.read_bytes() if err_path.exists() else b"", elapsed)
        time.sleep(0.005)
    code = os.waitstatus_to_exitcode(status)
    out = out_path.read_bytes() if out_path.exists() else b""
    return Result(code, out, err_path.read_bytes() if err_path.exists() else b"", time.monotonic() - start)


def problems(case: Case, result: Result, folder: Path) -> list[str]:
    found = []
    err = result.err.decode("utf-8", "replace")
    if result.status is None:
        found.append(f"hang (> {TIMEOUT:g} s)")
    elif result.status not in DOCUMENTED:
        found.append(f"exit {result.status} (undocumented)")
    elif result.status not in case.expect:
        found.append(f"exit {result.status}, expected {sorted(case.expect)}")
    if "Traceback" in err:
        found.append("traceback")
    lines = err.splitlines()
    if len(lines) > 1 and not (result.status == 0 and case.argv[-1] in ("--help", "-h")):
        found.append(f"{len(lines)} stderr lines")
    if result.status == 2 and result.out:
        found.append("stdout written on a refusal")
    if (
        result.status == 0
        and case.stdout == "pipe"
        and case.argv[0] in ("trace", "train", "gradcheck", "surface", "data")
        and not {"--help", "-h"} & set(case.argv)
    ):
        try:
            json.loads(result.out)
        except ValueError:
            found.append("stdout is not JSON")
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    if leftovers:
        found.append(f"temporary files left: {leftovers}")
    if case.out and result.status not in (0, None) and not case.out.startswith("/"):
        target = folder / case.out
        if target.is_file() and not target.name.endswith(".json"):
            found.append("an output file was written although the command failed")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("categories", nargs="*", choices=list(CATEGORIES), default=[])
    parser.add_argument("--subprocess", action="store_true", help="run the console script for each case (slow)")
    parser.add_argument("--every", type=int, default=1, help="session sweep: every K-th field only")
    parser.add_argument("--verbose", action="store_true", help="print the stderr of flagged cases")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Imported before forking, so each case starts quickly (and an unprivileged child need not read them).
    import importlib.readers  # noqa: F401
    import secrets  # noqa: F401

    import gui.export
    import gui.export_cli
    import gui.graph.scene
    import gui.launch
    import gui.settings  # noqa: F401

    counts, flagged = Counter(), Counter()
    for category in args.categories or CATEGORIES:
        for case in CATEGORIES[category](args):
            counts[case.category] += 1
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                for name, content in case.files.items():
                    (folder / name).write_bytes(content)
                if case.setup:
                    case.setup(folder)
                runner = run_subprocess if args.subprocess or case.sigint_after else run_forked
                result = runner(case, folder)
                found = problems(case, result, folder)
                for p in folder.iterdir():
                    if p.is_dir():
                        os.chmod(p, 0o755)
                if found:
                    flagged[case.category] += 1
                    first = result.err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
                    print(
                        f"FLAG [{case.category}] {case.name[:90]!r}: {'; '.join(found)} | {first[0][:200]}", flush=True
                    )
                    if args.verbose:
                        print(result.err.decode("utf-8", "replace")[-3000:])
    print()
    for category, n in counts.items():
        print(f"{category:20} {n:5} cases, {flagged[category]:4} flagged")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
