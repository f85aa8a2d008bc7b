"""Trading the code shown on the kiosk for a device token, once."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import grpc

from scripts.camera.state import Credentials, save_credentials
from services.errors import FailedPrecondition, InvalidArgument, Unavailable
from services.runtime.client import open_channel
from stitchsketch.v1 import pairing_pb2, pairing_pb2_grpc

log = logging.getLogger(__name__)

#: Waits this long for the box to accept the connection before giving up.
PAIR_DEADLINE_S = 20.0


async def pair(target: str, code: str, name: str, state_dir: Path) -> Credentials:
    """Pair with the box at `target` and store the device token under `state_dir`.

    PairDevice is not retried: each code works once, so a blind retry after a lost
    answer would only fail with "code already used". The call waits for the connection
    instead (wait_for_ready), which covers a box that is still starting.
    """
    code = code.strip().replace(" ", "").replace("-", "")
    if not code:
        raise InvalidArgument(
            "the pairing code is empty: type the code the kiosk shows", field="code"
        )
    async with open_channel(target) as channel:
        stub = pairing_pb2_grpc.PairingServiceStub(channel)
        try:
            reply = await stub.PairDevice(
                pairing_pb2.PairDeviceRequest(code=code, device_name=name),
                timeout=PAIR_DEADLINE_S,
                wait_for_ready=True,
            )
        except grpc.aio.AioRpcError as exc:
            raise _pairing_error(exc, target) from exc
    creds = Credentials(
        device_id=reply.device_id,
        device_token=reply.device_token,
        box_id=reply.box_id,
        name=name,
        target=target,
        paired_at=time.time(),
    )
    path = save_credentials(state_dir, creds)
    log.info(
        "paired as %r with box %s (device %s); token stored in %s",
        name,
        creds.box_id,
        creds.device_id,
        path,
    )
    return creds


def _pairing_error(exc: grpc.aio.AioRpcError, target: str) -> Exception:
    code, text = exc.code(), exc.details() or ""
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return Unavailable(f"the box at {target} did not answer ({text}); is it on and reachable?")
    if code in (
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.PERMISSION_DENIED,
        grpc.StatusCode.UNAUTHENTICATED,
        grpc.StatusCode.FAILED_PRECONDITION,
    ):
        return InvalidArgument(
            f"pairing refused: {text or code.name}. Make a new code on the kiosk's camera "
            "pairing screen and try again (codes expire and work once)",
            field="code",
        )
    return FailedPrecondition(f"pairing failed: {code.name}: {text}")
