"""The contracts: generated code matches the protos, and the protos pass buf lint."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from scripts import gen_protos

REPO = Path(__file__).resolve().parents[2]
BUF = REPO / ".tools" / "node_modules" / ".bin" / "buf"


def test_generated_code_is_fresh(tmp_path: Path) -> None:
    generated = gen_protos.generate(tmp_path)
    assert generated, "protoc produced nothing"
    committed = REPO / "protos" / gen_protos.PACKAGE_DIR
    stale = [
        p.name for p in generated if (committed / p.name).read_bytes() != p.read_bytes()
    ]
    extra = {p.name for p in committed.glob("*_pb2*.py*")} - {p.name for p in generated}
    assert not stale and not extra, (
        f"generated code is stale ({stale}, extra {sorted(extra)}): "
        "run `.venv/bin/python -m scripts.gen_protos` and commit the result"
    )


def test_every_service_has_its_proto() -> None:
    names = {p.stem for p in (REPO / "protos" / gen_protos.PACKAGE_DIR).glob("*.proto")}
    assert {"common", "capture", "pairing", "reconstruction", "patterns", "render"} <= names


@pytest.mark.skipif(
    not (BUF.exists() or shutil.which("buf")), reason="buf not installed (scripts/test installs it)"
)
def test_buf_lint() -> None:
    buf = str(BUF) if BUF.exists() else "buf"
    result = subprocess.run(
        [buf, "lint"], cwd=REPO / "protos", capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
