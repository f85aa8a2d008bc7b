"""The patterns service's work, without the transport: submit jobs, read and edit their
panels, lay out and export — what the servicer adapts to gRPC (and a test drives directly).

Heavy steps (re-flattening, nesting, exports) run in threads, one at a time, so the
event loop keeps answering; each job's edits are serialised by a lock so two tablets
cannot interleave them, and `expected_revision` tells the slower one it is stale.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from services.errors import FailedPrecondition, InvalidArgument
from services.patterns.apply_edits import Edit, apply_edit
from services.patterns.exports import NEEDS_LAYOUT, Artifact, ExportFormat, ExportOptions, export
from services.patterns.fabric import Fabric
from services.patterns.job_state import (
    JobOptions,
    PatternState,
    current_revision,
    load_job_mesh,
    load_state,
    save_state,
)
from services.patterns.layouts import LayoutResult, layout_for
from services.patterns.mesh import TriMesh
from services.patterns.mesh_store import OPAQUE_ID, MeshStore, check_project_id
from services.patterns.run_job import KIND, STAGES
from services.patterns.settings import PatternsSettings
from services.patterns.units import UnitSystem
from services.runtime.jobs import BOX_LOCK, JobKind, JobManager, JobRecord, JobState

log = logging.getLogger(__name__)

#: The job's work function, run in a spawned process (see services.runtime.jobs).
WORK_FUNCTION = "services.patterns.run_job:run"
#: Job states loaded in memory at once (a full-resolution mesh can be large).
CACHED_JOBS = 4


@dataclass(frozen=True)
class SubmitOptions:
    """A submit's options as sent; zeros mean the shop default."""

    seam_allowance_m: float = 0.0
    max_area_distortion: float = 0.0
    max_stretch_pct: float = 0.0
    use_mesh_panels: bool = False
    project_name: str = ""
    units: UnitSystem | None = None


class PatternJobs:
    """Jobs, uploaded meshes and the stored results of one patterns service."""

    def __init__(self, settings: PatternsSettings):
        self.settings = settings
        root = settings.service_dir
        self.jobs = JobManager(
            root / "jobs",
            {KIND: JobKind(WORK_FUNCTION, STAGES)},
            box_lock=settings.data_dir / BOX_LOCK,
        )
        self.meshes = MeshStore(
            root / "meshes", settings.max_mesh_bytes, settings.max_mesh_triangles
        )
        self._locks: dict[str, asyncio.Lock] = {}
        self._states: OrderedDict[str, PatternState] = OrderedDict()
        self._meshes: dict[str, TriMesh] = {}
        self._cpu = asyncio.Semaphore(1)

    async def start(self) -> None:
        self.meshes.recover()
        await self.jobs.start()

    async def stop(self) -> None:
        await self.jobs.stop()

    # -- submit ------------------------------------------------------------------------

    def submit(
        self,
        project_id: str,
        *,
        mesh_id: str = "",
        reconstruction_job_id: str = "",
        options: SubmitOptions | None = None,
    ) -> JobRecord:
        project_id = check_project_id(project_id)
        opt = self.resolve_options(project_id, options or SubmitOptions())
        source: dict[str, Any]
        if mesh_id:
            source = {
                "mesh_path": str(self.meshes.path(self.meshes.get(mesh_id))),
                "mesh_id": mesh_id,
            }
        elif reconstruction_job_id:
            if not OPAQUE_ID.match(reconstruction_job_id):
                raise InvalidArgument(
                    "reconstruction_job_id is not a job id", field="reconstruction_job_id"
                )
            s = self.settings
            # NOTE: read by fetch_model; no secrets here (params land in job.json).
            source = {
                "reconstruction_job_id": reconstruction_job_id,
                "data_dir": str(s.data_dir),
                "static_services": s.static_services,
                "discover_mdns": s.discover_mdns,
                "timeout_s": s.fetch_timeout_s,
            }
        else:
            raise InvalidArgument(
                "name the mesh: a mesh_id from UploadMesh or a reconstruction_job_id",
                field="source",
            )
        job = self.jobs.submit(KIND, project_id, {"source": source, "options": asdict(opt)})
        log.info(
            "patterns job %s for %s from %s",
            job.id,
            project_id,
            mesh_id or f"reconstruction {reconstruction_job_id}",
        )
        return job

    def resolve_options(self, project_id: str, o: SubmitOptions) -> JobOptions:
        s = self.settings
        if o.seam_allowance_m < 0 or o.seam_allowance_m > 0.1:
            raise InvalidArgument(
                "seam_allowance_m is 0 (shop default) to 0.1 m", field="seam_allowance_m"
            )
        if not 0 <= o.max_area_distortion < 1:
            raise InvalidArgument(
                "max_area_distortion is a fraction, 0 (default) to 1", field="max_area_distortion"
            )
        if o.max_stretch_pct < 0:
            raise InvalidArgument("max_stretch_pct must not be negative", field="max_stretch_pct")
        name = "".join(c for c in o.project_name if c.isprintable()).strip()[:80]
        return JobOptions(
            seam_allowance_m=o.seam_allowance_m or s.seam_allowance_m,
            max_area_distortion=o.max_area_distortion or s.max_area_distortion,
            max_stretch_pct=o.max_stretch_pct or s.max_stretch_pct,
            use_mesh_panels=o.use_mesh_panels,
            project_name=name or project_id,
            units=(o.units or s.units).value,
        )

    # -- results -----------------------------------------------------------------------

    async def state(self, job_id: str) -> PatternState:
        """The revision in force of a finished job (cached while it stays in force)."""
        job = self.jobs.get(job_id)
        if job.state != JobState.SUCCEEDED:
            why = {
                JobState.FAILED: f"it failed: {job.error}",
                JobState.CANCELLED: "it was cancelled",
            }.get(job.state, f"it is still {job.state.value}")
            raise FailedPrecondition(f"job {job_id} has no panels: {why}")
        job_dir = self.jobs.job_dir(job_id)
        cached = self._states.get(job_id)
        if cached is not None and cached.revision == current_revision(job_dir):
            self._states.move_to_end(job_id)
            return cached
        state = await asyncio.to_thread(self._load, job_id, job_dir)
        self._remember(job_id, state)
        return state

    def _load(self, job_id: str, job_dir: Path) -> PatternState:
        mesh = self._meshes.get(job_id) or load_job_mesh(job_dir)
        return load_state(job_dir, mesh)

    def _remember(self, job_id: str, state: PatternState) -> None:
        self._states[job_id] = state
        self._meshes[job_id] = state.panels.mesh
        self._states.move_to_end(job_id)
        while len(self._states) > CACHED_JOBS:
            old, _ = self._states.popitem(last=False)
            self._meshes.pop(old, None)

    async def edit(self, job_id: str, edit: Edit, expected_revision: int = 0) -> PatternState:
        """Apply one edit and store it as the next revision."""
        async with self._lock(job_id):
            state = await self.state(job_id)
            if expected_revision and expected_revision != state.revision:
                raise FailedPrecondition(
                    f"the panels changed (revision {state.revision}, you edited "
                    f"{expected_revision}): reload them and edit again"
                )
            job_dir = self.jobs.job_dir(job_id)
            async with self._cpu:
                new = await asyncio.to_thread(self._edit, job_dir, state, edit)
            self._remember(job_id, new)
            return new

    @staticmethod
    def _edit(job_dir: Path, state: PatternState, edit: Edit) -> PatternState:
        new = apply_edit(state, edit)
        save_state(job_dir, new, previous=state)
        return new

    async def layout(
        self, job_id: str, fabric: Fabric, labour: float, nest_seconds: float = 0.0
    ) -> LayoutResult:
        if nest_seconds < 0 or nest_seconds > 60:
            raise InvalidArgument("nest_seconds is 0 (shop default) to 60", field="nest_seconds")
        state = await self.state(job_id)
        seconds = nest_seconds or self.settings.nest_seconds
        async with self._cpu:
            return await asyncio.to_thread(layout_for, state, fabric, labour, seconds)

    async def export(
        self,
        job_id: str,
        fmt: ExportFormat,
        opt: ExportOptions,
        fabric: Fabric | None,
        labour: float,
    ) -> Artifact:
        state = await self.state(job_id)
        if fmt in NEEDS_LAYOUT and fabric is None:
            raise InvalidArgument("the marker and the quote need a fabric", field="fabric")
        made = None
        if fabric is not None:
            seconds = self.settings.nest_seconds

            def made(fabric: Fabric = fabric) -> tuple[Fabric, LayoutResult]:
                # The layout LayoutPieces made for this fabric, whatever its search time.
                return fabric, layout_for(state, fabric, labour, seconds, reuse_only=True)

        async with self._cpu:
            return await asyncio.to_thread(export, state, fmt, opt, made)

    def _lock(self, job_id: str) -> asyncio.Lock:
        return self._locks.setdefault(job_id, asyncio.Lock())
