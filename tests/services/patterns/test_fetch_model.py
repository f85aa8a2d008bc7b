"""Receiving a streamed model: written whole or not at all, checked against its info.

The fetch from a live reconstruction service is covered once that service exists; the
stream rules are checked here on real ArtifactPart messages.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from services.errors import FailedPrecondition, Unavailable
from services.patterns.fetch_model import receive_artifact
from stitchsketch.v1 import common_pb2

DATA = bytes(range(256)) * 40


def parts(data: bytes = DATA, *, size: int | None = None, sha: str | None = None,
          skip: int | None = None):
    info = common_pb2.ArtifactInfo(name="model.ply", size_bytes=len(data) if size is None
                                   else size,
                                   sha256=hashlib.sha256(data).hexdigest() if sha is None
                                   else sha)
    out = [common_pb2.ArtifactPart(info=info)]
    for k, off in enumerate(range(0, len(data), 1000)):
        if k == skip:
            continue
        out.append(common_pb2.ArtifactPart(chunk=common_pb2.Chunk(offset=off,
                                                                  data=data[off:off + 1000])))

    async def stream():
        for p in out:
            yield p

    return stream()


async def test_a_whole_stream_lands_atomically(tmp_path: Path):
    seen: list[float] = []
    n = await receive_artifact(parts(), tmp_path / "input.ply", seen.append)
    assert n == len(DATA) and (tmp_path / "input.ply").read_bytes() == DATA
    assert seen[-1] == pytest.approx(1.0) and seen == sorted(seen)
    assert [p.name for p in tmp_path.iterdir()] == ["input.ply"]


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"skip": 2}, FailedPrecondition),
    ({"sha": "0" * 64}, Unavailable),
    ({"size": len(DATA) + 5}, Unavailable),
])
async def test_a_bad_stream_leaves_nothing(tmp_path: Path, kwargs, error):
    with pytest.raises(error):
        await receive_artifact(parts(**kwargs), tmp_path / "input.ply")
    assert not list(tmp_path.iterdir())
