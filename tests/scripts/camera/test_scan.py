"""Which files the agent sends, and when: names, folders, settling, completeness."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from scripts.camera.scan import Scanner, is_photo_name, iter_photos, looks_complete
from tests.scripts.camera.photos import jpeg_bytes


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("name", "sent"),
    [
        ("IMG_0001.JPG", True),
        ("img.jpeg", True),
        ("shot.PNG", True),
        ("iphone.HEIC", True),
        ("x.heif", True),
        ("raw.CR3", False),
        ("notes.txt", False),
        (".IMG_0001.JPG", False),  # hidden
        ("._IMG_0001.JPG", False),  # macOS AppleDouble
        (".syncthing.IMG.JPG.tmp", False),
        ("IMG_0001.JPG.part", False),
        ("~IMG_0001.JPG", False),
        ("IMG_0001.jpg.crdownload", False),
    ],
)
def test_photo_names(name: str, sent: bool) -> None:
    assert is_photo_name(name) is sent


def test_walk_is_recursive_and_skips_tool_folders(tmp_path: Path) -> None:
    for rel in [
        "a.jpg",
        "DCIM/100CANON/b.JPG",
        ".thumbnails/c.jpg",
        "@eaDir/d.jpg",
        "DCIM/.trash/e.jpg",
        "f.txt",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    found = {p.relative_to(tmp_path).as_posix() for p in iter_photos(tmp_path)}
    assert found == {"a.jpg", "DCIM/100CANON/b.JPG"}


def test_completeness_by_format(tmp_path: Path) -> None:
    jpeg = jpeg_bytes(1)
    png_path = tmp_path / "p.png"
    from PIL import Image

    Image.new("RGB", (8, 8), "red").save(png_path)
    png = png_path.read_bytes()
    box = lambda kind, body: struct.pack(">I", 8 + len(body)) + kind + body  # noqa: E731
    heic = (
        box(b"ftyp", b"heic\0\0\0\0mif1heic") + box(b"meta", b"\0" * 40) + box(b"mdat", b"1" * 99)
    )
    cases = {
        "full.jpg": (jpeg, True),
        "padded.jpg": (jpeg + b"\0" * 100, True),
        "half.jpg": (jpeg[: len(jpeg) // 2], False),
        "full.png": (png, True),
        "half.png": (png[:-20], False),
        "full.heic": (heic, True),
        "half.heic": (heic[:-10], False),
        "junk.jpg": (b"not a photo at all", True),  # unknown bytes: the box judges them
    }
    for name, (data, complete) in cases.items():
        (tmp_path / name).write_bytes(data)
        assert looks_complete(tmp_path / name) is complete, name


def test_a_file_is_ready_only_once_it_stops_changing(tmp_path: Path) -> None:
    clock = Clock()
    scanner = Scanner(tmp_path, settle_s=2.0, incomplete_grace_s=30.0, clock=clock)
    path = tmp_path / "IMG_1.JPG"
    data = jpeg_bytes(3)
    path.write_bytes(data[:1000])
    assert scanner.scan() == ([], 1)
    clock.now += 5
    assert scanner.scan() == ([], 1)  # stable, but the JPEG has no end yet: wait
    with path.open("ab") as f:
        f.write(data[1000:])
    os.utime(path, ns=(1, 2))  # a new version even on coarse-mtime filesystems
    clock.now += 1
    assert scanner.scan() == ([], 1)  # changed: settle again
    clock.now += 1.5
    assert scanner.scan() == ([], 1)
    clock.now += 1
    ready, settling = scanner.scan()
    assert [v.path for v in ready] == [path] and settling == 0
    scanner.done(ready[0])
    clock.now += 10
    assert scanner.scan() == ([], 0)  # handed out once only
    os.utime(path, ns=(3, 4))  # rewritten in place: offered again after settling
    scanner.scan()
    clock.now += 3
    assert [v.path for v in scanner.scan()[0]] == [path]


def test_a_file_that_looks_cut_short_goes_after_the_grace(tmp_path: Path) -> None:
    clock = Clock()
    scanner = Scanner(tmp_path, settle_s=1.0, incomplete_grace_s=20.0, clock=clock)
    (tmp_path / "cut.jpg").write_bytes(jpeg_bytes(4)[:500])
    scanner.scan()
    clock.now += 19
    assert scanner.scan()[0] == []
    clock.now += 2
    assert len(scanner.scan()[0]) == 1


def test_empty_files_wait_and_ready_files_come_oldest_first(tmp_path: Path) -> None:
    clock = Clock()
    scanner = Scanner(tmp_path, settle_s=1.0, clock=clock)
    (tmp_path / "empty.jpg").touch()
    for i, name in enumerate(["c.jpg", "a.jpg", "b.jpg"]):
        (tmp_path / name).write_bytes(jpeg_bytes(i))
        os.utime(tmp_path / name, ns=(0, (10 + i) * 10**9))
    scanner.scan()
    clock.now += 2
    ready, settling = scanner.scan()
    assert [v.path.name for v in ready] == ["c.jpg", "a.jpg", "b.jpg"]
    assert settling == 0
