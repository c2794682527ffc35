"""graphql-http's GraphQL-over-HTTP audit of the gateway: how many MUSTs, SHOULDs and MAYs it passes.

`python -m benchmarks.graphql_http_audit [--url URL]`. Without `--url`, starts an in-memory SecantusDB and the
gateway (every service in it) under uvicorn on a free port, audits it and stops both. The audit is the npm
package `graphql-http` (`auditServer`), pinned in tools/graphql-http-audit (installed by `make install`, or
`npm ci --prefix tools/graphql-http-audit`). The last line is one JSON object:
`{"counts": {"MUST": {"passed", "total"}, "SHOULD": ..., "MAY": ...}, "failures": [...], "url"}`.
Not timed: a conformance figure, run as a command so it can be read without the test suite.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette

from benchmarks.common import print_summary, scratch_settings
from gateway.app import create_app
from infra.embedded import free_port
from infra.settings import Settings

TOOL = Path(__file__).resolve().parents[1] / "tools" / "graphql-http-audit"
SCRIPT = TOOL / "audit.mjs"


class AuditUnavailable(RuntimeError):
    """node or the installed tool is missing: the audit cannot run here (the message says what to install)."""


def node_path() -> str:
    found = shutil.which("node")
    if found is None:
        raise AuditUnavailable("node is not installed (Debian package 'nodejs'; `make install` adds it as root)")
    return found


def ensure_tool() -> None:
    """The pinned graphql-http, installed from the lock file when it is not there yet (`npm ci`)."""
    if (TOOL / "node_modules" / "graphql-http" / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise AuditUnavailable("npm is not installed (Debian package 'npm'), so graphql-http cannot be installed")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(TOOL)], check=True, capture_output=True)


def audit(url: str) -> dict[str, Any]:
    """The audit's result for the GraphQL endpoint at `url`: counts per level and the failed audits."""
    node = node_path()
    ensure_tool()
    done = subprocess.run([node, str(SCRIPT), url], check=True, capture_output=True, text=True, timeout=300)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def figure(result: dict[str, Any]) -> str:
    """`MUST 13/13, SHOULD 22/23, MAY 22/25`: the line a report quotes."""
    counts = result["counts"]
    return ", ".join(
        f"{level} {counts[level]['passed']}/{counts[level]['total']}" for level in ("MUST", "SHOULD", "MAY")
    )


@contextmanager
def live_gateway(settings: Settings) -> Iterator[str]:
    """The gateway on a free port in a thread, its app built inside uvicorn's loop; yields the /graphql URL."""
    port = free_port()

    def app() -> Starlette:
        return create_app(settings)

    config = uvicorn.Config(app, factory=True, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="audited-gateway", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the gateway did not start; see the log above")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="audit this endpoint instead of starting a gateway")
    args = parser.parse_args()
    if args.url:
        result = audit(args.url)
    else:
        with scratch_settings() as settings, live_gateway(settings) as url:
            result = audit(url)
    for failure in result["failures"]:
        print(f"{failure['status']}: {failure['name']} ({failure['reason']})")
    print(figure(result))
    print_summary(result)


if __name__ == "__main__":
    main()
