"""`stitchsketch lan ...`: what the box sees on the shop LAN, for setting up a network.

browse prints services as they come and go, resolve answers what a client would
connect to, advertise announces a stand-in service to test a network (multicast
through a switch, a VLAN, a firewall). Output is JSON lines, so scripts can read it.
Also runs alone: `python -m appliance.cli lan browse`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import signal
import sys
from collections.abc import Coroutine
from typing import Any

from appliance.mdns import Advertiser, Discovery, Endpoint, parse_static
from services.errors import Unavailable

STATIC_ENV = "STITCHSKETCH_STATIC_SERVICES"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add `lan` with its browse / resolve / advertise subcommands."""
    lan = subparsers.add_parser("lan", help="browse, resolve or advertise services over mDNS")
    sub = lan.add_subparsers(dest="lan_command", required=True)
    static = {
        "default": os.environ.get(STATIC_ENV, ""),
        "help": f"fallback addresses NAME=HOST:PORT,... (default ${STATIC_ENV})",
    }

    browse = sub.add_parser("browse", help="print services as they come and go")
    browse.add_argument("--service", help="only this service")
    browse.add_argument("--duration", type=float, help="stop after this many seconds")
    browse.add_argument("--static", **static)
    browse.set_defaults(func=lambda a: _run(_browse(a)))

    resolve = sub.add_parser("resolve", help="print the endpoint a client would use")
    resolve.add_argument("service")
    resolve.add_argument("--timeout", type=float, default=3.0)
    resolve.add_argument("--static", **static)
    resolve.set_defaults(func=lambda a: _run(_resolve(a)))

    advertise = sub.add_parser("advertise", help="announce a service until interrupted")
    advertise.add_argument("service")
    advertise.add_argument("port", type=int)
    advertise.add_argument("--box", default="test", help="box id for the TXT record")
    advertise.add_argument("--address", action="append", help="address to announce (repeat)")
    advertise.set_defaults(func=lambda a: _run(_advertise(a)))


def _run(coro: Coroutine[Any, Any, int]) -> int:
    return asyncio.run(coro)


def _emit(event: str, endpoint: Endpoint | None = None, **extra: object) -> None:
    record: dict[str, object] = {"event": event, **extra}
    if endpoint is not None:
        record.update(dataclasses.asdict(endpoint), target=endpoint.target)
    print(json.dumps(record), flush=True)


async def _until_signal(duration: float | None) -> None:
    """Wait for SIGTERM/SIGINT or `duration` seconds."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), duration)


async def _browse(args: argparse.Namespace) -> int:
    discovery = Discovery(parse_static(args.static))

    def on_change(event: str, endpoint: Endpoint) -> None:
        if args.service in (None, endpoint.service):
            _emit(event, endpoint)

    discovery.listen(on_change)
    await discovery.start()
    _emit("browsing", mdns=discovery.browsing)
    for endpoint in discovery.endpoints(args.service):
        _emit("static", endpoint)
    try:
        await _until_signal(args.duration)
    finally:
        await discovery.close()
    return 0


async def _resolve(args: argparse.Namespace) -> int:
    discovery = Discovery(parse_static(args.static))
    await discovery.start()
    try:
        _emit("resolved", await discovery.resolve(args.service, args.timeout))
    except Unavailable as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        await discovery.close()
    return 0


async def _advertise(args: argparse.Namespace) -> int:
    advertiser = Advertiser(args.service, args.port, args.box, addresses=args.address)
    await advertiser.start()
    _emit("advertised", name=advertiser.name)
    try:
        await _until_signal(None)
    finally:
        await advertiser.close()
    _emit("closed", name=advertiser.name)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appliance.cli", description=__doc__)
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except ValueError as exc:  # a malformed --static
        parser.error(str(exc))
        return 2


if __name__ == "__main__":
    sys.exit(main())
