"""The interceptor on a real server: request ids, refusals, abandoned streams."""

from __future__ import annotations

import asyncio
import logging

import grpc
import pytest

from services.capture.app import Capture
from services.runtime.client import open_channel
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc
from tests.services.capture.helpers import jpeg, stream, upload_requests


async def test_a_stream_the_client_abandons_ends_quietly(
    capture_server: Capture, staff_token: str, caplog: pytest.LogCaptureFixture
) -> None:
    photo = jpeg(2400, 1800, seed=3)  # several chunks
    async with open_channel(capture_server.runtime.target, staff_token) as channel:
        stub = capture_pb2_grpc.CaptureServiceStub(channel)
        stored = await stub.UploadPhoto(
            stream(upload_requests(photo, project_id="p1", filename="a.jpg"))
        )
        request = capture_pb2.GetPhotoRequest(project_id="p1", photo_id=stored.photo.id)
        for _ in range(3):
            async for _part in stub.GetPhoto(request):
                break  # stop reading after the first part
            call = stub.WatchPhotos(capture_pb2.WatchPhotosRequest())
            await call.initial_metadata()
            call.cancel()
        await stub.ListPhotos(capture_pb2.ListPhotosRequest(project_id="p1"))
    await asyncio.sleep(0.5)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


async def test_refusals_carry_the_request_id_the_client_sent(capture_server: Capture) -> None:
    async with open_channel(capture_server.runtime.target, None) as channel:
        stub = capture_pb2_grpc.CaptureServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.ListPhotos(
                capture_pb2.ListPhotosRequest(project_id="p1"),
                metadata=(("x-request-id", "abc123"),),
            )
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "Bearer" in (caught.value.details() or "")
    from google.rpc import error_details_pb2
    from grpc_status import rpc_status

    status = rpc_status.from_call(caught.value)
    info = error_details_pb2.ErrorInfo()
    assert status is not None and status.details[0].Unpack(info)
    assert info.metadata["request_id"] == "abc123" and info.reason == "Unauthenticated"
