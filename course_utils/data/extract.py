"""Safe extraction of ``.tar(.gz)`` and ``.zip`` archives: every member is checked first.

Absolute paths, ``..`` components, links and devices are refused before anything is
written; a zip's CRCs are verified before it is extracted.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from course_utils.data.provenance import DatasetError


def _check_member(name: str, dest: Path) -> Path:
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or (posix.parts and ":" in posix.parts[0]):
        raise DatasetError(f"Refusing to extract {name!r}: it would escape {dest}. "
                           "The archive is unsafe; delete it and download it again.")
    target = (dest / posix).resolve()
    if not target.is_relative_to(dest.resolve()):
        raise DatasetError(f"Refusing to extract {name!r}: it would escape {dest}.")
    return target


def safe_extract(archive: Path, dest: Path) -> Path:
    """Extract a ``.tar(.gz)`` or ``.zip`` into ``dest``, rejecting members that escape it.

    Absolute paths, ``..`` components and links are refused before anything is written.
    """
    archive, dest = Path(archive), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                _check_member(info.filename, dest)
            bad = zf.testzip()
            if bad is not None:
                raise DatasetError(f"{archive} is corrupt (member {bad} fails its CRC). "
                                   "Delete it and download it again.")
            zf.extractall(dest)
        return dest
    try:
        with tarfile.open(archive) as tf:
            members = tf.getmembers()
            for m in members:
                _check_member(m.name, dest)
                if m.issym() or m.islnk() or m.isdev():
                    raise DatasetError(f"Refusing to extract link or device {m.name!r} "
                                       f"from {archive}.")
            tf.extractall(dest, members=members, filter="data")
    except tarfile.TarError as exc:
        raise DatasetError(f"{archive} is not a readable tar or zip archive ({exc}). "
                           "Delete it and download it again.") from exc
    return dest
