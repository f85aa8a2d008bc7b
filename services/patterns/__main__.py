"""`python -m services.patterns`: run the patterns service until SIGTERM."""

from __future__ import annotations

import asyncio
import sys

from services.errors import StitchError
from services.patterns.app import build
from services.patterns.settings import PatternsSettings
from services.runtime.logs import configure_logging
from services.runtime.settings import load_settings


def main() -> int:
    try:
        settings = load_settings(PatternsSettings)
    except StitchError as exc:
        print(f"patterns: {exc.message}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, "patterns")
    asyncio.run(build(settings).serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
