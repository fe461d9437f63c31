"""File → Import data… in the real window: bad CSVs are refused with a message and the data
stays; a good file changes the data and the table only on Import; reading runs off the UI thread."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from core.csv_data import MAX_CSV_BYTES, CsvCancelled
from core.predict import predict
from gui import import_dialog
from gui.import_dialog import ImportDialog
from tests.gui.helpers import f3

BLOBS = """# three blobs; a text class column, a text feature, two missing cells
"width";"height";"colour";"kind"
1,2;3,1;red;alpha
1,0;2,9;blue;alpha
0,8;3,3;red;alpha
-1,1;-0,9;blue;beta
-0,9;-1,2;NA;beta
-1,3;-1,0;red;beta
2,1;-0,8;blue;gamma
1,9;-1,1;red;gamma
2,3;?;blue;gamma
2,0;-0,7;red;gamma
"""

BAD = {
    "empty": (b"", "empty"),
    "binary": (bytes(range(256)) * 8, "binary"),
    "ragged": (b"a,b,y\n1,2,0\n3,4\n5,6,1\n", "line 3 has 2 fields"),
    "text_in_numeric": (b"a,b,y\n1,2,0\n3,oops,1\n5,6,1\n7,8,0\n" + b"1,1,1\n" * 10, "line 3, column 1 (b)"),
    "single_row": (b"a,b,y\n1,2,0\n", "single data row"),
    "no_numeric": (b"a,b\nx,y\nz,w\n", "no numeric columns"),
    "neither_header_nor_data": (b"a,2,y\n1,2,0\n3,4,1\n5,6,1\n", "line 1 is neither a header nor a data row"),
}


def write(tmp_path, name: str, content: bytes | str):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def wait_read(qtbot, dialog: ImportDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.reading, timeout=10_000)


def import_via_menu(qtbot, window, monkeypatch, path: str) -> ImportDialog | None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (path, ""))
    (file_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&File"]
    (action,) = [a for a in file_menu.actions() if a.text() == "&Import data…"]
    action.trigger()
    dialogs = window.findChildren(ImportDialog)
    return dialogs[-1] if dialogs else None


def table_text(window) -> list[list[str]]:
    model = window.data_panel.table_model
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_csv_gets_a_message_and_the_data_stays(window, qtbot, monkeypatch, tmp_path, case):
    content, expected = BAD[case]
    before, table_before = window.model.network, table_text(window)
    dialog = import_via_menu(qtbot, window, monkeypatch, write(tmp_path, f"{case}.csv", content))
    if dialog is not None:  # refused only once the whole file is read
        wait_read(qtbot, dialog)
        assert not dialog.import_button.isEnabled()
        assert expected in dialog.error.text()
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    message = window.message_bar.text()
    assert window.message_bar.isVisible()
    assert message.startswith(f"Could not import '{case}.csv': ")
    assert expected in message
    assert message.endswith("The current data is unchanged.")
    assert "\n" not in message
    assert window.model.network is before
    assert table_text(window) == table_before


def test_a_file_over_the_limit_is_refused_before_reading(window, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(MAX_CSV_BYTES + 1)  # sparse: nothing is written, nothing is read
    before = window.model.network
    assert import_via_menu(qtbot, window, monkeypatch, str(path)) is None
    assert "the limit is 64 MiB" in window.message_bar.text()
    assert window.model.network is before


def test_preview_then_import_adapts_the_network_and_fills_the_table(window, qtbot, monkeypatch, tmp_path):
    before = window.model.network
    dialog = import_via_menu(qtbot, window, monkeypatch, write(tmp_path, "blobs.csv", BLOBS))
    assert dialog.detected.text() == "Read as: semicolon-separated, decimal comma, a header row."
    assert dialog.preview.rowCount() == 10
    assert dialog.preview.item(0, 0).text() == "1,2"
    assert dialog.target.currentText() == "3: kind"
    wait_read(qtbot, dialog)
    summary = dialog.summary.toPlainText()
    assert "9 rows, 1 dropped for a missing cell" in summary
    assert "3 classes (alpha, beta, gamma)" in summary
    assert "Text columns left out: colour" in summary
    assert window.model.network is before  # nothing changes before Import
    assert not dialog.import_button.isEnabled()
    assert "does not fit" in dialog.fit.text()
    assert dialog.adapt.isVisible()
    dialog.adapt.setChecked(True)
    assert "2 → 3 softmax, cross entropy" in dialog.fit.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    net = window.model.network
    assert net is not before
    assert (net.inputs, net.outputs, net.loss) == (2, 3, "cross_entropy")
    assert net.X[0].tolist() == [1.2, 3.1]
    assert net.examples == 9
    assert window.data_panel.table_model.headers() == ["width", "height", "target", "predicted", "ŷ1", "ŷ2", "ŷ3"]
    assert window.data_panel.table_model.data(window.data_panel.table_model.index(8, 2)) == "gamma"
    assert window.data_panel.confusion.rowCount() == 3
    assert not window.message_bar.isVisible()


def test_one_hot_text_features_and_refusing_missing_cells(window, qtbot, monkeypatch, tmp_path):
    dialog = import_via_menu(qtbot, window, monkeypatch, write(tmp_path, "blobs.csv", BLOBS))
    wait_read(qtbot, dialog)
    dialog.text_features.setCurrentIndex(dialog.text_features.findData("onehot"))
    dialog.text_features.activated.emit(dialog.text_features.currentIndex())
    qtbot.waitUntil(lambda: dialog.data is not None and "colour=red" in dialog.data.feature_names, timeout=10_000)
    assert dialog.data.rows == 8  # the NA colour now counts as missing too
    dialog.missing.setCurrentIndex(dialog.missing.findData("refuse"))
    dialog.missing.activated.emit(dialog.missing.currentIndex())
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=10_000)
    assert "line 7, column 2 (colour): missing value 'NA'" in dialog.error.text()
    assert not dialog.import_button.isEnabled()


def test_overriding_the_detected_reading(window, qtbot, monkeypatch, tmp_path):
    dialog = import_via_menu(qtbot, window, monkeypatch, write(tmp_path, "blobs.csv", BLOBS))
    wait_read(qtbot, dialog)
    dialog.header.setCurrentIndex(dialog.header.findData(False))
    dialog.header.activated.emit(dialog.header.currentIndex())
    assert dialog.detected.text().endswith("no header row.")
    assert dialog.preview.item(0, 0).text() == "width"  # the header is now a data row
    assert dialog.target.itemText(0) == "0: column 0"


def test_standardised_import_keeps_original_units_for_the_table_and_predictions(window, qtbot, monkeypatch, tmp_path):
    rows = "".join(f"{200 + 10 * i},{i % 3},{int(i % 2 == 0)}\n" for i in range(12))
    dialog = import_via_menu(qtbot, window, monkeypatch, write(tmp_path, "units.csv", "area,rooms,good\n" + rows))
    dialog.standardise.setChecked(True)
    qtbot.waitUntil(lambda: dialog.data is not None and dialog.data.standardised, timeout=10_000)
    summary = dialog.summary.toPlainText()
    assert "Standardised" in summary
    assert "255.0000" in summary  # the mean area, in original units
    assert dialog.import_button.isEnabled()  # 2 inputs, one 0/1 target: the OR gate's network fits
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    net = window.model.network
    assert abs(net.X[:, 0].mean()) < 1e-12
    assert [window.data_panel.table_model.data(window.data_panel.table_model.index(r, 0)) for r in (0, 1)] == [
        "200.000",
        "210.000",
    ]
    window.refresh_now()
    params = window.model.session.displayed_params()
    original = np.array([[200.0 + 10 * i, i % 3] for i in range(12)])
    expected = predict(net, params, net.standardisation.apply(original))[:, 0]
    model = window.data_panel.table_model
    assert [model.data(model.index(r, 4)) for r in range(12)] == [f3(p) for p in expected]
    x_range, _ = window.data_plot.getViewBox().viewRange()
    assert x_range[0] < 200
    assert x_range[1] > 310
    assert window.data_plot.getAxis("bottom").labelText == "area"


def test_reading_runs_off_the_ui_thread_with_progress_and_cancel(window, qtbot, monkeypatch, tmp_path):
    started = []

    def slow_read(path, options, progress, cancel):
        started.append(time.monotonic())
        for k in range(500):  # up to 5 s unless cancelled
            if cancel():
                raise CsvCancelled("cancelled")
            progress(k / 500)
            time.sleep(0.01)
        raise AssertionError("not cancelled")

    monkeypatch.setattr(import_dialog, "read_csv", slow_read)
    # The plots are built once, shortly after the first paint (pyqtgraph loads then): build them
    # now, so the ticks below measure reading alone, whatever ran before this test.
    assert window.cost_plot is not None
    before = window.model.network
    dialog = import_via_menu(qtbot, window, monkeypatch, write(tmp_path, "blobs.csv", BLOBS))
    shown = []  # what the progress bar showed, as the user saw it move
    dialog.progress.valueChanged.connect(shown.append)
    qtbot.waitUntil(lambda: dialog.progress.value() > 50, timeout=5_000)
    # While the file is read the window shows it: the bar moves through values short of the end and the
    # read is still going (a read on the UI thread would have run to its end before any was shown).
    assert dialog.progress.isVisible()
    assert dialog.cancel_read.isVisible()
    assert len({v for v in shown if 0 < v < 1000}) >= 2
    assert dialog.reading
    qtbot.mouseClick(dialog.cancel_read, Qt.MouseButton.LeftButton)
    assert not dialog.reading
    assert not dialog.progress.isVisible()
    assert "cancelled" in dialog.summary.toPlainText()
    assert not dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert window.model.network is before


def test_a_softmax_network_reads_class_targets_one_hot(window, qtbot, monkeypatch, tmp_path):
    window.preset_actions["softmax_3_class"].trigger()
    before = window.model.network
    rows = "".join(f"{i % 5},{(i * 7) % 3},{i % 3}\n" for i in range(15))  # numeric class codes 0, 1, 2
    dialog = import_via_menu(qtbot, window, monkeypatch, write(tmp_path, "codes.csv", "u,v,class\n" + rows))
    assert dialog.target_as.currentData() == "onehot"
    wait_read(qtbot, dialog)
    assert dialog.data.y.shape == (15, 3)
    assert dialog.import_button.isEnabled()  # fits the 2-input, 3-class softmax as it is
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    net = window.model.network
    assert net is not before
    assert net.layers[-1].activation == "softmax"
    np.testing.assert_array_equal(net.Y.argmax(axis=1), [i % 3 for i in range(15)])


def test_an_expression_has_no_data_to_replace(window, qtbot, tmp_path):
    assert window.open_expression("x*y + x", {"x": 2.0, "y": 3.0})
    assert not window.act_import_data.isEnabled()
    assert not window.act_dataset.isEnabled()
    assert window.import_data(write(tmp_path, "blobs.csv", BLOBS)) is None
    assert "open a network or a preset first" in window.message_bar.text()
    assert window.choose_dataset() is None
    assert window.model.network is None
