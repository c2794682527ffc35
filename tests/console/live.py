"""What the console's browser tests run against: the gateway as a real HTTP server, a seeded community, and
Debian's Chromium driven by Playwright.

The gateway runs under uvicorn in a thread of the test process, with its own event loop: the app (and so every
database client) is built inside that loop by uvicorn's factory, and the browser reaches it over TCP exactly as an
operator's browser would. Seeding goes through the in-process gateway of the `api` fixture, on the same databases.
"""

from __future__ import annotations

import shutil
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId
from playwright.async_api import Page

from benchmarks.common import served_gateway
from infra.settings import Settings
from tests.factories import Api, grant, publish, register

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "console"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_PACKAGE = "chromium"  # the Debian package that installs it (the Makefile's SYSTEM_PACKAGES)
# No sandbox (root in CI), no GPU, and nothing the browser would fetch from the internet on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OPERATOR = "olga"
MEMBER = "wren"  # a member with a password and no OPERATOR role
PASSWORD = "console-operator-pass-1"
# Snapshots this many days before today's: a history to plot, and a 7- and a 28-day trend.
SNAPSHOT_DAYS_AGO = (28, 14, 7, 1)


def chromium_path(candidate: str = CHROMIUM) -> str:
    """Debian's Chromium, or a failure that names the package to install (never a silent skip)."""
    found = shutil.which(candidate)
    if found is None:
        pytest.fail(
            f"Chromium is missing at {candidate}: install the Debian package '{CHROMIUM_PACKAGE}' "
            f"(apt-get install {CHROMIUM_PACKAGE}; `make install` does it as root). Playwright cannot download "
            "browsers here, so the console's browser tests need the system one.",
            pytrace=False,
        )
    return found


def live_gateway(settings: Settings) -> AbstractContextManager[str]:
    """The gateway (every service mounted in it) on a free port in a thread; yields its base URL."""
    return served_gateway(settings, name="console-gateway")


async def sign_in(page: Page, base: str, slug: str, handle: str = OPERATOR, password: str = PASSWORD) -> None:
    """The console's sign-in form, filled and sent as an operator would."""
    await page.goto(f"{base}/console/")
    await page.get_by_label("Community (slug)").fill(slug)
    await page.get_by_label("Handle").fill(handle)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


@dataclass(frozen=True)
class Seeded:
    slug: str
    community_id: str
    incident_id: str
    overdue_step: str
    snapshots: int
    statuses: dict[str, str]  # primary indicator key -> status of the newest snapshot


def _app(api: Api, service: str) -> Any:
    assert api.app is not None
    return api.app.state.services.apps[service]


async def seed_console_community(api: Api, slug: str) -> Seeded:
    """On an imported community: an operator with a password, fresh posts, a partner key, a legal incident whose
    first step is an hour overdue, and daily health snapshots over the last days plus one through the API."""
    cid = (await api.data("query($s: String!) { community(slug: $s) { id } }", {"s": slug}))["community"]["id"]
    operator = await register(api, slug, OPERATOR, password=PASSWORD)
    await grant(api, cid, OPERATOR, "OPERATOR")
    writer = await register(api, slug, MEMBER, password=PASSWORD)
    for title in ("Tubeless set-up", "Chain wear", "Winter tyres"):
        await publish(api, writer, title, tags=["maintenance"])
    await publish(api, operator, "Spring service offer", kind="COMMERCIAL")
    key = "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }"
    await api.data(key, {"i": {"name": "Analytics partner", "scopes": ["analytics:read"]}}, token=operator.token)
    complaint = "mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { incidentId } }"
    filed = await api.data(
        complaint, {"i": {"targetType": "SERVICE", "category": "LEGAL", "text": "refund refused"}}, token=writer.token
    )
    incident_id = filed["fileComplaint"]["incidentId"]
    # No public way to let an hour pass: the first step's deadline is moved an hour back, as the crisis tests do.
    crisis = _app(api, "content").state.service.crisis
    late = datetime.now(UTC) - timedelta(hours=1)
    await crisis.store.crisis.incidents.update_one({"_id": ObjectId(incident_id)}, {"$set": {"steps.0.due_at": late}})
    # The daily job's snapshots of the past days (the job's own entry point, at chosen moments), then today's
    # through the public mutation.
    health = _app(api, "users").state.service.health
    now = datetime.now(UTC)
    for days in SNAPSHOT_DAYS_AGO:
        await health.compute(ObjectId(cid), now=now - timedelta(days=days))
    computed = await api.data("mutation { computeHealthIndicators { key status } }", token=operator.token)
    statuses = {row["key"]: row["status"] for row in computed["computeHealthIndicators"]}
    return Seeded(slug, cid, incident_id, "FACTS_CONFIRMED", len(SNAPSHOT_DAYS_AGO) + 1, statuses)
