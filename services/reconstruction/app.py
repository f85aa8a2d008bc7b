"""Assembling the reconstruction process, in order: job manager (recovered), servicer,
runtime. `build` is what `python -m services.reconstruction` serves; tests use
`assemble` to reach the parts directly.

Start-up: the jobs are loaded (and those cut short by a crash or a restart queued again,
to resume from their last finished stage) before the port is bound; the dense backend
(CPU plane sweep, or COLMAP patch-match where a CUDA build of pycolmap is installed) is
logged. Shutdown: the running job is stopped (it stays resumable) and watch streams end,
then the server drains.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.reconstruction.reconstruction_jobs import ReconstructionJobs
from services.reconstruction.servicer import (
    RECONSTRUCTION_SERVICE,
    SCOPES,
    ReconstructionServicer,
)
from services.reconstruction.settings import ReconstructionSettings
from services.runtime.server import ServiceRuntime
from stitchsketch.v1 import reconstruction_pb2_grpc

log = logging.getLogger(__name__)


@dataclass
class Reconstruction:
    """The parts of one reconstruction process."""

    runtime: ServiceRuntime
    recon: ReconstructionJobs


def assemble(settings: ReconstructionSettings) -> Reconstruction:
    """Build every part; nothing runs until `runtime.start()` / `serve()`."""
    recon = ReconstructionJobs(settings)
    runtime = ServiceRuntime("reconstruction", settings)
    runtime.add(
        reconstruction_pb2_grpc.add_ReconstructionServiceServicer_to_server,
        ReconstructionServicer(recon),
        RECONSTRUCTION_SERVICE,
        SCOPES,
    )
    runtime.on_start(recon.start)
    runtime.on_stop(recon.stop)
    return Reconstruction(runtime=runtime, recon=recon)


def build(settings: ReconstructionSettings) -> ServiceRuntime:
    """The reconstruction service's runtime, ready to `serve()`."""
    return assemble(settings).runtime
