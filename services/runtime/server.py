"""Start-up and shutdown of one service process, in order, and in reverse.

    runtime = ServiceRuntime("capture", settings)
    runtime.add(capture_pb2_grpc.add_CaptureServiceServicer_to_server, servicer, scopes)
    await runtime.serve()          # until SIGTERM/SIGINT

Start: bind the port, health SERVING, advertise over mDNS, READY=1, watchdog pings.
Stop: NOT_SERVING, STOPPING=1, stop advertising, drain calls for the grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from appliance.mdns import Advertiser
from appliance.sdnotify import Notifier
from services.errors import StitchError
from services.runtime.interceptors import CallInterceptor, Scopes
from services.runtime.logs import configure_logging
from services.runtime.settings import S, ServiceSettings, load_settings
from services.runtime.tokens import (
    Principal,
    TokenSigner,
    load_or_create_box_id,
    load_or_create_key,
)

log = logging.getLogger(__name__)

#: Largest message a client may send (upload chunks are 1 MiB; room for metadata).
MAX_MESSAGE_BYTES = 8 * 1024 * 1024


class ServiceRuntime:
    """Everything a service process needs around its servicers."""

    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        *,
        is_revoked: Callable[[Principal], bool] | None = None,
    ):
        self.name = name
        self.settings = settings
        settings.service_dir.mkdir(parents=True, exist_ok=True)
        self.box_id = load_or_create_box_id(settings.data_dir)
        self.signer = TokenSigner(load_or_create_key(settings.data_dir), self.box_id)
        self.is_revoked = is_revoked
        self.port = 0
        self._scopes: dict[str, str | None] = {}
        self._services: list[tuple[Callable[[Any, grpc.aio.Server], None], Any]] = []
        self._service_names: list[str] = []
        self._on_start: list[Callable[[], Awaitable[None]]] = []
        self._on_stop: list[Callable[[], Awaitable[None]]] = []
        self._health = health.aio.HealthServicer()
        self._server: grpc.aio.Server | None = None
        self._advertiser: Advertiser | None = None
        self._notifier = Notifier()
        self._watchdog: asyncio.Task | None = None
        self._stopped = asyncio.Event()

    def add(
        self,
        add_to_server: Callable[[Any, grpc.aio.Server], None],
        servicer: Any,
        service_name: str,
        scopes: Scopes,
    ) -> None:
        """Register a servicer with the scope each of its RPCs needs."""
        self._services.append((add_to_server, servicer))
        self._service_names.append(service_name)
        self._scopes.update(scopes)

    def on_start(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run `callback` before the port is bound (e.g. load and requeue jobs)."""
        self._on_start.append(callback)

    def on_stop(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run `callback` at shutdown, before the server stops (e.g. end watch streams)."""
        self._on_stop.append(callback)

    @property
    def target(self) -> str:
        """Loopback address of the bound server, for tests and local clients."""
        return f"127.0.0.1:{self.port}"

    async def start(self) -> int:
        """Bind, serve, advertise, tell systemd; returns the bound port."""
        for callback in self._on_start:
            await callback()
        interceptor = CallInterceptor(self.signer, self._scopes, is_revoked=self.is_revoked)
        server = grpc.aio.server(
            interceptors=[interceptor],
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                ("grpc.so_reuseport", 0),
            ],
        )
        for add_to_server, servicer in self._services:
            add_to_server(servicer, server)
        health_pb2_grpc.add_HealthServicer_to_server(self._health, server)
        reflection.enable_server_reflection(
            [*self._service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
        )
        address = f"{self.settings.host}:{self.settings.port}"
        self.port = server.add_insecure_port(address)
        if not self.port:
            raise OSError(f"could not bind {address}")
        await server.start()
        self._server = server
        for service in ["", *self._service_names]:
            await self._health.set(service, health_pb2.HealthCheckResponse.SERVING)
        if self.settings.advertise:
            await self._advertise()
        self._notifier.ready(f"{self.name} serving on port {self.port}")
        self._watchdog = asyncio.create_task(self._notifier.run_watchdog())
        log.info("%s serving on %s (box %s)", self.name, self.port, self.box_id)
        return self.port

    async def _advertise(self) -> None:
        """Announce the service; a box without multicast still works by static address."""
        host = self.settings.host
        addresses = None if host in ("0.0.0.0", "::", "[::]", "") else [host]
        try:
            self._advertiser = Advertiser(self.name, self.port, self.box_id, addresses=addresses)
            await self._advertiser.start()
        except (OSError, ValueError) as exc:
            log.warning("not advertising over mDNS: %s", exc)
            self._advertiser = None

    async def stop(self, grace: float | None = None) -> None:
        """Stop in reverse order: health, systemd, mDNS, callbacks, then drain and stop."""
        if self._server is None:
            return
        grace = self.settings.grace_s if grace is None else grace
        self._notifier.stopping()
        await self._health.enter_graceful_shutdown()
        if self._advertiser:
            with contextlib.suppress(Exception):
                await self._advertiser.close()
        for callback in reversed(self._on_stop):
            await callback()
        if self._watchdog:
            self._watchdog.cancel()
        await self._server.stop(grace)
        self._server = None
        self._stopped.set()
        log.info("%s stopped", self.name)

    async def serve(self) -> None:
        """Start, then run until SIGTERM or SIGINT, then stop gracefully."""
        await self.start()
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await self.stop()


def run_service(
    settings_cls: type[S], build: Callable[[S], ServiceRuntime], argv: list[str] | None = None
) -> int:
    """The whole of a service's `__main__`: settings, logging, serve until SIGTERM."""
    name = settings_cls.section
    try:
        settings = load_settings(settings_cls)
    except StitchError as exc:
        print(f"{name}: {exc.message}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, name)
    asyncio.run(build(settings).serve())
    return 0
