"""Where the code runs, made explicit and reproducible.

``setup(seed)`` is the first thing every chapter calls. It quiets TensorFlow's logs *before*
TensorFlow is imported, seeds Python/NumPy/TF, turns on op determinism, detects Colab, GPUs
and offline mode, picks a ``tf.distribute`` strategy and prints one line saying where it runs.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

OFFLINE_ENV = "COURSE_OFFLINE"


@dataclass(frozen=True)
class RuntimeInfo:
    """What :func:`setup` found out about the machine."""

    seed: int
    on_colab: bool
    offline: bool
    gpus: int
    strategy: Any
    tensorflow: str
    keras: str

    @property
    def device(self) -> str:
        return f"{self.gpus} GPU(s)" if self.gpus else "CPU"

    def describe(self) -> str:
        where = "Colab" if self.on_colab else "local"
        network = "offline: no downloads" if self.offline else "downloads allowed"
        return (
            f"Runtime: {where}, {self.device}, TensorFlow {self.tensorflow}, Keras {self.keras}, "
            f"seed {self.seed}, {network}"
        )


def is_colab() -> bool:
    """True inside a Google Colab kernel."""
    return "google.colab" in sys.modules


def is_offline() -> bool:
    """True when the course must not touch the network (tests and CI set ``COURSE_OFFLINE=1``)."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Swallow the process-level stderr (file descriptor 2), e.g. C++ log lines printed at import."""
    # Always the process's fd 2: in Jupyter, sys.stderr.fileno() is a copy of the original
    # stream, while the kernel forwards whatever reaches fd 2 into the notebook.
    fd = 2
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def quiet_tensorflow_logs() -> None:
    """Set TF's C++ log level before import; keep oneDNN on (it is ~2.6x faster on CPU)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "2")


def import_tensorflow() -> Any:
    """Import TensorFlow with its import-time C++ log lines swallowed."""
    quiet_tensorflow_logs()
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    with _stderr_silenced():
        import tensorflow as tf  # noqa: PLC0415

        tf.get_logger().setLevel("ERROR")
    return tf


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow (Keras uses TF's global seed)."""
    import numpy as np

    tf = import_tensorflow()
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    tf.keras.utils.set_random_seed(seed)


def pick_strategy(gpus: int, devices: list[str] | None = None) -> Any:
    """``MirroredStrategy`` across several GPUs (or the given ``devices``), otherwise the
    default one-device strategy."""
    tf = import_tensorflow()
    if devices:
        return tf.distribute.MirroredStrategy(devices)
    if gpus > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def use_strategy(strategy: Any) -> None:
    """Make ``strategy`` the global default, so every model the chapters build and train
    afterwards (without an explicit ``strategy.scope()``) is replicated by it."""
    tf = import_tensorflow()
    if strategy is not tf.distribute.get_strategy():
        tf.distribute.experimental_set_strategy(strategy)


_INFO: RuntimeInfo | None = None


def setup(seed: int = 42, *, written_for: str | None = None, deterministic: bool = True,
          verbose: bool = True) -> RuntimeInfo:
    """Prepare a reproducible run and say where it happens.

    Call it once at the top of a notebook, before importing the other ``course_utils``
    modules. ``written_for`` is the ``course_utils`` release the notebook was written for
    (``make release`` sets it); when another release is installed, one warning says so and
    how to install the right one. Returns a :class:`RuntimeInfo` with the chosen ``strategy``.
    """
    global _INFO
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}.")
    if written_for is not None:
        from course_utils import version

        warning = version.mismatch(written_for)
        if warning:
            print(warning, file=sys.stderr)
    # Everything that may load TensorFlow's native libraries runs with fd 2 silenced: they
    # print "oneDNN custom operations are on" and CUDA probes straight to the process stderr.
    with _stderr_silenced():
        tf = import_tensorflow()
        import keras

        seed_everything(seed)
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        gpus = len(tf.config.list_physical_devices("GPU"))
        info = RuntimeInfo(
            seed=seed,
            on_colab=is_colab(),
            offline=is_offline(),
            gpus=gpus,
            strategy=pick_strategy(gpus),
            tensorflow=tf.__version__,
            keras=keras.__version__,
        )
    if gpus > 1:
        use_strategy(info.strategy)
    _INFO = info
    if verbose:
        print(info.describe())
    return info


def current() -> RuntimeInfo | None:
    """The :class:`RuntimeInfo` from the last :func:`setup` call, if any."""
    return _INFO
