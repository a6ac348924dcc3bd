"""End to end: the /explore page in headless Chromium (Debian's, driven by Playwright)
signs in with a token, draws the network the viewer may see, and shows a company's
overlap on click. The screenshot is kept in test-artifacts/explore.png."""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.async_api import async_playwright
from starlette.applications import Starlette

from tests.db.conftest import GraphLoader
from tests.db.test_explore import A, D, a_exec, b
from tests.support.client import Gateway
from tests.support.customers import gid
from tests.support.ws import served

CHROMIUM = "/usr/bin/chromium"  # Debian's package (`make browser`); never a downloaded browser
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "explore.png"


async def test_explore_page_signs_in_draws_the_network_and_opens_a_company(
    app: Starlette, gateway: Gateway, load_graph: GraphLoader
) -> None:
    await load_graph(b.data)
    async with served(app) as ws_url, async_playwright() as pw:
        base = ws_url.replace("ws://", "http://").removesuffix("/graphql")
        with tempfile.TemporaryDirectory(prefix="prm-chromium-") as profile:
            browser = await pw.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=ARGS,
                viewport={"width": 1280, "height": 760},
            )
            try:
                page = await browser.new_page()
                await page.goto(f"{base}/explore/")
                await page.fill("#token", gateway.token(a_exec))
                await page.click("#signin button[type=submit]")
                await page.wait_for_selector("body[data-ready=true]", timeout=15_000)
                # depth 2 from A: A, B, C, D, X, Z and E; F, G, H, Y never appear.
                assert await page.locator("g.node").count() == 7
                assert await page.locator("line.edge").count() == 7
                assert await page.locator("line.edge.HIGH").count() == 1
                start = page.locator(f'g.node[data-id="{gid("Company", A)}"]')
                assert await start.get_attribute("class") == "node start"
                await page.locator(f'g.node[data-id="{gid("Company", D)}"]').click()
                await page.wait_for_selector("#overlap p", timeout=15_000)
                assert await page.text_content("#company-name") == "D"
                overlap = await page.text_content("#overlap p")
                assert overlap is not None
                assert overlap.startswith("3 shared accounts (MEDIUM")
                ARTIFACT.parent.mkdir(exist_ok=True)
                await page.screenshot(path=str(ARTIFACT), full_page=True)
            finally:
                await browser.close()
    assert ARTIFACT.stat().st_size > 0
