"""`python -m services.capture`: run the capture service until SIGTERM."""

from __future__ import annotations

import asyncio
import sys

from services.capture.app import build
from services.capture.settings import CaptureSettings
from services.errors import StitchError
from services.runtime.logs import configure_logging
from services.runtime.settings import load_settings


def main() -> int:
    try:
        settings = load_settings(CaptureSettings)
    except StitchError as exc:
        print(f"capture: {exc.message}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, "capture")
    asyncio.run(build(settings).serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
