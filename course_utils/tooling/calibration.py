"""A fixed calibration workload: how fast this machine is, right now, at the chapters' work.

Chapter times are only comparable between machines (or between a quiet and a busy run) when
they are read against something measured on the same machine in the same run. The workload
is a fixed amount of the chapters' kind of work, on fixed random data, through TensorFlow
with the thread settings the chapters get (the ``TF_NUM_INTRAOP_THREADS``,
``TF_NUM_INTEROP_THREADS`` and ``OMP_NUM_THREADS`` of the environment, which the Makefile
exports) and with op determinism on, as :func:`course_utils.runtime.setup` turns it on:

* float32 matrix products (a chain ``c <- tanh(c @ a / sqrt(n))``, so values stay bounded and
  no product can be merged with another);
* forward and backward passes (gradients of a cross-entropy loss) of a fixed small CNN:
  two 3x3 convolutions with ReLU and max-pooling, then a dense layer.

One repetition takes about 0.9 s on 2 cores of an AMD EPYC (the whole measurement, with the
interpreter and TensorFlow starting, about 10 s); the figure is the median of :data:`REPEATS`
repetitions after one warm-up repetition (which also traces the ``tf.function`` graphs). The
measurement always runs in a fresh interpreter (``python -m course_utils.tooling.calibration``),
never in the calling process: a process that has already imported TensorFlow may hold other
thread pools, devices or determinism settings, and a test process holds all of them.

A chapter time divided by the calibration time is the chapter's time in *calibration
units*; :mod:`course_utils.tooling.timings` and the report page use it to read budgets the
same way on a slower or faster machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Bumped whenever the workload changes: times of different versions are not comparable.
VERSION = 1
REPEATS = 3
MATMUL_SIZE = 384
MATMULS = 300  # per repetition, at size 1 (about 0.3 s on the reference machine)
CNN_STEPS = 40  # forward + backward passes per repetition, at size 1 (about 0.7 s)
BATCH, IMAGE, CLASSES = 32, 32, 10
THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")
TIMEOUT = 600  # seconds for the whole child process


class CalibrationError(RuntimeError):
    """The calibration child process failed."""


def _workload(size: float, seed: int = 0) -> Callable[[], float]:
    """Build the workload (in this process); return a function that runs one repetition."""
    import numpy as np

    from course_utils import runtime

    tf = runtime.import_tensorflow()
    rng = np.random.default_rng(seed)
    matmuls = max(1, round(MATMULS * size))
    steps = max(1, round(CNN_STEPS * size))
    a = tf.constant(rng.standard_normal((MATMUL_SIZE, MATMUL_SIZE), dtype=np.float32))
    c0 = tf.constant(rng.standard_normal((MATMUL_SIZE, MATMUL_SIZE), dtype=np.float32))
    x = tf.constant(rng.standard_normal((BATCH, IMAGE, IMAGE, 3), dtype=np.float32))
    y = tf.constant(rng.integers(0, CLASSES, BATCH), dtype=tf.int32)
    flat = (IMAGE // 4) * (IMAGE // 4) * 64
    weights = [tf.Variable(rng.standard_normal(shape, dtype=np.float32) * scale)
               for shape, scale in (((3, 3, 3, 32), 0.27), ((3, 3, 32, 64), 0.08),
                                    ((flat, CLASSES), 0.02))]
    scale = 1.0 / float(np.sqrt(MATMUL_SIZE))

    @tf.function
    def matmul_chain() -> Any:
        c = c0
        for _ in range(matmuls):
            c = tf.tanh(tf.matmul(c, a) * scale)
        return tf.reduce_sum(c)

    @tf.function
    def cnn_step() -> Any:
        w1, w2, w3 = weights
        with tf.GradientTape() as tape:
            h = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(x, w1, 1, "SAME")), 2, 2, "VALID")
            h = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(h, w2, 1, "SAME")), 2, 2, "VALID")
            logits = tf.matmul(tf.reshape(h, (BATCH, flat)), w3)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
        grads = tape.gradient(loss, weights)
        return loss + tf.add_n([tf.reduce_sum(g) for g in grads]) * 0.0

    def once() -> float:
        total = float(matmul_chain().numpy())
        for _ in range(steps):
            total += float(cnn_step().numpy())
        return total

    return once


def measure(size: float = 1.0, repeats: int = REPEATS) -> dict[str, Any]:
    """Time the workload in *this* process (the child calls it; see :func:`calibrate`)."""
    from course_utils import runtime

    if size <= 0 or repeats < 1:
        raise ValueError(f"size must be positive and repeats at least 1, got {size}, {repeats}.")
    info = runtime.setup(seed=0, verbose=False)  # op determinism on, as in the chapters
    once = _workload(size)
    once()  # warm-up: traces the graphs, fills the caches
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        once()
        samples.append(time.perf_counter() - start)
    return {"seconds": round(statistics.median(samples), 4),
            "samples": [round(s, 4) for s in samples], "repeats": repeats, "size": size,
            "version": VERSION, "tensorflow": info.tensorflow, **machine()}


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo``, or the architecture where there is none."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine() or "?"


def machine() -> dict[str, Any]:
    """The CPU model, core count and thread settings (what the report calls the machine)."""
    return {"cpu": cpu_model(), "cores": os.cpu_count(),
            "threads": {name: os.environ.get(name, "default") for name in THREAD_VARIABLES},
            "python": platform.python_version(), "date": dt.date.today().isoformat()}


def describe(record: dict[str, Any]) -> str:
    """``"AMD EPYC, 2 cores, 2 TensorFlow threads"`` for a calibration record."""
    threads = record.get("threads") or {}
    intra = threads.get("TF_NUM_INTRAOP_THREADS", "default") if isinstance(threads, dict) else threads
    return f"{record.get('cpu', '?')}, {record.get('cores', '?')} cores, {intra} TensorFlow threads"


def calibrate(size: float = 1.0, repeats: int = REPEATS, timeout: float = TIMEOUT,
              env: dict[str, str] | None = None) -> dict[str, Any]:
    """Time the workload in a fresh interpreter; return its record (``record["seconds"]`` is
    the median seconds of one repetition). Raises :class:`CalibrationError` if it fails."""
    child_env = dict(os.environ if env is None else env)
    child_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    cmd = [sys.executable, "-m", "course_utils.tooling.calibration", "--size", str(size),
           "--repeats", str(repeats)]
    try:
        proc = subprocess.run(cmd, env=child_env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CalibrationError(f"the calibration workload ran past {timeout:g} s") from None
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1][:300]
        raise CalibrationError(f"the calibration workload failed (exit {proc.returncode}): {last}")
    return json.loads(lines[-1])


def calibrate_quietly(**kwargs: Any) -> dict[str, Any]:
    """:func:`calibrate`, but a failure becomes ``{"seconds": None, "error": ...}``: timings are
    reported, and a failed calibration must not fail the run it calibrates."""
    try:
        return calibrate(**kwargs)
    except (CalibrationError, OSError, ValueError) as exc:
        print(f"warning: {exc}; times are reported in seconds only", file=sys.stderr)
        return {"seconds": None, "error": str(exc), "version": VERSION, **machine()}


def write(path: Path, record: dict[str, Any]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.tooling.calibration",
                                     description="Time the calibration workload in this process "
                                                 "and print its record as one JSON line.")
    parser.add_argument("--size", type=float, default=1.0, help="work per repetition (1 = fixed)")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.size, args.repeats), sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
