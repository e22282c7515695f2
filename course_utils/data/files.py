"""Dataset files: the Keras cache, downloads through ``keras.utils.get_file``, checksums.

A download is verified before anything reads it; a failed or mismatching one is removed
(never left half-written in the cache). Offline (``COURSE_OFFLINE=1`` or no network) only a
verified cached copy is used.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from course_utils import runtime
from course_utils.data.provenance import DatasetError, OfflineError


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in chunks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(path: Path, expected: str | None) -> None:
    """Raise :class:`DatasetError` unless ``path`` exists and matches ``expected``.

    ``expected`` is a SHA-256 (64 hex digits) or MD5 (32) digest; ``None`` checks existence.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"Dataset file {path} is missing. Re-run to download it, or set "
                           "COURSE_OFFLINE=1 to use the offline stand-in.")
    if expected is None:
        return
    algorithm = "sha256" if len(expected) == 64 else "md5"
    actual = file_digest(path, algorithm)
    if actual != expected:
        raise DatasetError(
            f"Dataset file {path} is corrupt or partial: its {algorithm} is {actual}, expected "
            f"{expected}. Delete the file and run again to download it afresh."
        )


def cache_dir() -> Path:
    """The Keras dataset cache (``$KERAS_HOME/datasets`` or ``~/.keras/datasets``)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    path = Path(home) / "datasets"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _use_real(offline: bool | None) -> bool:
    """Whether a loader tries its real source: ``offline`` if given, else the runtime's."""
    return not (runtime.is_offline() if offline is None else offline)


def download(fname: str, origin: str, file_hash: str | None, retries: int = 1) -> Path:
    """Fetch ``origin`` into the Keras cache with ``keras.utils.get_file`` and verify it.

    Offline this raises :class:`OfflineError` unless a verified copy is already cached. A
    failed or mismatching download is removed (never left half-written in the cache) and
    retried ``retries`` times.
    """
    target = cache_dir() / fname
    if target.is_file():
        try:
            verify_file(target, file_hash)
            return target
        except DatasetError:
            target.unlink()
    if runtime.is_offline():
        raise OfflineError(f"{fname} is not in the Keras cache ({target}) and the course runs "
                           "offline (COURSE_OFFLINE=1). Unset it to download the real data.")
    import keras

    last: Exception | None = None
    network_only = True
    for _ in range(retries + 1):
        try:
            path = Path(keras.utils.get_file(fname, origin=origin,
                                             cache_dir=str(cache_dir().parent),
                                             cache_subdir="datasets"))
        except Exception as exc:  # keras wraps network failures in a plain Exception
            last = exc
            _remove_partial(target)
            continue
        try:
            verify_file(path, file_hash)
            return path
        except DatasetError as exc:  # a partial or corrupt download: remove it, retry once
            last, network_only = exc, False
            _remove_partial(target)
    if network_only:
        raise OfflineError(f"{fname} could not be downloaded from {origin} ({last}); the network "
                           "seems unreachable.") from last
    raise DatasetError(f"Could not download a valid {fname} from {origin}: {last}. Check the "
                       "network, or set COURSE_OFFLINE=1 to use the offline stand-in.") from last


def _remove_partial(target: Path) -> None:
    """Never leave a half-written download in the cache."""
    for leftover in (target, Path(f"{target}.tar.gz"), Path(f"{target}.part")):
        if leftover.exists():
            leftover.unlink()


def _prepare(name: str, builder: Callable[[Path], None]) -> Path:
    """Build a folder under the cache once; a half-built folder is rebuilt."""
    root = cache_dir() / "course_utils" / name
    done = root / ".complete"
    if not done.exists():
        if root.exists():
            shutil.rmtree(root)
        tmp = root.with_name(root.name + ".tmp")
        if tmp.exists():
            shutil.rmtree(tmp)
        builder(tmp)
        (tmp / ".complete").write_text("ok\n")
        tmp.rename(root)
    return root
