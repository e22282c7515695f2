"""Measured speed comparisons, each side by side in one run on the same data.

Run with ``make bench``. Every comparison prints a ratio (never an absolute claim; the one
absolute number, the matmul rate, is the machine's own reference for the throughput rows) and
the results go to ``benchmarks/results.json``, from which the book's report page is built.

1. transfer: one training epoch of a head on cached features vs one epoch through the
   frozen convolutional body (target >= 5x);
2. input pipeline: ``course_utils.data``'s tf.data pipeline (decode once, cache, prefetch)
   vs decoding every file every epoch, images per second (target >= 3x);
3. recipe: chapter 1's book recipe (SGD 1e-3 with momentum 0.9) vs the source's plain SGD
   1e-3 on the same images, time to reach the same validation accuracy;
4. throughput: this machine's fp32 matmul rate (GFLOP/s), then ``course_utils.experiment``'s
   runner (``steps_per_execution``, one compiled model per arm, a ``tf.data`` pipeline) vs a
   plain ``model.fit`` on numpy arrays (the way the notebooks trained before), training images
   per second on real Fashion-MNIST for chapter 3's small CNN and chapter 7's ResNet-32, with
   the GFLOP/s each side achieves and its share of the matmul rate.

``python benchmarks/run.py --only throughput`` runs one benchmark (repeat ``--only`` for
several); ``--quick`` runs tiny sizes as a smoke test and writes no results unless
``--results PATH`` is given. The results file is merged: rows of benchmarks not run are kept.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("COURSE_OFFLINE", "1")

from course_utils import runtime  # noqa: E402

RESULTS = Path(__file__).with_name("results.json")


def _conv_body(size: int):
    import keras

    inputs = keras.Input((size, size, 3))
    x = inputs
    for filters in (32, 64, 128, 128):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, x, name="conv_body")


def bench_transfer(n: int = 512, size: int = 64, epochs: int = 3) -> dict:
    """Frozen conv body in the loop vs a head trained on features extracted once."""
    import keras
    import numpy as np

    from course_utils import training
    from course_utils.models import transfer

    rng = np.random.default_rng(0)
    x = rng.random((n, size, size, 3), dtype=np.float32)
    y = rng.integers(0, 2, n)
    body = transfer.freeze(_conv_body(size))
    frozen = transfer.with_new_head(body, num_classes=2, name="frozen")
    training.compile_classifier(frozen, learning_rate=1e-3)
    fit_frozen = training.timed_fit(frozen, x, y, epochs=epochs, batch_size=32)
    with training.Timer() as extraction:
        feats = transfer.extract_features(body, x, batch_size=32)
    head = keras.Sequential([keras.Input(feats.shape[1:]), keras.layers.Dense(2, activation="softmax")])
    training.compile_classifier(head, learning_rate=1e-3)
    fit_head = training.timed_fit(head, feats, y, epochs=epochs, batch_size=32)
    ratio = fit_frozen.seconds_per_epoch / fit_head.seconds_per_epoch
    return {"name": "transfer: cached features vs frozen body, per epoch", "ratio": ratio,
            "target": 5.0, "detail": f"{n} images {size}x{size}, {epochs} epochs, steady-state "
            f"epoch {fit_frozen.seconds_per_epoch:.3f} s vs {fit_head.seconds_per_epoch:.3f} s; "
            f"extraction once {extraction.seconds:.2f} s"}


def _photo_folder(root: Path, per_class: int = 60, classes: int = 5, source_size: int = 320) -> Path:
    """Class folders of JPEG files the size of typical photos (Flowers 17 images are about
    500 px), so decoding costs what it costs on real data."""
    from PIL import Image

    from course_utils import synthetic_images

    if not (root / ".complete").exists():
        images, labels, names = synthetic_images.make_images(per_class, source_size, classes, seed=0)
        for i, (image, label) in enumerate(zip(images, labels)):
            folder = root / names[label]
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(image).save(folder / f"{i:04d}.jpg", quality=90)
        (root / ".complete").write_text("ok\n")
    return root


def bench_pipeline(epochs: int = 3, size: int = 64) -> dict:
    """Images per second over epochs 2..n: cached pipeline vs decoding every epoch."""
    import tensorflow as tf

    from course_utils import data

    root = _photo_folder(data.cache_dir() / "course_utils" / "bench-photos")
    names = sorted(p.name for p in root.iterdir() if p.is_dir())

    def uncached():
        ds = tf.keras.utils.image_dataset_from_directory(
            root, class_names=names, image_size=(size, size), batch_size=32, shuffle=True,
            seed=42, verbose=False)
        return ds

    cached = data._folder_pipeline(root, size, 32, True, 42, names)

    def throughput(ds) -> float:
        count, start = 0, 0.0
        for epoch in range(epochs):
            if epoch == 1:
                start, count = time.perf_counter(), 0
            for images, _ in ds:
                count += int(images.shape[0])
        return count / (time.perf_counter() - start)

    slow, fast = throughput(uncached()), throughput(cached)
    return {"name": "input pipeline: decode once + cache + prefetch vs decode every epoch",
            "ratio": fast / slow, "target": 3.0,
            "detail": f"320x320 JPEG files read at {size}x{size}, epochs 2-{epochs}: "
                      f"{fast:,.0f} vs {slow:,.0f} images/s"}


def bench_recipe(target_accuracy: float = 0.88, max_epochs: int = 60) -> dict:
    """Seconds for chapter 1's pretraining to reach ``target_accuracy`` on validation."""
    import keras

    from course_utils import data, profiles, training
    from course_utils.models.mlp import mlp

    cfg = profiles.resolve("01", "book")
    mnist = data.load_mnist(seed=cfg["seed"], verbose=False)
    x, y = data.to_float(mnist.x_train), mnist.y_train
    x_tr, y_tr, x_val, y_val = data.train_val_split(x, y, cfg["val_size"], seed=cfg["seed"])
    x_tr, y_tr = data.subsample(x_tr, y_tr, cfg["pretrain_size"], seed=cfg["seed"])

    class StopAt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs["val_accuracy"] >= target_accuracy:
                self.model.stop_training = True

    out = {}
    for label, momentum in (("book (momentum 0.9)", 0.9), ("source (plain SGD)", 0.0)):
        keras.utils.set_random_seed(cfg["seed"])
        model = mlp(hidden=cfg["hidden"], num_classes=10)
        training.compile_classifier(model, learning_rate=cfg["learning_rate"], momentum=momentum)
        fit = training.timed_fit(model, x_tr, y_tr, epochs=max_epochs, batch_size=cfg["batch_size"],
                                 validation_data=(x_val, y_val), callbacks=[StopAt()])
        reached = fit.best("val_accuracy") >= target_accuracy
        out[label] = (fit.seconds, fit.epochs, reached)
    (t_book, e_book, ok_book), (t_src, e_src, ok_src) = out.values()
    detail = (f"to {target_accuracy:.0%} validation accuracy: book {e_book} epochs / {t_book:.1f} s, "
              f"source {e_src} epochs / {t_src:.1f} s" + ("" if ok_src else
              f" (source never reached it in {max_epochs} epochs: ratio is a lower bound)"))
    return {"name": "chapter 1 recipe: book vs source settings, time to equal accuracy",
            "ratio": t_src / t_book, "target": None, "detail": detail, "reached": ok_book}


# --- 4. throughput ---------------------------------------------------------------------------

THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")
MATMUL_NAME = "fp32 matmul rate (the reference of the throughput rows)"


def matmul_rate(n: int = 1024, chain: int = 8, repeats: int = 5) -> dict:
    """This machine's float32 matrix-product rate in GFLOP/s: the median of ``repeats``
    timings of a chain of ``chain`` dependent ``tf.linalg.matmul`` products of ``n x n``
    matrices (2 n^3 flops each), after one warm-up run (which also traces the graph)."""
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)
    a = tf.constant(rng.standard_normal((n, n), dtype=np.float32))
    # scaled by 1/sqrt(n), so repeated products keep their magnitude (no overflow)
    b = tf.constant(rng.standard_normal((n, n), dtype=np.float32) / np.float32(np.sqrt(n)))

    @tf.function
    def products(x, m):  # both are inputs: nothing can be folded into a constant
        for _ in range(chain):
            x = tf.linalg.matmul(x, m)
        return tf.reduce_sum(x)

    float(products(a, b))  # warm-up
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        float(products(a, b))  # float() waits for the result
        seconds.append(time.perf_counter() - start)
    flops = chain * 2 * n ** 3
    gflops = flops / statistics.median(seconds) / 1e9
    threads = {name: os.environ.get(name, "default") for name in THREAD_VARIABLES}
    return {"name": MATMUL_NAME, "ratio": None, "target": None,
            "detail": f"{gflops:,.1f} GFLOP/s: median of {repeats} timings (after a warm-up) of "
                      f"a chain of {chain} tf.linalg.matmul products of {n}x{n} float32 "
                      f"matrices, 2n^3 flops each, with {threads['TF_NUM_INTRAOP_THREADS']} "
                      "intra-op threads",
            "measured": {"gflops": gflops, "n": n, "chain": chain, "repeats": repeats,
                         "seconds": seconds, "threads": threads}}


def throughput_models() -> list[tuple[str, Callable[[], Any], int]]:
    """``(label, builder, image side)`` of the networks whose training throughput is
    measured: chapter 3's MNIST CNN on 28x28x1 and chapter 7's residual CIFAR network
    (ResNet-32 at half width) on 16x16x1."""
    from course_utils.models import resnet
    from course_utils.models.small_cnn import small_cnn

    def chapter3() -> Any:
        return small_cnn(input_shape=(28, 28, 1), filters=(32, 64), dense=(64,),
                         num_classes=10, name="mnist_cnn")

    def chapter7() -> Any:
        return resnet.cifar_resnet(blocks_per_stage=5, width=0.5, input_shape=(16, 16, 1),
                                   residual=True, bn_momentum=0.9)

    return [("chapter 3 small CNN, 28x28x1", chapter3, 28),
            ("chapter 7 ResNet-32 (width 0.5), 16x16x1", chapter7, 16)]


def throughput_name(label: str) -> str:
    return f"throughput, {label}: experiment runner vs plain model.fit"


def _achieved(images_per_second: float, mult_adds: int, matmul_gflops: float) -> dict:
    """Training GFLOP/s estimated as 3 x forward multiply-adds x 2 flops per image (the
    backward pass taken as twice the forward: an approximation), and its share of the
    matmul rate."""
    gflops = 3 * mult_adds * 2 * images_per_second / 1e9
    return {"images_per_second": images_per_second, "gflops": gflops,
            "share_of_matmul": gflops / matmul_gflops}


def _throughput_row(label: str, build: Callable[[], Any], x: Any, y: Any, x_val: Any,
                    y_val: Any, *, epochs: int, batch_size: int, seed: int,
                    learning_rate: float, matmul_gflops: float) -> dict:
    import keras

    from course_utils import analysis, experiment, training

    images = len(x) * epochs
    splits = experiment.Splits(x, y, x_val, y_val, name="Fashion-MNIST")
    budget = experiment.Budget(epochs=epochs, batch_size=batch_size, validate=False)
    trainer = experiment._Trainer(experiment.Arm(label, build, optimizer="adam"), budget)
    # Order: runner's first run (it traces), plain fit, runner's second run, so neither
    # side is the first training in the process.
    first = trainer.run(splits, seed, learning_rate)
    keras.utils.set_random_seed(seed)
    model = build()
    training.compile_classifier(model, learning_rate=learning_rate, optimizer="adam",
                                steps_per_execution=1)
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0)
    plain_seconds = time.perf_counter() - start
    second = trainer.run(splits, seed, learning_rate)
    mult_adds = analysis.totals(model)["mult-adds"]
    plain = {"seconds": plain_seconds,
             **_achieved(images / plain_seconds, mult_adds, matmul_gflops)}
    runner = {"seconds": second.seconds, "first_run_seconds": first.seconds,
              **_achieved(images / second.seconds, mult_adds, matmul_gflops)}
    del trainer, model
    keras.backend.clear_session()
    side = x.shape[1]
    detail = (f"{len(x):,} Fashion-MNIST training images {side}x{side}, {epochs} epochs, "
              f"batch {batch_size}, Adam, fit time only: runner (second run, "
              f"steps_per_execution {budget.steps_per_execution}) "
              f"{runner['images_per_second']:,.0f} images/s vs plain fit "
              f"{plain['images_per_second']:,.0f} images/s; runner's first run (tracing "
              f"included) {first.seconds:.1f} s, second {second.seconds:.1f} s, plain fit "
              f"{plain_seconds:.1f} s; about {runner['gflops']:.1f} vs {plain['gflops']:.1f} "
              f"GFLOP/s, {runner['share_of_matmul']:.1%} vs {plain['share_of_matmul']:.1%} of "
              f"the {matmul_gflops:,.1f} GFLOP/s matmul rate (estimated as 3 x "
              f"{mult_adds:,} forward multiply-adds per image x 2 flops: backward counted as "
              "twice the forward, an approximation)")
    return {"name": throughput_name(label), "ratio": runner["images_per_second"] /
            plain["images_per_second"], "target": None, "detail": detail,
            "measured": {"images": len(x), "epochs": epochs, "batch_size": batch_size,
                         "steps_per_execution": budget.steps_per_execution,
                         "mult_adds_per_image": mult_adds, "matmul_gflops": matmul_gflops,
                         "runner": runner, "plain": plain}}


def bench_throughput(n: int = 4096, epochs: int = 3, batch_size: int = 32, *,
                     models: Sequence[tuple[str, Callable[[], Any], int]] | None = None,
                     matmul_n: int = 1024, val: int = 512, seed: int = 1,
                     learning_rate: float = 1e-3) -> list[dict]:
    """The matmul rate, then for each of ``models`` (default :func:`throughput_models`)
    training images per second of the experiment runner vs a plain ``model.fit``, on ``n``
    real Fashion-MNIST training images (resized with area interpolation to the model's
    side), the same ``epochs`` and ``batch_size`` on both sides. One row each."""
    import keras
    import numpy as np

    from course_utils import data

    rows = [matmul_rate(n=matmul_n)]
    gflops = rows[0]["measured"]["gflops"]
    fm = data.load_fashion_mnist(verbose=False)
    keep = np.random.default_rng(0).permutation(len(fm.y_train))[:n]  # exactly n, seeded
    x, y = fm.x_train[keep], fm.y_train[keep]
    x, x_val = data.to_float(x)[..., None], data.to_float(fm.x_test[:val])[..., None]
    y_val = fm.y_test[:val]
    for label, build, side in models or throughput_models():
        if side == x.shape[1]:
            xs, xs_val = x, x_val
        else:
            xs, xs_val = (np.asarray(keras.ops.image.resize(a, (side, side),
                                                           interpolation="area"),
                                     dtype=np.float32) for a in (x, x_val))
        rows.append(_throughput_row(label, build, xs, y, xs_val, y_val, epochs=epochs,
                                    batch_size=batch_size, seed=seed,
                                    learning_rate=learning_rate, matmul_gflops=gflops))
    return rows


# --- running ---------------------------------------------------------------------------------

BENCHMARKS: dict[str, Callable[..., Any]] = {
    "transfer": bench_transfer, "pipeline": bench_pipeline, "recipe": bench_recipe,
    "throughput": bench_throughput}
# tiny sizes for --quick, a smoke test of the code (the numbers mean nothing)
QUICK: dict[str, dict[str, Any]] = {
    "transfer": {"n": 64, "size": 32, "epochs": 2}, "pipeline": {"epochs": 2},
    "recipe": {"max_epochs": 2}, "throughput": {"n": 256, "epochs": 1, "matmul_n": 256,
                                                "val": 64}}


def merge_results(old: Sequence[dict], new: Sequence[dict]) -> list[dict]:
    """``old`` rows with those of the same name replaced by ``new`` ones, in place; new
    names appended."""
    fresh = {row["name"]: row for row in new}
    merged = [fresh.pop(row["name"], row) for row in old]
    return merged + list(fresh.values())


def _line(result: dict) -> str:
    target = result["target"]
    ratio = result["ratio"]
    verdict = "" if target is None or ratio is None else (
        " meets" if ratio >= target else " MISSES") + f" the {target:g}x target"
    shown = "" if ratio is None else f": {ratio:.1f}x"
    return f"{result['name']}{shown}{verdict}\n    {result['detail']}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", choices=list(BENCHMARKS), metavar="NAME",
                        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, a smoke test; writes nothing unless --results is given")
    parser.add_argument("--results", type=Path, default=None,
                        help=f"the results file to merge into (default {RESULTS})")
    args = parser.parse_args(argv)
    for name in THREAD_VARIABLES:  # as the Makefile exports them, also when run directly
        os.environ.setdefault(name, "2")
    info = runtime.setup(seed=42, verbose=True)
    results: list[dict] = []
    for name in args.only or list(BENCHMARKS):
        out = BENCHMARKS[name](**(QUICK[name] if args.quick else {}))
        for result in out if isinstance(out, list) else [out]:
            results.append(result)
            print(_line(result))
    path = args.results or (None if args.quick else RESULTS)
    if path is None:
        print("--quick: nothing written (pass --results PATH to write)")
        return 0
    old = json.loads(path.read_text()).get("results", []) if path.is_file() else []
    path.write_text(json.dumps({
        "environment": {"python": platform.python_version(), "tensorflow": info.tensorflow,
                        "keras": info.keras, "device": info.device,
                        "threads": os.environ.get("TF_NUM_INTRAOP_THREADS", "default")},
        "results": merge_results(old, results)}, indent=2) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
