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
from pathlib import Path
from typing import Any

from benchmarks.common import print_summary, scratch_settings, served_gateway

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="audit this endpoint instead of starting a gateway")
    args = parser.parse_args()
    if args.url:
        result = audit(args.url)
    else:
        with scratch_settings() as settings, served_gateway(settings) as base:
            result = audit(f"{base}/graphql")
    for failure in result["failures"]:
        print(f"{failure['status']}: {failure['name']} ({failure['reason']})")
    print(figure(result))
    print_summary(result)


if __name__ == "__main__":
    main()
