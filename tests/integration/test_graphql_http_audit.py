"""graphql-http's audit of the gateway over a real socket: every MUST, and at least 21 of the 23 SHOULDs."""

from __future__ import annotations

import pytest

from benchmarks.common import served_gateway
from benchmarks.graphql_http_audit import AuditUnavailable, audit, figure, node_path
from infra.settings import Settings

SHOULD_AT_LEAST = 21


def test_the_gateway_passes_the_graphql_over_http_audit(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        node_path()
    except AuditUnavailable as exc:
        pytest.skip(str(exc))
    with served_gateway(settings) as base:
        result = audit(f"{base}/graphql")
    with capsys.disabled():
        print(f"\ngraphql-http audit: {figure(result)}")
    counts, failures = result["counts"], result["failures"]
    failed_musts = [f for f in failures if f["name"].startswith("MUST")]
    assert failed_musts == [], failed_musts
    assert counts["MUST"]["passed"] == counts["MUST"]["total"] >= 13
    assert counts["SHOULD"]["total"] == 23
    assert counts["SHOULD"]["passed"] >= SHOULD_AT_LEAST, [f for f in failures if f["name"].startswith("SHOULD")]
