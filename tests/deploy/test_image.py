"""The image, read statically (no Docker engine here), and the two scripts it runs: the entrypoint and the health
check, run for real."""

from __future__ import annotations

import runpy
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.image import DEPLOY, REPO, entrypoint, module_of

DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
RUN_STAGE = DOCKERFILE.split("\nFROM ")[-1]


def instructions(text: str, keyword: str) -> list[str]:
    """Each instruction of that keyword, its continuation lines joined."""
    joined = text.replace("\\\n", " ")
    return [line[len(keyword) + 1 :] for line in joined.splitlines() if line.startswith(f"{keyword} ")]


def test_the_run_stage_is_small_python_311_and_runs_unprivileged() -> None:
    assert RUN_STAGE.startswith("python:3.11-slim")
    (user,) = instructions(RUN_STAGE, "USER")
    assert user.split(":")[0] not in ("0", "root")
    assert "build-essential" not in RUN_STAGE
    assert "gcc" not in RUN_STAGE


def test_the_run_stage_installs_lightgbms_openmp_runtime() -> None:
    (install,) = [run for run in instructions(RUN_STAGE, "RUN") if "apt-get install" in run]
    assert "libgomp1" in install.split()
    assert "--no-install-recommends" in install
    assert "rm -rf /var/lib/apt/lists/*" in install


def test_the_image_installs_the_production_set_and_every_package() -> None:
    assert "ARG REQUIREMENTS=requirements.txt" in DOCKERFILE
    copied = {line.split()[0] for line in instructions(DOCKERFILE, "COPY") if not line.startswith("--from")}
    packages = {path.parent.name for path in REPO.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages <= copied


def test_the_role_is_a_build_argument_and_the_health_check_is_built_in() -> None:
    assert "ARG ROLE=gateway" in RUN_STAGE
    assert "ROLE=${ROLE}" in RUN_STAGE
    (health,) = instructions(RUN_STAGE, "HEALTHCHECK")
    assert "/usr/local/lib/platform/healthcheck.py" in health
    (entry,) = instructions(RUN_STAGE, "ENTRYPOINT")
    assert "/usr/local/lib/platform/entrypoint.sh" in entry


@pytest.mark.parametrize(
    ("role", "module"),
    [
        ("gateway", "gateway"),
        ("users", "users_service"),
        ("content", "content_service"),
        ("distribution", "distribution_service"),
        ("billing", "billing_service"),
        ("worker", "composition.worker"),
        ("migrate", "composition.migrate"),
        ("slots", "distribution_service.slots"),
        ("billing-cycle", "billing_service.scheduler"),
        ("ranking", "distribution_service.ranking"),
    ],
)
def test_the_entrypoint_runs_the_roles_module(role: str, module: str, tmp_path: Path) -> None:
    assert module_of(role, tmp_path) == module


def test_the_entrypoint_passes_arguments_on(tmp_path: Path) -> None:
    done = entrypoint("slots", "run", "--partition", "1/4", stub_dir=tmp_path)
    assert done.stdout.split() == ["-m", "distribution_service.slots", "run", "--partition", "1/4"]


def test_the_entrypoint_refuses_an_unknown_role(tmp_path: Path) -> None:
    done = entrypoint("shell", stub_dir=tmp_path)
    assert (done.returncode, done.stdout) == (64, "")
    assert "unknown ROLE=shell" in done.stderr


class Readiness(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.send_response(self.status if self.path == "/readyz" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def readiness_server() -> Iterator[Callable[[int], int]]:
    """A server answering /readyz with the status given; returns its port."""
    servers: list[HTTPServer] = []

    def start(status: int) -> int:
        handler = type("Handler", (Readiness,), {"status": status})
        server = HTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def health(monkeypatch: pytest.MonkeyPatch, **env: str) -> int:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    main: Callable[[], int] = runpy.run_path(str(DEPLOY / "healthcheck.py"))["main"]
    return main()


def test_health_is_the_roles_readiness(monkeypatch: pytest.MonkeyPatch, readiness_server: Callable[[int], int]) -> None:
    ready, starting = readiness_server(200), readiness_server(503)
    assert health(monkeypatch, ROLE="users", USERS_SERVICE_PORT=str(ready)) == 0
    assert health(monkeypatch, ROLE="distribution", DISTRIBUTION_SERVICE_PORT=str(starting)) == 1
    assert health(monkeypatch, ROLE="worker", GATEWAY_PORT=str(ready)) == 0


def test_health_fails_when_nothing_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert health(monkeypatch, ROLE="billing", BILLING_SERVICE_PORT=str(port)) == 1


def test_a_command_role_is_healthy_while_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    assert health(monkeypatch, ROLE="migrate") == 0


def test_the_build_context_leaves_local_state_out() -> None:
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()}
    assert {".git", ".venv", "var", "tests", "**/__pycache__"} <= ignored
    copied = {line.split()[0] for line in instructions(DOCKERFILE, "COPY") if not line.startswith("--from")}
    assert not copied & ignored
