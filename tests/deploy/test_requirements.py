"""The requirements files: a production set that is whole (every dependency of a pin is pinned) and enough (the
platform's processes import nothing outside it), and the training and development sets on top of it."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.image import REPO

# Development- or training-only: never in the production image.
NOT_IN_PRODUCTION = {
    "secantusdb",
    "dask",
    "distributed",
    "matplotlib",
    "implicit",
    "lleaves",
    "llvmlite",
    "pandas",
    "pytest",
    "mypy",
    "ruff",
}
SERVICE_PACKAGES = ("gateway", "users_service", "content_service", "distribution_service", "billing_service")
PLATFORM_PACKAGES = (*SERVICE_PACKAGES, "composition", "infra")
# Process entries whose import runs nothing (each guards its start with `if __name__ == "__main__"`).
PROCESS_ENTRIES = [f"{package}.__main__" for package in SERVICE_PACKAGES] + [
    "distribution_service.slots",
]


def pins(name: str) -> dict[str, str]:
    """{canonical name: version} of a requirements file, following its `-r` lines."""
    found: dict[str, str] = {}
    for line in (REPO / name).read_text().splitlines():
        line = line.strip()
        if line.startswith("-r "):
            found |= pins(line.removeprefix("-r ").strip())
        elif line and not line.startswith("#"):
            package, _, version = line.partition("==")
            found[canonicalize_name(package)] = version
    return found


def own_pins(name: str) -> set[str]:
    """The pins a file adds to the file it builds on (its `-r` line)."""
    (base,) = [line[3:].strip() for line in (REPO / name).read_text().splitlines() if line.startswith("-r ")]
    return set(pins(name)) - set(pins(base))


def test_the_production_set_is_closed_under_its_dependencies() -> None:
    production = pins("requirements.txt")
    missing = set()
    for package in production:
        for text in metadata.distribution(package).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                if canonicalize_name(requirement.name) not in production:
                    missing.add(f"{package} needs {requirement.name}")
    assert not missing


def test_each_set_builds_on_the_one_below() -> None:
    production, training, development = (
        pins("requirements.txt"),
        pins("requirements-train.txt"),
        pins("requirements-dev.txt"),
    )
    assert production.items() <= training.items() <= development.items()
    assert not own_pins("requirements-train.txt") & own_pins("requirements-dev.txt")


def test_development_only_packages_stay_out_of_production() -> None:
    assert not NOT_IN_PRODUCTION & set(pins("requirements.txt"))
    assert NOT_IN_PRODUCTION <= set(pins("requirements-dev.txt"))


BLOCKER = """
import importlib, importlib.abc, json, pkgutil, sys

blocked = set(json.loads(sys.argv[1]))

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in blocked:
            raise ModuleNotFoundError(f"{name} is not in the production set", name=name)
        return None

sys.meta_path.insert(0, Blocker())
try:
    import dask
except ModuleNotFoundError:
    pass
else:
    raise SystemExit("the blocker does not block")
imported = 0
for package in json.loads(sys.argv[2]):
    root = importlib.import_module(package)
    for module in pkgutil.walk_packages(root.__path__, prefix=package + "."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
            imported += 1
for module in json.loads(sys.argv[3]):
    importlib.import_module(module)
    imported += 1

from composition.topology import Topology
from infra.settings import Settings

topology = Topology(Settings(app_env="test", mongodb_uri="mongodb://127.0.0.1:9", internal_api_token="t" * 32))
print(json.dumps({"imported": imported, "apps": sorted(topology.apps)}))
"""


def test_the_platform_imports_nothing_outside_the_production_set() -> None:
    production = set(pins("requirements.txt"))
    outside = {
        module
        for module, distributions in metadata.packages_distributions().items()
        if not {canonicalize_name(d) for d in distributions} & production
    }
    assert {"dask", "matplotlib", "implicit", "lleaves", "secantus"} <= outside
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            BLOCKER,
            json.dumps(sorted(outside)),
            json.dumps(PLATFORM_PACKAGES),
            json.dumps(PROCESS_ENTRIES),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["apps"] == ["billing", "content", "distribution", "users"]
    assert report["imported"] > 100
