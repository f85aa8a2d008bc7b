"""`stitchsketch-camera`: push a camera's photos to the StitchSketch box.

    stitchsketch-camera pair CODE [--box HOST:PORT] [--name NAME]
    stitchsketch-camera watch FOLDER [--box HOST:PORT] [--pair CODE] [--name NAME]
    stitchsketch-camera push FOLDER [--box HOST:PORT] [--pair CODE] [--name NAME]

Exit codes: 0 done; 1 some photos failed or were rejected (push); 2 bad usage or not
paired; 3 the box refused this camera's token (pair again); 4 the box could not be reached.
A thin command line over `scripts.camera`; the logic lives there.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from appliance.mdns import split_target
from scripts.camera.agent import Agent, AgentConfig
from scripts.camera.box import BoxLink
from scripts.camera.pairing import pair
from scripts.camera.state import default_state_dir
from scripts.camera.uploader import CredentialsRefused
from services.errors import StitchError, Unavailable

log = logging.getLogger("stitchsketch.camera")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_AUTH, EXIT_UNREACHABLE = 0, 1, 2, 3, 4
#: After SIGTERM, how long an upload in flight may take to finish.
STOP_GRACE_S = 10.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stitchsketch-camera", description="Push a camera's photos to the StitchSketch box."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--box",
            type=_target,
            metavar="HOST:PORT",
            help="capture service address (default: find it over mDNS)",
        )
        p.add_argument(
            "--name",
            default=socket.gethostname(),
            help="this camera's name, shown on the box (default: host name)",
        )
        p.add_argument(
            "--state-dir",
            type=Path,
            default=None,
            help=f"where the token and the sent-ledger live (default: {default_state_dir()})",
        )

    p_pair = sub.add_parser("pair", help="pair with the box using the code the kiosk shows")
    p_pair.add_argument("code", help="the pairing code shown on the kiosk")
    common(p_pair)

    for name, text in (
        ("watch", "watch a folder and push every new photo, until stopped"),
        ("push", "push every photo of a folder not sent yet, then exit"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("folder", type=Path, help="where photos arrive (searched recursively)")
        common(p)
        p.add_argument("--pair", metavar="CODE", help="pair first with this code, if not paired")
        p.add_argument("--poll", type=_seconds, default=1.0, help="seconds between folder scans")
        p.add_argument(
            "--settle",
            type=_seconds,
            default=2.0,
            help="seconds a file must stay unchanged before it is sent",
        )
        p.add_argument(
            "--incomplete-grace",
            type=_seconds,
            default=60.0,
            help="seconds a file that looks cut short waits before it is sent anyway",
        )
        if name == "push":
            p.add_argument(
                "--retry-for",
                type=_seconds,
                default=60.0,
                help="seconds to keep retrying while the box does not take photos; then the "
                "photos not sent count as failed",
            )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("zeroconf").setLevel(logging.WARNING)
    state_dir = args.state_dir or default_state_dir()
    try:
        if args.command == "pair":
            return asyncio.run(_run(lambda stop: _pair(args, state_dir)))
        config = AgentConfig(
            folder=args.folder,
            state_dir=state_dir,
            name=args.name,
            box=args.box,
            pair_code=args.pair,
            poll_s=args.poll,
            settle_s=args.settle,
            incomplete_grace_s=args.incomplete_grace,
            retry_for_s=getattr(args, "retry_for", 60.0),
        )
        if args.command == "watch":
            return asyncio.run(_run(lambda stop: _watch(config, stop)))
        return asyncio.run(_run(lambda stop: _push(config, stop)))
    except CredentialsRefused as exc:
        log.error(
            "the box refused this camera's token (%s). Pair again: open the camera "
            "pairing screen on the kiosk and run 'stitchsketch-camera pair CODE'",
            exc,
        )
        return EXIT_AUTH
    except Unavailable as exc:
        log.error("%s", exc.message)
        return EXIT_UNREACHABLE
    except StitchError as exc:
        log.error("%s", exc.message)
        return EXIT_USAGE


def _target(text: str) -> str:
    try:
        split_target(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text.strip()


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds")
    return value


async def _run(work: Callable[[asyncio.Event], Awaitable[int]]) -> int:
    """Run `work` until it ends or SIGTERM/SIGINT; an upload in flight may finish first."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    task = asyncio.ensure_future(work(stop))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not task.done():
        log.info("stopping (an upload in flight gets %.0f s to finish)", STOP_GRACE_S)
        try:
            return await asyncio.wait_for(task, STOP_GRACE_S)
        except TimeoutError:
            log.warning(
                "upload still running after %.0f s; it will be retried next start", STOP_GRACE_S
            )
            return EXIT_OK
    return task.result()


async def _pair(args: argparse.Namespace, state_dir: Path) -> int:
    link = BoxLink(args.box)
    try:
        creds = await pair(await link.target(), args.code, args.name, state_dir)
    finally:
        await link.close()
    print(f"paired as {creds.name!r} with box {creds.box_id}")
    return EXIT_OK


async def _watch(config: AgentConfig, stop: asyncio.Event) -> int:
    await Agent(config, stop).watch()
    log.info("stopped")
    return EXIT_OK


async def _push(config: AgentConfig, stop: asyncio.Event) -> int:
    summary = await Agent(config, stop).push()
    print(f"push {config.folder}: {summary.line()}")
    for problem in summary.failed:
        print(f"  failed: {problem}")
    return EXIT_OK if summary.ok else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
