"""Generate the Python code for `protos/stitchsketch/v1/*.proto`, beside the protos.

The one codegen script: the generated files are committed, never edited by hand, and
`tests/protos/test_generated_fresh.py` fails when they are stale.

    .venv/bin/python -m scripts.gen_protos            # regenerate in place
    .venv/bin/python -m scripts.gen_protos --out DIR  # generate elsewhere (for the check)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

PROTO_ROOT = Path(__file__).resolve().parent.parent / "protos"
PACKAGE_DIR = Path("stitchsketch") / "v1"


def proto_files(root: Path = PROTO_ROOT) -> list[Path]:
    """The .proto files, relative to `root`, in a stable order."""
    return sorted(p.relative_to(root) for p in (root / PACKAGE_DIR).glob("*.proto"))


def generate(out: Path, root: Path = PROTO_ROOT) -> list[Path]:
    """Run protoc for every proto into `out` and return the generated files."""
    well_known = resources.files("grpc_tools") / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{root}",
        f"-I{well_known}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        *(str(p) for p in proto_files(root)),
    ]
    if protoc.main(args) != 0:
        raise RuntimeError("protoc failed; see the messages above")
    return sorted((out / PACKAGE_DIR).glob("*_pb2*.py*"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write here instead of in place")
    args = parser.parse_args(argv)
    if args.out:
        generate(args.out)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in generate(Path(tmp)):
            target = PROTO_ROOT / PACKAGE_DIR / path.name
            shutil.copyfile(path, target)
            print(f"wrote {target.relative_to(PROTO_ROOT.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
