"""gRPC adapters for CaptureService and PairingService: protos in, domain calls, protos out.

Auth, request ids and the mapping of domain errors to status codes happen in the
runtime's interceptor; each RPC's scope is declared in SCOPES below. Streaming
handlers are async generators (the interceptor wraps them as such).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import PurePosixPath

import grpc

from services.capture import converters
from services.capture.devices import DeviceRegistry
from services.capture.events import ACTIVE_CAPTURE_CHANGED, ADDED, DELETED, PhotoEvent, PhotoEvents
from services.capture.ingest import NO_ACTIVE_CAPTURE, check_upload, store_checked, target_project
from services.capture.photo_checks import Limits
from services.capture.photo_store import PhotoStore, check_photo_id, check_project_id
from services.capture.uploads import UploadAssembler
from services.errors import FailedPrecondition, InvalidArgument, NotFound
from services.runtime import tokens
from services.runtime.artifacts import artifact_parts
from services.runtime.interceptors import principal
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc, common_pb2, pairing_pb2, pairing_pb2_grpc

CAPTURE_SERVICE = capture_pb2.DESCRIPTOR.services_by_name["CaptureService"].full_name
PAIRING_SERVICE = pairing_pb2.DESCRIPTOR.services_by_name["PairingService"].full_name
#: Bytes per streamed chunk of a download (the contract says at most 1 MiB).


def _m(service: str, method: str) -> str:
    return f"/{service}/{method}"


#: Full method name → the scope a caller needs (None: public).
SCOPES: dict[str, str | None] = {
    _m(CAPTURE_SERVICE, "UploadPhoto"): tokens.PHOTOS_UPLOAD,
    _m(CAPTURE_SERVICE, "ListPhotos"): tokens.PHOTOS_READ,
    _m(CAPTURE_SERVICE, "GetPhoto"): tokens.PHOTOS_READ,
    _m(CAPTURE_SERVICE, "DeletePhoto"): tokens.PHOTOS_WRITE,
    _m(CAPTURE_SERVICE, "WatchPhotos"): tokens.PHOTOS_READ,
    _m(CAPTURE_SERVICE, "SetActiveCapture"): tokens.PHOTOS_WRITE,
    _m(CAPTURE_SERVICE, "GetActiveCapture"): tokens.PHOTOS_READ,
    _m(PAIRING_SERVICE, "CreatePairingCode"): tokens.DEVICES_PAIR,
    _m(PAIRING_SERVICE, "PairDevice"): None,
    _m(PAIRING_SERVICE, "ListDevices"): tokens.DEVICES_ADMIN,
    _m(PAIRING_SERVICE, "RevokeDevice"): tokens.DEVICES_ADMIN,
}


class CaptureServicer(capture_pb2_grpc.CaptureServiceServicer):
    """Photo ingest, listing, download, deletion, events and the active capture project."""

    def __init__(
        self,
        store: PhotoStore,
        events: PhotoEvents,
        devices: DeviceRegistry,
        limits: Limits,
        workers: int,
    ):
        self._store = store
        self._events = events
        self._devices = devices
        self._limits = limits
        # Bounds the photos being decoded at once (CPU and memory); they run in threads,
        # while the writes (mostly fsync waits) are not held to it.
        self._cpu_slots = asyncio.Semaphore(workers)

    def _project_or_active(self, project_id: str) -> str:
        if project_id:
            return check_project_id(project_id)
        active = self._store.active_project()
        if not active:
            raise FailedPrecondition(NO_ACTIVE_CAPTURE)
        return active

    async def UploadPhoto(
        self,
        request_iterator: AsyncIterator[capture_pb2.UploadPhotoRequest],
        context: grpc.aio.ServicerContext,
    ) -> capture_pb2.UploadPhotoResponse:
        who = principal()
        is_device = who.kind == "device"
        upload = UploadAssembler(self._limits)
        project = ""
        async for request in request_iterator:
            part = request.WhichOneof("part")
            if part == "chunk":
                upload.add_chunk(request.chunk.offset, request.chunk.data)
            elif part == "metadata":
                meta = upload.add_metadata(converters.upload_meta(request.metadata))
                project = target_project(self._store, meta.project_id, is_device=is_device)
            else:
                raise InvalidArgument(
                    "an upload message must hold metadata or a chunk", field="part"
                )
        camera = who.name if is_device else ""
        async with self._cpu_slots:
            checked = await asyncio.to_thread(
                check_upload, self._store, project, upload, self._limits, default_camera=camera
            )
        record, duplicate = await asyncio.to_thread(store_checked, self._store, checked)
        if not duplicate:
            self._events.publish(PhotoEvent(ADDED, project, record))
        if is_device:
            self._devices.seen(who.subject)
        return capture_pb2.UploadPhotoResponse(photo=converters.photo(record), duplicate=duplicate)

    async def ListPhotos(
        self, request: capture_pb2.ListPhotosRequest, context: grpc.aio.ServicerContext
    ) -> capture_pb2.ListPhotosResponse:
        project = self._project_or_active(request.project_id)
        records = await asyncio.to_thread(self._store.list, project)
        return capture_pb2.ListPhotosResponse(photos=[converters.photo(r) for r in records])

    async def GetPhoto(
        self, request: capture_pb2.GetPhotoRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[common_pb2.ArtifactPart]:
        project = self._project_or_active(request.project_id)
        record = self._store.get(project, request.photo_id)
        thumbnail = request.variant == capture_pb2.PHOTO_VARIANT_THUMBNAIL
        path = (
            self._store.thumbnail_path(record) if thumbnail else self._store.original_path(record)
        )
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:  # deleted between lookup and read
            raise NotFound(f"photo {record.id[:12]}… was just deleted") from exc
        stem = PurePosixPath(os.path.basename(record.filename.replace("\\", "/"))).stem
        stem = stem or record.id[:12]
        parts = artifact_parts(
            data,
            f"{stem}.thumb.jpg" if thumbnail else f"{stem}.{record.extension}",
            "image/jpeg" if thumbnail else record.content_type,
            sha256="" if thumbnail else record.id,  # an original's id is its SHA-256
        )
        for part in parts:
            yield part

    async def DeletePhoto(
        self, request: capture_pb2.DeletePhotoRequest, context: grpc.aio.ServicerContext
    ) -> capture_pb2.DeletePhotoResponse:
        project = check_project_id(request.project_id)
        check_photo_id(request.photo_id)
        record = await asyncio.to_thread(self._store.delete, project, request.photo_id)
        self._events.publish(PhotoEvent(DELETED, project, record))
        return capture_pb2.DeletePhotoResponse()

    async def WatchPhotos(
        self, request: capture_pb2.WatchPhotosRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[capture_pb2.PhotoEvent]:
        """Live events. Initial metadata is sent once subscribed, so a client that awaits
        it (then lists) misses nothing."""
        if request.project_id:
            check_project_id(request.project_id)
        subscription = self._events.subscribe(request.project_id)
        try:
            await context.send_initial_metadata(())
            async for event in subscription:
                yield converters.photo_event(event)
        finally:
            subscription.close()

    async def SetActiveCapture(
        self, request: capture_pb2.SetActiveCaptureRequest, context: grpc.aio.ServicerContext
    ) -> capture_pb2.SetActiveCaptureResponse:
        project = await asyncio.to_thread(self._store.set_active_project, request.project_id)
        self._events.publish(PhotoEvent(ACTIVE_CAPTURE_CHANGED, project))
        return capture_pb2.SetActiveCaptureResponse(project_id=project)

    async def GetActiveCapture(
        self, request: capture_pb2.GetActiveCaptureRequest, context: grpc.aio.ServicerContext
    ) -> capture_pb2.GetActiveCaptureResponse:
        return capture_pb2.GetActiveCaptureResponse(project_id=self._store.active_project())


class PairingServicer(pairing_pb2_grpc.PairingServiceServicer):
    """Pairing codes for the kiosk, device tokens for cameras, the device list."""

    def __init__(self, devices: DeviceRegistry):
        self._devices = devices

    async def CreatePairingCode(
        self, request: pairing_pb2.CreatePairingCodeRequest, context: grpc.aio.ServicerContext
    ) -> pairing_pb2.CreatePairingCodeResponse:
        code, expires = self._devices.create_code()
        return pairing_pb2.CreatePairingCodeResponse(
            code=code, expires_at=converters.timestamp(expires)
        )

    async def PairDevice(
        self, request: pairing_pb2.PairDeviceRequest, context: grpc.aio.ServicerContext
    ) -> pairing_pb2.PairDeviceResponse:
        device, token = await asyncio.to_thread(
            self._devices.pair, request.code, request.device_name
        )
        return pairing_pb2.PairDeviceResponse(
            device_id=device.id, device_token=token, box_id=self._devices.box_id
        )

    async def ListDevices(
        self, request: pairing_pb2.ListDevicesRequest, context: grpc.aio.ServicerContext
    ) -> pairing_pb2.ListDevicesResponse:
        return pairing_pb2.ListDevicesResponse(
            devices=[converters.device(d) for d in self._devices.list()]
        )

    async def RevokeDevice(
        self, request: pairing_pb2.RevokeDeviceRequest, context: grpc.aio.ServicerContext
    ) -> pairing_pb2.RevokeDeviceResponse:
        if not request.device_id:
            raise InvalidArgument("name the device to revoke", field="device_id")
        device = await asyncio.to_thread(self._devices.revoke, request.device_id)
        return pairing_pb2.RevokeDeviceResponse(device=converters.device(device))
