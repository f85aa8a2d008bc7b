"""Artifact streams: what a sender makes, a receiver writes whole or not at all."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest

from services.errors import Unavailable
from services.runtime.artifacts import (
    CHUNK_BYTES,
    artifact_parts,
    file_parts,
    receive_artifact,
)
from stitchsketch.v1 import common_pb2

DATA = bytes(range(256)) * (CHUNK_BYTES // 100)  # a little over 2.5 chunks


async def feed(parts: Iterable[common_pb2.ArtifactPart]) -> AsyncIterator:
    for part in parts:
        yield part


async def test_round_trip_from_bytes_and_from_a_file(tmp_path: Path) -> None:
    seen: list[float] = []
    n = await receive_artifact(
        feed(artifact_parts(DATA, "model.ply", "application/octet-stream")),
        tmp_path / "a.ply",
        expected_sha256=hashlib.sha256(DATA).hexdigest(),
        progress=seen.append,
    )
    assert n == len(DATA) and (tmp_path / "a.ply").read_bytes() == DATA
    assert seen[-1] == pytest.approx(1.0) and seen == sorted(seen)
    streamed = [part async for part in file_parts(tmp_path / "a.ply", "a.ply", "x/y")]
    assert streamed[0].info.sha256 == hashlib.sha256(DATA).hexdigest()
    assert len(streamed) == 1 + 3
    await receive_artifact(feed(streamed), tmp_path / "b.ply")
    assert (tmp_path / "b.ply").read_bytes() == DATA
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ply", "b.ply"]


def damaged(kind: str) -> list[common_pb2.ArtifactPart]:
    parts = list(artifact_parts(DATA, "m.ply", "x/y"))
    if kind == "skipped chunk":
        del parts[2]
    elif kind == "no info":
        del parts[0]
    elif kind == "short":
        parts[0].info.size_bytes += 5
    elif kind == "wrong hash":
        parts[0].info.sha256 = "0" * 64
    return parts


@pytest.mark.parametrize("kind", ["skipped chunk", "no info", "short", "wrong hash"])
async def test_a_damaged_stream_leaves_nothing(tmp_path: Path, kind: str) -> None:
    with pytest.raises(Unavailable, match="try again"):
        await receive_artifact(feed(damaged(kind)), tmp_path / "m.ply")
    assert not list(tmp_path.iterdir())


async def test_the_callers_hash_is_checked_too(tmp_path: Path) -> None:
    with pytest.raises(Unavailable, match="damaged"):
        await receive_artifact(
            feed(artifact_parts(DATA, "p.jpg", "image/jpeg")),
            tmp_path / "p.jpg",
            expected_sha256="1" * 64,
            what="photo",
        )
