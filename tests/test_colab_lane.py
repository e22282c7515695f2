"""The Colab lane's driver names a failure by chapter, cell and exception (the lane itself runs
in `make colab`, not here)."""

from __future__ import annotations

import nbformat
import pytest

from course_utils.tooling import colab_lane
from tests.conftest import ROOT


def _nb(*sources, parameters_at=1):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Title")]
    for i, src in enumerate(sources, start=1):
        cell = nbformat.v4.new_code_cell(src)
        if i == parameters_at:
            cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    return nb


def _error(ename, evalue):
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])


def _as_papermill_writes_it(original, failing_index, output, status="failed"):
    """The executed copy: the lane's check cell first, papermill's error banner, its injected
    parameters after the parameters cell, its anchor before the failing cell."""
    executed = nbformat.from_dict(original)
    cells = [nbformat.from_dict(c) for c in original.cells]
    cells[failing_index].outputs = [output] if output else []
    cells[failing_index].metadata["papermill"] = {"status": status}
    banner = nbformat.v4.new_markdown_cell("An Exception was encountered")
    banner.metadata["tags"] = ["papermill-error-cell-tag"]
    injected = nbformat.v4.new_code_cell('PROFILE = "smoke"')
    injected.metadata["tags"] = ["injected-parameters"]
    anchor = nbformat.v4.new_markdown_cell('<span id="papermill-error-cell">here</span>')
    anchor.metadata["tags"] = ["papermill-error-cell-tag"]
    check = nbformat.v4.new_code_cell("# check")
    check["id"] = colab_lane.CHECK_CELL_ID
    out = cells[:failing_index] + [anchor] + cells[failing_index:]
    out.insert(2, injected)  # after the parameters cell (index 1)
    executed.cells = [banner, check] + out
    return executed


def test_failure_names_chapter_cell_first_line_and_exception():
    original = _nb('PROFILE = "book"', "x = 1", "\n  model.fit(x)\nmore()", "y = 2")
    executed = _as_papermill_writes_it(original, 3, _error("ValueError", "bad\nshape"))
    failure = colab_lane.find_failure("05", "05_vgg.ipynb", original, executed, "ignored")
    assert (failure.cell, failure.first_line) == (3, "model.fit(x)")
    assert failure.error == "ValueError: bad shape"
    assert str(failure) == ("chapter 05 (05_vgg.ipynb), cell 3 `model.fit(x)`: "
                            "ValueError: bad shape")


def test_failure_without_ids_is_found_by_counting_the_notebook_own_cells():
    original = _nb('PROFILE = "book"', "x = 1", "boom()")
    executed = _as_papermill_writes_it(original, 3, _error("NameError", "boom"))
    for cell in executed.cells:
        if cell.get("id") != colab_lane.CHECK_CELL_ID:
            cell["id"] = "changed-" + cell["id"]
    failure = colab_lane.find_failure("01", "01.ipynb", original, executed)
    assert (failure.cell, failure.first_line, failure.error) == (3, "boom()", "NameError: boom")


def test_timeout_blames_the_running_cell_with_the_fallback_message():
    original = _nb('PROFILE = "book"', "train()", "after()")
    executed = _as_papermill_writes_it(original, 2, None, status="running")
    failure = colab_lane.find_failure("07", "07.ipynb", original, executed,
                                      "CellTimeoutError: A cell timed out while it was being executed")
    assert (failure.cell, failure.first_line) == (2, "train()")
    assert failure.error.startswith("CellTimeoutError")


def test_check_cell_failure_and_missing_output_are_named():
    original = _nb('PROFILE = "book"')
    executed = nbformat.from_dict(original)
    check = nbformat.v4.new_code_cell("# check")
    check["id"] = colab_lane.CHECK_CELL_ID
    check.outputs = [_error("AssertionError", "course_utils not imported from the wheel")]
    executed.cells = [check] + executed.cells
    failure = colab_lane.find_failure("02", "02.ipynb", original, executed)
    assert "the lane's check cell" in str(failure) and "AssertionError" in str(failure)
    lost = colab_lane.find_failure("02", "02.ipynb", original, None, "DeadKernelError: died")
    assert lost.cell is None and lost.error == "DeadKernelError: died"


@pytest.mark.parametrize("sources, expected", [
    (('PROFILE = "book"', "assert PROFILE == 'smoke'\nx = 1", "raise ValueError('boom')"),
     (3, "raise ValueError('boom')", "ValueError: boom")),
    (('PROFILE = "book"', "assert PROFILE == 'smoke'"), None),
])
def test_run_notebook_with_papermill(tmp_path, sources, expected):
    """A real papermill run: the profile is injected and a failure points at the right cell."""
    source = tmp_path / "01_tiny.ipynb"
    nbformat.write(_nb(*sources), source)
    failure = colab_lane.run_notebook("01", source, tmp_path / "work", check_source="print('check')")
    if expected is None:
        assert failure is None
    else:
        assert failure is not None and (failure.cell, failure.first_line, failure.error) == expected


def test_notebook_without_parameters_cell_is_refused(tmp_path):
    source = tmp_path / "01_tiny.ipynb"
    nbformat.write(_nb("x = 1", parameters_at=None), source)
    failure = colab_lane.run_notebook("01", source, tmp_path / "work", check_source=None)
    assert failure is not None and "parameters" in failure.error


def test_constraints_pin_colab_set_and_name_their_source():
    path = ROOT / "tests" / "colab-constraints.txt"
    pins = colab_lane.pins(path)
    assert pins["tensorflow"] == "2.20.0" and pins["keras"] == "3.13.2"
    assert pins["pandas"] == "2.2.3" and pins["opencv-python-headless"] == "5.0.0.93"
    assert set(colab_lane.CHECKED) <= set(pins)
    header = path.read_text()
    assert "googlecolab/backend-info" in header and "3.13" in header and "2026-08-19" in header
