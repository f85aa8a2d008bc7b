"""What the pages share: settings, the store, the token signer, the service clients, the feed.

One instance per UI process, made by `ui.app.build_app` and handed to every page
(no module-level globals), started and stopped with the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from google.protobuf import json_format
from nicegui import run
from nicegui.server import Server

from appliance.mdns import Discovery, parse_static
from appliance.sdnotify import Notifier
from services.errors import InvalidArgument, Unavailable
from services.runtime.tokens import TokenSigner, load_or_create_box_id, load_or_create_key
from stitchsketch.v1 import reconstruction_pb2
from ui.capture_client import CaptureClient
from ui.feed import PhotoFeed
from ui.patterns_client import PatternsClient
from ui.reconstruction_client import ReconstructionClient
from ui.settings import UiSettings
from ui.store import ShopSettings, Store, ensure_demo_owner
from ui.throttle import LoginThrottle

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Subject and lifetime of the UI's own token for its photo watch (read-only).
FEED_SUBJECT = "service:ui-feed"
FEED_TOKEN_TTL_S = 3600.0


@dataclass
class UiContext:
    settings: UiSettings
    store: Store
    signer: TokenSigner
    capture: CaptureClient
    feed: PhotoFeed
    patterns: PatternsClient
    reconstruction: ReconstructionClient
    #: The shop's own calibration mat (settings.mat_layout_file), sent with every
    #: reconstruction; None: the printed StitchSketch mat.
    mat_layout: reconstruction_pb2.MatLayout | None = None
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    discovery: Discovery | None = None
    _notifier: Notifier = field(default_factory=Notifier)
    _watchdog: asyncio.Task | None = None

    @classmethod
    def create(cls, settings: UiSettings) -> UiContext:
        """Open the store and make the clients; nothing touches the network yet."""
        settings.service_dir.mkdir(parents=True, exist_ok=True)
        mat_layout = load_mat_layout(settings.mat_layout_file)
        store = Store(
            settings.database_path,
            shop_defaults=ShopSettings(shop_name=settings.shop_name, units=settings.units),
        )
        if settings.demo_owner:
            ensure_demo_owner(store.users)
        box_id = load_or_create_box_id(settings.data_dir)
        signer = TokenSigner(load_or_create_key(settings.data_dir), box_id)
        discovery = None
        addresses = (
            settings.capture_address,
            settings.patterns_address,
            settings.reconstruction_address,
        )
        if not all(addresses):
            try:
                static = parse_static(settings.static_services)
            except ValueError as exc:
                store.close()
                raise InvalidArgument(str(exc), field="static_services") from exc
            discovery = Discovery(static, box_id=box_id)

        def locator(service: str, address: str) -> Callable[[], Awaitable[str]]:
            async def locate() -> str:
                if address:
                    return address
                if discovery is None:  # pragma: no cover - set together above
                    raise Unavailable(f"no way to find the {service} service")
                endpoint = await discovery.resolve(service, settings.discovery_timeout_s)
                return endpoint.target

            return locate

        capture = CaptureClient(locator("capture", settings.capture_address))
        patterns = PatternsClient(locator("patterns", settings.patterns_address))
        reconstruction = ReconstructionClient(
            locator("reconstruction", settings.reconstruction_address)
        )

        def feed_token() -> str:
            return signer.issue(
                FEED_SUBJECT, "viewer", name="UI photo feed", ttl_s=FEED_TOKEN_TTL_S
            )

        feed = PhotoFeed(capture, feed_token)
        return cls(
            settings,
            store,
            signer,
            capture,
            feed,
            patterns,
            reconstruction,
            mat_layout=mat_layout,
            discovery=discovery,
        )

    @property
    def storage_secret(self) -> str:
        """Secret for NiceGUI's session cookie, derived from the box key (never hard-coded)."""
        key = load_or_create_key(self.settings.data_dir)
        return hmac.new(key, b"stitchsketch-ui-session", hashlib.sha256).hexdigest()

    async def db(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a store call in the I/O thread pool so the event loop never waits on disk."""
        result = await run.io_bound(work, *args, **kwargs)
        return result  # type: ignore[return-value]

    async def start(self) -> None:
        if self.discovery is not None:
            await self.discovery.start()
        self.feed.start()
        self._watchdog = asyncio.create_task(self._ready_then_watchdog())
        log.info("UI started (capture at %s)", self.settings.capture_address or "mDNS/static")

    async def _ready_then_watchdog(self) -> None:
        """READY=1 once uvicorn has bound the port (startup handlers run before that)."""
        server = getattr(Server, "instance", None)
        for _ in range(1200):
            if server is None or getattr(server, "started", True):
                break
            await asyncio.sleep(0.05)
        self._notifier.ready(f"ui serving on port {self.settings.port}")
        await self._notifier.run_watchdog()

    async def stop(self) -> None:
        self._notifier.stopping()
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        await self.feed.stop()
        await self.capture.close()
        await self.patterns.close()
        await self.reconstruction.close()
        if self.discovery is not None:
            await self.discovery.close()
        await asyncio.to_thread(self.store.close)


def load_mat_layout(path: str) -> reconstruction_pb2.MatLayout | None:
    """The shop's own mat from its JSON file (read once, at start-up), or None."""
    if not path:
        return None
    try:
        text = Path(path).read_text()
        return json_format.Parse(text, reconstruction_pb2.MatLayout())
    except (OSError, json_format.ParseError) as exc:
        raise InvalidArgument(
            f"cannot use the mat layout in {path}: {exc}", field="mat_layout_file"
        ) from exc
