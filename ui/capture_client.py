"""The UI's client of the capture service: one channel per process, a token per call.

Each call carries the token of the person on whose behalf it is made, so capture
enforces that person's role. Failures come back as domain errors (services.errors)
whose message is fit to show on screen.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from stitchsketch.v1 import capture_pb2, capture_pb2_grpc, common_pb2, pairing_pb2, pairing_pb2_grpc
from ui.service_client import ServiceClient, auth

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
_CAPTURE = "stitchsketch.v1.CaptureService"
_PAIRING = "stitchsketch.v1.PairingService"
#: Calls safe to repeat when capture was briefly unreachable.
IDEMPOTENT = (
    (_CAPTURE, "ListPhotos"),
    (_CAPTURE, "GetPhoto"),
    (_CAPTURE, "GetActiveCapture"),
    (_CAPTURE, "SetActiveCapture"),
    (_PAIRING, "ListDevices"),
    (_PAIRING, "RevokeDevice"),
)


class CaptureClient(ServiceClient):
    """Async calls to capture (and pairing, which capture hosts)."""

    service = "capture"
    idempotent = IDEMPOTENT
    channel_options: ClassVar[list[tuple[str, Any]]] = [
        ("grpc.keepalive_time_ms", 20_000),  # the photo watch lasts for hours
        ("grpc.keepalive_timeout_ms", 10_000),
    ]

    # --- photos -------------------------------------------------------------------

    async def list_photos(self, token: str, project_id: str) -> list[capture_pb2.Photo]:
        capture = await self.stub(capture_pb2_grpc.CaptureServiceStub)
        request = capture_pb2.ListPhotosRequest(project_id=project_id)
        response = await self._call(lambda md: capture.ListPhotos(request, metadata=md), token)
        return list(response.photos)

    async def upload_photo(
        self,
        token: str,
        *,
        project_id: str,
        filename: str,
        chunks: AsyncIterator[bytes],
        size_bytes: int = 0,
        camera_id: str = "",
    ) -> capture_pb2.UploadPhotoResponse:
        """Stream one file to capture in chunks of at most 1 MiB."""
        capture = await self.stub(capture_pb2_grpc.CaptureServiceStub)

        async def requests() -> AsyncIterator[capture_pb2.UploadPhotoRequest]:
            yield capture_pb2.UploadPhotoRequest(
                metadata=capture_pb2.PhotoMetadata(
                    project_id=project_id,
                    filename=filename,
                    camera_id=camera_id,
                    size_bytes=size_bytes,
                )
            )
            offset = 0
            async for data in chunks:
                for start in range(0, len(data), CHUNK_BYTES):
                    piece = data[start : start + CHUNK_BYTES]
                    yield capture_pb2.UploadPhotoRequest(
                        chunk=common_pb2.Chunk(offset=offset, data=piece)
                    )
                    offset += len(piece)

        return await self._call(lambda md: capture.UploadPhoto(requests(), metadata=md), token)

    async def get_photo(
        self, token: str, project_id: str, photo_id: str, *, thumbnail: bool
    ) -> tuple[common_pb2.ArtifactInfo, AsyncIterator[bytes]]:
        """The photo's info and an iterator over its bytes (streamed, not buffered)."""
        capture = await self.stub(capture_pb2_grpc.CaptureServiceStub)
        variant = (
            capture_pb2.PHOTO_VARIANT_THUMBNAIL if thumbnail else capture_pb2.PHOTO_VARIANT_ORIGINAL
        )
        request = capture_pb2.GetPhotoRequest(
            project_id=project_id, photo_id=photo_id, variant=variant
        )
        call = capture.GetPhoto(request, metadata=auth(token), timeout=60)
        return await self.download(call)

    async def delete_photo(self, token: str, project_id: str, photo_id: str) -> None:
        capture = await self.stub(capture_pb2_grpc.CaptureServiceStub)
        request = capture_pb2.DeletePhotoRequest(project_id=project_id, photo_id=photo_id)
        await self._call(lambda md: capture.DeletePhoto(request, metadata=md), token)

    async def watch(self, token: str, project_id: str = ""):
        """A WatchPhotos call (an async iterator of PhotoEvent) that lasts until cancelled."""
        capture = await self.stub(capture_pb2_grpc.CaptureServiceStub)
        request = capture_pb2.WatchPhotosRequest(project_id=project_id)
        return capture.WatchPhotos(request, metadata=auth(token))

    async def set_active_capture(self, token: str, project_id: str) -> str:
        capture = await self.stub(capture_pb2_grpc.CaptureServiceStub)
        request = capture_pb2.SetActiveCaptureRequest(project_id=project_id)
        response = await self._call(
            lambda md: capture.SetActiveCapture(request, metadata=md), token
        )
        return response.project_id

    async def get_active_capture(self, token: str) -> str:
        capture = await self.stub(capture_pb2_grpc.CaptureServiceStub)
        request = capture_pb2.GetActiveCaptureRequest()
        response = await self._call(
            lambda md: capture.GetActiveCapture(request, metadata=md), token
        )
        return response.project_id

    # --- pairing ------------------------------------------------------------------

    async def create_pairing_code(self, token: str) -> pairing_pb2.CreatePairingCodeResponse:
        pairing = await self.stub(pairing_pb2_grpc.PairingServiceStub)
        request = pairing_pb2.CreatePairingCodeRequest()
        return await self._call(lambda md: pairing.CreatePairingCode(request, metadata=md), token)

    async def list_devices(self, token: str) -> list[pairing_pb2.Device]:
        pairing = await self.stub(pairing_pb2_grpc.PairingServiceStub)
        request = pairing_pb2.ListDevicesRequest()
        response = await self._call(lambda md: pairing.ListDevices(request, metadata=md), token)
        return list(response.devices)

    async def revoke_device(self, token: str, device_id: str) -> pairing_pb2.Device:
        pairing = await self.stub(pairing_pb2_grpc.PairingServiceStub)
        request = pairing_pb2.RevokeDeviceRequest(device_id=device_id)
        response = await self._call(lambda md: pairing.RevokeDevice(request, metadata=md), token)
        return response.device
