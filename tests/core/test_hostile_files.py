"""Hostile network files and arguments on the command line: one line on stderr, the right exit code.

A table per category (encodings, JSON structure, numbers, shapes, text fields, settings, sizes,
arguments and paths); each case runs ``backprop-stepper``'s entry function in this process and
must end with exactly one stderr line naming the problem, nothing on stdout, and no traceback.
Output faults and Ctrl+C need a process of their own: see test_output_faults.py.
"""

from __future__ import annotations

import json
import os
import sys

import pytest

from core.limits import MAX_EPOCHS, MAX_FILE_BYTES, MAX_LAYERS
from core.network_file import FORMAT
from tests.core.cli_run import run
from tests.core.documents import or_gate_document, two_hidden_layers

BIG = "1" + "0" * 399  # a 400-digit integer


def good_doc() -> dict:
    doc = or_gate_document()
    doc["data"]["feature_names"] = ["x1", "x2"]
    return doc


def with_(path: str, value) -> bytes:
    """The good document with the field at a dotted path (list indices as numbers) replaced."""
    doc = good_doc()
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = doc
    for p in parents:
        target = target[p]
    target[last] = value
    return json.dumps(doc).encode()


def raw(path: str, literal: str) -> bytes:
    """The good document with the field's JSON text replaced by ``literal`` (which json.dumps cannot write)."""
    marker = "__HOSTILE__"
    return with_(path, marker).replace(f'"{marker}"'.encode(), literal.encode())


def text(s: str) -> bytes:
    return s.encode()


GOOD = json.dumps(good_doc())

# (file bytes, a fragment of the message)
ENCODINGS = {
    "utf16_le_bom": (GOOD.encode("utf-16"), "UTF-16"),
    "utf16_be_bom": (b"\xfe\xff" + GOOD.encode("utf-16-be"), "UTF-16"),
    "utf16_no_bom": (GOOD.encode("utf-16-le"), "NUL"),
    "utf32": (GOOD.encode("utf-32"), "UTF-32"),
    "latin1_name": (GOOD.replace("OR gate", "Café").encode("latin-1"), "not UTF-8"),
    "binary_garbage": (bytes(range(256)) * 4, "NUL"),
    "high_bytes": (b"\x89PNG\r\n\x1a\n" + b"\xff" * 50, "not UTF-8"),
    "empty_file": (b"", "not valid JSON"),
    "whitespace_only": (b" \n\t ", "not valid JSON"),
    "lone_surrogate_in_name": (raw("name", '"\\ud800"'), "unprintable"),
    "overlong_utf8": (GOOD.replace("OR gate", "\x00").encode().replace(b"\x00", b"\xc0\x80"), "not UTF-8"),
}

STRUCTURE = {
    "nested_100000_arrays": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "nested_100000_objects": (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
    "nested_in_a_field": (raw("name", "[" * 100_000 + "]" * 100_000), "nested too deeply"),
    "duplicate_top_key": (GOOD[:-1].encode() + b', "inputs": 3}', "appears twice"),
    "duplicate_layer_key": (raw("layers.0.units", '1, "units": 2'), "appears twice"),
    "duplicate_data_key": (raw("data.X", '[[0, 0]], "X": [[1, 1]]'), "appears twice"),
    "trailing_garbage": (GOOD.encode() + b" }", "not valid JSON"),
    "truncated": (GOOD[:40].encode(), "not valid JSON"),
    "top_level_array": (b"[1, 2]", "one JSON object"),
    "top_level_string": (b'"network"', "one JSON object"),
    "top_level_null": (b"null", "one JSON object"),
    "nan_literal": (raw("data.X.0.0", "NaN"), "NaN"),
    "infinity_literal": (raw("learning_rate", "Infinity"), "Infinity"),
    "minus_infinity_literal": (raw("layers.0.bias.0", "-Infinity"), "Infinity"),
    "unknown_field": (with_("colour", "red"), "unknown field 'colour'"),
    "missing_loss": (GOOD.replace('"loss": "half_squared_error", ', "").encode(), "missing loss"),
    "comment": (b"// a network\n" + GOOD.encode(), "not valid JSON"),
}

NUMBERS = {
    "big_inputs": (raw("inputs", BIG), "inputs"),
    "big_units": (raw("layers.0.units", BIG), "units"),
    "big_batch_size": (raw("batch_size", BIG), "batch_size"),
    "big_seed": (raw("seed", BIG), "seed"),
    "big_learning_rate": (raw("learning_rate", BIG), "learning_rate"),
    "big_in_x": (raw("data.X.0.0", BIG), "data X"),
    "big_in_y": (raw("data.y.0.0", BIG), "data y"),
    "big_in_weights": (raw("layers.0.weights.0.0", BIG), "weights"),
    "big_in_bias": (raw("layers.0.bias.0", BIG), "bias"),
    "negative_big_in_x": (raw("data.X.1.1", "-" + BIG), "data X"),
    "big_optimizer_setting": (raw("optimizer", '{"name": "adam", "beta1": ' + BIG + "}"), "optimizer"),
    "big_newton_damping": (raw("optimizer", '{"name": "newton", "damping": ' + BIG + "}"), "damping"),
    "float_overflow_in_x": (raw("data.X.0.0", "1e999"), "data X"),
    "float_overflow_learning_rate": (raw("learning_rate", "1e400"), "learning_rate"),
    "bool_inputs": (with_("inputs", True), "inputs must be a whole number, not true"),
    "bool_units": (with_("layers.0.units", False), "units must be a whole number"),
    "bool_in_x": (with_("data.X.0.0", True), "data X row 0 column 0 is not a number: true"),
    "bool_in_y": (with_("data.y.2.0", False), "data y"),
    "bool_learning_rate": (with_("learning_rate", True), "learning_rate must be a number"),
    "bool_batch_size": (with_("batch_size", True), "batch_size"),
    "float_units": (with_("layers.0.units", 1.0), "units must be a whole number"),
    "float_inputs": (with_("inputs", 2.5), "inputs must be a whole number"),
    "string_inputs": (with_("inputs", "2"), "inputs must be a whole number, not the text '2'"),
    "string_in_x": (with_("data.X.0.1", "1"), "is not a number"),
    "negative_units": (with_("layers.0.units", -1), "at least 1"),
    "zero_inputs": (with_("inputs", 0), "at least 1"),
    "zero_learning_rate": (with_("learning_rate", 0), "learning_rate"),
    "negative_learning_rate": (with_("learning_rate", -0.5), "learning_rate"),
    "learning_rate_5000": (with_("learning_rate", 5000), "learning_rate 5000 is outside"),
    "learning_rate_1e-300": (with_("learning_rate", 1e-300), "learning_rate 1e-300 is outside"),
    "negative_seed": (with_("seed", -1), "seed"),
    "float_seed": (with_("seed", 0.5), "seed"),
    "zero_batch_size": (with_("batch_size", 0), "batch_size"),
    "negative_batch_size": (with_("batch_size", -3), "batch_size"),
    "units_over_int32": (with_("layers.0.units", 2**31), "over the limit"),
}

SHAPES = {
    "empty_x": (with_("data.X", []), "data X must be a non-empty list"),
    "empty_rows": (with_("data.X", [[], [], [], []]), "row 0 is empty"),
    "empty_y": (with_("data.y", []), "data y"),
    "ragged_x": (with_("data.X", [[0, 0], [0], [1, 0], [1, 1]]), "rows of different lengths"),
    "ragged_y": (with_("data.y", [[0], [1, 1], [1], [1]]), "rows of different lengths"),
    "flat_x": (with_("data.X", [0, 1, 1, 0]), "list of rows"),
    "x_of_objects": (with_("data.X", [{"a": 1}] * 4), "list of rows"),
    "x_three_deep": (with_("data.X", [[[0, 0]]] * 4), "is not a number"),
    "x_null": (with_("data.X", None), "not null"),
    "x_columns_not_inputs": (with_("inputs", 3), "3 inputs"),
    "y_rows_not_x_rows": (with_("data.y", [[0], [1]]), "data y has shape"),
    "y_width_not_outputs": (with_("data.y", [[0, 1]] * 4), "data y has shape"),
    "weights_wrong_shape": (with_("layers.0.weights", [[0.1, 0.2]]), "weights have shape"),
    "weights_ragged": (with_("layers.0.weights", [[0.1], [0.6, 0.7]]), "rows of different lengths"),
    "weights_flat": (with_("layers.0.weights", [0.1, 0.6]), "list of rows"),
    "weights_empty": (with_("layers.0.weights", []), "weights must be a non-empty list"),
    "weights_string": (with_("layers.0.weights", "0.1"), "weights must be a non-empty list"),
    "bias_too_long": (with_("layers.0.bias", [0.0, 1.0]), "bias have shape"),
    "bias_empty": (with_("layers.0.bias", []), "bias have shape"),
    "bias_nested": (with_("layers.0.bias", [[0.0]]), "bias item 0 is not a number"),
    "bias_object": (with_("layers.0.bias", {"0": 0.0}), "bias must be a list"),
    "layers_empty": (with_("layers", []), "layers must be a non-empty list"),
    "layers_null": (with_("layers", None), "not null"),
    "layers_object": (with_("layers", {"units": 1}), "layers must be a non-empty list"),
    "layer_a_number": (with_("layers", [1]), "layer 1 must be an object"),
    "layer_missing_units": (with_("layers", [{"activation": "sigmoid"}]), "missing units"),
    "data_a_list": (with_("data", [[0, 0]]), "data must be an object"),
    "data_missing_y": (with_("data", {"X": [[0, 0]]}), "missing y"),
}

TEXT_FIELDS = {
    "name_a_number": (with_("name", 5), "name must be text, not 5"),
    "name_null": (with_("name", None), "name must be text, not null"),
    "name_a_list": (with_("name", ["OR"]), "name must be text, not a list"),
    "name_with_newline": (with_("name", "OR\ngate"), "unprintable character \\n"),
    "name_with_escape": (with_("name", "OR\x1b[31mgate"), "unprintable character \\x1b"),
    "name_with_line_separator": (with_("name", "OR\u2028gate"), "unprintable"),
    "description_an_object": (with_("description", {"text": "x"}), "description must be text"),
    "description_with_nul": (with_("description", "a\x00b"), "unprintable"),
    "feature_names_a_number": (with_("data.feature_names", 5), "feature_names must be a list of texts, not 5"),
    "feature_names_null": (with_("data.feature_names", None), "not null"),
    "feature_names_of_numbers": (with_("data.feature_names", [1, 2]), "must be text, not 1"),
    "feature_names_too_few": (with_("data.feature_names", ["x1"]), "1 names for 2 inputs"),
    "target_names_too_many": (with_("data.target_names", ["a", "b", "c"]), "3 names for 1 output"),
    "key_with_newline": (with_("na\nme", "x"), "unknown field 'na\\nme'"),
    "key_with_quote_and_newline": (with_("a'\n\"b", "x"), "unknown field"),
    "loss_with_newline": (with_("loss", "half\nsquared"), "unprintable"),
    "loss_unknown": (with_("loss", "hinge"), "unknown loss 'hinge'"),
    "loss_a_list": (with_("loss", ["log_loss"]), "loss must be text"),
    "activation_unknown": (with_("layers.0.activation", "swish"), "unknown activation 'swish'"),
    "activation_null": (with_("layers.0.activation", None), "activation must be text"),
    "format_missing": (GOOD.replace(f'"format": "{FORMAT}", ', "").encode(), "unknown format tag null"),
    "format_wrong": (with_("format", "backprop-stepper.network/2"), "unknown format tag"),
    "format_a_number": (with_("format", 1), "unknown format tag 1"),
}

SOFTMAX_3 = {
    "layers": [{"units": 3, "activation": "softmax"}],
    "loss": "cross_entropy",
    "data": {"X": [[0, 0], [1, 1]], "y": [[1, 0, 0], [0, 0.5, 0.5]]},
}


def doc_with(**fields) -> bytes:
    doc = good_doc()
    doc["data"].pop("feature_names")
    doc["layers"][0].pop("weights")
    doc["layers"][0].pop("bias")
    doc.update(fields)
    return json.dumps(doc).encode()


SETTINGS = {
    "log_loss_target_2": (
        doc_with(loss="log_loss", data={"X": [[0, 0], [1, 1]], "y": [0, 2]}),
        "log_loss needs targets between 0 and 1; data y row 1 is [2]",
    ),
    "log_loss_negative_target": (
        doc_with(loss="log_loss", data={"X": [[0, 0], [1, 1]], "y": [-0.5, 1]}),
        "between 0 and 1",
    ),
    "cross_entropy_row_sums_to_2": (
        doc_with(**{**SOFTMAX_3, "data": {"X": [[0, 0], [1, 1]], "y": [[1, 0, 0], [1, 1, 0]]}}),
        "data y row 1 sums to 2",
    ),
    "cross_entropy_negative_target": (
        doc_with(**{**SOFTMAX_3, "data": {"X": [[0, 0], [1, 1]], "y": [[1, 0, 0], [1.5, -0.5, 0]]}}),
        "at least 0",
    ),
    "cross_entropy_zero_row": (
        doc_with(**{**SOFTMAX_3, "data": {"X": [[0, 0], [1, 1]], "y": [[1, 0, 0], [0, 0, 0]]}}),
        "sums to 0",
    ),
    "one_unit_softmax": (
        doc_with(layers=[{"units": 1, "activation": "softmax"}]),
        "softmax over one unit always outputs 1",
    ),
    "hidden_softmax": (
        doc_with(layers=[{"units": 2, "activation": "softmax"}, {"units": 1, "activation": "sigmoid"}]),
        "only supported on the output layer",
    ),
    "log_loss_identity_output": (doc_with(loss="log_loss", layers=[{"units": 1, "activation": "identity"}]), "sigmoid"),
    "cross_entropy_sigmoid_output": (doc_with(loss="cross_entropy"), "softmax"),
}

SIZES = {
    "declared_units_need_gigabytes": (
        doc_with(layers=two_hidden_layers(40_000)),
        "needs 76.8 GB, over the 2 GB limit",
    ),
    "declared_inputs_need_gigabytes": (
        doc_with(inputs=2, layers=[{"units": 100_000_000, "activation": "sigmoid"}]),
        "over the 2 GB limit",
    ),
    "too_many_layers": (
        doc_with(layers=[{"units": 1, "activation": "sigmoid"}] * (MAX_LAYERS + 1)),
        f"over the limit of {MAX_LAYERS}",
    ),
}


def write(tmp_path, name: str, content: bytes) -> str:
    path = tmp_path / f"{name}.json"
    path.write_bytes(content)
    return str(path)


def assert_one_line(status: int, out: str, err: str, expected_status: int = 2, fragment: str = "") -> None:
    assert status == expected_status, err
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("backprop-stepper: ")
    assert err.endswith("\n")
    assert len(err.splitlines()) == 1, err  # splitlines: \r, \x85 and \u2028 would break the line too
    assert fragment in err


FILE_CASES = {**ENCODINGS, **STRUCTURE, **NUMBERS, **SHAPES, **TEXT_FIELDS, **SETTINGS, **SIZES}


@pytest.mark.parametrize("command", ["trace", "train"])
@pytest.mark.parametrize("key", FILE_CASES)
def test_a_hostile_file_is_one_line_and_exit_2(tmp_path, capsys, key, command):
    content, fragment = FILE_CASES[key]
    argv = [command, write(tmp_path, key, content)] + (["--epochs", "2"] if command == "train" else [])
    assert_one_line(*run(capsys, argv), fragment=fragment)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\xef\xbb\xbf" + GOOD.encode(), id="utf8_bom"),
        pytest.param(with_("name", "n" * 10_000), id="long_name"),
        pytest.param(with_("name", "Café ☕ 网络"), id="unicode_name"),
        pytest.param(with_("description", "line one\nline two\tand a tab"), id="multiline_description"),
        pytest.param(with_("description", "written\r\non Windows"), id="crlf_description"),
        pytest.param(with_("layers.0.weights", None), id="null_weights_mean_seeded"),
        pytest.param(with_("batch_size", 1000), id="batch_larger_than_the_data"),
        pytest.param(with_("data.X.0.0", -0.0), id="negative_zero"),
        pytest.param(with_("learning_rate", 1000), id="largest_learning_rate"),
        pytest.param(with_("learning_rate", 1e-12), id="smallest_learning_rate"),
    ],
)
def test_unusual_but_valid_files_load(tmp_path, capsys, content):
    status, out, err = run(capsys, ["train", write(tmp_path, "ok", content), "--epochs", "2"])
    assert (status, err) == (0, "")
    assert len(json.loads(out)["cost"]) == 2


# -- sizes and paths -------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, capsys):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, and reading it would take seconds
    assert_one_line(*run(capsys, ["trace", str(path)]), fragment="over the 100 MB limit")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    assert_one_line(*run(capsys, ["trace", str(path)]), fragment="not a regular file")


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        pytest.param("/dev/zero", "not a regular file", id="dev_zero"),
        pytest.param("/dev/null", "not a regular file", id="dev_null"),
        pytest.param(".", "is a folder", id="directory"),
        pytest.param("no such file.json", "No such file", id="missing"),
        pytest.param("bad\nname.json", "'bad\\nname.json'", id="newline_in_missing_path"),
        pytest.param("x" * 5000 + ".json", "File name too long", id="name_too_long"),
    ],
)
def test_a_path_that_is_not_a_network_file_is_one_line(capsys, tmp_path, monkeypatch, path, fragment):
    if path.startswith("/dev/") and not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    monkeypatch.chdir(tmp_path)
    assert_one_line(*run(capsys, ["trace", path]), fragment=fragment)


def test_an_unreadable_file_is_one_line(tmp_path, capsys, monkeypatch):
    path = write(tmp_path, "locked", GOOD.encode())
    os.chmod(path, 0)
    real_open = os.open

    def open_as_a_user_would(name, *args, **kwargs):
        # Root (as in CI) reads a file of mode 0 anyway: refuse it as the kernel refuses a user.
        if os.fspath(name) == path:
            raise PermissionError(13, "Permission denied", path)
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_as_a_user_would)
    assert_one_line(*run(capsys, ["trace", path]), fragment="Permission denied")


def test_a_bad_file_with_a_newline_in_its_name_stays_on_one_line(tmp_path, capsys):
    path = write(tmp_path, "two\nlines", b"[1]")
    assert_one_line(*run(capsys, ["trace", path]), fragment="two\\nlines.json'")


# -- arguments --------------------------------------------------------------------------------

ARGUMENTS = {
    "no_command_arguments": (["train"], "required"),
    "epochs_missing": (["train", "preset:or_gate"], "--epochs"),
    "epochs_zero": (["train", "preset:or_gate", "--epochs", "0"], "--epochs must be at least 1"),
    "epochs_negative": (["train", "preset:or_gate", "--epochs", "-5"], "--epochs must be at least 1"),
    "epochs_float": (["train", "preset:or_gate", "--epochs", "2.5"], "must be a whole number, not '2.5'"),
    "epochs_exponent": (["train", "preset:or_gate", "--epochs", "1e3"], "must be a whole number"),
    "epochs_text": (["train", "preset:or_gate", "--epochs", "ten"], "must be a whole number"),
    "epochs_underscore": (["train", "preset:or_gate", "--epochs", "1_000"], "must be a whole number"),
    "epochs_empty": (["train", "preset:or_gate", "--epochs", ""], "must be a whole number"),
    "epochs_over_limit": (["train", "preset:or_gate", "--epochs", str(MAX_EPOCHS + 1)], "over the limit"),
    "epochs_400_digits": (["train", "preset:or_gate", "--epochs", BIG], "too large"),
    "every_zero": (["train", "preset:or_gate", "--epochs", "5", "--every", "0"], "--every must be at least 1"),
    "every_negative": (["train", "preset:or_gate", "--epochs", "5", "--every", "-1"], "--every"),
    "every_over_epochs": (["train", "preset:or_gate", "--epochs", "5", "--every", "6"], "no cost would be printed"),
    "every_text": (["train", "preset:or_gate", "--epochs", "5", "--every", "x"], "must be a whole number"),
    "example_negative": (["trace", "preset:or_gate", "--example", "-1"], "outside 0..3"),
    "example_past_the_end": (["trace", "preset:or_gate", "--example", "4"], "outside 0..3"),
    "example_400_digits": (["trace", "preset:or_gate", "--example", BIG], "too large"),
    "example_float": (["trace", "preset:or_gate", "--example", "0.5"], "must be a whole number"),
    "extra_argument": (["trace", "preset:or_gate", "more"], "unrecognized arguments"),
    "extra_argument_with_newline": (["trace", "preset:or_gate", "a\nb"], "a\\nb"),
    "unknown_option": (["trace", "preset:or_gate", "--fast"], "unrecognized arguments"),
    "preset_path": (["trace", "preset:../presets/or_gate"], "no preset '../presets/or_gate'"),
    "preset_absolute": (["trace", "preset:/etc/passwd"], "no preset '/etc/passwd'"),
    "preset_with_suffix": (["trace", "preset:or_gate.json"], "no preset"),
    "preset_empty": (["trace", "preset:"], "no preset ''"),
    "preset_unknown": (["train", "preset:no_such", "--epochs", "1"], "known presets: or_gate"),
    "window_steps_huge": (["--screenshot", "x.png", "--steps", "99999999"], "from 0 to 10,000"),
    "window_steps_negative": (["--screenshot", "x.png", "--steps", "-1"], "from 0 to 10,000"),
    "window_size_not_a_size": (["--size", "1e9x3"], "size must look like 1600x1000"),
    "window_unknown_option": (["--fast"], "unrecognized arguments"),
}


@pytest.mark.parametrize("key", ARGUMENTS)
def test_a_bad_argument_is_one_line_and_exit_2(capsys, key):
    argv, fragment = ARGUMENTS[key]
    assert_one_line(*run(capsys, argv), fragment=fragment)


@pytest.mark.parametrize("word", ["frobnicate", "tarin", "a\nb"])
def test_an_unknown_command_is_one_line_and_exit_2(capsys, word):
    assert_one_line(*run(capsys, [word]), fragment=f"unknown command {word!r}")


def test_the_corpus_covers_every_category():
    categories = [ENCODINGS, STRUCTURE, NUMBERS, SHAPES, TEXT_FIELDS, SETTINGS, SIZES, ARGUMENTS]
    assert all(len(c) >= 3 for c in categories)
    assert sum(len(c) for c in categories) >= 100


def test_the_good_document_is_good(tmp_path, capsys):
    status, out, err = run(capsys, ["trace", write(tmp_path, "good", GOOD.encode())])
    assert (status, err) == (0, "")
    assert json.loads(out)["cost"] > 0
    assert sys.getrecursionlimit() >= 1000  # the deep-nesting cases did not leave it changed


# -- every field of a file, each replaced by values of the wrong kind ---------------------------

WRONG_VALUES = [None, True, -1, int(BIG), 1e308, "a\nb", [], [[]], {}, [None]]


def field_paths(value, prefix: tuple = ()):
    """Every field and list item of a document, as key/index paths."""
    if prefix:
        yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from field_paths(child, (*prefix, key))


def test_any_field_replaced_by_any_wrong_value_is_one_line_or_loads(tmp_path, capsys):
    """A sweep: never a traceback; a refusal is exit 2 with one line; anything accepted trains."""
    path = tmp_path / "swept.json"
    cases = 0
    for fields in field_paths(good_doc()):
        for wrong in WRONG_VALUES:
            doc = good_doc()
            target = doc
            for key in fields[:-1]:
                target = target[key]
            target[fields[-1]] = wrong
            path.write_text(json.dumps(doc))
            status, out, err = run(capsys, ["train", str(path), "--epochs", "1"])
            where = f"{'.'.join(map(str, fields))} = {wrong!r:.40}"
            assert status in (0, 1, 2), where  # 1: it trained, but the cost overflowed (said in one line)
            if status == 2:
                assert_one_line(status, out, err)
            elif status == 1:
                assert len(err.splitlines()) == 1, where
                json.loads(out)
            else:
                assert err == "", where
            cases += 1
    assert cases > 300
