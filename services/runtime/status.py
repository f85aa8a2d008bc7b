"""The one place domain errors become gRPC status codes with details.

Details follow google.rpc (BadRequest names the field, RetryInfo says when to retry,
ErrorInfo carries the error class), so a client in any language can read them.
"""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from services import errors

CODES: dict[type[errors.StitchError], grpc.StatusCode] = {
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    errors.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    errors.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.Unavailable: grpc.StatusCode.UNAVAILABLE,
    errors.Cancelled: grpc.StatusCode.CANCELLED,
}

DOMAIN = "stitchsketch.v1"


def code_for(exc: errors.StitchError) -> grpc.StatusCode:
    for cls in type(exc).__mro__:
        if cls in CODES:
            return CODES[cls]
    return grpc.StatusCode.UNKNOWN


def to_status(exc: errors.StitchError, request_id: str = "") -> grpc.Status:
    """A grpc.Status for `exc`, with details in the trailing metadata."""
    code = code_for(exc)
    details: list[any_pb2.Any] = []
    info = error_details_pb2.ErrorInfo(
        reason=type(exc).__name__, domain=DOMAIN, metadata={"request_id": request_id}
    )
    details.append(_pack(info))
    if exc.field:
        violation = error_details_pb2.BadRequest.FieldViolation(
            field=exc.field, description=exc.message
        )
        details.append(_pack(error_details_pb2.BadRequest(field_violations=[violation])))
    if exc.retry_after_s:
        delay = duration_pb2.Duration()
        delay.FromNanoseconds(int(exc.retry_after_s * 1e9))
        details.append(_pack(error_details_pb2.RetryInfo(retry_delay=delay)))
    proto = status_pb2.Status(code=code.value[0], message=exc.message, details=details)
    return rpc_status.to_status(proto)


def internal_status(request_id: str) -> grpc.Status:
    """What a caller sees for a bug: no internals, but the id to find it in the log."""
    proto = status_pb2.Status(
        code=code_pb2.INTERNAL,
        message=f"internal error; the box log has the details under request id {request_id}",
    )
    return rpc_status.to_status(proto)


def field_violations(error: grpc.RpcError) -> dict[str, str]:
    """Client side: the BadRequest field violations of a failed call, field → text."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    found: dict[str, str] = {}
    for detail in status.details if status else []:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found.update({v.field: v.description for v in bad.field_violations})
    return found


def _pack(message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed
