"""`python -m services.reconstruction`: run the reconstruction service until SIGTERM."""

from __future__ import annotations

import sys

from services.reconstruction.app import build
from services.reconstruction.settings import ReconstructionSettings
from services.runtime.server import run_service

if __name__ == "__main__":
    sys.exit(run_service(ReconstructionSettings, build))
