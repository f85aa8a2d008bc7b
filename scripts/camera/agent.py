"""The camera agent's two loops: watch a folder for good, or push it once and summarise.

Per file: skip it if the ledger has this exact version; read it once (bytes, hash,
capture time); skip it if these bytes were already handled for this box; otherwise
upload, then record the outcome durably before the next file. The only window in
which a photo can be sent twice is a kill between the box storing it and the ledger
write; the box's idempotence by hash makes that resend harmless (`duplicate`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from scripts.camera.box import BoxLink
from scripts.camera.pairing import pair
from scripts.camera.photo import read_photo, register_heif
from scripts.camera.scan import FileVersion, Scanner
from scripts.camera.state import (
    DUPLICATE,
    REJECTED,
    SENT,
    Credentials,
    Ledger,
    StateLock,
    load_credentials,
)
from scripts.camera.uploader import BACKOFF, Action, Uploader
from services.errors import FailedPrecondition, Unavailable

log = logging.getLogger(__name__)


class NotPaired(FailedPrecondition):
    """No device token yet and no pairing code to get one."""


@dataclass(frozen=True)
class AgentConfig:
    """What the command line decided."""

    folder: Path
    state_dir: Path
    name: str
    box: str | None = None
    pair_code: str | None = None
    poll_s: float = 1.0
    settle_s: float = 2.0
    incomplete_grace_s: float = 60.0
    #: Push mode: how long one photo may keep failing transiently before it counts as failed.
    retry_for_s: float = 60.0


@dataclass
class Summary:
    """What happened to the photos of this run, counted by outcome: sent, duplicate (the
    box had it), already (sent in an earlier run), rejected, rejected_before, failed."""

    counts: Counter[str] = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)
    interrupted: bool = False

    def line(self) -> str:
        c = self.counts
        return (
            f"{c['sent']} sent, {c['duplicate']} already on the box, "
            f"{c['already']} already sent earlier, {c['rejected']} rejected"
            + (f" ({c['rejected_before']} more rejected earlier)" if c["rejected_before"] else "")
            + f", {c['failed']} failed"
        )

    @property
    def ok(self) -> bool:
        """True when every photo is on the box (or was refused in an earlier run)."""
        return not (self.counts["failed"] or self.counts["rejected"] or self.interrupted)


class Agent:
    """One camera folder, one box, one ledger."""

    def __init__(self, config: AgentConfig, stop: asyncio.Event | None = None):
        self.config = config
        self.stop = stop or asyncio.Event()
        self.summary = Summary()
        self._scanner = Scanner(
            config.folder, settle_s=config.settle_s, incomplete_grace_s=config.incomplete_grace_s
        )

    async def watch(self) -> None:
        """Push every photo that appears, until asked to stop."""
        await self._run(forever=True)

    async def push(self) -> Summary:
        """Push what the folder holds now (waiting for files still being written), once."""
        if not self.config.folder.is_dir():
            raise FailedPrecondition(f"{self.config.folder} is not a folder")
        await self._run(forever=False)
        if self.stop.is_set():
            self.summary.interrupted = True
            self.summary.failed.append("stopped before every photo was sent")
        return self.summary

    async def _run(self, *, forever: bool) -> None:
        register_heif()
        with StateLock(self.config.state_dir), Ledger(self.config.state_dir) as ledger:
            link = BoxLink(self.config.box)
            try:
                creds = await self._credentials(link, forever=forever)
                if creds is None:
                    return  # stopped while waiting for the box
                link.box_id = creds.box_id
                uploader = Uploader(
                    link,
                    creds.device_token,
                    self.config.name,
                    stop=self.stop,
                )
                try:
                    await self._loop(uploader, ledger, creds.box_id, forever=forever)
                finally:
                    await uploader.close()
            finally:
                await link.close()

    async def _credentials(self, link: BoxLink, *, forever: bool) -> Credentials | None:
        creds = load_credentials(self.config.state_dir)
        code = self.config.pair_code
        if creds is not None:
            if code:
                log.info(
                    "already paired as device %s with box %s: ignoring --pair (run "
                    "'stitchsketch-camera pair CODE' to pair anew)",
                    creds.device_id,
                    creds.box_id,
                )
            return creds
        if not code:
            raise NotPaired(
                f"this camera is not paired yet (no token in {self.config.state_dir}): open "
                "the camera pairing screen on the kiosk and run 'stitchsketch-camera pair "
                "CODE' or add '--pair CODE'"
            )
        attempt = 0
        while not self.stop.is_set():
            try:
                return await pair(
                    await link.target(), code, self.config.name, self.config.state_dir
                )
            except Unavailable as exc:
                if not forever:
                    raise
                attempt += 1
                delay = BACKOFF[Action.RETRY].delay(attempt)
                log.warning("cannot pair yet: %s; retrying in %.0f s", exc.message, delay)
                await self._sleep(delay)
        return None

    async def _loop(
        self, uploader: Uploader, ledger: Ledger, box_id: str, *, forever: bool
    ) -> None:
        folder = self.config.folder
        missing_logged = False
        loop = asyncio.get_running_loop()
        settle_until = loop.time() + self.config.settle_s + self.config.incomplete_grace_s + 5
        log.info("watching %s for photos" if forever else "pushing photos from %s", folder)
        while not self.stop.is_set():
            if not folder.is_dir():
                if not missing_logged:
                    log.warning("%s is not there (card out? share not mounted?); waiting", folder)
                    missing_logged = True
                await self._sleep(max(self.config.poll_s, 2.0))
                continue
            missing_logged = False
            ready, settling = await asyncio.to_thread(self._scanner.scan)
            for i, version in enumerate(ready):
                if self.stop.is_set():
                    break
                if not await self._handle(version, uploader, ledger, box_id, forever=forever):
                    self._give_up(ready[i + 1 :], settling, ledger, box_id)
                    return
            if not forever and not ready and not settling:
                return
            if not forever and loop.time() > settle_until and not ready:
                self.summary.counts["failed"] += settling
                self.summary.failed.append(f"{settling} file(s) still being written")
                log.warning("%d file(s) kept changing and were not sent", settling)
                return
            if not ready:
                await self._sleep(self.config.poll_s)

    async def _handle(
        self,
        version: FileVersion,
        uploader: Uploader,
        ledger: Ledger,
        box_id: str,
        *,
        forever: bool,
    ) -> bool:
        """Send one file version if it needs sending; False when the box could not take
        it within the retry budget (push mode), so the rest need not wait as long."""
        key = str(version.path)
        known = ledger.known_file(key, version.size, version.mtime_ns, box_id)
        if known is not None:
            self._scanner.done(version)
            self.summary.counts["rejected_before" if known == REJECTED else "already"] += 1
            return True
        try:
            photo = await asyncio.to_thread(read_photo, version)
        except OSError as exc:
            log.warning("cannot read %s: %s; trying again later", version.path, exc)
            return True
        if photo is None:
            return True  # it changed while being read: the scanner offers the new version
        row = {
            "sha256": photo.sha256,
            "path": key,
            "box_id": box_id,
            "size": version.size,
            "mtime_ns": version.mtime_ns,
        }
        earlier = ledger.status_of(photo.sha256, box_id)
        if earlier is not None:
            ledger.record(**row, status=earlier, detail="same bytes as an earlier file")
            self._scanner.done(version)
            self.summary.counts["rejected_before" if earlier == REJECTED else "already"] += 1
            log.info("%s: same bytes already %s; not sending again", version.path.name, earlier)
            return True
        outcome = await uploader.push(
            photo, retry_for_s=None if forever else self.config.retry_for_s
        )
        if outcome.status in (SENT, DUPLICATE, REJECTED):
            ledger.record(
                **row, status=outcome.status, photo_id=outcome.photo_id, detail=outcome.detail
            )
            self._scanner.done(version)
            self.summary.counts[outcome.status] += 1
        if outcome.status == SENT:
            log.info(
                "sent %s (%d bytes) as photo %s to project %s",
                version.path.name,
                photo.size,
                outcome.photo_id[:12],
                outcome.project_id or "?",
            )
        elif outcome.status == DUPLICATE:
            log.info(
                "%s was already on the box (photo %s); recorded",
                version.path.name,
                outcome.photo_id[:12],
            )
        elif outcome.status == REJECTED:
            log.error(
                "REJECTED %s: %s. It will not be sent again unless the file changes",
                version.path,
                outcome.detail,
            )
        elif not self.stop.is_set():
            self.summary.counts["failed"] += 1
            self.summary.failed.append(f"{version.path}: {outcome.detail}")
            log.error("could not send %s: %s", version.path, outcome.detail)
            return False
        return True

    def _give_up(self, rest: list[FileVersion], settling: int, ledger: Ledger, box_id: str) -> None:
        """Push mode, box unusable: count what was not tried instead of waiting per photo."""
        untried = settling
        for version in rest:
            known = ledger.known_file(str(version.path), version.size, version.mtime_ns, box_id)
            if known is None:
                untried += 1
            else:
                self.summary.counts["rejected_before" if known == REJECTED else "already"] += 1
        if untried:
            self.summary.counts["failed"] += untried
            self.summary.failed.append(
                f"{untried} more photo(s) not tried: the box is not taking photos"
            )

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), seconds)
