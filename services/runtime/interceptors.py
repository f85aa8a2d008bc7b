"""One server interceptor around every call: request id, authentication, scope check,
and the mapping of domain errors to gRPC status codes.

Each RPC's required scope is declared next to its servicer (a dict of full method name
to scope, None for public calls); a method with no declaration is refused, so a new
RPC can never be exposed by accident.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any

import grpc

from services import errors
from services.runtime import status
from services.runtime.logs import request_id
from services.runtime.tokens import Principal, TokenSigner

log = logging.getLogger(__name__)

#: The caller of the RPC being served; None for public calls.
current_principal: ContextVar[Principal | None] = ContextVar("current_principal", default=None)

#: Calls that never need a token.
PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")

# A client still writing its request stream when the error status arrives may be shown
# INTERNAL "Internal error from Core" instead of the status (grpc/grpc#36066, asyncio
# clients). So a refused client-streaming call's requests are read to their end (and
# dropped) before the status is sent, within these bounds.
DRAIN_BYTES = 80 * 1024 * 1024
DRAIN_S = 5.0

Scopes = Mapping[str, str | None]


def principal() -> Principal:
    """The authenticated caller; for servicers that need to know who calls."""
    found = current_principal.get()
    if found is None:
        raise errors.Unauthenticated("this call needs a token")
    return found


class CallInterceptor(grpc.aio.ServerInterceptor):
    """Request id, auth and error mapping for every RPC of a server."""

    def __init__(
        self,
        signer: TokenSigner,
        scopes: Scopes,
        *,
        is_revoked: Callable[[Principal], bool] | None = None,
    ):
        self._signer = signer
        self._scopes = scopes
        self._is_revoked = is_revoked

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        if handler is None or details.method.startswith(PUBLIC_PREFIXES):
            return handler
        return _wrap(handler, details.method, self._around)

    @contextlib.asynccontextmanager
    async def _around(
        self,
        method: str,
        context: grpc.aio.ServicerContext,
        requests: AsyncIterator[Any] | None = None,
    ) -> AsyncIterator[None]:
        metadata = dict(context.invocation_metadata() or ())
        rid = str(metadata.get("x-request-id") or uuid.uuid4().hex[:12])
        rid_token = request_id.set(rid)
        who_token = current_principal.set(None)
        started = time.monotonic()
        try:
            current_principal.set(self._authenticate(method, metadata))
            yield
        except errors.StitchError as exc:
            log.info("%s refused: %s: %s", method, type(exc).__name__, exc.message)
            st = status.to_status(exc, rid)
            if requests is not None:
                await _drain(requests)
            await context.abort(st.code, st.details, st.trailing_metadata)
        except grpc.aio.AbortError:
            raise
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                log.exception("%s failed", method)
                st = status.internal_status(rid)
            else:
                full = errors.ResourceExhausted("the box's disk is full: free space, then retry")
                st = status.to_status(full, rid)
            await context.abort(st.code, st.details, st.trailing_metadata)
        except Exception:
            log.exception("%s failed", method)
            st = status.internal_status(rid)
            await context.abort(st.code, st.details, st.trailing_metadata)
        finally:
            log.debug("%s done in %.3f s", method, time.monotonic() - started)
            # A streaming call the client abandoned is closed from another context,
            # where these tokens cannot be reset; that context dies with the call anyway.
            with contextlib.suppress(ValueError):
                current_principal.reset(who_token)
                request_id.reset(rid_token)

    def _authenticate(self, method: str, metadata: Mapping[str, Any]) -> Principal | None:
        if method not in self._scopes:
            log.error("RPC %s has no scope declared; refusing it", method)
            raise errors.PermissionDenied(f"{method} is not open to any caller")
        scope = self._scopes[method]
        if scope is None:
            return None
        header = str(metadata.get("authorization", ""))
        if not header:
            raise errors.Unauthenticated("missing token: send 'authorization: Bearer <token>'")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise errors.Unauthenticated("authorization must be 'Bearer <token>'")
        who = self._signer.verify(token.strip())
        if who.kind == "device" and self._is_revoked and self._is_revoked(who):
            raise errors.Unauthenticated("this device was unpaired: pair it again")
        who.require(scope)
        return who


async def _drain(requests: AsyncIterator[Any]) -> None:
    """Read what is left of a refused request stream, within DRAIN_BYTES and DRAIN_S."""
    received = 0
    try:
        async with asyncio.timeout(DRAIN_S):
            async for message in requests:
                received += message.ByteSize()
                if received > DRAIN_BYTES:
                    return
    except Exception:  # timed out, client gone, …: send the status anyway
        return


def _wrap(
    handler: grpc.RpcMethodHandler,
    method: str,
    around: Callable[..., contextlib.AbstractAsyncContextManager],
) -> grpc.RpcMethodHandler:
    """The same handler with `around` entered for the whole of each call."""

    def unary_response(behavior, streamed: bool = False):
        async def call(request_or_iterator, context):
            requests = request_or_iterator if streamed else None
            async with around(method, context, requests):
                return await behavior(request_or_iterator, context)

        return call

    def stream_response(behavior):
        async def call(request_or_iterator, context):
            async with around(method, context):
                async for response in behavior(request_or_iterator, context):
                    yield response

        return call

    kwargs = {
        "request_deserializer": handler.request_deserializer,
        "response_serializer": handler.response_serializer,
    }
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(unary_response(handler.unary_unary), **kwargs)
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(stream_response(handler.unary_stream), **kwargs)
    if handler.stream_unary:
        behavior = unary_response(handler.stream_unary, streamed=True)
        return grpc.stream_unary_rpc_method_handler(behavior, **kwargs)
    # Not drained: a bidirectional client may wait for answers before it closes.
    return grpc.stream_stream_rpc_method_handler(stream_response(handler.stream_stream), **kwargs)
