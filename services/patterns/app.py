"""Assembling the patterns process, in order: job manager and mesh store (recovered),
servicer, runtime. `build` is what `python -m services.patterns` serves; tests use
`assemble` to reach the parts directly.

Start-up: the jobs are loaded (and those cut short by a restart queued again) before the
port is bound; shutdown: the running job is stopped (it stays resumable) and watch
streams end, then the server drains.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.patterns.pattern_jobs import PatternJobs
from services.patterns.servicer import PATTERNS_SERVICE, SCOPES, PatternsServicer
from services.patterns.settings import PatternsSettings
from services.runtime.server import ServiceRuntime
from stitchsketch.v1 import patterns_pb2_grpc

log = logging.getLogger(__name__)


@dataclass
class Patterns:
    """The parts of one patterns process."""

    runtime: ServiceRuntime
    jobs: PatternJobs


def assemble(settings: PatternsSettings) -> Patterns:
    """Build every part; nothing runs until `runtime.start()` / `serve()`."""
    jobs = PatternJobs(settings)
    runtime = ServiceRuntime("patterns", settings)
    runtime.add(
        patterns_pb2_grpc.add_PatternsServiceServicer_to_server,
        PatternsServicer(jobs),
        PATTERNS_SERVICE,
        SCOPES,
    )
    runtime.on_start(jobs.start)
    runtime.on_stop(jobs.stop)
    return Patterns(runtime=runtime, jobs=jobs)


def build(settings: PatternsSettings) -> ServiceRuntime:
    """The patterns service's runtime, ready to `serve()`."""
    return assemble(settings).runtime
