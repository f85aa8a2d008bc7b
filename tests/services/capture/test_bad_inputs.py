"""The bad-input table: every bad upload or caller gets the right status code and a
message a person can act on (with the field at fault where there is one), and nothing
already stored is lost."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from services.capture.app import Capture
from services.runtime.status import field_violations
from services.runtime.tokens import TokenSigner
from stitchsketch.v1 import capture_pb2
from tests.services.capture import helpers
from tests.services.capture.helpers import PROJECT, Client, stream, upload_requests

C = grpc.StatusCode


@dataclass
class Box:
    target: str
    signer: TokenSigner
    staff: str
    viewer: str
    device: str
    stored: capture_pb2.Photo
    stored_bytes: bytes
    folder: Path


@pytest.fixture
async def box(capture_server: Capture, signer, staff_token, viewer_token, device_token) -> Box:
    """A server with one good photo stored before the bad call."""
    data = helpers.jpeg(seed=100)
    async with Client(capture_server.runtime.target, staff_token) as staff:
        await staff.set_active(PROJECT)
        stored = (await staff.upload(data, filename="good.jpg")).photo
    folder = capture_server.store.root / "projects" / PROJECT
    return Box(
        capture_server.runtime.target,
        signer,
        staff_token,
        viewer_token,
        device_token,
        stored,
        data,
        folder,
    )


def upload(token_of: Callable[[Box], str | None], requests_of: Callable[[], list]):
    """A call that streams `requests_of()` as the holder of `token_of(box)`."""

    async def call(box: Box) -> None:
        async with Client(box.target, token_of(box)) as client:
            await client.stub.UploadPhoto(stream(requests_of()))

    return call


def staff_upload(requests_of: Callable[[], list]):
    return upload(lambda b: b.staff, requests_of)


def jpeg_chunks(**meta: object) -> list:
    return upload_requests(helpers.jpeg(seed=101), chunk=8 * 1024, **meta)


def swapped(requests: list, i: int, j: int) -> list:
    requests[i], requests[j] = requests[j], requests[i]
    return requests


def as_caller(token_of: Callable[[Box], str | None], rpc: str):
    """A unary capture call (`rpc`) on the stored photo as the holder of `token_of(box)`."""

    async def call(box: Box) -> None:
        async with Client(box.target, token_of(box)) as client:
            if rpc == "ListPhotos":
                await client.list()
            elif rpc == "DeletePhoto":
                request = capture_pb2.DeletePhotoRequest(project_id=PROJECT, photo_id=box.stored.id)
                await client.stub.DeletePhoto(request)
            else:
                raise ValueError(rpc)

    return call


def expired(box: Box) -> str:
    return box.signer.issue("staff-1", "staff", ttl_s=-10)


def forged(box: Box) -> str:
    return TokenSigner(b"not the box key" * 4, box.signer.box_id).issue("staff-1", "owner")


JPEG = helpers.jpeg(seed=101)

Case = tuple[Callable[[Box], Awaitable[None]], grpc.StatusCode, str, str]
CASES: dict[str, Case] = {
    "not an image": (
        staff_upload(lambda: upload_requests(b"%PDF-1.7\n" + bytes(5000))),
        C.INVALID_ARGUMENT,
        "not a photo",
        "chunk.data",
    ),
    "truncated JPEG": (
        staff_upload(lambda: upload_requests(JPEG[: len(JPEG) * 6 // 10])),
        C.INVALID_ARGUMENT,
        "cut short",
        "chunk.data",
    ),
    "200 MP PNG bomb": (
        staff_upload(lambda: upload_requests(helpers.png_bomb(20_000, 10_000))),
        C.RESOURCE_EXHAUSTED,
        "200 MP",
        "chunk.data",
    ),
    "over the byte limit (announced)": (
        staff_upload(lambda: upload_requests(JPEG, size_bytes=61_000_000)),
        C.RESOURCE_EXHAUSTED,
        "larger than the box accepts (60 MB)",
        "chunk.data",
    ),
    "empty stream": (staff_upload(lambda: []), C.INVALID_ARGUMENT, "empty upload", "metadata"),
    "metadata but no bytes": (
        staff_upload(lambda: upload_requests(b"")),
        C.INVALID_ARGUMENT,
        "no photo bytes",
        "chunk",
    ),
    "chunk before metadata": (
        staff_upload(lambda: swapped(jpeg_chunks(), 0, 1)),
        C.INVALID_ARGUMENT,
        "first message",
        "metadata",
    ),
    "metadata twice": (
        staff_upload(lambda: [*jpeg_chunks()[:2], *jpeg_chunks()]),
        C.INVALID_ARGUMENT,
        "sent twice",
        "metadata",
    ),
    "wrong chunk order": (
        staff_upload(lambda: swapped(jpeg_chunks(), 2, 3)),
        C.INVALID_ARGUMENT,
        "send chunks in order",
        "chunk.offset",
    ),
    "repeated chunk": (
        staff_upload(lambda: [*jpeg_chunks()[:3], jpeg_chunks()[2], *jpeg_chunks()[3:]]),
        C.INVALID_ARGUMENT,
        "send chunks in order",
        "chunk.offset",
    ),
    "fewer bytes than announced": (
        staff_upload(lambda: jpeg_chunks(size_bytes=len(JPEG) + 10)),
        C.INVALID_ARGUMENT,
        "send it again",
        "metadata.size_bytes",
    ),
    "sha256 does not match": (
        staff_upload(lambda: jpeg_chunks(sha256="0" * 64)),
        C.INVALID_ARGUMENT,
        "do not match",
        "metadata.sha256",
    ),
    "project id with a path in it": (
        staff_upload(lambda: jpeg_chunks(project_id="../secrets")),
        C.INVALID_ARGUMENT,
        "not valid",
        "metadata.project_id",
    ),
    "missing token": (
        as_caller(lambda b: None, "ListPhotos"),
        C.UNAUTHENTICATED,
        "missing token",
        "",
    ),
    "expired token": (as_caller(expired, "ListPhotos"), C.UNAUTHENTICATED, "expired", ""),
    "forged token": (as_caller(forged, "DeletePhoto"), C.UNAUTHENTICATED, "invalid token", ""),
    "camera token deletes": (
        as_caller(lambda b: b.device, "DeletePhoto"),
        C.PERMISSION_DENIED,
        "photos:write",
        "",
    ),
    "camera token lists": (
        as_caller(lambda b: b.device, "ListPhotos"),
        C.PERMISSION_DENIED,
        "photos:read",
        "",
    ),
    "camera names another project": (
        upload(lambda b: b.device, lambda: jpeg_chunks(project_id="chair-9")),
        C.PERMISSION_DENIED,
        "active capture project",
        "",
    ),
    "viewer uploads": (
        upload(lambda b: b.viewer, jpeg_chunks),
        C.PERMISSION_DENIED,
        "photos:upload",
        "",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
async def test_bad_input_is_refused_clearly_and_loses_nothing(box: Box, case: str) -> None:
    call, code, message, field = CASES[case]

    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call(box)

    assert err.value.code() == code, err.value.details()
    assert message in (err.value.details() or "")
    if field:
        assert field in field_violations(err.value), field_violations(err.value)
    async with Client(box.target, box.staff) as staff:
        photos = await staff.list()
        assert [p.id for p in photos] == [box.stored.id]
        assert photos[0] == box.stored
        _, body = await staff.get(box.stored.id)
        assert body == box.stored_bytes
    leftovers = sorted(p.name for p in box.folder.iterdir())
    sid = box.stored.id
    assert leftovers == [f"{sid}.jpg", f"{sid}.json", f"{sid}.thumb.jpg"]


async def test_byte_limit_is_checked_while_streaming(capture_factory, staff_token) -> None:
    capture = await capture_factory(max_photo_bytes=50_000)
    data = helpers.jpeg(640, 480, seed=102)
    assert len(data) > 50_000
    async with Client(capture.runtime.target, staff_token) as staff:
        await staff.set_active(PROJECT)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await staff.upload(data)  # size not announced: refused as the bytes pass the limit
        assert err.value.code() == C.RESOURCE_EXHAUSTED
        assert "larger than the box accepts" in (err.value.details() or "")
        assert await staff.list() == []


async def test_pixel_limit_is_a_setting(capture_factory, staff_token) -> None:
    capture = await capture_factory(max_megapixels=0.2)
    async with Client(capture.runtime.target, staff_token) as staff:
        await staff.set_active(PROJECT)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await staff.upload(helpers.jpeg(640, 480, seed=103))
        assert err.value.code() == C.RESOURCE_EXHAUSTED
        assert "640×480" in (err.value.details() or "")


async def test_a_refused_upload_is_read_to_its_end_before_the_error(box: Box) -> None:
    """An asyncio client still writing when the status arrives may be shown INTERNAL
    instead (grpc/grpc#36066), so the server reads the rest of a refused stream first."""
    requests = upload_requests(JPEG, chunk=1024)  # ~70 messages
    requests[0], requests[1] = requests[1], requests[0]  # refused at the first message
    sent: list[int] = []

    async def counted():
        for request in requests:
            sent.append(1)
            yield request

    for token in (box.staff, None):  # refused by the servicer, then by the interceptor
        sent.clear()
        async with Client(box.target, token) as client:
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await client.stub.UploadPhoto(counted())
        assert err.value.code() in (C.INVALID_ARGUMENT, C.UNAUTHENTICATED)
        assert len(sent) == len(requests)
