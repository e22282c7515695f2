"""Measured speed comparisons, each side by side in one run on the same data.

Run with ``make bench``. Every benchmark prints a ratio (never an absolute claim) and the
results go to ``benchmarks/results.json``, from which the book's report page is built.

1. transfer: one training epoch of a head on cached features vs one epoch through the
   frozen convolutional body (target >= 5x);
2. input pipeline: ``course_utils.data``'s tf.data pipeline (decode once, cache, prefetch)
   vs decoding every file every epoch, images per second (target >= 3x);
3. recipe: chapter 1's book recipe (SGD 1e-3 with momentum 0.9) vs the source's plain SGD
   1e-3 on the same images, time to reach the same validation accuracy.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

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


def main() -> int:
    info = runtime.setup(seed=42, verbose=True)
    results = []
    for bench in (bench_transfer, bench_pipeline, bench_recipe):
        result = bench()
        results.append(result)
        target = result["target"]
        verdict = "" if target is None else (" meets" if result["ratio"] >= target else " MISSES") + \
            f" the {target:g}x target"
        print(f"{result['name']}: {result['ratio']:.1f}x{verdict}\n    {result['detail']}")
    RESULTS.write_text(json.dumps({
        "environment": {"python": platform.python_version(), "tensorflow": info.tensorflow,
                        "keras": info.keras, "device": info.device,
                        "threads": os.environ.get("TF_NUM_INTRAOP_THREADS", "default")},
        "results": results}, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
