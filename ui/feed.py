"""One WatchPhotos stream per UI process, fanned out to every page that shows photos.

Capture announces each stored or deleted photo once; this task relays the event to
the subscribers of its project (and to those of every project) so all connected
browsers update within a second. When capture goes away the task retries with
backoff, tells the pages (a banner), and on reconnect asks them to reload, since
events may have been missed meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import grpc

from services import errors
from stitchsketch.v1 import capture_pb2
from ui.capture_client import CaptureClient
from ui.service_client import domain_error

log = logging.getLogger(__name__)

#: A subscriber gets each event of its project; None means "reload, you may have missed some".
Subscriber = Callable[[capture_pb2.PhotoEvent | None], None]
ALL = ""
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 5.0)


class PhotoFeed:
    """Relays capture's photo events to subscribers; reconnects when capture restarts."""

    def __init__(self, capture: CaptureClient, token: Callable[[], str]):
        self._capture = capture
        self._token = token
        self._subscribers: dict[str, list[Subscriber]] = {}
        self._task: asyncio.Task[None] | None = None
        #: True while the watch stream is open.
        self.live = False
        #: What to show while not live, e.g. "capture service unavailable — retrying in 2 s".
        self.problem = "connecting to the capture service…"
        #: The project cameras upload into now ("" when none), kept current from events.
        self.active_project = ""
        self._ever_live = False

    @property
    def unavailable(self) -> bool:
        """True when pages should show the problem banner."""
        return not self.live

    def subscribe(self, project_id: str, callback: Subscriber) -> Callable[[], None]:
        """Call `callback` for events of `project_id` (ALL for every project)."""
        self._subscribers.setdefault(project_id, []).append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(KeyError, ValueError):
                self._subscribers[project_id].remove(callback)
                if not self._subscribers[project_id]:
                    del self._subscribers[project_id]

        return unsubscribe

    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._subscribers.values())

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="photo-feed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.live = False

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                await self._watch_once()
                attempt = 0  # the stream ended cleanly (capture shutting down): retry soon
                message = "capture service unavailable: it closed the photo stream"
            except asyncio.CancelledError:
                raise
            except errors.StitchError as exc:
                message = exc.message
            except Exception as exc:
                log.exception("photo feed failed")
                message = f"photo feed failed: {exc}"
            self.live = False
            delay = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
            attempt += 1
            self.problem = f"{_readable(message)} — retrying in {delay:g} s"
            log.info("photo feed: %s", self.problem)
            await asyncio.sleep(delay)

    async def _watch_once(self) -> None:
        token = self._token()
        call = await self._capture.watch(token)
        try:
            await call.initial_metadata()  # capture sends it once we are subscribed
            self.active_project = await self._capture.get_active_capture(token)
            self.live = True
            self.problem = ""
            if self._ever_live:
                log.info("photo feed reconnected; asking pages to reload")
            self._ever_live = True
            self._publish_all(None)  # whatever was shown may be stale
            async for event in call:
                self._dispatch(event)
        except grpc.RpcError as exc:
            error = domain_error(exc, "capture")
            if isinstance(error, errors.Unavailable):
                self._capture.forget_target()
            if isinstance(error, errors.Unauthenticated):
                error = errors.Unauthenticated(
                    f"capture refused the UI's token ({error.message}); the UI and capture "
                    "must share the box data directory (signing key)"
                )
            raise error from exc
        finally:
            call.cancel()

    def _dispatch(self, event: capture_pb2.PhotoEvent) -> None:
        if event.type == capture_pb2.PHOTO_EVENT_TYPE_ACTIVE_CAPTURE_CHANGED:
            self.active_project = event.project_id
        for key in {event.project_id, ALL}:
            for callback in list(self._subscribers.get(key, ())):
                _safely(callback, event)

    def _publish_all(self, event: capture_pb2.PhotoEvent | None) -> None:
        for callbacks in list(self._subscribers.values()):
            for callback in list(callbacks):
                _safely(callback, event)


def _safely(callback: Subscriber, event: capture_pb2.PhotoEvent | None) -> None:
    try:
        callback(event)
    except Exception:
        log.exception("photo feed subscriber failed")


def _readable(message: str) -> str:
    """Capture service unavailable, not a gRPC dump."""
    if message.startswith("capture service unavailable"):
        return "capture service unavailable"
    return message
