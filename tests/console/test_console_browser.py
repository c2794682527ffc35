"""The operator console in headless Chromium against a running platform with an imported community: sign in as an
operator, see the grid, open an indicator's history, see an incident's overdue step, switch to Chinese, and every
other screen renders its data without an error. Screenshots go to test-artifacts/console/."""

from __future__ import annotations

import asyncio
from pathlib import Path

from playwright.async_api import Page, async_playwright, expect

from infra.settings import Settings
from tests.console.live import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    MEMBER,
    chromium_path,
    live_gateway,
    seed_console_community,
    sign_in,
)
from tests.factories import Api
from tests.importers.test_stackexchange_import import SLUG, run_import, write_dump

TIMEOUT_MS = 20_000
INDICATOR = "publishingFrequency"
OTHER_SCREENS = {
    "content": ".bar-row[data-label='UGC']",
    "members": "tr[data-handle='olga']",
    "revenue": ".figures",
    "experiments": ".empty",
    "partners": "tr[data-key-id]",
}


async def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


async def test_operator_reads_health_history_and_an_overdue_step(api: Api, settings: Settings, tmp_path: Path) -> None:
    executable = chromium_path()
    errors: list[str] = []
    async with async_playwright() as playwright:
        # The browser starts while the community is seeded: two processes, two cores.
        launching = asyncio.create_task(playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS))
        try:
            await run_import(api, write_dump(tmp_path / "dump"))
            seeded = await seed_console_community(api, SLUG)
        finally:
            browser = await launching
        try:
            with live_gateway(settings) as base:
                page = await browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-GB")
                page.set_default_timeout(TIMEOUT_MS)
                page.on("pageerror", lambda error: errors.append(str(error)))

                # A member who is not an operator is refused, and nothing of the console shows.
                await sign_in(page, base, SLUG, handle=MEMBER)
                await expect(page.locator(".form-status .error")).to_have_attribute("data-code", "FORBIDDEN")
                await expect(page.locator("nav")).to_have_count(0)

                # Sign in, the grid: 12 primary indicators in traffic lights with sparklines, 38 secondary beneath.
                await sign_in(page, base, SLUG)
                cards = page.locator("a.card.indicator")
                await expect(cards).to_have_count(12)
                await expect(page.locator(".secondary a.tile")).to_have_count(38)
                card = page.locator(f"a.card[data-key='{INDICATOR}']")
                await expect(card).to_have_attribute("data-status", seeded.statuses[INDICATOR])
                await expect(card.locator("svg.sparkline path")).to_have_count(1)
                await shot(page, "01-health-grid")

                # Drill-down: the indicator's history, one point per snapshot, plotted against its lines.
                await card.click()
                await expect(page.locator(f".indicator-detail[data-key='{INDICATOR}']")).to_be_visible()
                await expect(page.locator(".history-plot canvas").first).to_be_visible()
                await expect(page.locator(".history-table tbody tr")).to_have_count(seeded.snapshots)
                await shot(page, "02-indicator-history")
                # A member-level indicator's breakdowns (tier, RFM layer, channel) beneath its history.
                await page.evaluate("location.hash = '#/health/stickiness'")
                await expect(page.locator(".breakdown[data-dimension='TIER']")).to_be_visible()
                await shot(page, "02-indicator-breakdowns")

                # The incident: its first step is past its deadline and highlighted, with a running timer.
                await page.locator("nav a[data-screen='incidents']").click()
                step = page.locator(f"[data-incident='{seeded.incident_id}'] tr[data-step='{seeded.overdue_step}']")
                await expect(step).to_have_class("step overdue")
                await expect(step.locator("td.timer")).to_contain_text("overdue by 1 h")
                await expect(page.locator("tr.step.overdue")).to_have_count(1)
                await shot(page, "03-incident-overdue-step")

                # Every other screen renders its data, no error box.
                for screen, marker in OTHER_SCREENS.items():
                    await page.locator(f"nav a[data-screen='{screen}']").click()
                    await expect(page.locator("main.screen[aria-busy='false']")).to_be_visible()
                    await expect(page.locator(f"main.screen {marker}").first).to_be_visible()
                    await expect(page.locator("main.screen .error")).to_have_count(0)
                    await shot(page, f"05-{screen}", full_page=False)

                # Chinese: the same grid from the other catalogue, indicator names included.
                await page.locator("nav a[data-screen='health']").click()
                await page.locator("button[data-lang='zh']").click()
                await expect(page.locator("nav a[data-screen='health']")).to_have_text("健康度")
                await expect(page.locator(f"a.card[data-key='{INDICATOR}'] .card-name")).to_have_text("更新频率")
                await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
                await shot(page, "04-health-grid-zh")
        finally:
            await browser.close()
    assert errors == []
