"""The capture service end to end over real gRPC on loopback: upload, list, get, delete,
watch, idempotency, formats, orientation, focal length, active capture."""

from __future__ import annotations

import asyncio
import io
import math
import time

import grpc
import numpy as np
import pytest
from PIL import Image

from services.capture.app import Capture
from stitchsketch.v1 import capture_pb2
from tests.services.capture import helpers
from tests.services.capture.helpers import PROJECT, Client


@pytest.fixture
async def staff(capture_server: Capture, staff_token: str):
    async with Client(capture_server.runtime.target, staff_token) as client:
        await client.set_active(PROJECT)
        yield client


async def next_event(watch, timeout: float = 5.0) -> capture_pb2.PhotoEvent:
    return await asyncio.wait_for(watch.read(), timeout)


async def test_upload_list_get_delete_and_watch(staff: Client) -> None:
    watch = staff.stub.WatchPhotos(capture_pb2.WatchPhotosRequest(project_id=PROJECT))
    await watch.initial_metadata()  # subscribed: nothing from now on is missed
    data = helpers.jpeg(640, 480, seed=1)

    reply = await staff.upload(data, filename="IMG_0001.JPG", camera_id="tablet-1")

    photo = reply.photo
    assert not reply.duplicate
    assert photo.id == helpers.sha256(data) and photo.project_id == PROJECT
    assert (photo.format, photo.width, photo.height) == ("jpeg", 640, 480)
    assert photo.filename == "IMG_0001.JPG" and photo.camera_id == "tablet-1"
    assert photo.size_bytes == len(data)
    assert photo.quality.verdict != capture_pb2.QUALITY_VERDICT_UNSPECIFIED
    assert photo.quality.sharpness > 0 and 0 < photo.quality.mean_brightness < 1
    assert photo.quality.megapixels == pytest.approx(0.31, abs=0.01)
    event = await next_event(watch)
    assert event.type == capture_pb2.PHOTO_EVENT_TYPE_ADDED and event.photo.id == photo.id

    assert [p.id for p in await staff.list()] == [photo.id]
    info, body = await staff.get(photo.id)
    assert body == data and info.sha256 == photo.id and info.content_type == "image/jpeg"
    assert info.name == "IMG_0001.jpg" and info.size_bytes == len(data)
    info, thumb = await staff.get(photo.id, thumbnail=True)
    assert Image.open(io.BytesIO(thumb)).size == (320, 240)
    assert info.sha256 == helpers.sha256(thumb)

    await staff.stub.DeletePhoto(
        capture_pb2.DeletePhotoRequest(project_id=PROJECT, photo_id=photo.id)
    )
    event = await next_event(watch)
    assert event.type == capture_pb2.PHOTO_EVENT_TYPE_DELETED and event.photo.id == photo.id
    assert await staff.list() == []
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await staff.get(photo.id)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    watch.cancel()


async def test_same_bytes_twice_store_one_photo(staff: Client) -> None:
    data = helpers.jpeg(seed=2)
    first = await staff.upload(data, filename="a.jpg")
    again = await staff.upload(data, filename="a-retry.jpg", sha256=helpers.sha256(data))
    assert not first.duplicate and again.duplicate
    assert again.photo == first.photo
    assert [p.id for p in await staff.list()] == [first.photo.id]


async def test_concurrent_identical_uploads_store_one_photo(staff: Client) -> None:
    data = helpers.jpeg(seed=3)
    replies = await asyncio.gather(*(staff.upload(data) for _ in range(4)))
    assert sum(not r.duplicate for r in replies) == 1
    assert len({r.photo.id for r in replies}) == 1
    assert len(await staff.list()) == 1


@pytest.mark.parametrize(
    ("make", "fmt"),
    [(helpers.png, "png"), (helpers.heic, "heic")],
    ids=["png", "heic"],
)
async def test_png_and_heic_are_accepted(staff: Client, make, fmt: str) -> None:
    data = make(480, 360, seed=4)
    photo = (await staff.upload(data, filename=f"x.{fmt}")).photo
    assert (photo.format, photo.width, photo.height) == (fmt, 480, 360)
    info, body = await staff.get(photo.id)
    assert body == data and info.content_type == f"image/{fmt}"
    _, thumb = await staff.get(photo.id, thumbnail=True)
    assert Image.open(io.BytesIO(thumb)).size == (320, 240)


async def test_exif_orientation_and_focal_length(staff: Client) -> None:
    # Stored 640×480 but tagged "rotate 90° clockwise to view" (orientation 6).
    data = helpers.jpeg(640, 480, seed=5, orientation=6, focal_35mm=26, make="Apple", model="X")
    photo = (await staff.upload(data)).photo
    assert (photo.width, photo.height) == (480, 640)
    assert photo.exif.orientation == 6
    assert (photo.exif.make, photo.exif.model) == ("Apple", "X")
    assert photo.exif.focal_length_35mm == 26
    expected_px = 26 * math.hypot(640, 480) / math.hypot(36, 24)
    assert photo.exif.focal_length_px == pytest.approx(expected_px, abs=0.01)
    _, thumb = await staff.get(photo.id, thumbnail=True)
    assert Image.open(io.BytesIO(thumb)).size == (240, 320)


async def test_thumbnail_is_upright(staff: Client) -> None:
    pixels = helpers.photo_pixels(640, 480, seed=6)
    pixels[:, :320] = 0  # left half black: after a 90° clockwise turn, the top half is
    photo = (await staff.upload(helpers.jpeg(pixels=pixels, orientation=6))).photo
    _, thumb = await staff.get(photo.id, thumbnail=True)
    grey = np.asarray(Image.open(io.BytesIO(thumb)).convert("L"))
    assert grey.shape == (320, 240)
    assert grey[:150].mean() < 20 < 60 < grey[170:].mean()


async def test_staff_name_a_project_and_default_to_the_active_one(staff: Client) -> None:
    other = (await staff.upload(helpers.jpeg(seed=7), project_id="chair-9")).photo
    active = (await staff.upload(helpers.jpeg(seed=8))).photo
    assert other.project_id == "chair-9" and active.project_id == PROJECT
    assert [p.id for p in await staff.list("chair-9")] == [other.id]
    reply = await staff.stub.ListPhotos(capture_pb2.ListPhotosRequest())  # active project
    assert [p.id for p in reply.photos] == [active.id]


async def test_watch_filters_by_project_and_hears_active_capture(staff: Client) -> None:
    watch = staff.stub.WatchPhotos(capture_pb2.WatchPhotosRequest(project_id="chair-9"))
    await watch.initial_metadata()
    await staff.upload(helpers.jpeg(seed=9))  # into PROJECT: not for this watcher
    await staff.set_active("chair-9")
    event = await next_event(watch)
    assert event.type == capture_pb2.PHOTO_EVENT_TYPE_ACTIVE_CAPTURE_CHANGED
    assert event.project_id == "chair-9"
    photo = (await staff.upload(helpers.jpeg(seed=10))).photo
    event = await next_event(watch)
    assert event.type == capture_pb2.PHOTO_EVENT_TYPE_ADDED and event.photo.id == photo.id
    watch.cancel()


async def test_uploads_without_a_project_need_an_active_capture(staff: Client) -> None:
    await staff.set_active("")
    reply = await staff.stub.GetActiveCapture(capture_pb2.GetActiveCaptureRequest())
    assert reply.project_id == ""
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await staff.upload(helpers.jpeg(seed=11))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "start capture on the kiosk" in (err.value.details() or "")


async def test_near_duplicate_is_flagged(staff: Client) -> None:
    pixels = helpers.photo_pixels(seed=12)
    first = (await staff.upload(helpers.jpeg(pixels=pixels, quality=90))).photo
    second = (await staff.upload(helpers.jpeg(pixels=pixels, quality=70))).photo
    assert first.id != second.id
    assert second.quality.near_duplicate_of == first.id
    assert "near_duplicate" in [r.code for r in second.quality.reasons]


async def test_photos_and_active_capture_survive_a_restart(capture_factory, staff_token) -> None:
    first = await capture_factory()
    async with Client(first.runtime.target, staff_token) as client:
        await client.set_active(PROJECT)
        photo = (await client.upload(helpers.jpeg(seed=13))).photo
    await first.runtime.stop(grace=0.2)
    second = await capture_factory()
    async with Client(second.runtime.target, staff_token) as client:
        assert [p.id for p in await client.list()] == [photo.id]
        assert (await client.list())[0] == photo
        reply = await client.stub.GetActiveCapture(capture_pb2.GetActiveCaptureRequest())
        assert reply.project_id == PROJECT


async def test_shutdown_ends_watch_streams_without_waiting_out_the_grace(
    capture_server: Capture, staff_token: str
) -> None:
    async with Client(capture_server.runtime.target, staff_token) as client:
        watch = client.stub.WatchPhotos(capture_pb2.WatchPhotosRequest())
        await watch.initial_metadata()
        started = time.monotonic()
        await capture_server.runtime.stop(grace=10)
        assert [event async for event in watch] == []
        assert await watch.code() == grpc.StatusCode.OK
        assert time.monotonic() - started < 5
