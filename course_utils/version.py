"""Which release of ``course_utils`` a notebook was written for, and what to do on a mismatch.

Every chapter and student copy pins its Colab install line to a release tag
(``course_utils @ git+<repository>@v0.2.0``) and passes the same version to
``runtime.setup(written_for="0.2.0")``. ``make release`` sets both, so a saved copy keeps
installing the helpers it was written for. When the installed helpers are another release
(a local clone at a newer tag, a Colab runtime that installed another chapter first), the
checkers and helpers may behave differently from what the notebook expects, so
:func:`mismatch` says so once, with the command that installs the right release.
"""

from __future__ import annotations

import re

from course_utils import __version__

# The repository the install lines name; `make retarget` rewrites it with every other link.
REPOSITORY = "https://github.com/dl-step-by-step/cnn-course"
_VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


def installed() -> str:
    """The installed ``course_utils`` release, for example ``"0.2.0"``."""
    return __version__


def parse(version: str) -> tuple[int, int, int]:
    """``"1.2.3"`` as ``(1, 2, 3)``; anything else is a ``ValueError`` that says the form."""
    match = _VERSION.fullmatch(str(version).strip())
    if not match:
        raise ValueError(f"{version!r} is not a release version: give it as MAJOR.MINOR.PATCH, "
                         "for example 0.2.0.")
    return int(match[1]), int(match[2]), int(match[3])


def install_command(version: str) -> str:
    """The notebook cell line that installs release ``version`` of the helpers."""
    return f'%pip install -q "course_utils @ git+{REPOSITORY}@v{version}"'


def mismatch(written_for: str, have: str | None = None) -> str | None:
    """The warning to print when the installed helpers are not release ``written_for``
    (``None`` when they are)."""
    parse(written_for)
    have = installed() if have is None else have
    if have == written_for:
        return None
    return (f"Warning: this notebook was written for course_utils {written_for}, but "
            f"course_utils {have} is installed, so its helpers and exercise checkers may "
            f"behave differently. To fix it, run {install_command(written_for)} in a cell, "
            "then restart the kernel (on Colab: Runtime > Restart session) and run the "
            "notebook from the top.")
