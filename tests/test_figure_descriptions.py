"""A figure's alt text and caption travel from the plot helper (or the cell) to where MyST-NB
reads them: the image output's metadata in the kernel, then the cell's ``mystnb`` metadata
when ``make refresh`` stores the notebook. What an author wrote by hand is never replaced."""

from __future__ import annotations

import nbformat

from course_utils.tooling import execution


def _notebook(tmp_path, outputs_metadata, cell_metadata=None):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("fig = plots.history_curves(h)")
    cell.id = "c01"
    cell.metadata.update(cell_metadata or {})
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"},
                                           metadata={"image/png": outputs_metadata})]
    nb.cells = [cell, nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    return path


def _cell(path):
    return nbformat.read(path, as_version=4).cells[0]


def test_refresh_writes_alt_caption_and_a_name(tmp_path):
    path = _notebook(tmp_path, {"course_utils": {"alt": "Line chart of loss.", "caption": "Loss."}})
    assert execution.write_figure_descriptions(path, "07") == 1
    meta = _cell(path).metadata
    assert meta["mystnb"]["image"]["alt"] == "Line chart of loss."
    assert meta["mystnb"]["figure"] == {"caption": "Loss.", "name": "fig-07-c01"}
    assert meta["course_utils"]["generated"] == ["alt", "caption", "name"]
    assert "mystnb" not in nbformat.read(path, as_version=4).cells[1].metadata


def test_a_new_run_replaces_what_it_wrote_and_keeps_what_an_author_wrote(tmp_path):
    authored = {"mystnb": {"image": {"alt": "Written by hand: the point to notice."},
                           "figure": {"caption": "Hand caption.", "name": "fig-07-race"}}}
    path = _notebook(tmp_path, {"course_utils": {"alt": "Generated.", "caption": "Gen."}},
                     authored)
    execution.write_figure_descriptions(path, "07")
    meta = _cell(path).metadata
    assert meta["mystnb"] == authored["mystnb"] and "course_utils" not in meta

    path = _notebook(tmp_path, {"course_utils": {"alt": "First.", "caption": "One."}})
    execution.write_figure_descriptions(path, "07")
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].outputs[0].metadata["image/png"]["course_utils"] = {"alt": "Second.",
                                                                     "caption": "Two."}
    nbformat.write(nb, path)
    execution.write_figure_descriptions(path, "07")
    assert _cell(path).metadata["mystnb"]["image"]["alt"] == "Second."
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].outputs = []  # the cell no longer draws a figure
    nbformat.write(nb, path)
    execution.write_figure_descriptions(path, "07")
    assert "mystnb" not in _cell(path).metadata and "course_utils" not in _cell(path).metadata


def test_a_kernel_carries_the_description_in_the_image_output(tmp_path, monkeypatch):
    """Executed like a chapter (papermill), a helper's figure and a plain matplotlib figure
    both leave their description in the output metadata, even when the shell that runs
    the refresh has a headless backend set (the kernel still gets the inline one)."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from course_utils import plots\nimport matplotlib.pyplot as plt"),
        nbformat.v4.new_code_cell(
            "fig = plots.history_curves({'a': {'loss': [1.0, 0.5]}}, metrics=('loss',))\n"
            "fig = plots.describe(fig, caption='Loss of run a.')"),
        nbformat.v4.new_code_cell(
            "fig, ax = plt.subplots()\nax.plot([1, 2]); ax.set_xlabel('epoch')\n"
            "ax.set_ylabel('loss'); fig.suptitle('Plain figure')"),
    ]
    source, target = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(nb, source)
    execution.execute(source, target, None, tmp_path / "metrics", timeout=120)
    execution.write_figure_descriptions(target, "00")
    cells = nbformat.read(target, as_version=4).cells
    helper, plain = cells[1].metadata["mystnb"], cells[2].metadata["mystnb"]
    assert helper["figure"]["caption"] == "Loss of run a."
    assert helper["image"]["alt"].startswith("Line charts of loss against epoch")
    assert plain["figure"]["caption"] == "Plain figure"
    assert "loss against epoch" in plain["image"]["alt"]


def test_a_diagram_svg_is_described_like_a_plot(tmp_path):
    from course_utils import diagrams

    drawing = diagrams.conv_grid(5, 3, stride=2, padding=1)
    data, metadata = drawing._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("diagrams.conv_grid(5, 3, stride=2, padding=1)")
    cell.id = "g01"
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
    nb.cells = [cell]
    path = tmp_path / "d.ipynb"
    nbformat.write(nb, path)
    assert execution.write_figure_descriptions(path, "03") == 1
    meta = _cell(path).metadata["mystnb"]
    assert meta["image"]["alt"] == drawing.alt
    assert meta["figure"] == {"caption": drawing.caption, "name": "fig-03-g01"}
