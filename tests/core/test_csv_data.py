"""The CSV reader: the formats it detects, the arrays it gives, and one-line refusals of bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core import csv_data
from core.csv_data import CsvCancelled, CsvError, CsvOptions, read_csv, read_csv_text, sniff

CSV = Path(__file__).resolve().parents[1] / "data" / "csv"


def test_semicolon_with_decimal_comma():
    data = read_csv(CSV / "semicolon_decimal_comma.csv")
    assert data.layout.delimiter == ";"
    assert data.layout.decimal_comma
    assert data.feature_names == ("size", "rooms")
    assert data.target_names == ("price",)
    assert data.classes == ()
    np.testing.assert_array_equal(data.X, [[1000, 2], [2000, 4], [3000, 7]])
    np.testing.assert_array_equal(data.y, [[20000.5], [30000.25], [50000]])


def test_whitespace_with_quoted_headers_comments_and_blank_lines():
    data = read_csv(CSV / "whitespace_quoted.csv")
    assert data.layout.delimiter_name == "whitespace"
    assert data.feature_names == ("aack count", "beep count")
    np.testing.assert_array_equal(data.X, [[3, 0], [0, 2], [1, 3], [2, 1]])
    # two text classes, sorted: happy is 0, sad is 1; both names are kept for the single 0/1 output
    assert data.classes == ("happy", "sad")
    assert data.target_names == ("happy", "sad")
    np.testing.assert_array_equal(data.y, [[0], [1], [1], [0]])


def test_text_target_one_hot_and_binary():
    data = read_csv(CSV / "text_target.csv")
    assert data.target_names == ("setosa", "versicolor", "virginica")
    np.testing.assert_array_equal(data.y, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
    with pytest.raises(CsvError, match=r"^the target column 2 \(species\) has 3 classes"):
        read_csv(CSV / "text_target.csv", CsvOptions(target_encoding="binary"))
    two = read_csv(CSV / "whitespace_quoted.csv", CsvOptions(target_encoding="onehot"))
    np.testing.assert_array_equal(two.y, [[1, 0], [0, 1], [0, 1], [1, 0]])


def test_numeric_labels_as_classes():
    data = read_csv_text("a,b,label\n1,2,0\n3,4,2\n5,6,1\n", CsvOptions(target_encoding="onehot"))
    assert data.classes == ("0", "1", "2")
    np.testing.assert_array_equal(data.y, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])


def test_missing_cells_dropped_and_counted():
    data = read_csv(CSV / "missing.csv")
    assert data.dropped == 4
    assert data.rows == 2
    np.testing.assert_array_equal(data.X, [[1, 2], [7, 8]])
    np.testing.assert_array_equal(data.y, [[0], [1]])
    assert data.summary()["dropped"] == 4


def test_missing_cells_refused_names_line_and_column():
    with pytest.raises(CsvError) as e:
        read_csv(CSV / "missing.csv", CsvOptions(missing="refuse"))
    assert str(e.value) == "line 3, column 0 (a): missing value ''"


def test_missing_cells_only_matter_in_chosen_columns():
    text = "a,b,y\n1,,0\n2,,1\n3,,1\n"
    chosen = read_csv_text(text, CsvOptions(features=["a"], missing="refuse"))
    np.testing.assert_array_equal(chosen.X, [[1], [2], [3]])


@pytest.mark.parametrize(
    ("options", "features", "target"),
    [
        (CsvOptions(target="a"), ("b", "y"), "a"),
        (CsvOptions(target=0), ("b", "y"), "a"),
        (CsvOptions(target="-3"), ("b", "y"), "a"),
        (CsvOptions(target=-2, features=["y", 0]), ("y", "a"), "b"),
        (CsvOptions(features=["b"]), ("b",), "y"),
    ],
)
def test_choice_of_columns_by_name_or_index(options, features, target):
    data = read_csv_text("a,b,y\n1,2,3\n4,5,6\n", options)
    assert data.feature_names == features
    assert data.target_column == target


def test_text_features_left_out_or_one_hot():
    text = "colour,size,y\nred,1,0\nblue,2,1\nred,3,1\n"
    left = read_csv_text(text)
    assert left.feature_names == ("size",)
    assert left.left_out == ("colour",)
    hot = read_csv_text(text, CsvOptions(text_features="onehot"))
    assert hot.feature_names == ("colour=blue", "colour=red", "size")
    np.testing.assert_array_equal(hot.X, [[0, 1, 1], [1, 0, 2], [0, 1, 3]])
    with pytest.raises(CsvError, match=r"feature column 0 \(colour\) holds text, e.g. 'red'"):
        read_csv_text(text, CsvOptions(features=["colour", "size"]))


def test_standardisation_returns_its_statistics():
    data = read_csv(CSV / "semicolon_decimal_comma.csv", CsvOptions(standardise=True))
    np.testing.assert_allclose(data.X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(data.X.std(axis=0), 1)
    np.testing.assert_allclose(data.mean, [2000, 13 / 3])
    np.testing.assert_allclose(data.to_original(data.X), [[1000, 2], [2000, 4], [3000, 7]])
    np.testing.assert_allclose(data.to_standard([[2000, 13 / 3]]), [[0, 0]], atol=1e-12)
    summary = data.summary()
    assert summary["columns"]["size"] == {"mean": 2000, "std": pytest.approx(816.4965809), "min": 1000, "max": 3000}
    assert summary["columns"]["price"]["max"] == 50000
    assert summary["standardisation"]["mean"] == pytest.approx([2000, 13 / 3])


def test_header_detected_or_absent_or_forced():
    assert not read_csv_text("1,2,3\n4,5,6\n").layout.header
    assert read_csv_text("1,2,3\n4,5,6\n").feature_names == ("column 0", "column 1")
    assert read_csv_text("'a',b,c\n4,5,6\n7,8,9\n").layout.header
    forced = read_csv_text("10,20,30\n4,5,6\n7,8,9\n", CsvOptions(header=True))
    assert forced.feature_names == ("10", "20")


def test_tab_and_overridden_delimiter():
    assert read_csv_text("a\tb\n1\t2\n3\t4\n").layout.delimiter_name == "tab"
    data = read_csv_text("a|b\n1|2\n3|4\n", CsvOptions(delimiter="|"))
    np.testing.assert_array_equal(data.X, [[1], [3]])
    for spelling in ("tab", "\t", "\\t"):  # the name, the character, and a backslash-t typed in a shell
        assert read_csv_text("a\tb\n1\t2\n3\t4\n", CsvOptions(delimiter=spelling)).layout.delimiter == "\t"


def test_quoted_fields_with_delimiters_inside():
    data = read_csv_text('x,"label, long"\n1,"yes, sir"\n2,"no, sir"\n')
    assert data.target_column == "label, long"
    assert data.classes == ("no, sir", "yes, sir")


def test_trailing_delimiter_is_not_a_column():
    data = read_csv_text("a,b,\n1,2,\n3,4,\n")
    assert data.feature_names == ("a",)
    assert data.target_column == "b"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_ragged.csv", "line 3 has 2 fields, expected 3 (as on line 1)"),
        ("bad_text_in_numeric.csv", "line 3, column 1 (b): 'oops' is not a number"),
        ("bad_no_numeric.csv", "the file has no numeric columns: every column holds text"),
        ("bad_single_row.csv", "the file has a single data row (line 2); a data set needs at least two"),
        ("bad_first_line.csv", "line 1 is neither a header nor a data row: column 0 holds the text 'x1'"),
        ("bad_empty.csv", "the file is empty"),
        ("bad_only_comments.csv", "the file has only comments and blank lines, no data"),
        ("bad_binary.csv", "this is a binary file, not a CSV text file"),
    ],
)
def test_bad_files_refused_in_one_line(name, message):
    with pytest.raises(CsvError) as e:
        read_csv(CSV / name)
    assert str(e.value).startswith(message)
    assert "\n" not in str(e.value)


def test_file_over_the_size_limit_refused_before_reading(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(csv_data.MAX_CSV_BYTES + 1)  # sparse: no time spent writing it
    with pytest.raises(CsvError, match=r"^the file is 64.0 MiB; the limit is 64 MiB$"):
        read_csv(big)


def test_progress_rises_to_one_and_cancel_stops(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i % 2}\n" for i in range(50_000)))
    seen: list[float] = []
    data = read_csv(path, progress=seen.append)
    assert data.rows == 50_000
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert len(seen) > 3
    with pytest.raises(CsvCancelled):
        read_csv(path, progress=seen.append, cancel=lambda: len(seen) > 12)


def test_sniff_previews_the_start():
    layout = sniff(CSV / "text_target.csv", rows=2)
    assert layout.columns == ("x1", "x2", "species")
    assert layout.kinds == ("number", "number", "text")
    assert layout.rows == (("0.1", "0.2", "setosa"), ("0.3", "0.1", "versicolor"))
    assert layout.header


def test_line_endings_byte_order_mark_and_windows_encoding(tmp_path):
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes("\ufeffa,b,y\r\n1,2,0\r\n3,4,1\r\n".encode())
    assert read_csv(crlf).feature_names == ("a", "b")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("größe;preis\n1,5;2\n2,5;3\n".encode("cp1252"))
    data = read_csv(latin)
    assert data.feature_names == ("größe",)
    np.testing.assert_array_equal(data.X, [[1.5], [2.5]])


def test_quoted_numbers_and_real_minus_signs_are_numbers():
    data = read_csv_text('"a","b","y"\n"1.5","\u22122",yes\n"3","4",no\n')
    np.testing.assert_array_equal(data.X, [[1.5, -2], [3, 4]])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,y\n", "the file has a header but no data rows"),
        ("a\n1\n2\n", "the file has a single column; a data set needs a feature column and a target column"),
        ("a,b,y\n1,,0\n2,,1\n", "column 1 (b) has no values, only missing cells"),
        ("a,y\n1,0\ninf,1\n", "line 3, column 0 (a): 'inf' is not a finite number"),
        ("a,a,y\n1,2,0\n3,4,1\n", "line 1: the header names column 0 and column 1 alike: 'a'"),
        ("a,b,c\n1,2\n3,4\n5,6\n", "line 1 is neither a header nor a data row: it has 3 fields, the data rows have 2"),
        ("a,y\n1,x\n2,x\n", "the target column 1 (y) has a single class 'x'; a classifier needs at least two"),
    ],
)
def test_more_refusals_in_one_line(text, message):
    with pytest.raises(CsvError) as e:
        read_csv_text(text)
    assert str(e.value) == message


def test_a_quoted_field_may_span_lines_even_across_a_progress_chunk():
    n = csv_data._ROWS_PER_TICK  # lines are split in chunks of n; this field starts on the last line of one
    rows = "".join(f"{i},{'ab'[i % 2]}\n" for i in range(n - 2))
    data = read_csv_text("x,y\n" + rows + '7,"b\nc"\n8,a\n')
    assert data.classes == ("a", "b", "bc")  # the line break inside quotes joins the two parts
    assert data.rows == n
