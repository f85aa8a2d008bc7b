"""Pushing one photo with UploadPhoto, retrying what is worth retrying.

What each status code means for a camera that must neither lose nor repeat a photo:
UNAVAILABLE / DEADLINE_EXCEEDED / CANCELLED / ABORTED / INTERNAL: try again with
exponential backoff and jitter (the upload is idempotent by hash on the box);
RESOURCE_EXHAUSTED: the disk is full (back off long) or the photo is over a limit
(give up on it); FAILED_PRECONDITION / NOT_FOUND: no project is capturing, wait for
staff to start one; INVALID_ARGUMENT: the file is bad, give up on it (unless only the
bytes were damaged on the way: resend a couple of times); UNAUTHENTICATED /
PERMISSION_DENIED: the token is no good, stop and ask for pairing again.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import random
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import grpc
from google.protobuf import timestamp_pb2

from scripts.camera.box import BoxLink
from scripts.camera.photo import LocalPhoto
from services.errors import Unavailable
from services.runtime.client import UPLOAD_DEADLINE_S, open_channel
from services.runtime.status import field_violations
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc, common_pb2

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
#: Slowest link we allow for when setting an upload's deadline (bytes per second).
MIN_RATE_BPS = 256 * 1024


class Action(enum.Enum):
    """What to do after a failed upload."""

    RETRY = "retry"  # transient: back off and try again
    DISK_FULL = "disk_full"  # the box is full: back off longer
    WAIT_PROJECT = "wait_project"  # nobody is capturing: wait for the kiosk
    RESEND = "resend"  # the bytes arrived damaged or short: send again, a few times only
    REJECT = "reject"  # this file will never be accepted: record and move on
    STOP = "stop"  # our credentials are refused: nothing will work until re-pairing


_LIMIT_WORDS = ("too large", "too big", "limit", "megapixel", "pixels", "exceeds", "larger")
#: INVALID_ARGUMENT on these fields means the bytes were damaged or cut on the way: we
#: hash what we send, so the file itself is not at fault.
_TRANSIT_FIELDS = {"metadata.sha256", "metadata.size_bytes"}
#: How many times a photo is resent after arriving damaged before it counts as rejected.
MAX_RESENDS = 2


def classify(code: grpc.StatusCode, message: str, fields: Iterable[str] = ()) -> Action:
    """The action for a failed UploadPhoto, from its status code, message and the
    request fields its details blame."""
    text, fields = message.lower(), set(fields)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return Action.RESEND if fields and fields <= _TRANSIT_FIELDS else Action.REJECT
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        if fields:  # a limit the photo itself breaks (bytes, pixels)
            return Action.REJECT
        if "disk" in text or "space" in text or "full" in text:
            return Action.DISK_FULL
        return Action.REJECT if any(w in text for w in _LIMIT_WORDS) else Action.DISK_FULL
    if code in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND):
        return Action.WAIT_PROJECT
    if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
        return Action.STOP
    # UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, INTERNAL, anything unforeseen: the photo
    # is not at fault, so keep it and try again later.
    return Action.RETRY


def _blamed_fields(exc: grpc.aio.AioRpcError) -> list[str]:
    """The request fields a failure's BadRequest details name; none if unreadable."""
    try:
        return list(field_violations(exc))
    except Exception:  # details are a hint; a malformed trailer must not stop uploads
        log.debug("unreadable error details", exc_info=True)
        return []


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: the delay before retry number `attempt` (1-based)."""

    base_s: float
    cap_s: float

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        ceiling = min(self.cap_s, self.base_s * 2 ** max(0, attempt - 1))
        # "Equal jitter": half fixed, half random, so cameras that lost the box together
        # do not all come back in the same instant, yet none retries at once.
        return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


BACKOFF = {
    Action.RETRY: Backoff(0.5, 30.0),
    Action.DISK_FULL: Backoff(15.0, 300.0),
    Action.WAIT_PROJECT: Backoff(2.0, 10.0),
    Action.RESEND: Backoff(0.5, 2.0),
}


class CredentialsRefused(Exception):
    """The box refuses our device token: the user must pair again."""


@dataclass(frozen=True)
class Outcome:
    """How one photo's push ended: "sent", "duplicate", "rejected" or "failed"."""

    status: str
    photo_id: str = ""
    project_id: str = ""
    detail: str = ""


class Uploader:
    """Sends photos to the capture service over one channel, re-finding the box as needed."""

    def __init__(
        self,
        link: BoxLink,
        token: str,
        camera_id: str,
        *,
        stop: asyncio.Event | None = None,
    ):
        self._link = link
        self._token = token
        self._camera_id = camera_id
        self._stop = stop or asyncio.Event()
        self._channel: grpc.aio.Channel | None = None
        self._stub: capture_pb2_grpc.CaptureServiceStub | None = None
        self._channel_target = ""
        self._refind = False

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = self._stub = None

    async def push(self, photo: LocalPhoto, *, retry_for_s: float | None = None) -> Outcome:
        """Upload `photo`, retrying transient failures (for at most `retry_for_s`, if given).

        Returns "failed" only when the retry budget ran out or a stop was asked for;
        raises CredentialsRefused when the token is refused.
        """
        loop = asyncio.get_running_loop()
        give_up_at = None if retry_for_s is None else loop.time() + retry_for_s
        attempts: dict[Action, int] = {}
        last = ""
        while not self._stop.is_set():
            try:
                return await self._send_once(photo)
            except Unavailable as exc:  # mDNS found no capture service
                action, last = Action.RETRY, exc.message
            except grpc.aio.AioRpcError as exc:
                action = classify(exc.code(), exc.details() or "", _blamed_fields(exc))
                last = f"{exc.code().name}: {exc.details()}"
                if action is Action.RESEND and attempts.get(action, 0) >= MAX_RESENDS:
                    action = Action.REJECT
                if action is Action.REJECT:
                    return Outcome("rejected", detail=exc.details() or exc.code().name)
                if action is Action.STOP:
                    raise CredentialsRefused(exc.details() or exc.code().name) from exc
                if exc.code() == grpc.StatusCode.UNAVAILABLE:
                    self._refind = True  # the box may have moved: look it up again
            attempts[action] = attempts.get(action, 0) + 1
            delay = BACKOFF[action].delay(attempts[action])
            if give_up_at is not None and loop.time() + delay > give_up_at:
                return Outcome("failed", detail=last)
            self._log_wait(photo, action, attempts[action], last, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), delay)
        return Outcome("failed", detail=f"stopped before it was sent ({last or 'no attempt'})")

    def _log_wait(
        self, photo: LocalPhoto, action: Action, attempt: int, why: str, delay: float
    ) -> None:
        name = photo.version.path.name
        if action is Action.WAIT_PROJECT:
            level = logging.WARNING if attempt == 1 else logging.DEBUG
            log.log(
                level,
                "%s waits: the box takes no photos now (%s); start capturing a "
                "project on the kiosk. Retrying every few seconds",
                name,
                why,
            )
        elif action is Action.DISK_FULL:
            log.warning("%s waits: the box is out of room (%s); retry in %.0f s", name, why, delay)
        else:
            level = logging.WARNING if attempt in (1, 5) or attempt % 20 == 0 else logging.INFO
            log.log(level, "%s not sent (%s); retry %d in %.1f s", name, why, attempt, delay)

    async def _stub_for_target(self) -> capture_pb2_grpc.CaptureServiceStub:
        target = await self._link.target(refresh=self._refind)
        self._refind = False
        if self._stub is None or target != self._channel_target:
            await self.close()
            self._channel = open_channel(target, self._token)
            self._stub = capture_pb2_grpc.CaptureServiceStub(self._channel)
            self._channel_target = target
        return self._stub

    async def _send_once(self, photo: LocalPhoto) -> Outcome:
        stub = await self._stub_for_target()
        timeout = max(UPLOAD_DEADLINE_S, photo.size / MIN_RATE_BPS)
        reply = await stub.UploadPhoto(self._requests(photo), timeout=timeout)
        status = "duplicate" if reply.duplicate else "sent"
        return Outcome(status, reply.photo.id, reply.photo.project_id)

    async def _requests(self, photo: LocalPhoto) -> AsyncIterator[capture_pb2.UploadPhotoRequest]:
        taken = timestamp_pb2.Timestamp()
        taken.FromDatetime(photo.capture_time)
        yield capture_pb2.UploadPhotoRequest(
            metadata=capture_pb2.PhotoMetadata(
                # NOTE: no project_id: device tokens may only upload into the box's active
                # capture project (services/capture/ingest.py target_project).
                filename=photo.version.path.name,
                camera_id=self._camera_id,
                capture_time=taken,
                size_bytes=photo.size,
                sha256=photo.sha256,
            )
        )
        view = memoryview(photo.data)
        for offset in range(0, photo.size, CHUNK_BYTES):
            yield capture_pb2.UploadPhotoRequest(
                chunk=common_pb2.Chunk(
                    offset=offset, data=bytes(view[offset : offset + CHUNK_BYTES])
                )
            )
