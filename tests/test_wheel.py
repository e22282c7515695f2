"""The wheel pip builds from a clean copy of the repository (what Colab's
``%pip install "course_utils @ git+..."`` installs) holds every module, and every module
imports from the installed wheel in a folder outside the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv

import pytest

from course_utils.tooling import packaging
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    source = packaging.clean_copy(ROOT, tmp / "src")
    assert not (source / ".venv").exists() and not (source / "_build").exists()
    return packaging.build_wheel(source, tmp / "dist")


def test_wheel_holds_every_module_and_data_file(wheel):
    in_wheel = packaging.wheel_files(wheel)
    missing = packaging.source_modules(ROOT) - in_wheel
    assert not missing, f"modules missing from the wheel (check pyproject packaging): {sorted(missing)}"
    assert "course_utils/py.typed" in in_wheel
    assert "course_utils/models/__init__.py" in in_wheel  # the subpackage that once went missing
    assert "course_utils/data/fashion_mnist.py" in in_wheel  # data/ is a package too


def test_wheel_metadata_names_the_mit_licence(wheel):
    import zipfile

    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        [name] = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = whl.read(name).decode()
    assert "License-Expression: MIT" in metadata.splitlines()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def _wheel_venv(wheel, tmp_path):
    """A fresh venv holding only the wheel; the project venv's site-packages is appended to
    its path (a plain .pth line: that folder's own .pth files, the editable finder among
    them, are not processed) so TensorFlow and friends resolve without reinstalling them."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    project_site = sysconfig.get_paths()["purelib"]
    (env_dir / site / "zz_project_deps.pth").write_text(project_site + "\n")
    return python


def test_every_module_imports_from_the_installed_wheel(wheel, tmp_path):
    python = _wheel_venv(wheel, tmp_path)
    names = [n for n in packaging.module_names(packaging.wheel_files(wheel))
             if n != "course_utils.__main__"]  # __main__ runs the CLI; exercised below
    script = (
        "import importlib, json, sys\n"
        f"names = {names!r}\n"
        "files = {n: importlib.import_module(n).__file__ for n in names}\n"
        "print(json.dumps(files))\n"
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([str(python), "-c", script], cwd=work, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    files = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(files) == set(names)
    inside = {n: f for n, f in files.items() if ROOT in __import__("pathlib").Path(f).resolve().parents}
    assert not inside, f"imported from the checkout, not the wheel: {inside}"
    cli = subprocess.run([str(python), "-m", "course_utils", "list"], cwd=work, env=env,
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0 and "01" in cli.stdout, cli.stderr[-2000:]
