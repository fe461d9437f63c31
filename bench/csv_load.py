"""CSV loading: ``core.csv_data.read_csv`` against a plain ``numpy.loadtxt`` of the same file.

Run from the repository root: ``python bench/csv_load.py``. Writes a 100,000-row CSV (a header,
four numeric feature columns and a 0/1 target) to a temporary folder, checks that both readers
give the same numbers, then times each several times, interleaved, keeping the best (the machine
may be shared). Also times a semicolon file with decimal commas, a text target and missing cells,
which loadtxt cannot read. Prints a table and exits 0; the last line says whether the target
(under 2 s for 100,000 rows) was met.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from _common import elapsed, write_csv  # before core: puts the checkout on the path

from core.csv_data import CsvOptions, read_csv

ROWS = 100_000
TARGET_SECONDS = 2.0
REPEATS = 5


def write_messy(path: Path, rows: int) -> None:
    """Semicolons, decimal commas, a text target, comments and a missing cell every 1,000 rows."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(rows, 4))
    names = np.array(["red", "green", "blue"])[rng.integers(0, 3, rows)]
    with path.open("w") as f:
        f.write("# generated for bench/csv_load.py\n")
        f.write('"feature a";"feature b";"feature c";"feature d";"colour"\n')
        for i, (r, name) in enumerate(zip(X, names, strict=True)):
            cells = [f"{v:.6f}".replace(".", ",") for v in r]
            if i % 1000 == 999:
                cells[2] = "NA"
            f.write(";".join(cells) + f";{name}\n")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        plain, messy = Path(folder) / "plain.csv", Path(folder) / "messy.csv"
        write_csv(plain, ROWS)
        write_messy(messy, ROWS)
        ours = read_csv(plain)
        theirs = np.loadtxt(plain, delimiter=",", skiprows=1)
        assert np.array_equal(ours.X, theirs[:, :4])
        assert np.array_equal(ours.y[:, 0], theirs[:, 4])
        messy_data = read_csv(messy, CsvOptions(target_encoding="onehot"))
        assert messy_data.X.shape == (ROWS - ROWS // 1000, 4)
        assert messy_data.y.shape[1] == 3

        t_ours, t_numpy, t_messy = [], [], []
        for _ in range(REPEATS):  # interleaved, so a burst of load hits both
            t_ours.append(elapsed(lambda: read_csv(plain)))
            t_numpy.append(elapsed(lambda: np.loadtxt(plain, delimiter=",", skiprows=1)))
            t_messy.append(elapsed(lambda: read_csv(messy, CsvOptions(target_encoding="onehot"))))
    ours_s, numpy_s, messy_s = min(t_ours), min(t_numpy), min(t_messy)
    print(f"{ROWS:,} rows × 5 columns, best of {REPEATS}")
    print(f"{'reader':<44}{'seconds':>10}{'vs loadtxt':>12}")
    print(f"{'numpy.loadtxt (plain comma file)':<44}{numpy_s:>10.3f}{1.0:>12.2f}")
    print(f"{'core.csv_data.read_csv (same file)':<44}{ours_s:>10.3f}{ours_s / numpy_s:>12.2f}")
    print(f"{'read_csv (semicolon, decimal comma, NA, text)':<44}{messy_s:>10.3f}{messy_s / numpy_s:>12.2f}")
    met = max(ours_s, messy_s) < TARGET_SECONDS
    print(f"target: under {TARGET_SECONDS:.0f} s for {ROWS:,} rows: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
