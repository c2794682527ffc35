"""The README's picture of the console (docs/console.png) on a real imported Stack Exchange community.

    python -m tests.console.screenshot [--dump ../shared/data/stackexchange/bicycles.meta] [--out docs/console.png]

Starts an in-memory SecantusDB and the gateway, imports the dump, adds an operator, takes the daily health
snapshots of the dump's last four weeks (the job's entry point at chosen moments: a dump's activity is years old,
so "now" would show a community long gone quiet), and photographs the operator's health overview in Chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from bson import ObjectId
from playwright.async_api import async_playwright, expect

from composition.importers.stackexchange.pipeline import ImportOptions, import_dump
from gateway.app import create_app
from infra.embedded import EmbeddedServer
from infra.settings import Settings
from tests.console.live import CHROMIUM_ARGS, OPERATOR, PASSWORD, REPO, chromium_path, live_gateway, sign_in
from tests.factories import ADMIN_KEY, JWT_SECRET, Api, grant, register

DUMP = REPO.parent / "shared" / "data" / "stackexchange" / "bicycles.meta"
SNAPSHOT_EVERY_DAYS = 2
SNAPSHOT_SPAN_DAYS = 28


async def prepare(settings: Settings, dump: Path, slug: str) -> None:
    """Import the dump, add the operator and the snapshots, through an in-process gateway on the same database."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.local") as http:
            api = Api(http, app, settings)
            services = app.state.services
            await import_dump(services, dump, slug, ImportOptions(), progress=lambda line: None)
            cid = (await api.data("query($s: String!) { community(slug: $s) { id } }", {"s": slug}))["community"]["id"]
            await register(api, slug, OPERATOR, password=PASSWORD)
            await grant(api, cid, OPERATOR, "OPERATOR")
            runs = await api.data("query($c: ID) { tierRuns(communityId: $c) { asOf } }", {"c": cid}, admin=True)
            end = datetime.fromisoformat(runs["tierRuns"][0]["asOf"])  # the dump's last activity
            health = services.apps["users"].state.service.health
            for days in range(SNAPSHOT_SPAN_DAYS, -1, -SNAPSHOT_EVERY_DAYS):
                await health.compute(ObjectId(cid), now=end - timedelta(days=days))


async def photograph(settings: Settings, slug: str, out: Path) -> None:
    with live_gateway(settings) as base:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
                await sign_in(page, base, slug)
                await expect(page.locator("a.card.indicator")).to_have_count(12, timeout=30_000)
                await page.screenshot(path=str(out))
            finally:
                await browser.close()


async def main(dump: Path, out: Path, slug: str) -> None:
    server = EmbeddedServer(":memory:")
    server.start()
    try:
        with tempfile.TemporaryDirectory() as var:
            settings = Settings(
                app_env="test",
                mongodb_uri=server.uri,
                db_prefix="console_shot",
                jwt_secret=JWT_SECRET,
                platform_admin_key=ADMIN_KEY,
                internal_api_token="console-screenshot-internal-token-0123",
                var_dir=Path(var),
                seed_demo=False,
                health_snapshot_interval_seconds=0,
            )
            await prepare(settings, dump, slug)
            await photograph(settings, slug, out)
    finally:
        server.stop()
    print(f"wrote {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, default=DUMP)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "console.png")
    parser.add_argument("--community", default="bicycles-meta")
    args = parser.parse_args()
    asyncio.run(main(args.dump, args.out, args.community))
