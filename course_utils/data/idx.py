"""The idx (``*-ubyte``) file format of MNIST and Fashion-MNIST, gzipped or plain.

An idx file is a big-endian header - two zero bytes, a type byte (``0x08``: unsigned bytes),
the number of dimensions, then each dimension as a 32-bit integer - followed by the data.
The checksum, when given, is of the *decompressed* bytes (a re-gzipped copy, as Debian ships,
has the same data but another archive checksum) and is verified before anything is parsed.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import zlib
from pathlib import Path

import numpy as np

from course_utils.data.provenance import DatasetError

UBYTE = 0x08
GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_FIX = "Delete the file and obtain it again."


def idx_bytes(path: Path, fix: str = DEFAULT_FIX) -> bytes:
    """The decompressed content of ``path`` (gzip is recognised by its magic bytes)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"Dataset file {path} cannot be read ({exc}). {fix}") from exc
    if raw[:2] != GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as exc:  # BadGzipFile is an OSError
        raise DatasetError(f"Dataset file {path} is not a complete gzip file ({exc}): it is "
                           f"truncated or corrupt. {fix}") from exc


def parse_idx(content: bytes, source: str = "idx data", fix: str = DEFAULT_FIX) -> np.ndarray:
    """The array held by decompressed idx ``content`` (read-only, it views the bytes)."""
    if len(content) < 4 or content[:2] != b"\0\0" or content[2] != UBYTE or content[3] < 1:
        magic = content[:4].hex() or "nothing"
        raise DatasetError(f"{source} is not an idx file of unsigned bytes: its magic number "
                           f"is 0x{magic}, expected 0x00000801 (labels) or 0x00000803 "
                           f"(images). {fix}")
    ndim = content[3]
    header = 4 + 4 * ndim
    if len(content) < header:
        raise DatasetError(f"{source} ends inside its idx header ({len(content)} bytes). {fix}")
    dims = struct.unpack(f">{ndim}I", content[4:header])
    expected = header + int(np.prod(dims, dtype=np.int64))
    if len(content) != expected:
        raise DatasetError(f"{source} holds {len(content) - header:,} data bytes, but its "
                           f"header promises {expected - header:,} ({' x '.join(map(str, dims))})"
                           f". The file is truncated or corrupt. {fix}")
    return np.frombuffer(content, dtype=np.uint8, offset=header).reshape(dims)


def read_idx(path: Path, expected_sha256: str | None = None, *,
             fix: str = DEFAULT_FIX) -> np.ndarray:
    """Read an idx file (gzipped or plain) as a read-only uint8 array of its dimensions.

    ``expected_sha256`` is the digest of the decompressed bytes; a mismatch, a truncated
    gzip, a wrong magic number or a size that disagrees with the header raises
    :class:`DatasetError` naming the file and ending with ``fix``.
    """
    content = idx_bytes(path, fix)
    if expected_sha256 is not None:
        actual = hashlib.sha256(content).hexdigest()
        if actual != expected_sha256:
            raise DatasetError(f"Dataset file {path} is corrupt: the sha256 of its "
                               f"decompressed data is {actual}, expected {expected_sha256}. "
                               f"{fix}")
    return parse_idx(content, f"Dataset file {path}", fix)
