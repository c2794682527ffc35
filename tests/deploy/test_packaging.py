"""`pip install .`: the wheel holds every package and no tests, declares the production set and Python 3.11, and its
console scripts, installed apart from the source tree, answer --help. Offline: the build uses the venv's setuptools."""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from tests.deploy.image import REPO
from tests.deploy.test_requirements import PLATFORM_PACKAGES, pins

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources (the build writes build/ and egg-info beside them)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PLATFORM_PACKAGES:
        shutil.copytree(REPO / package, source / package, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "requirements.txt"):
        shutil.copy(REPO / name, source / name)
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "--no-index"]
    done = subprocess.run([*command, "-w", str(root / "dist"), "-q"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = (root / "dist").glob("community_platform-*.whl")
    return built


def wheel_text(wheel: Path, suffix: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(suffix)]
        return archive.read(name).decode()


def test_the_wheel_holds_every_module_and_nothing_else(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if ".dist-info/" not in name}
    sources = {str(path.relative_to(REPO)) for package in PLATFORM_PACKAGES for path in (REPO / package).rglob("*.py")}
    sources = {path for path in sources if "/deploy/" not in path}  # infra/deploy: image files, not a package
    # The operator console's files, served by the gateway as they are (package data).
    console = REPO / "gateway" / "console" / "static"
    sources |= {str(path.relative_to(REPO)) for path in console.rglob("*") if path.is_file()}
    assert shipped == sources


def test_the_wheel_declares_the_console_scripts_python_and_the_production_set(wheel: Path) -> None:
    entry_points = wheel_text(wheel, ".dist-info/entry_points.txt")
    lines = entry_points.split("[console_scripts]")[1].strip().splitlines()
    declared = dict(line.split(" = ") for line in lines)
    assert declared == PROJECT["scripts"]
    meta = email.message_from_string(wheel_text(wheel, ".dist-info/METADATA"))
    assert meta["Requires-Python"] == "<3.12,>=3.11"
    required = [line.partition("==") for line in meta.get_all("Requires-Dist", [])]
    assert {canonicalize_name(name): version for name, _, version in required} == pins("requirements.txt")


def test_installed_console_scripts_answer_help(wheel: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--prefix", str(prefix), str(wheel)]
    subprocess.run([*install, "-q"], capture_output=True, text=True, check=True)
    (site,) = prefix.glob("lib/python3*/site-packages")
    # Only the installed copy is importable: the working directory is not the source tree.
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    where = subprocess.run(
        [sys.executable, "-c", "import composition; print(composition.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(site))
    runs = {
        script: subprocess.Popen(
            [str(prefix / "bin" / script), "--help"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True
        )
        for script in PROJECT["scripts"]
    }
    for script, run in runs.items():
        out, _ = run.communicate(timeout=300)
        assert run.returncode == 0, script
        assert out.startswith("usage: "), script


def test_every_top_level_package_is_shipped() -> None:
    packages = {path.parent.name for path in REPO.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages == set(PLATFORM_PACKAGES)
    include = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    assert {pattern.removesuffix("*") for pattern in include} == packages
