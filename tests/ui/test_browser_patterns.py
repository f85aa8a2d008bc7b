"""The patterns page in a real headless Chromium at kiosk size (1280×800): upload a chair,
pick a panel on the 3D model with a tap, look at the pieces and the fabric layout.
Screenshots go to test-output/ at the repo root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.patterns import sample_meshes
from services.patterns.app import Patterns
from services.patterns.mesh import ply_bytes
from services.runtime.server import ServiceRuntime
from tests.conftest import PatternsFactory
from tests.ui.conftest import Person, ui_process
from tests.ui.test_browser import CHROMIUM, CHROMIUM_ARGS, KIOSK, OUTPUT
from ui.store import Store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"),
]


@pytest.fixture
def project_id(data_dir: Path, people: dict[str, Person]) -> str:
    """A project in the UI store, made before the UI process opens it."""
    store = Store(data_dir / "ui" / "ui.duckdb")
    try:
        return store.projects.create("Mrs Jones", "armchair", contact="555-0101").id
    finally:
        store.close()


@pytest.fixture
async def ui_server(
    data_dir: Path,
    capture: ServiceRuntime,
    patterns_factory: PatternsFactory,
    project_id: str,
    tmp_path: Path,
) -> AsyncIterator[str]:
    patterns: Patterns = await patterns_factory(nest_seconds=1.0)
    async with ui_process(
        data_dir, capture.target, tmp_path / "ui.log", "--patterns", patterns.runtime.target
    ) as url:
        yield url


async def test_patterns_page_on_the_kiosk(
    ui_server: str, people: dict[str, Person], project_id: str, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright, expect

    OUTPUT.mkdir(exist_ok=True)
    mesh = tmp_path / "armchair.ply"
    mesh.write_bytes(ply_bytes(sample_meshes.square_arm_chair()))
    staff = people["staff"]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[*CHROMIUM_ARGS, "--use-gl=angle", "--use-angle=swiftshader",
                  "--enable-unsafe-swiftshader"],
        )
        try:
            context = await browser.new_context(viewport=KIOSK, has_touch=True)
            page = await context.new_page()
            page.set_default_timeout(20_000)
            await page.goto(f"{ui_server}/login?next=/project/{project_id}/patterns")
            await page.get_by_test_id(f"user-{staff.id}").tap()
            for digit in staff.pin:
                await page.get_by_test_id(f"pin-{digit}").tap()
            await page.get_by_test_id("pin-enter").tap()
            await expect(page.get_by_test_id("no-model")).to_be_visible()

            await page.get_by_test_id("mesh-input").locator("input[type=file]").set_input_files(
                str(mesh))
            await expect(page.get_by_test_id("panel-list")).to_contain_text(
                "Inside arm", timeout=60_000)
            await page.wait_for_timeout(1500)  # the model loads and the camera settles
            await page.screenshot(path=OUTPUT / "ui-patterns-panels.png", animations="disabled")

            # A tap on the middle of the model selects the panel under the finger.
            scene = page.get_by_test_id("panel-scene")
            box = await scene.bounding_box()
            assert box is not None
            await page.touchscreen.tap(box["x"] + box["width"] * 0.5,
                                       box["y"] + box["height"] * 0.45)
            await expect(page.get_by_test_id("selected-name")).to_be_visible()
            await page.wait_for_timeout(500)
            await page.screenshot(path=OUTPUT / "ui-patterns-selected.png",
                                  animations="disabled")

            # Split mode: taps draw the cut line on the model.
            await page.get_by_test_id("panel-split").tap()
            for fx in (0.36, 0.5, 0.62):
                await page.touchscreen.tap(box["x"] + box["width"] * fx,
                                           box["y"] + box["height"] * 0.47)
            await expect(page.get_by_test_id("split-here")).to_be_enabled()
            await page.wait_for_timeout(500)
            await page.screenshot(path=OUTPUT / "ui-patterns-split.png", animations="disabled")
            await page.get_by_test_id("split-cancel").tap()

            # Names come from the standard list, with a side or number.
            await page.get_by_test_id("panel-rename").tap()
            await expect(page.get_by_test_id("name-save")).to_be_visible()
            await page.wait_for_timeout(500)
            await page.screenshot(path=OUTPUT / "ui-patterns-name.png", animations="disabled")
            await page.get_by_test_id("name-cancel").tap()

            await page.get_by_test_id("tab-pieces").tap()
            await page.get_by_test_id("show-stretch").tap()
            await expect(page.get_by_test_id("piece-grid").locator("svg").first).to_be_visible()
            await page.wait_for_timeout(800)
            await page.screenshot(path=OUTPUT / "ui-patterns-pieces.png", animations="disabled")

            await page.get_by_test_id("tab-layout").tap()
            await expect(page.get_by_test_id("yards")).to_contain_text("yd", timeout=60_000)
            await page.get_by_test_id("fabric-price").fill("38")
            await expect(page.get_by_test_id("quote-total")).not_to_have_text("$0.00",
                                                                               timeout=30_000)
            await page.wait_for_timeout(500)
            await page.screenshot(path=OUTPUT / "ui-patterns-layout.png", animations="disabled")
        finally:
            await browser.close()
    assert (OUTPUT / "ui-patterns-layout.png").stat().st_size > 10_000
