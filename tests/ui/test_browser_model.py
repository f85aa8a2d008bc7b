"""The 3D model page in a real headless Chromium at kiosk size (1280×800): start a quick
preview with a tap, watch it, then the finished model with its size, the photo to
retake, a known length tapped on the model and the crop box. Screenshots go to
test-output/ at the repo root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.runtime.server import ServiceRuntime
from services.runtime.tokens import TokenSigner
from tests.conftest import ReconstructionFactory
from tests.services.capture.helpers import Client
from tests.ui.conftest import Person, ui_process
from tests.ui.photos import jpeg
from tests.ui.shoot import SIZE, render, write_mat_file
from tests.ui.test_browser import CHROMIUM, CHROMIUM_ARGS, KIOSK, OUTPUT
from ui.store import Store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"),
]
RUN_TIMEOUT_MS = 400_000


@pytest.fixture
def project_id(data_dir: Path, people: dict[str, Person]) -> str:
    """A project in the UI store, made before the UI process opens it."""
    store = Store(data_dir / "ui" / "ui.duckdb")
    try:
        return store.projects.create("Mrs Okafor", "ottoman", contact="555-0199").id
    finally:
        store.close()


@pytest.fixture
async def ui_server(data_dir: Path, capture: ServiceRuntime,
                    reconstruction_factory: ReconstructionFactory, project_id: str,
                    signer: TokenSigner, tmp_path: Path) -> AsyncIterator[str]:
    shoot: Any = render(tmp_path / "shoot")
    token = signer.issue("staff-test", "staff", name="test rig")
    async with Client(capture.target, token) as client:
        for path in shoot.images:
            await client.upload(path.read_bytes(), project_id=project_id, filename=path.name)
        await client.upload(jpeg(7, SIZE), project_id=project_id, filename="IMG_0099.jpg")
    recon = await reconstruction_factory(capture.target)
    mat = write_mat_file(shoot, tmp_path / "mat.json")
    async with ui_process(data_dir, capture.target, tmp_path / "ui.log",
                          "--reconstruction", recon.runtime.target,
                          env={"STITCHSKETCH_MAT_LAYOUT_FILE": str(mat)}) as url:
        yield url


async def test_model_page_on_the_kiosk(ui_server: str, people: dict[str, Person],
                                       project_id: str) -> None:
    from playwright.async_api import async_playwright, expect

    OUTPUT.mkdir(exist_ok=True)
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
            await page.goto(f"{ui_server}/login?next=/project/{project_id}/model")
            await page.get_by_test_id(f"user-{staff.id}").tap()
            for digit in staff.pin:
                await page.get_by_test_id(f"pin-{digit}").tap()
            await page.get_by_test_id("pin-enter").tap()
            await expect(page.get_by_test_id("photo-status")).to_contain_text("17 photos ready")
            await page.screenshot(path=OUTPUT / "ui-model-start.png", animations="disabled")

            await page.get_by_test_id("quality-preview").tap()
            await expect(page.get_by_test_id("job-stage")).to_have_text(
                "Measuring depth in every photo", timeout=RUN_TIMEOUT_MS)
            await expect(page.get_by_test_id("job-log")).to_be_visible()
            await page.screenshot(path=OUTPUT / "ui-model-progress.png", animations="disabled")

            await expect(page.get_by_test_id("dim-height")).to_be_visible(
                timeout=RUN_TIMEOUT_MS)
            await page.wait_for_function(  # the retake thumbnail has loaded
                "[...document.querySelectorAll('[data-testid=retakes] img')]"
                ".every(img => img.complete && img.naturalWidth > 0)")
            await page.wait_for_timeout(2500)  # the model loads and the camera settles
            await page.screenshot(path=OUTPUT / "ui-model-done.png", animations="disabled")
            await expect(page.get_by_test_id("scale-status")).to_contain_text(
                "Measured with the mat")

            # Known length: two taps on the model, then the distance on the pad.
            await page.get_by_test_id("open-known-length").tap()
            scene = page.get_by_test_id("panel-scene")
            box = await scene.bounding_box()
            assert box is not None
            # two points on the seat's top (the sides of a preview may have holes)
            await page.touchscreen.tap(box["x"] + box["width"] * 0.36,
                                       box["y"] + box["height"] * 0.36)
            await expect(page.get_by_test_id("length-hint")).to_contain_text("other end")
            await page.touchscreen.tap(box["x"] + box["width"] * 0.66,
                                       box["y"] + box["height"] * 0.32)
            for key in "235":
                await page.get_by_test_id(f"length-{key}").tap()
            await page.get_by_test_id("length-dot").tap()
            await page.get_by_test_id("length-5").tap()
            await expect(page.get_by_test_id("length-apply")).to_be_enabled()
            await page.wait_for_timeout(500)
            await page.screenshot(path=OUTPUT / "ui-model-known-length.png",
                                  animations="disabled")
            await page.get_by_test_id("length-close").tap()

            # The crop box: cut a little off the floor and the back, drawn on the model.
            await page.get_by_test_id("open-crop").tap()
            await page.get_by_test_id("crop-floor-more").tap()
            await page.get_by_test_id("crop-back-more").tap()
            await page.get_by_test_id("crop-back-more").tap()
            await expect(page.get_by_test_id("crop-back")).to_have_text("2 in")
            await page.wait_for_timeout(800)
            await page.screenshot(path=OUTPUT / "ui-model-crop.png", animations="disabled")
        finally:
            await browser.close()
    assert (OUTPUT / "ui-model-done.png").stat().st_size > 20_000
