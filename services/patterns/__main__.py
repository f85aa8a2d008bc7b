"""`python -m services.patterns`: run the patterns service until SIGTERM."""

from __future__ import annotations

import sys

from services.patterns.app import build
from services.patterns.settings import PatternsSettings
from services.runtime.server import run_service

if __name__ == "__main__":
    sys.exit(run_service(PatternsSettings, build))
