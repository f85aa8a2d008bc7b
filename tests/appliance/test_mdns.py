"""mDNS advertisement and discovery on this host's network, and the static fallback."""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import AsyncIterator

import pytest
from zeroconf import ServiceInfo
from zeroconf.asyncio import AsyncZeroconf

from appliance.mdns import (
    API_VERSION,
    SERVICE_TYPE,
    Advertiser,
    Discovery,
    Endpoint,
    local_addresses,
    parse_static,
)
from services.errors import Unavailable


def _multicast_works() -> bool:
    """Whether a multicast datagram sent here comes back (no route or a firewall: no)."""
    group = "239.255.83.83"
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rx,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx,
    ):
        try:
            rx.bind(("", 0))
            mreq = socket.inet_aton(group) + socket.inet_aton("0.0.0.0")
            rx.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
            rx.settimeout(1.0)
            tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            tx.sendto(b"stitchsketch-probe", (group, rx.getsockname()[1]))
            return rx.recvfrom(64)[0] == b"stitchsketch-probe"
        except OSError:
            return False


needs_multicast = pytest.mark.skipif(
    not _multicast_works(),
    reason="this host blocks multicast; test_mdns_netns covers advertise-and-browse",
)


# --- static addresses and endpoints -------------------------------------------------


@pytest.mark.parametrize(
    ("host", "target"),
    [("10.0.0.5", "10.0.0.5:50051"), ("::1", "[::1]:50051"), ("box.local", "box.local:50051")],
)
def test_endpoint_target(host: str, target: str) -> None:
    assert Endpoint("capture", host, 50051, "b", API_VERSION, "mdns").target == target


def test_parse_static() -> None:
    spec = " capture=127.0.0.1:5001, ui=box.local:8080,,render=[fd00::7]:50054 "
    assert parse_static(spec) == {
        "capture": "127.0.0.1:5001",
        "ui": "box.local:8080",
        "render": "[fd00::7]:50054",
    }
    assert parse_static("") == {}


@pytest.mark.parametrize(
    "spec",
    ["capture", "capture=", "capture=host", "capture=host:0", "capture=host:99999",
     "=1.2.3.4:5", "cap.ture=1.2.3.4:5", "capture=::1:5"],
)  # fmt: skip
def test_parse_static_rejects(spec: str) -> None:
    with pytest.raises(ValueError, match=r"HOST:PORT|port|entry"):
        parse_static(spec)


async def test_static_fallback_without_browsing() -> None:
    discovery = Discovery(parse_static("capture=127.0.0.1:5001"))
    endpoint = await asyncio.wait_for(discovery.resolve("capture"), 0.5)  # no waiting
    assert endpoint == Endpoint("capture", "127.0.0.1", 5001, "", API_VERSION, "static")
    assert endpoint.target == "127.0.0.1:5001"
    assert discovery.endpoints() == [endpoint]
    assert discovery.endpoints("render") == []


async def test_unavailable_names_the_fix() -> None:
    discovery = Discovery({"capture": "127.0.0.1:5001"})
    with pytest.raises(Unavailable) as info:
        await discovery.resolve("render", timeout=0.2)
    message = info.value.message
    assert "render" in message and "STITCHSKETCH_STATIC_SERVICES" in message
    assert info.value.retry_after_s > 0


@pytest.mark.parametrize(
    ("service", "port", "box"),
    [("", 1, "b"), ("capture", 0, "b"), ("capture", 1, "a.b"), ("c" * 40, 1, "b" * 40)],
)
def test_advertiser_rejects_bad_names(service: str, port: int, box: str) -> None:
    with pytest.raises(ValueError):
        Advertiser(service, port, box)


# --- for real, on this host's network -----------------------------------------------


@pytest.fixture
async def discovery() -> AsyncIterator[tuple[Discovery, str]]:
    """A started Discovery that prefers a fresh box id, and a service name no one else uses."""
    box = secrets.token_hex(4)
    found = Discovery({f"probe-{box}": "127.0.0.1:1"}, box_id=box)
    await found.start()
    assert found.browsing
    yield found, box
    await found.close()


@needs_multicast
async def test_advertise_resolve_and_goodbye(discovery: tuple[Discovery, str]) -> None:
    found, box = discovery
    service = f"probe-{box}"
    events: list[tuple[str, Endpoint]] = []
    found.listen(lambda event, endpoint: events.append((event, endpoint)))

    # resolve() waits for the announcement of a service that starts after it asked.
    waiting = asyncio.create_task(found.resolve(service, timeout=10))
    advertiser = Advertiser(service, 50123, box)
    await advertiser.start()
    endpoint = await waiting
    assert endpoint.source == "mdns"
    assert (endpoint.service, endpoint.port, endpoint.box_id) == (service, 50123, box)
    assert endpoint.api_version == API_VERSION
    assert endpoint.host in local_addresses()
    assert advertiser.name == f"{service}-{box}.{SERVICE_TYPE}"
    assert [e.source for e in found.endpoints(service)] == ["mdns", "static"]

    await advertiser.close()  # the goodbye packet removes it at once, not after the TTL
    for _ in range(50):
        if any(event == "removed" for event, _ in events):
            break
        await asyncio.sleep(0.1)
    assert [event for event, e in events if e.service == service] == ["added", "removed"]
    # Browsing has run longer than the timeout: the static address comes back at once.
    fallback = await asyncio.wait_for(found.resolve(service, timeout=1), 0.5)
    assert fallback.source == "static"


@needs_multicast
async def test_own_box_first(discovery: tuple[Discovery, str]) -> None:
    found, box = discovery
    service = f"probe-{box}"
    other = secrets.token_hex(4)
    advertisers = [Advertiser(service, 50200, other), Advertiser(service, 50201, box)]
    await asyncio.gather(*(a.start() for a in advertisers))
    try:
        for _ in range(50):
            if len([e for e in found.endpoints(service) if e.source == "mdns"]) == 2:
                break
            await asyncio.sleep(0.1)
        assert [e.box_id for e in found.endpoints(service)] == [box, other, ""]
        assert (await found.resolve(service)).port == 50201
    finally:
        await asyncio.gather(*(a.close() for a in advertisers))


@needs_multicast
async def test_other_api_version_is_not_used(discovery: tuple[Discovery, str]) -> None:
    found, box = discovery
    service = f"other-{box}"
    info = ServiceInfo(
        SERVICE_TYPE,
        f"{service}-{box}.{SERVICE_TYPE}",
        port=50300,
        properties={"service": service, "api": "v9", "box": box},
        server=f"stitchsketch-{box}.local.",
        parsed_addresses=local_addresses(),
    )
    zc = AsyncZeroconf()
    await (await zc.async_register_service(info))
    try:
        with pytest.raises(Unavailable, match="API v9"):
            await found.resolve(service, timeout=2)
        assert [e.api_version for e in found.endpoints(service)] == ["v9"]
    finally:
        await (await zc.async_unregister_service(info))
        await zc.async_close()


@needs_multicast
async def test_static_address_beats_another_boxs_service(
    discovery: tuple[Discovery, str],
) -> None:
    """Another box's service cannot check this box's tokens: the static address wins."""
    found, box = discovery
    service = f"probe-{box}"  # the fixture's static entry: 127.0.0.1:1
    stranger = Advertiser(service, 50300, secrets.token_hex(4))
    await stranger.start()
    try:
        for _ in range(50):
            if any(e.source == "mdns" for e in found.endpoints(service)):
                break
            await asyncio.sleep(0.1)
        chosen = await found.resolve(service, timeout=0.5)
        assert (chosen.source, chosen.port) == ("static", 1)
    finally:
        await stranger.close()
