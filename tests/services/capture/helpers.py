"""Small test photos made on the fly, and a capture client for the tests."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from collections.abc import AsyncIterator, Iterable

import cv2
import grpc
import numpy as np
from PIL import Image
from pillow_heif import register_heif_opener

from services.runtime.client import open_channel
from stitchsketch.v1 import capture_pb2, capture_pb2_grpc, common_pb2

register_heif_opener()

CHUNK = 64 * 1024
PROJECT = "couch-1"


def photo_pixels(width: int = 640, height: int = 480, seed: int = 0) -> np.ndarray:
    """A photo-like RGB image: smooth shading, a few shapes, fine grain (sharp, mid-grey)."""
    rng = np.random.default_rng(seed)
    low = rng.random((6, 8, 3)).astype(np.float32)
    img = cv2.resize(low, (width, height), interpolation=cv2.INTER_CUBIC) * 140 + 50
    for _ in range(6):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        colour = [float(c) for c in rng.integers(20, 230, 3)]
        cv2.circle(img, (x, y), int(rng.integers(10, max(11, width // 6))), colour, -1)
    img += rng.normal(0, 6, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def jpeg(
    width: int = 640,
    height: int = 480,
    seed: int = 0,
    *,
    orientation: int = 0,
    focal_35mm: int = 0,
    make: str = "",
    model: str = "",
    pixels: np.ndarray | None = None,
    quality: int = 90,
) -> bytes:
    """A JPEG, optionally with EXIF orientation, 35 mm focal length, make and model."""
    image = Image.fromarray(photo_pixels(width, height, seed) if pixels is None else pixels)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if make:
        exif[0x010F] = make
    if model:
        exif[0x0110] = model
    if focal_35mm:
        exif.get_ifd(0x8769)[0xA405] = focal_35mm
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def png(width: int = 640, height: int = 480, seed: int = 0) -> bytes:
    out = io.BytesIO()
    Image.fromarray(photo_pixels(width, height, seed)).save(out, "PNG")
    return out.getvalue()


def heic(width: int = 640, height: int = 480, seed: int = 0) -> bytes:
    out = io.BytesIO()
    Image.fromarray(photo_pixels(width, height, seed)).save(out, "HEIF", quality=80)
    return out.getvalue()


def png_bomb(width: int = 20_000, height: int = 10_000) -> bytes:
    """A valid-looking PNG header for width×height RGB pixels with a tiny zlib stream.

    Costs nothing to build; decoding it would need width·height·3 bytes.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 65536, 9)  # the first rows of zeros; the rest never comes
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_requests(
    data: bytes, *, chunk: int = CHUNK, **meta: object
) -> list[capture_pb2.UploadPhotoRequest]:
    """Metadata first, then the chunks in order: a well-formed upload stream."""
    requests = [capture_pb2.UploadPhotoRequest(metadata=capture_pb2.PhotoMetadata(**meta))]
    for offset in range(0, len(data), chunk):
        piece = common_pb2.Chunk(offset=offset, data=data[offset : offset + chunk])
        requests.append(capture_pb2.UploadPhotoRequest(chunk=piece))
    return requests


async def stream(requests: Iterable[capture_pb2.UploadPhotoRequest]) -> AsyncIterator:
    for request in requests:
        yield request


class Client:
    """A capture stub with the calls the tests make most."""

    def __init__(self, target: str, token: str | None):
        self.channel = open_channel(target, token)
        self.stub = capture_pb2_grpc.CaptureServiceStub(self.channel)

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.channel.close()

    async def upload(self, data: bytes, **meta: object) -> capture_pb2.UploadPhotoResponse:
        return await self.stub.UploadPhoto(stream(upload_requests(data, **meta)))

    async def list(self, project: str = PROJECT) -> list[capture_pb2.Photo]:
        reply = await self.stub.ListPhotos(capture_pb2.ListPhotosRequest(project_id=project))
        return list(reply.photos)

    async def get(
        self, photo_id: str, project: str = PROJECT, thumbnail: bool = False
    ) -> tuple[common_pb2.ArtifactInfo, bytes]:
        variant = (
            capture_pb2.PHOTO_VARIANT_THUMBNAIL if thumbnail else capture_pb2.PHOTO_VARIANT_ORIGINAL
        )
        request = capture_pb2.GetPhotoRequest(
            project_id=project, photo_id=photo_id, variant=variant
        )
        parts = [part async for part in self.stub.GetPhoto(request)]
        body = b"".join(p.chunk.data for p in parts[1:])
        offsets = [p.chunk.offset for p in parts[1:]]
        assert offsets == sorted(offsets)
        return parts[0].info, body

    async def set_active(self, project: str) -> None:
        await self.stub.SetActiveCapture(capture_pb2.SetActiveCaptureRequest(project_id=project))


def error_of(exc: grpc.aio.AioRpcError) -> tuple[grpc.StatusCode, str]:
    return exc.code(), exc.details() or ""
