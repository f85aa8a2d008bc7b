"""`python -m services.reconstruction`: run the reconstruction service until SIGTERM."""

from __future__ import annotations

import asyncio
import sys

from services.errors import StitchError
from services.reconstruction.app import build
from services.reconstruction.settings import ReconstructionSettings
from services.runtime.logs import configure_logging
from services.runtime.settings import load_settings


def main() -> int:
    try:
        settings = load_settings(ReconstructionSettings)
    except StitchError as exc:
        print(f"reconstruction: {exc.message}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, "reconstruction")
    asyncio.run(build(settings).serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
