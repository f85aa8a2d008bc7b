"""`python -m services.capture`: run the capture service until SIGTERM."""

from __future__ import annotations

import sys

from services.capture.app import build
from services.capture.settings import CaptureSettings
from services.runtime.server import run_service

if __name__ == "__main__":
    sys.exit(run_service(CaptureSettings, build))
