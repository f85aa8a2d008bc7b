"""Assembling the capture process, in order: store (recovered), events, devices,
servicers, runtime. `build` is what `python -m services.capture` serves; tests use
`assemble` to reach the parts (e.g. the device registry) directly.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

from services.capture import photo_checks
from services.capture.devices import DeviceRegistry
from services.capture.events import PhotoEvents
from services.capture.photo_checks import Limits
from services.capture.photo_store import PhotoStore
from services.capture.servicer import (
    CAPTURE_SERVICE,
    PAIRING_SERVICE,
    SCOPES,
    CaptureServicer,
    PairingServicer,
)
from services.capture.settings import CaptureSettings
from services.runtime.server import ServiceRuntime
from stitchsketch.v1 import capture_pb2_grpc, pairing_pb2_grpc

log = logging.getLogger(__name__)


@dataclass
class Capture:
    """The parts of one capture process."""

    runtime: ServiceRuntime
    store: PhotoStore
    events: PhotoEvents
    devices: DeviceRegistry


def assemble(settings: CaptureSettings) -> Capture:
    """Build every part; nothing listens until `runtime.start()` / `serve()`."""
    runtime = ServiceRuntime("capture", settings)
    store = PhotoStore(settings.service_dir)
    store.recover()  # before serving: nothing of this process is in flight yet
    events = PhotoEvents(settings.watch_queue_size)
    devices = DeviceRegistry(
        settings.service_dir / "devices.json",
        runtime.signer,
        code_ttl_s=settings.pairing_code_ttl_s,
        max_failures=settings.pairing_max_failures,
    )
    # NOTE: the runtime hands is_revoked to its auth interceptor in start(), so setting
    # it here (the registry needs the runtime's signer first) takes effect.
    runtime.is_revoked = devices.is_revoked
    limits = Limits(
        max_bytes=settings.max_photo_bytes, max_pixels=int(settings.max_megapixels * 1e6)
    )
    photo_checks.allow_pixels(limits.max_pixels)
    workers = settings.workers or (os.cpu_count() or 1) + 1
    capture = CaptureServicer(store, events, devices, limits, workers)
    runtime.add(
        capture_pb2_grpc.add_CaptureServiceServicer_to_server, capture, CAPTURE_SERVICE, SCOPES
    )
    runtime.add(
        pairing_pb2_grpc.add_PairingServiceServicer_to_server,
        PairingServicer(devices),
        PAIRING_SERVICE,
        SCOPES,
    )

    async def flush_devices() -> None:
        await asyncio.to_thread(devices.flush)

    runtime.on_stop(flush_devices)
    runtime.on_stop(events.close)  # runs first (reverse order): watch streams end at once
    return Capture(runtime=runtime, store=store, events=events, devices=devices)


def build(settings: CaptureSettings) -> ServiceRuntime:
    """The capture service's runtime, ready to `serve()`."""
    return assemble(settings).runtime
