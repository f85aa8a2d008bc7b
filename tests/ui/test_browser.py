"""A real headless Chromium against real servers: the kiosk flow, tapped, with screenshots.

Capture runs in this process on a free port; the UI runs as `python -m ui` in a
subprocess, exactly as on the box. Screenshots (1280×800, the kiosk) go to
test-output/ at the repo root.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.runtime.server import ServiceRuntime
from tests.ui.conftest import Person, ui_process
from tests.ui.photos import jpeg

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output"
KIOSK = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"),
]


@pytest.fixture
async def ui_server(
    data_dir: Path, capture: ServiceRuntime, people: dict[str, Person], tmp_path: Path
) -> AsyncIterator[str]:
    """`python -m ui` on a free port, pointed at the capture server; yields its URL."""
    async with ui_process(data_dir, capture.target, tmp_path / "ui.log") as url:
        yield url


async def test_kiosk_login_project_upload_grid(
    ui_server: str, people: dict[str, Person], tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright, expect

    OUTPUT.mkdir(exist_ok=True)
    photos = {
        "IMG_0001.JPG": jpeg(42, size=(1600, 1200)),
        "IMG_0002.JPG": jpeg(43, size=(1024, 768)),  # small: capture warns
        "NOTES.JPG": b"not a photo, just text with a .JPG name",
    }
    for name, data in photos.items():
        (tmp_path / name).write_bytes(data)
    owner = people["owner"]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport=KIOSK, has_touch=True)
            page = await context.new_page()
            page.set_default_timeout(15_000)

            # Log in by tapping: name, then the PIN on the pad.
            await page.goto(f"{ui_server}/login")
            await page.screenshot(path=OUTPUT / "ui-login-users.png", animations="disabled")
            await page.get_by_test_id(f"user-{owner.id}").tap()
            await expect(page.get_by_test_id("greeting")).to_have_text(
                f"Hello {owner.name}, enter your PIN"
            )
            await page.screenshot(path=OUTPUT / "ui-login.png", animations="disabled")
            for digit in owner.pin:
                await page.get_by_test_id(f"pin-{digit}").tap()
            await page.get_by_test_id("pin-enter").tap()
            await expect(page.get_by_test_id("who")).to_have_text(owner.name)

            # A new project through the dialog.
            await page.get_by_test_id("new-project").tap()
            await page.get_by_test_id("field-customer").fill("Mrs Jones")
            await page.get_by_test_id("field-contact").fill("555-0101")
            await page.get_by_test_id("piece-armchair").tap()
            await page.get_by_test_id("field-notes").fill(
                "Wingback, re-cover in green velvet; keep the piping."
            )
            await page.screenshot(path=OUTPUT / "ui-new-project.png", animations="disabled")
            await page.get_by_test_id("project-save").tap()
            await expect(page.get_by_test_id("project-customer")).to_have_text("Mrs Jones")

            # Several photos at once from the browser, through the picker's file input.
            await (
                page.get_by_test_id("upload-files")
                .locator("input[type=file]")
                .set_input_files([str(tmp_path / name) for name in photos])
            )
            await expect(page.get_by_test_id("upload-status")).to_have_text(
                "2 photos added, 1 refused", timeout=30_000
            )
            await expect(page.get_by_test_id("upload-problems")).to_contain_text("NOTES.JPG: ")
            grid = page.get_by_test_id("photo-grid")
            await expect(grid.locator("img")).to_have_count(2)
            await page.wait_for_function(
                "[...document.querySelectorAll('[data-testid=photo-grid] img')]"
                ".every(img => img.complete && img.naturalWidth > 0)"
            )
            names = {await img.get_attribute("alt") for img in await grid.locator("img").all()}
            assert names == {"IMG_0001.JPG", "IMG_0002.JPG"}
            await page.screenshot(path=OUTPUT / "ui-project.png", animations="disabled")

            # Tap a photo: its quality reasons are readable without hover.
            await grid.locator("[data-testid^=photo-]").filter(has_text="IMG_0002.JPG").tap()
            await expect(page.get_by_test_id("photo-reason").first).to_be_visible()
            await page.wait_for_timeout(500)  # let the dialog's opening transition finish
            await page.screenshot(path=OUTPUT / "ui-photo.png", animations="disabled")
            await page.get_by_test_id("photo-close").tap()

            await page.get_by_test_id("nav-projects").tap()
            await expect(page.get_by_test_id("project-list")).to_contain_text("Mrs Jones")
            await page.screenshot(path=OUTPUT / "ui-projects.png", animations="disabled")

            await page.get_by_test_id("nav-cameras").tap()
            await expect(page.get_by_test_id("pairing-code")).to_have_text(
                __import__("re").compile(r"^\d{3} \d{3}$")
            )
            await page.screenshot(path=OUTPUT / "ui-pairing.png", animations="disabled")

            await page.get_by_test_id("nav-users").tap()
            await expect(page.get_by_test_id("user-list")).to_contain_text("Vic")
            await page.screenshot(path=OUTPUT / "ui-users.png", animations="disabled")
        finally:
            await browser.close()
    assert (OUTPUT / "ui-project.png").stat().st_size > 10_000
    shutil.copy(OUTPUT / "ui-project.png", tmp_path / "kept.png")
