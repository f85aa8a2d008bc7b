"""Find the box's services on the shop LAN: zeroconf advertisement, browsing, static fallback.

Each service announces `<service>-<box_id>._stitchsketch._tcp.local.` with a TXT
record (service, api version, box id). Clients keep a live cache of what the LAN
announces and fall back to a static address list where multicast is blocked.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Callable
from typing import Any, Literal

import ifaddr
from zeroconf import (
    InterfaceChoice,
    IPVersion,
    ServiceStateChange,
    Zeroconf,
)
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from appliance.endpoints import (
    API_VERSION,
    NAME_PATTERN,
    SERVICES,
    Endpoint,
    parse_static,
    split_target,
)
from services.errors import Unavailable

__all__ = [
    "API_VERSION",
    "SERVICES",
    "SERVICE_TYPE",
    "Advertiser",
    "Discovery",
    "Endpoint",
    "local_addresses",
    "parse_static",
    "split_target",
]

log = logging.getLogger(__name__)

SERVICE_TYPE = "_stitchsketch._tcp.local."
#: How long to wait for one service's SRV/TXT/A answers after it is seen.
_INFO_TIMEOUT_MS = 3000

Event = Literal["added", "updated", "removed"]
Listener = Callable[[Event, Endpoint], None]


def instance_name(service: str, box_id: str) -> str:
    """The mDNS instance name a service of a box advertises under."""
    return f"{service}-{box_id}.{SERVICE_TYPE}"


class Advertiser:
    """Announces one service of this box on the LAN until closed."""

    def __init__(
        self,
        service: str,
        port: int,
        box_id: str,
        *,
        addresses: list[str] | None = None,
        interfaces: Any = None,
    ):
        for label, value in (("service", service), ("box_id", box_id)):
            if not NAME_PATTERN.fullmatch(value):
                raise ValueError(f"{label} {value!r} must be letters, digits, '-' or '_'")
        if len(f"{service}-{box_id}".encode()) > 63:
            raise ValueError(f"{service}-{box_id} is longer than a DNS label (63 bytes)")
        if not 0 < port < 65536:
            raise ValueError(f"port {port} out of range: advertise the port actually bound")
        self.service = service
        self.port = port
        self.box_id = box_id
        self.name = instance_name(service, box_id)
        self._addresses = addresses
        self._interfaces = interfaces if interfaces is not None else InterfaceChoice.All
        self._zc: AsyncZeroconf | None = None
        self._info: AsyncServiceInfo | None = None

    async def start(self) -> None:
        """Register on the LAN; raises OSError when no interface can carry multicast."""
        addresses = self._addresses or _interface_addresses(self._interfaces) or local_addresses()
        info = AsyncServiceInfo(
            SERVICE_TYPE,
            self.name,
            port=self.port,
            properties={"service": self.service, "api": API_VERSION, "box": self.box_id},
            server=f"stitchsketch-{self.box_id}.local.",
            parsed_addresses=addresses,
        )
        zc = _open_zeroconf(self._interfaces)
        try:
            # allow_name_change: a second copy of a service on one box gets "... (2)"
            # instead of failing; the TXT record still says which box and service it is.
            await (await zc.async_register_service(info, allow_name_change=True))
        except BaseException:
            await zc.async_close()
            raise
        self._zc, self._info = zc, info
        self.name = info.name
        log.info("advertising %s on %s port %d", self.name, ", ".join(addresses), self.port)

    async def close(self) -> None:
        """Say goodbye (so browsers drop us at once) and release the sockets."""
        zc, info = self._zc, self._info
        self._zc = self._info = None
        if zc is None:
            return
        try:
            if info is not None:
                # The first await queues the goodbye; the second waits until it is sent.
                await (await zc.async_unregister_service(info))
        finally:
            await zc.async_close()


class Discovery:
    """A live cache of the services the LAN announces, with a static fallback."""

    def __init__(
        self,
        static: dict[str, str] | None = None,
        *,
        interfaces: Any = None,
        box_id: str | None = None,
    ):
        self._static = [
            Endpoint(service, *split_target(target), "", API_VERSION, "static")
            for service, target in (static or {}).items()
        ]
        self._interfaces = interfaces if interfaces is not None else InterfaceChoice.All
        #: Endpoints of this box come first when several boxes offer a service.
        self._box_id = box_id
        self._found: dict[str, Endpoint] = {}
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._listeners: list[Listener] = []
        self._changed = asyncio.Event()
        self._zc: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None
        self._started_at: float | None = None

    @property
    def browsing(self) -> bool:
        """True while mDNS browsing runs (False where multicast is unusable)."""
        return self._browser is not None

    async def start(self) -> None:
        """Start browsing; without multicast, log it and serve the static list only."""
        try:
            self._zc = _open_zeroconf(self._interfaces)
        except OSError as exc:
            log.warning("mDNS browsing unavailable (%s): using static addresses only", exc)
            return
        self._browser = AsyncServiceBrowser(
            self._zc.zeroconf, SERVICE_TYPE, handlers=[self._on_change]
        )
        self._started_at = asyncio.get_running_loop().time()

    async def close(self) -> None:
        """Stop browsing and release the sockets."""
        for task in self._pending.values():
            task.cancel()
        self._pending.clear()
        if self._browser is not None:
            await self._browser.async_cancel()
            self._browser = None
        if self._zc is not None:
            await self._zc.async_close()
            self._zc = None

    def listen(self, callback: Listener) -> Callable[[], None]:
        """Call `callback(event, endpoint)` on every change; returns an unsubscribe function."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def endpoints(self, service: str | None = None) -> list[Endpoint]:
        """What is known now: mDNS answers (this box first), then the static list."""
        found = sorted(
            self._found.values(), key=lambda e: (e.box_id != self._box_id, e.box_id, e.target)
        )
        return [e for e in (*found, *self._static) if service is None or e.service == service]

    async def resolve(self, service: str, timeout: float = 3.0) -> Endpoint:
        """An endpoint for `service`, waiting up to `timeout` s for mDNS to announce one.

        With a static address to fall back on, only the first `timeout` seconds after
        start() are waited for: by then the cache holds what the LAN announces.
        """
        loop = asyncio.get_running_loop()
        static = [e for e in self._static if e.service == service]
        deadline = loop.time() + timeout
        if self._started_at is None:
            deadline = loop.time()
        elif static:
            deadline = min(deadline, self._started_at + timeout)
        while True:
            changed = self._changed
            usable = self._usable(service)
            # This box's own services first: its tokens are signed with this box's key.
            mine = [e for e in usable if not self._box_id or e.box_id == self._box_id]
            if mine:
                return mine[0]
            if usable and not static:
                return usable[0]
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                break
        if static:
            return static[0]
        if usable := self._usable(service):
            return usable[0]
        raise Unavailable(self._why_not(service, timeout), retry_after_s=1.0)

    def _usable(self, service: str) -> list[Endpoint]:
        """mDNS answers for `service` that speak our API version, this box's first."""
        return [
            e
            for e in self.endpoints(service)
            if e.source == "mdns" and e.api_version == API_VERSION
        ]

    def _why_not(self, service: str, timeout: float) -> str:
        others = [e for e in self._found.values() if e.service == service]
        if others:
            versions = ", ".join(sorted({e.api_version for e in others}))
            return (
                f"{service} service found only with API {versions}; this client speaks "
                f"{API_VERSION}: update the box so both sides match"
            )
        how = (
            f"nothing announced it over mDNS within {timeout:g} s"
            if self.browsing
            else "mDNS browsing is not running"
        )
        return (
            f"no {service} service found: {how} and no static address is set. Check that "
            f"the {service} service runs, or set STITCHSKETCH_STATIC_SERVICES="
            f"'{service}=HOST:PORT' where the network blocks multicast"
        )

    def _on_change(
        self,
        zeroconf: Zeroconf,
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        # Called in the event loop by AsyncServiceBrowser.
        if (task := self._pending.pop(name, None)) is not None:
            task.cancel()  # a late answer must not resurrect a service that just left
        if state_change is ServiceStateChange.Removed:
            if (endpoint := self._found.pop(name, None)) is not None:
                self._publish("removed", endpoint)
            return
        task = asyncio.get_running_loop().create_task(self._fetch(zeroconf, name))
        self._pending[name] = task
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        for name, pending in list(self._pending.items()):
            if pending is task:
                del self._pending[name]

    async def _fetch(self, zeroconf: Zeroconf, name: str) -> None:
        info = AsyncServiceInfo(SERVICE_TYPE, name)
        if not await info.async_request(zeroconf, _INFO_TIMEOUT_MS):
            log.debug("no answer for %s", name)
            return
        endpoint = endpoint_from_info(info)
        if endpoint is None:
            log.debug("ignoring %s: no usable address or TXT record", name)
            return
        event: Event = "updated" if name in self._found else "added"
        if self._found.get(name) == endpoint:
            return
        self._found[name] = endpoint
        if endpoint.api_version != API_VERSION:
            log.warning("%s speaks API %s, not %s", name, endpoint.api_version, API_VERSION)
        self._publish(event, endpoint)

    def _publish(self, event: Event, endpoint: Endpoint) -> None:
        log.info("%s %s at %s (box %s)", event, endpoint.service, endpoint.target, endpoint.box_id)
        self._changed.set()
        self._changed = asyncio.Event()
        for callback in list(self._listeners):
            try:
                callback(event, endpoint)
            except Exception:
                log.exception("discovery listener failed")


def _open_zeroconf(interfaces: Any) -> AsyncZeroconf:
    """AsyncZeroconf on `interfaces`; OSError when there is none to listen on."""
    try:
        return AsyncZeroconf(interfaces=interfaces)
    except RuntimeError as exc:  # zeroconf's "No interfaces to listen on"
        raise OSError(str(exc)) from exc


def endpoint_from_info(info: AsyncServiceInfo) -> Endpoint | None:
    """Our Endpoint from a resolved ServiceInfo; None when it lacks what we need."""
    props = {
        k.decode(errors="replace"): (v or b"").decode(errors="replace")
        for k, v in info.properties.items()
    }
    service = props.get("service", "")
    addresses = info.ip_addresses_by_version(IPVersion.All)
    if not service or not addresses or not info.port:
        return None
    best = min(addresses, key=_address_rank)
    host = str(best)
    if best.version == 6 and best.is_link_local and info.interface_index:
        host = f"{host}%{info.interface_index}"  # link-local needs its interface
    return Endpoint(
        service=service,
        host=host,
        port=info.port,
        box_id=props.get("box", ""),
        api_version=props.get("api", ""),
        source="mdns",
    )


def _address_rank(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> tuple[int, int]:
    """IPv4 before IPv6; routable before link-local before loopback."""
    scope = 2 if address.is_loopback else 1 if address.is_link_local else 0
    return (address.version, scope)


def _interface_addresses(interfaces: Any) -> list[str]:
    """The IP strings among a zeroconf `interfaces` list (what to advertise when bound to them)."""
    if not isinstance(interfaces, list):
        return []
    return [i for i in interfaces if isinstance(i, str) and not ipaddress.ip_address(i).is_loopback]


def local_addresses() -> list[str]:
    """This host's IPv4 addresses to advertise: non-loopback ones, else loopback."""
    found = [
        ip.ip
        for adapter in ifaddr.get_adapters()
        for ip in adapter.ips
        if isinstance(ip.ip, str) and not ipaddress.ip_address(ip.ip).is_loopback
    ]
    return list(dict.fromkeys(found)) or ["127.0.0.1"]
