"""Photo events inside the capture process: one bounded queue per watcher.

Publishing never waits: a watcher whose queue is full is cut off (its stream ends
with UNAVAILABLE so the client lists again and re-watches) instead of slowing the
uploads or the other watchers. Publish and subscribe on the event loop's thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from services.capture.records import PhotoRecord
from services.errors import Unavailable

log = logging.getLogger(__name__)

ADDED, DELETED, ACTIVE_CAPTURE_CHANGED = "added", "deleted", "active_capture_changed"


@dataclass(frozen=True)
class PhotoEvent:
    """Something that happened to a project's photos."""

    type: str
    project_id: str
    photo: PhotoRecord | None = None


_CLOSED = object()  # queue sentinel: the hub is shutting down
_OVERFLOW = object()  # queue sentinel: this watcher fell behind


class Subscription:
    """One watcher's view of the events; iterate it asynchronously."""

    def __init__(self, hub: PhotoEvents, project_id: str, size: int):
        self.project_id = project_id
        self._hub = hub
        # One slot more than `size`, kept for the sentinel that ends the stream.
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize=size + 1)
        self._size = size
        self._ended = False

    def _offer(self, event: PhotoEvent) -> None:
        if self._ended:
            return
        # The active capture project is box-wide news: every watcher hears of it.
        if event.type != ACTIVE_CAPTURE_CHANGED and self.project_id not in ("", event.project_id):
            return
        if self._queue.qsize() >= self._size:
            log.warning("a photo watcher fell %d events behind; cutting it off", self._size)
            self._end(_OVERFLOW)
            return
        self._queue.put_nowait(event)

    def _end(self, sentinel: object) -> None:
        if not self._ended:
            self._ended = True
            self._queue.put_nowait(sentinel)

    def close(self) -> None:
        self._hub._unsubscribe(self)

    def __aiter__(self) -> AsyncIterator[PhotoEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[PhotoEvent]:
        try:
            while True:
                item = await self._queue.get()
                if item is _CLOSED:
                    return
                if item is _OVERFLOW:
                    raise Unavailable(
                        "this photo watch fell behind: list the photos again and re-watch",
                        retry_after_s=0.5,
                    )
                yield item  # type: ignore[misc]
        finally:
            self.close()


class PhotoEvents:
    """The hub: publish events, subscribe watchers."""

    def __init__(self, queue_size: int = 256):
        self._queue_size = queue_size
        self._subscribers: set[Subscription] = set()
        self._closed = False

    def subscribe(self, project_id: str = "") -> Subscription:
        """A new watcher of one project ("" for all); it sees events published after this."""
        sub = Subscription(self, project_id, self._queue_size)
        if self._closed:
            sub._end(_CLOSED)
        else:
            self._subscribers.add(sub)
        return sub

    def publish(self, event: PhotoEvent) -> None:
        for sub in list(self._subscribers):
            sub._offer(event)

    @property
    def watchers(self) -> int:
        return len(self._subscribers)

    async def close(self) -> None:
        """End every watch stream (at shutdown, so draining does not wait on them)."""
        self._closed = True
        for sub in list(self._subscribers):
            sub._end(_CLOSED)
        self._subscribers.clear()

    def _unsubscribe(self, sub: Subscription) -> None:
        self._subscribers.discard(sub)
