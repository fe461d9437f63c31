"""Reading a data set from a CSV file: features X and targets y, ready for a network.

Two entry points, both Qt-free and safe to call from a worker thread:

- ``sniff(path)`` reads only the start of the file and returns a ``CsvLayout`` (delimiter,
  decimal comma, header, column names and kinds, the first rows as text) for a preview.
- ``read_csv(path, options, progress=None, cancel=None)`` reads the whole file and returns a
  ``CsvData``: ``X`` (m × n), ``y`` (m × k), names, the rows dropped for missing cells,
  per-column statistics and, with ``standardise``, the mean and standard deviation used.
  ``progress(fraction)`` is called now and then with a number from 0 to 1; when ``cancel()``
  returns true, reading stops with ``CsvCancelled``.

Every problem raises ``CsvError`` with a one-line message naming the line of the file (from 1)
and the column (from 0, with its name) where it can. Files over ``MAX_CSV_BYTES`` are refused.
"""

from __future__ import annotations

import csv
import math
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.network import Standardisation, column_moments, standardisation_of
from core.network_file import one_line, quote

MAX_CSV_BYTES = 64 * 1024 * 1024  # 64 MiB: a few million cells, far beyond what the window can show
MAX_CSV_ROWS = 1_000_000
MISSING = frozenset({"", "na", "n/a", "nan", "?", "null"})  # compared lower-case, stripped
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "whitespace": " "}
_DELIMITER_SPELLINGS = {"\\t": "\t", "space": " ", "spaces": " "}  # as typed in a shell
WHITESPACE = " "  # the delimiter value meaning "one or more spaces or tabs"
TEXT_FEATURES = ("drop", "onehot")
MISSING_POLICIES = ("drop", "refuse")
TARGET_ENCODINGS = ("auto", "onehot", "binary", "numeric")

Progress = Callable[[float], None]
Cancel = Callable[[], bool]

_MISSING_SPELLINGS = frozenset({"", "NA", "na", "N/A", "n/a", "NaN", "nan", "NAN", "?", "null", "NULL"})
_SNIFF_LINES = 50
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d*,\d+([eE][+-]?\d+)?\s*$")
_ROWS_PER_TICK = 20_000


class CsvError(ValueError):
    """A CSV file that cannot be used; the one-line message names the problem."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


class CsvCancelled(Exception):
    """Reading stopped because ``cancel()`` returned true."""


@dataclass(frozen=True)
class CsvOptions:
    """How to read a CSV file; None means "detect it"."""

    delimiter: str | None = None  # ",", ";", "\t", " " (whitespace) or a name from DELIMITERS
    decimal_comma: bool | None = None
    header: bool | None = None
    target: str | int | None = None  # a column name, or an index from 0 (negative from the end); None: the last
    features: Sequence[str | int] | None = None  # None: every other column
    text_features: str = "drop"  # text feature columns: "drop" (left out) or "onehot"
    missing: str = "drop"  # rows with a missing cell in a chosen column: "drop" them or "refuse" the file
    # text targets: "auto" gives one 0/1 column for two classes and one-hot columns for more;
    # "onehot" (a softmax output), "binary" (one sigmoid output), "numeric" (regression, numbers only)
    target_encoding: str = "auto"
    standardise: bool = False


@dataclass(frozen=True)
class CsvLayout:
    """What the start of a file looks like: enough for a preview and for choosing columns."""

    delimiter: str
    decimal_comma: bool
    header: bool
    columns: tuple[str, ...]
    kinds: tuple[str, ...]  # "number", "text" or "empty" per column, judged from the preview rows
    rows: tuple[tuple[str, ...], ...]  # the first data rows, cell by cell, as written

    @property
    def delimiter_name(self) -> str:
        return next(name for name, d in DELIMITERS.items() if d == self.delimiter)


@dataclass(frozen=True)
class ColumnStats:
    mean: float
    std: float
    min: float
    max: float

    def as_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "std": self.std, "min": self.min, "max": self.max}


@dataclass(frozen=True)
class CsvData:
    """A data set read from a CSV file.

    ``X`` is standardised when the options asked for it; ``mean`` and ``std`` then hold the
    statistics used (``to_standard`` / ``to_original`` convert inputs either way), and
    ``stats`` always describes the columns in their original units.
    ``target_names`` follows the network file: one name per output column, except that a
    single 0/1 column of two classes carries both class names, for 0 and for 1.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    target_column: str
    classes: tuple[str, ...]  # class names in code order; empty for a numeric (regression) target
    rows: int
    dropped: int  # rows left out for a missing cell
    left_out: tuple[str, ...]  # text columns not used as features
    layout: CsvLayout
    stats: dict[str, ColumnStats]
    mean: np.ndarray | None = None
    std: np.ndarray | None = None

    @property
    def standardised(self) -> bool:
        return self.mean is not None

    @property
    def standardisation(self) -> Standardisation | None:
        """The scaling X went through, as a network keeps it (None when not standardised)."""
        return None if self.mean is None or self.std is None else Standardisation(self.mean, self.std)

    def to_standard(self, X: np.ndarray) -> np.ndarray:
        """Inputs in original units as the network sees them."""
        return X if self.mean is None else (np.asarray(X, dtype=float) - self.mean) / self.std

    def to_original(self, X: np.ndarray) -> np.ndarray:
        """Inputs as the network sees them, in original units."""
        return X if self.mean is None else np.asarray(X, dtype=float) * self.std + self.mean

    def data_dict(self) -> dict[str, Any]:
        """The network file's ``data`` object."""
        return {
            "X": self.X.tolist(),
            "y": self.y.tolist(),
            "feature_names": list(self.feature_names),
            "target_names": list(self.target_names),
        }

    def summary(self) -> dict[str, Any]:
        """Rows kept and dropped, the columns used and left out, and statistics in original units."""
        out: dict[str, Any] = {
            "rows": self.rows,
            "dropped": self.dropped,
            "target": self.target_column,
            "classes": list(self.classes),
            "left_out": list(self.left_out),
            "delimiter": self.layout.delimiter_name,
            "decimal_comma": self.layout.decimal_comma,
            "header": self.layout.header,
            "columns": {name: s.as_dict() for name, s in self.stats.items()},
        }
        if self.mean is not None and self.std is not None:
            out["standardisation"] = {"mean": self.mean.tolist(), "std": self.std.tolist()}
        return out


def sniff(path: str | Path, options: CsvOptions | None = None, rows: int = 20) -> CsvLayout:
    """The layout of a CSV file from its first lines (delimiter, header, columns), for a preview."""
    options = options or CsvOptions()
    _check_options(options)
    _regular_file_size(path)
    try:
        with open(path, "rb") as f:
            head = f.read(256 * 1024)
    except OSError as e:
        raise CsvError(f"cannot read the file: {e.strerror or e}") from None
    text = _decode(head, partial=True)
    lines = _data_lines(text.splitlines()[:-1] if len(head) == 256 * 1024 else text.splitlines())
    if not lines:
        raise _empty_error(text)
    table = _Table.parse(lines[: max(rows + 1, _SNIFF_LINES)], options)
    return table.layout(rows)


def read_csv(
    path: str | Path,
    options: CsvOptions | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> CsvData:
    """Read a CSV file into features and targets; ``CsvError`` names what is wrong."""
    size = _regular_file_size(path)
    chunks, read = [], 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                chunks.append(chunk)
                read += len(chunk)
                if read > MAX_CSV_BYTES:  # it grew while being read
                    raise CsvError(f"the file is over the limit of {MAX_CSV_BYTES // 2**20} MiB")
                _tick(progress, cancel, 0.2 * read / max(size, 1))
    except OSError as e:
        raise CsvError(f"cannot read the file: {e.strerror or e}") from None
    return parse_csv(_decode(b"".join(chunks)), options, progress, cancel)


def read_csv_text(text: str, options: CsvOptions | None = None) -> CsvData:
    """Read CSV text (already decoded) into features and targets."""
    if len(text) > MAX_CSV_BYTES:
        raise CsvError(f"the text is over the limit of {MAX_CSV_BYTES // 2**20} MiB")
    if "\x00" in text[:8192]:
        raise CsvError("this is a binary file, not a CSV text file")
    return parse_csv(text, options)


def parse_csv(
    text: str, options: CsvOptions | None = None, progress: Progress | None = None, cancel: Cancel | None = None
) -> CsvData:
    """Read decoded CSV text, reporting progress from 0.25 (the bytes are read) to 1."""
    options = options or CsvOptions()
    _check_options(options)
    lines = _data_lines(text.splitlines())
    if not lines:
        raise _empty_error(text)
    _tick(progress, cancel, 0.25)
    table = _Table.parse(lines, options, progress, cancel)
    _tick(progress, cancel, 0.6)
    data = table.build(options, progress, cancel)
    _tick(progress, cancel, 1.0)
    return data


# --- reading lines -----------------------------------------------------------------------------


def _regular_file_size(path: str | Path) -> int:
    """The file's size; folders, pipes, devices and files over the limit are refused before reading."""
    try:
        info = os.stat(path)
    except OSError as e:
        raise CsvError(f"cannot read the file: {e.strerror or e}") from None
    except ValueError as e:  # an embedded NUL
        raise CsvError(f"cannot read the file: {e}") from None
    if stat.S_ISDIR(info.st_mode):
        raise CsvError("is a folder, not a CSV file")
    if not stat.S_ISREG(info.st_mode):
        raise CsvError("is not a regular file (a device, a pipe or a socket), so it is not read")
    if info.st_size > MAX_CSV_BYTES:
        raise CsvError(f"the file is {info.st_size / 2**20:.1f} MiB; the limit is {MAX_CSV_BYTES // 2**20} MiB")
    return info.st_size


def _decode(raw: bytes, partial: bool = False) -> str:
    """UTF-8 text (a byte-order mark allowed), else Windows-1252; binary files refused."""
    if not raw.strip():
        raise CsvError("the file is empty")
    sample = raw[:8192]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in sample or control > len(sample) // 100:
        raise CsvError("this is a binary file, not a CSV text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if partial and e.start >= len(raw) - 4:
            return raw[: e.start].decode("utf-8-sig")  # a character cut in two at the end of the sample
        return raw.decode("cp1252", errors="replace")  # spreadsheet exports on Windows


def _data_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(line number from 1, text) of each line that is neither blank nor a comment (#)."""
    return [(i, line) for i, line in enumerate(lines, start=1) if line.strip() and not line.lstrip().startswith("#")]


def _empty_error(text: str) -> CsvError:
    return CsvError("the file has only comments and blank lines, no data" if text.strip() else "the file is empty")


def _split(lines: list[tuple[int, str]], delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Cells of each record and the line each record starts on (quoted fields may span lines)."""
    if delimiter == WHITESPACE:
        texts = [line.replace("\t", " ").strip() for _, line in lines]
    else:
        texts = [line for _, line in lines]
    reader = csv.reader(texts, delimiter=delimiter, skipinitialspace=True)
    if not any('"' in text for text in texts):  # no quotes: one record per line
        try:
            return list(reader), [number for number, _ in lines]
        except csv.Error as e:
            raise CsvError(f"line {lines[reader.line_num - 1][0]}: {e}") from e
    records: list[list[str]] = []
    starts: list[int] = []
    try:
        consumed = 0
        for record in reader:
            records.append(record)
            starts.append(lines[consumed][0])
            consumed = reader.line_num
    except csv.Error as e:
        raise CsvError(f"line {lines[min(reader.line_num, len(lines)) - 1][0]}: {e}") from e
    return records, starts


def _detect_delimiter(lines: list[tuple[int, str]]) -> str:
    """Tab, semicolon, comma, then whitespace: the first that splits every sampled line alike."""
    sample = lines[:_SNIFF_LINES]
    for delimiter in ("\t", ";", ",", WHITESPACE):
        try:
            records, _ = _split(sample, delimiter)
        except CsvError:
            continue
        widths = {len(r) for r in records}
        if len(widths) == 1 and widths.pop() > 1:
            return delimiter
    # No delimiter splits every line alike: take the one that splits most lines alike, so the
    # ragged-rows message can name the odd line.
    best, best_count = ",", 0
    for delimiter in ("\t", ";", ",", WHITESPACE):
        try:
            records, _ = _split(sample, delimiter)
        except CsvError:
            continue
        widths = [len(r) for r in records if len(r) > 1]
        if widths:
            common = max(set(widths), key=widths.count)
            if widths.count(common) > best_count:
                best, best_count = delimiter, widths.count(common)
    return best


def _resolve_delimiter(options: CsvOptions, lines: list[tuple[int, str]]) -> str:
    if options.delimiter is None:
        return _detect_delimiter(lines)
    delimiter = _DELIMITER_SPELLINGS.get(options.delimiter, options.delimiter)
    return DELIMITERS.get(delimiter, delimiter)


# --- cells -------------------------------------------------------------------------------------


def _is_missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING


def _number(cell: str, decimal_comma: bool) -> float | None:
    """The cell's number, or None for text (a missing cell is None too: check it first)."""
    if decimal_comma:
        cell = cell.replace(",", ".")
    cell = cell.replace("\u2212", "-")  # a real minus sign, as some spreadsheets write it
    try:
        return float(cell)
    except ValueError:
        return None


def _kind(cells: list[str], decimal_comma: bool) -> str:
    present = [c for c in cells if not _is_missing(c)]
    if not present:
        return "empty"
    numbers = sum(_number(c, decimal_comma) is not None for c in present)
    return "number" if 2 * numbers >= len(present) else "text"


def _detect_decimal_comma(records: list[list[str]], delimiter: str) -> bool:
    if delimiter == ",":
        return False
    return any(_DECIMAL_COMMA.match(cell) for record in records[:_SNIFF_LINES] for cell in record)


# --- the table ---------------------------------------------------------------------------------


@dataclass
class _Table:
    """Records split into cells, with the header (if any) apart."""

    delimiter: str
    decimal_comma: bool
    header: bool
    columns: list[str]
    records: list[list[str]]
    lines: list[int]  # the file line of each record
    kinds: list[str] = field(default_factory=list)

    @classmethod
    def parse(
        cls,
        lines: list[tuple[int, str]],
        options: CsvOptions,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> _Table:
        delimiter = _resolve_delimiter(options, lines)
        records, starts = _split_with_progress(lines, delimiter, progress, cancel)
        decimal_comma = (
            _detect_decimal_comma(records, delimiter) if options.decimal_comma is None else options.decimal_comma
        )
        if decimal_comma and delimiter == ",":
            raise CsvError("a decimal comma needs another delimiter (semicolon, tab or whitespace)")
        width = _check_widths(records, starts)
        sample = records[1 : 1 + 4 * _SNIFF_LINES]
        kinds = [_kind([r[j] for r in sample], decimal_comma) for j in range(width)] if sample else []
        header = _is_header(records[0], kinds, starts[0], decimal_comma) if options.header is None else options.header
        if header:
            columns = _column_names(records[0], starts[0])
            records, starts = records[1:], starts[1:]
        else:
            columns = [f"column {j}" for j in range(width)]
        table = cls(delimiter, decimal_comma, header, columns, records, starts, kinds)
        table._drop_empty_trailing_column()
        return table

    def layout(self, rows: int) -> CsvLayout:
        sample = self.records[: 4 * _SNIFF_LINES]
        kinds = [_kind([r[j] for r in sample], self.decimal_comma) for j in range(len(self.columns))]
        return CsvLayout(
            self.delimiter,
            self.decimal_comma,
            self.header,
            tuple(self.columns),
            tuple(kinds),
            tuple(tuple(r) for r in self.records[:rows]),
        )

    def _drop_empty_trailing_column(self) -> None:
        """A delimiter at the end of every line makes an empty last column: not a column."""
        last = len(self.columns) - 1
        if last > 0 and self.columns[last] == f"column {last}" and all(not r[last].strip() for r in self.records):
            self.columns.pop()
            self.kinds = self.kinds[: len(self.columns)]
            for r in self.records:
                r.pop()

    def index(self, ref: str | int, what: str) -> int:
        """A column named, or numbered from 0 (negative from the end)."""
        n = len(self.columns)
        if isinstance(ref, str):
            if ref in self.columns:
                return self.columns.index(ref)
            stripped = ref.strip()
            if stripped in self.columns:
                return self.columns.index(stripped)
            try:
                ref = int(stripped)
            except ValueError:
                known = ", ".join(_q(c) for c in self.columns[:20]) + (", …" if n > 20 else "")
                raise CsvError(f"{what}: no column named {_q(stripped)} (columns: {known})") from None
        if not -n <= ref < n:
            raise CsvError(f"{what}: column index {ref} is outside 0..{n - 1} (or -{n}..-1 from the end)")
        return ref % n

    def build(self, options: CsvOptions, progress: Progress | None = None, cancel: Cancel | None = None) -> CsvData:
        m = len(self.records)
        if m == 0:
            raise CsvError("the file has a header but no data rows")
        if m == 1:
            raise CsvError(f"the file has a single data row (line {self.lines[0]}); a data set needs at least two")
        if m > MAX_CSV_ROWS:
            raise CsvError(f"the file has {m:,} data rows; the limit is {MAX_CSV_ROWS:,}")
        if len(self.columns) < 2:
            raise CsvError("the file has a single column; a data set needs a feature column and a target column")
        target = self.index(options.target if options.target is not None else -1, "target")
        chosen, explicit = self._feature_indices(options, target)
        cells = {j: [r[j] for r in self.records] for j in [*chosen, target]}
        columns = {}
        for step, j in enumerate([*chosen, target]):
            numeric_target = j == target and options.target_encoding == "numeric"
            columns[j] = _Column.read(self.columns[j], j, cells[j], self.lines, self.decimal_comma, numeric_target)
            _tick(progress, cancel, 0.6 + 0.3 * (step + 1) / (len(chosen) + 1))
        if not any(columns[j].numbers is not None for j in chosen) and options.text_features == "drop":
            if columns[target].numbers is None and not any(kind == "number" for kind in self.kinds):
                raise CsvError("the file has no numeric columns: every column holds text")
            text = ", ".join(f"{j} ({_name(self.columns[j])})" for j in chosen)
            raise CsvError(f"no numeric feature column: column {text} holds text (or one-hot encode text features)")
        features, left_out = [], []
        for j in chosen:
            if columns[j].numbers is None and options.text_features == "drop":
                if j in explicit:
                    example = _q(columns[j].first_text())
                    raise CsvError(
                        f"feature column {j} ({_name(self.columns[j])}) holds text, e.g. {example}: "
                        "leave it out or one-hot encode it"
                    )
                left_out.append(self.columns[j])
            else:
                features.append(j)
        missing = np.zeros(m, dtype=bool)
        for j in [*features, target]:
            if columns[j].missing.all():
                raise CsvError(f"column {j} ({_name(self.columns[j])}) has no values, only missing cells")
            missing |= columns[j].missing
        if missing.any() and options.missing == "refuse":
            row = int(np.argmax(missing))
            j = next(j for j in [*features, target] if columns[j].missing[row])
            cell = self.records[row][j]
            raise CsvError(f"line {self.lines[row]}, column {j} ({_name(self.columns[j])}): missing value {_q(cell)}")
        keep = ~missing
        kept = int(keep.sum())
        if kept < 2:
            raise CsvError(f"only {kept} of {m} rows have no missing cell; a data set needs at least two")
        X_parts, names, stats = [], [], {}
        for j in features:
            part, part_names = columns[j].encoded(keep)
            X_parts.append(part)
            names.extend(part_names)
        X = np.column_stack(X_parts) if X_parts else np.empty((kept, 0))
        for name, column in zip(names, X.T, strict=True):
            stats[name] = _stats(column)
        y, target_names, classes = columns[target].target(keep, options.target_encoding)
        if not classes:
            stats[self.columns[target]] = _stats(y[:, 0])
        mean = std = None
        if options.standardise:
            step = standardisation_of(X)
            mean, std, X = step.mean, step.std, step.apply(X)
        layout = self.layout(20)
        return CsvData(
            X=X,
            y=y,
            feature_names=tuple(names),
            target_names=target_names,
            target_column=self.columns[target],
            classes=classes,
            rows=kept,
            dropped=m - kept,
            left_out=tuple(left_out),
            layout=layout,
            stats=stats,
            mean=mean,
            std=std,
        )

    def _feature_indices(self, options: CsvOptions, target: int) -> tuple[list[int], set[int]]:
        if options.features is None:
            return [j for j in range(len(self.columns)) if j != target], set()
        chosen: list[int] = []
        for ref in options.features:
            j = self.index(ref, "features")
            if j == target:
                raise CsvError(f"column {j} ({_name(self.columns[j])}) is the target; it cannot be a feature too")
            if j in chosen:
                raise CsvError(f"column {j} ({_name(self.columns[j])}) is listed twice as a feature")
            chosen.append(j)
        if not chosen:
            raise CsvError("features: no columns chosen")
        return chosen, set(chosen)


def _split_with_progress(
    lines: list[tuple[int, str]], delimiter: str, progress: Progress | None, cancel: Cancel | None
) -> tuple[list[list[str]], list[int]]:
    records: list[list[str]] = []
    starts: list[int] = []
    # A quoted field may span lines, so a file with quotes is split in one go, never mid-field.
    step = len(lines) if any('"' in line for _, line in lines) else _ROWS_PER_TICK
    for begin in range(0, len(lines), step):
        chunk = lines[begin : begin + step]
        r, s = _split(chunk, delimiter)
        records.extend(r)
        starts.extend(s)
        _tick(progress, cancel, 0.25 + 0.35 * min(begin + step, len(lines)) / len(lines))
    return records, starts


def _check_widths(records: list[list[str]], starts: list[int]) -> int:
    widths = [len(r) for r in records]
    if len(records) >= 3 and widths[0] != widths[1] and len(set(widths[1:])) == 1:
        raise CsvError(
            f"line {starts[0]} is neither a header nor a data row: it has {widths[0]} fields, "
            f"the data rows have {widths[1]}"
        )
    width = widths[0]
    for record, start in zip(records, starts, strict=True):
        if len(record) != width:
            raise CsvError(f"line {start} has {len(record)} fields, expected {width} (as on line {starts[0]})")
    return width


def _is_header(first: list[str], kinds: list[str], line: int, decimal_comma: bool) -> bool:
    """A header is text over numeric columns; a data row has numbers where its columns do."""
    numbers = [not _is_missing(c) and _number(c, decimal_comma) is not None for c in first]
    texts = [not _is_missing(c) and not n for c, n in zip(first, numbers, strict=True)]
    if not kinds:
        return not any(numbers)
    if not any(numbers):
        return any(texts)
    clash = [j for j, t in enumerate(texts) if t and kinds[j] == "number"]
    if not clash:
        return False
    j = clash[0]
    k = next(i for i, n in enumerate(numbers) if n)
    raise CsvError(
        f"line {line} is neither a header nor a data row: column {j} holds the text {_q(first[j].strip())} "
        f"over numbers, column {k} the number {_q(first[k].strip())} (say whether the file has a header)"
    )


def _column_names(header: list[str], line: int) -> list[str]:
    names = [cell.strip() or f"column {j}" for j, cell in enumerate(header)]
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        if name in seen:
            raise CsvError(f"line {line}: the header names column {seen[name]} and column {j} alike: {_q(name)}")
        seen[name] = j
    return names


@dataclass
class _Column:
    """One chosen column: numbers (NaN where missing) or text, with a mask of missing cells."""

    name: str
    index: int
    missing: np.ndarray
    numbers: np.ndarray | None
    text: list[str] | None

    @classmethod
    def read(
        cls, name: str, index: int, cells: list[str], lines: list[int], decimal_comma: bool, numeric: bool
    ) -> _Column:
        source = [c.replace(",", ".") for c in cells] if decimal_comma else cells
        source = ["nan" if c in _MISSING_SPELLINGS else c for c in source]
        try:
            values = np.array(source, dtype=float)  # numbers and missing cells only: the quick way
        except ValueError:
            return cls._read_mixed(name, index, cells, lines, decimal_comma, numeric)
        _check_finite(values, name, index, cells, lines)
        return cls(name, index, np.isnan(values), values, None)

    @classmethod
    def _read_mixed(
        cls, name: str, index: int, cells: list[str], lines: list[int], decimal_comma: bool, numeric: bool
    ) -> _Column:
        """A column with some text: a text column, or a numeric one with a bad cell."""
        # Judge each distinct cell once: a text column has few distinct values.
        judged = {c: (_is_missing(c), None if _is_missing(c) else _number(c, decimal_comma)) for c in set(cells)}
        missing = np.fromiter((judged[c][0] for c in cells), dtype=bool, count=len(cells))
        parsed = [judged[c][1] for c in cells]
        present = int((~missing).sum())
        count = sum(p is not None for p in parsed)
        if 2 * count >= present or numeric:
            bad = [i for i, (p, miss) in enumerate(zip(parsed, missing, strict=True)) if p is None and not miss]
            if bad:
                row = bad[0]
                raise CsvError(f"{_at(lines[row], index, name)}: {_q(cells[row].strip())} is not a number")
            values = np.array([math.nan if p is None else p for p in parsed], dtype=float)
            _check_finite(values, name, index, cells, lines)
            return cls(name, index, missing | np.isnan(values), values, None)
        text = [c.strip() for c in cells]
        return cls(name, index, missing, None, text)

    def first_text(self) -> str:
        assert self.text is not None
        return next(t for t, miss in zip(self.text, self.missing, strict=True) if not miss)

    def encoded(self, keep: np.ndarray) -> tuple[np.ndarray, list[str]]:
        """The column as feature columns: the numbers, or one 0/1 column per text value."""
        if self.numbers is not None:
            return self.numbers[keep].reshape(-1, 1), [self.name]
        values = [t for t, k in zip(self.text or [], keep, strict=True) if k]
        categories = sorted(set(values))
        codes = np.searchsorted(np.array(categories), np.array(values))
        return np.eye(len(categories))[codes], [f"{self.name}={c}" for c in categories]

    def target(self, keep: np.ndarray, encoding: str) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]:
        """y, target_names and class names for the chosen encoding."""
        if self.numbers is not None and encoding in ("auto", "numeric"):
            return self.numbers[keep].reshape(-1, 1), (self.name,), ()
        if self.numbers is not None:
            distinct = np.unique(self.numbers[keep])
            classes = tuple(_number_name(v) for v in distinct)
            codes = np.searchsorted(distinct, self.numbers[keep])
        else:
            values = [t for t, k in zip(self.text or [], keep, strict=True) if k]
            classes = tuple(sorted(set(values)))
            codes = np.searchsorted(np.array(classes), np.array(values))
        where = f"the target column {self.index} ({_name(self.name)})"
        if len(classes) < 2:
            raise CsvError(f"{where} has a single class {_q(classes[0])}; a classifier needs at least two")
        if encoding == "binary" or (encoding == "auto" and len(classes) == 2):
            if len(classes) != 2:
                raise CsvError(
                    f"{where} has {len(classes)} classes; one 0/1 output needs exactly two (use one-hot, softmax)"
                )
            return codes.astype(float).reshape(-1, 1), classes, classes
        return np.eye(len(classes))[codes], classes, classes


def _check_finite(values: np.ndarray, name: str, index: int, cells: list[str], lines: list[int]) -> None:
    infinite = np.isinf(values)
    if infinite.any():
        row = int(np.argmax(infinite))
        raise CsvError(f"{_at(lines[row], index, name)}: {_q(cells[row].strip())} is not a finite number")


def _q(text: str) -> str:
    """A cell or name as a quoted literal in one line, shortened if long."""
    return quote(text, 40)


def _name(name: str) -> str:
    """A column name inside a message: one line, shortened if long."""
    return one_line(name if len(name) <= 40 else name[:40] + "…")


def _at(line: int, index: int, name: str) -> str:
    return f"line {line}, column {index} ({_name(name)})"


def _number_name(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _stats(column: np.ndarray) -> ColumnStats:
    mean, std = column_moments(column)
    return ColumnStats(float(mean), float(std), float(column.min()), float(column.max()))


def _check_options(options: CsvOptions) -> None:
    known = options.delimiter in DELIMITERS or options.delimiter in _DELIMITER_SPELLINGS
    if options.delimiter is not None and not known and len(options.delimiter) != 1:
        raise CsvError(f"delimiter must be one character or one of {', '.join(DELIMITERS)}, not {options.delimiter!r}")
    if options.delimiter in ('"', "\n", "\r"):
        raise CsvError(f"delimiter cannot be {options.delimiter!r}")
    for value, allowed, what in (
        (options.text_features, TEXT_FEATURES, "text_features"),
        (options.missing, MISSING_POLICIES, "missing"),
        (options.target_encoding, TARGET_ENCODINGS, "target_encoding"),
    ):
        if value not in allowed:
            raise CsvError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")


def _tick(progress: Progress | None, cancel: Cancel | None, fraction: float) -> None:
    if cancel is not None and cancel():
        raise CsvCancelled("reading the CSV file was cancelled")
    if progress is not None:
        progress(min(1.0, max(0.0, fraction)))


__all__ = [
    "DELIMITERS",
    "MAX_CSV_BYTES",
    "MAX_CSV_ROWS",
    "MISSING",
    "ColumnStats",
    "CsvCancelled",
    "CsvData",
    "CsvError",
    "CsvLayout",
    "CsvOptions",
    "parse_csv",
    "read_csv",
    "read_csv_text",
    "sniff",
]
