"""What the UI's clients of the box's services share: one channel per UI process to a
service found by discovery (found again after it was unreachable: it may have moved),
the token of the person each call is made for, and failures as domain errors whose
message is fit to show on screen.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, ClassVar, TypeVar

import grpc

from services import errors
from services.runtime.client import open_channel
from services.runtime.status import CODES
from stitchsketch.v1 import common_pb2

log = logging.getLogger(__name__)

_ERRORS = {code: cls for cls, code in CODES.items()}
#: Where the service is; asked again after it was unreachable.
Locate = Callable[[], Awaitable[str]]
T = TypeVar("T")
StubT = TypeVar("StubT")
#: A download: the artifact's info, then its bytes as they arrive.
Download = tuple[common_pb2.ArtifactInfo, AsyncIterator[bytes]]


def domain_error(exc: grpc.RpcError, service: str = "") -> errors.StitchError:
    """The domain error for a failed call, keeping the service's message."""
    code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
    details = (exc.details() if hasattr(exc, "details") else "") or str(code)
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        who = f"{service} service" if service else "service"
        return errors.Unavailable(f"{who} unavailable: {details}", retry_after_s=1.0)
    return _ERRORS.get(code, errors.StitchError)(details)


def auth(token: str) -> tuple[tuple[str, str], ...]:
    """Call metadata carrying a person's token."""
    return (("authorization", f"Bearer {token}"),)


class ServiceClient:
    """Base of the UI's service clients; subclasses name the service and its stubs."""

    #: The service's name as discovery knows it, e.g. "capture".
    service: ClassVar[str]
    #: (full service name, method) pairs safe to retry after UNAVAILABLE.
    idempotent: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: Extra channel options (keepalives for long watches).
    channel_options: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, locate: Locate):
        self._locate = locate
        self._target: str | None = None
        self._channel: grpc.aio.Channel | None = None
        self._stubs: dict[type, Any] = {}

    @property
    def target(self) -> str | None:
        """Where the service was last found; None before the first call."""
        return self._target

    async def stub(self, cls: type[StubT]) -> StubT:
        """A stub of `cls` on the current channel, finding the service first if needed."""
        if cls not in self._stubs:
            try:
                target = await self._locate()
            except errors.Unavailable as exc:
                raise errors.Unavailable(
                    f"{self.service} service not found: {exc.message}", retry_after_s=1.0
                ) from exc
            if self._channel is None or target != self._target:
                if self._channel is not None:
                    await self._channel.close()
                self._target = target
                self._channel = open_channel(
                    target,
                    None,  # the token travels per call: it is the person's, not the UI's
                    idempotent=self.idempotent,
                    options=self.channel_options,
                )
                self._stubs.clear()
                log.info("%s client talks to %s", self.service, target)
            self._stubs[cls] = cls(self._channel)
        return self._stubs[cls]

    def forget_target(self) -> None:
        """Find the service again on the next call (after it was unreachable)."""
        self._stubs.clear()

    def failed(self, exc: grpc.RpcError) -> errors.StitchError:
        """The domain error for `exc`; an unreachable service is looked up again next time."""
        error = domain_error(exc, self.service)
        if isinstance(error, errors.Unavailable):
            self.forget_target()
        return error

    async def _call(self, make: Callable[[tuple], Awaitable[T]], token: str) -> T:
        try:
            return await make(auth(token))
        except grpc.RpcError as exc:
            raise self.failed(exc) from exc

    async def download(self, call: Any) -> Download:
        """A streamed artifact call as (info, byte iterator): the info is awaited first,
        so an error surfaces before any byte goes to the browser; the body streams."""
        stream = call.__aiter__()
        try:
            first = await stream.__anext__()
        except StopAsyncIteration:
            raise errors.Unavailable(
                f"the {self.service} service ended a download early", retry_after_s=1.0
            ) from None
        except grpc.RpcError as exc:
            raise self.failed(exc) from exc

        async def body() -> AsyncIterator[bytes]:
            try:
                async for part in stream:
                    if part.HasField("chunk"):
                        yield part.chunk.data
            except grpc.RpcError as exc:
                raise self.failed(exc) from exc
            finally:
                call.cancel()

        return first.info, body()

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
        self._channel = None
        self._stubs.clear()
