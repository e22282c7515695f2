"""``benchmarks/run.py``: the throughput benchmark's rows at a tiny size (structure and
positive numbers only: times and ratios are measured, never asserted), the merged results
file, ``--only``, and the report's rendering of a row without a ratio."""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys

import pytest

from course_utils.tooling import report
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("benchmarks_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def _tiny_models():
    from course_utils.models.small_cnn import small_cnn

    return [("tiny CNN, 28x28x1", lambda: small_cnn(filters=(4,), dense=(8,)), 28),
            ("tiny CNN, 16x16x1",  # through the resize path
             lambda: small_cnn(input_shape=(16, 16, 1), filters=(4,), dense=(8,)), 16)]


def test_throughput_rows_have_the_measured_numbers(tf, bench):
    rows = bench.bench_throughput(n=256, epochs=1, models=_tiny_models(), matmul_n=128, val=64)
    assert len(rows) == 3
    for row in rows:
        assert set(row) >= {"name", "ratio", "target", "detail", "measured"}
        assert row["target"] is None and row["detail"]
    matmul, *models = rows
    assert matmul["name"] == bench.MATMUL_NAME and matmul["ratio"] is None
    assert matmul["measured"]["gflops"] > 0 and matmul["measured"]["n"] == 128
    assert "GFLOP/s" in matmul["detail"]
    for row, (label, _, side) in zip(models, _tiny_models()):
        assert row["name"] == bench.throughput_name(label)
        assert row["ratio"] > 0
        measured = row["measured"]
        assert measured["images"] == 256 and measured["epochs"] == 1
        assert measured["batch_size"] == 32 and measured["mult_adds_per_image"] > 0
        assert measured["matmul_gflops"] == matmul["measured"]["gflops"]
        for side_name in ("runner", "plain"):
            numbers = measured[side_name]
            for key in ("seconds", "images_per_second", "gflops", "share_of_matmul"):
                assert numbers[key] > 0, (side_name, key)
        assert measured["runner"]["first_run_seconds"] > 0
        assert f"{side}x{side}" in row["detail"]
        for words in ("images/s", "GFLOP/s", "matmul rate", "first run", "approximation"):
            assert words in row["detail"]
    json.dumps(rows)  # the results file can hold them


def test_chapter_models_build_at_their_sizes(bench):
    import keras

    from course_utils import analysis

    for label, build, side in bench.throughput_models():
        model = build()
        assert tuple(model.input_shape[1:]) == (side, side, 1), label
        assert analysis.totals(model)["mult-adds"] > 0
        keras.backend.clear_session()


def test_quick_settings_match_the_benchmarks(bench):
    assert set(bench.QUICK) == set(bench.BENCHMARKS)
    for name, kwargs in bench.QUICK.items():
        assert set(kwargs) <= set(inspect.signature(bench.BENCHMARKS[name]).parameters), name


def test_merge_keeps_rows_not_rerun(bench):
    old = [{"name": "a", "ratio": 1.0}, {"name": "b", "ratio": 2.0}]
    new = [{"name": "b", "ratio": 3.0}, {"name": "c", "ratio": None}]
    assert bench.merge_results(old, new) == [{"name": "a", "ratio": 1.0},
                                             {"name": "b", "ratio": 3.0},
                                             {"name": "c", "ratio": None}]


def test_only_runs_one_benchmark_and_merges_the_file(tf, bench, tmp_path, monkeypatch, capsys):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"environment": {}, "results": [
        {"name": "kept", "ratio": 2.0, "target": None, "detail": "old"}]}))
    calls = []

    def fake(**kwargs):
        calls.append(kwargs)
        return [{"name": "rate", "ratio": None, "target": None, "detail": "1 GFLOP/s"},
                {"name": "speed", "ratio": 1.5, "target": 1.0, "detail": "new"}]

    monkeypatch.setitem(bench.BENCHMARKS, "throughput", fake)
    monkeypatch.setitem(bench.BENCHMARKS, "transfer", lambda **kwargs: pytest.fail("ran"))
    assert bench.main(["--only", "throughput", "--results", str(path)]) == 0
    assert calls == [{}]
    written = json.loads(path.read_text())
    assert [r["name"] for r in written["results"]] == ["kept", "rate", "speed"]
    assert set(written["environment"]) >= {"tensorflow", "keras", "device", "threads"}
    assert "speed: 1.5x meets the 1x target" in capsys.readouterr().out
    # --quick passes the tiny sizes and writes nothing without --results
    before = path.read_text()
    monkeypatch.setattr(bench, "RESULTS", path)
    assert bench.main(["--only", "throughput", "--quick"]) == 0
    assert calls[-1] == bench.QUICK["throughput"] and path.read_text() == before


def test_report_renders_a_row_without_a_ratio_as_a_dash(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"environment": {"tensorflow": "2.21.0", "device": "CPU",
                                                "threads": "2"}, "results": [
        {"name": "fp32 matmul rate", "ratio": None, "target": None, "detail": "90 GFLOP/s"},
        {"name": "runner vs fit", "ratio": 2.54, "target": None, "detail": "x images/s"}]}))
    lines = report.benchmark_markdown(path)
    assert "| fp32 matmul rate | - | - | 90 GFLOP/s |" in lines
    assert "| runner vs fit | 2.5x | - | x images/s |" in lines
