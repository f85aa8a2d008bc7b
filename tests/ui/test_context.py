"""The UI's wiring without pages: finding capture through the static list, bad settings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from services.errors import InvalidArgument
from services.runtime.server import ServiceRuntime
from services.runtime.settings import load_settings
from ui.context import UiContext
from ui.settings import UiSettings


async def test_capture_found_through_static_services(
    data_dir: Path, capture: ServiceRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STITCHSKETCH_CONFIG", raising=False)
    settings = load_settings(
        UiSettings,
        data_dir=data_dir,
        static_services=f"capture={capture.target}",
        discovery_timeout_s=0.3,
    )
    ctx = UiContext.create(settings)
    await ctx.start()
    try:
        for _ in range(200):
            if ctx.feed.live:
                break
            await asyncio.sleep(0.05)
        assert ctx.feed.live, ctx.feed.problem
        assert ctx.capture.target == capture.target
    finally:
        await ctx.stop()


def test_bad_addresses_are_refused_readably(data_dir: Path) -> None:
    with pytest.raises(InvalidArgument, match="capture_address"):
        load_settings(UiSettings, data_dir=data_dir, capture_address="no-port-here")
    settings = load_settings(UiSettings, data_dir=data_dir, static_services="capture=nowhere")
    with pytest.raises(InvalidArgument, match="HOST:PORT"):
        UiContext.create(settings)
