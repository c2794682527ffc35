"""Invariant 1, checked on the source: services and the gateway reach another service only through its client.

Across a service boundary only a `client` or `schemas` module (the wire contract, at any depth) may be imported;
`infra.topology` and the `__main__` of a process, the composition roots, may also build a service's app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("users_service", "content_service", "distribution_service", "billing_service")
PUBLIC = ("client", "schemas")
COMPOSITION_ROOTS = {"infra/topology.py"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def violations(package: str) -> list[str]:
    problems = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for line, module in imported_modules(path):
            parts = module.split(".")
            if parts[0] not in SERVICES or parts[0] == package or len(parts) < 2:
                continue
            allowed = any(part in PUBLIC for part in parts[1:]) or (relative in COMPOSITION_ROOTS and parts[1] == "app")
            if relative.endswith("__main__.py") and parts[1] == "app":
                allowed = True
            if not allowed:
                problems.append(f"{relative}:{line} imports {module}")
    return sorted(set(problems))


@pytest.mark.parametrize("package", [*SERVICES, "gateway", "infra"])
def test_crosses_service_boundaries_only_through_clients(package: str) -> None:
    assert violations(package) == []
