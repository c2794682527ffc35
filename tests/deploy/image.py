"""What the image's entrypoint runs for a ROLE, found by running it with a `python` that only prints its arguments."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "infra" / "deploy"
ENTRYPOINT = DEPLOY / "entrypoint.sh"


def entrypoint(role: str, *args: str, stub_dir: Path) -> subprocess.CompletedProcess[str]:
    stub = stub_dir / "python"
    if not stub.exists():
        stub.write_text('#!/bin/sh\necho "$@"\n')
        stub.chmod(0o755)
    env = {"PATH": f"{stub_dir}{os.pathsep}{os.environ['PATH']}", "ROLE": role}
    return subprocess.run(["sh", str(ENTRYPOINT), *args], env=env, capture_output=True, text=True, check=False)


def module_of(role: str, stub_dir: Path) -> str:
    """The module `python -m` runs for this role (AssertionError when the entrypoint refuses the role)."""
    done = entrypoint(role, stub_dir=stub_dir)
    assert done.returncode == 0, done.stderr
    flag, module = done.stdout.split()[:2]
    assert flag == "-m"
    return module
