"""Client channels the way every caller on the box should make them.

A token on every call, a deadline on every call that returns one message, and
transparent retries with backoff on UNAVAILABLE for the calls named idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import grpc

#: Deadline for calls that answer with one message, when the caller sets none.
DEFAULT_DEADLINE_S = 15.0
#: Deadline for uploads (client-streaming calls).
UPLOAD_DEADLINE_S = 120.0

TokenSource = str | Callable[[], str] | None


def retry_config(idempotent: Iterable[tuple[str, str]]) -> str:
    """gRPC service config retrying the given (service, method) pairs on UNAVAILABLE.

    An empty method name means every method of that service.
    """
    names = [
        {"service": service, **({"method": method} if method else {})}
        for service, method in idempotent
    ]
    config = {
        "methodConfig": [
            {
                "name": names,
                "retryPolicy": {
                    "maxAttempts": 5,
                    "initialBackoff": "0.2s",
                    "maxBackoff": "3s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        ]
    }
    return json.dumps(config)


class _Auth:
    """Adds the bearer token and a default deadline to outgoing calls."""

    def __init__(self, token: TokenSource, default_timeout: float | None):
        self._token = token
        self._timeout = default_timeout

    def _details(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        metadata = list(details.metadata or ())
        token = self._token() if callable(self._token) else self._token
        if token:
            metadata.append(("authorization", f"Bearer {token}"))
        timeout = details.timeout if details.timeout is not None else self._timeout
        return grpc.aio.ClientCallDetails(
            details.method, timeout, metadata, details.credentials, details.wait_for_ready
        )


class _UnaryUnary(_Auth, grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(self, continuation, details, request):
        return await continuation(self._details(details), request)


class _UnaryStream(_Auth, grpc.aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(self, continuation, details, request):
        return await continuation(self._details(details), request)


class _StreamUnary(_Auth, grpc.aio.StreamUnaryClientInterceptor):
    async def intercept_stream_unary(self, continuation, details, request_iterator):
        return await continuation(self._details(details), request_iterator)


def open_channel(
    target: str,
    token: TokenSource = None,
    *,
    idempotent: Iterable[tuple[str, str]] = (),
    options: list[tuple[str, Any]] | None = None,
) -> grpc.aio.Channel:
    """An asyncio channel to `target` that authenticates, times out and retries.

    Server-streaming calls (watches) get no default deadline: they are meant to last.
    """
    channel_options = [
        ("grpc.max_send_message_length", 8 * 1024 * 1024),
        ("grpc.max_receive_message_length", 8 * 1024 * 1024),
        ("grpc.enable_retries", 1),
        ("grpc.service_config", retry_config(idempotent)),
        *(options or []),
    ]
    interceptors = [
        _UnaryUnary(token, DEFAULT_DEADLINE_S),
        _UnaryStream(token, None),
        _StreamUnary(token, UPLOAD_DEADLINE_S),
    ]
    return grpc.aio.insecure_channel(target, options=channel_options, interceptors=interceptors)
