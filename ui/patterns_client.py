"""The UI's client of the patterns service: one channel per process, a token per call.

Like `ui.capture_client`: each call carries the token of the person it is made for, and
failures come back as domain errors (services.errors) whose message is fit to show.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import grpc

from services.runtime.client import UPLOAD_DEADLINE_S
from stitchsketch.v1 import common_pb2, patterns_pb2, patterns_pb2_grpc
from ui.service_client import ServiceClient, auth

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
_SERVICE = "stitchsketch.v1.PatternsService"
#: Calls safe to repeat when patterns was briefly unreachable (EditPanels is guarded by
#: its expected revision, so a repeat is refused rather than applied twice).
IDEMPOTENT = tuple(
    (_SERVICE, m) for m in ("GetJob", "ListJobs", "GetPanels", "LayoutPieces", "CancelJob")
)
#: A layout searches for up to the shop's nesting time (3 s) on a busy 2-core box.
LAYOUT_DEADLINE_S = 60.0

EXPORT_FORMATS = {
    "svg": patterns_pb2.PATTERN_FORMAT_SVG,
    "dxf": patterns_pb2.PATTERN_FORMAT_DXF,
    "tiled": patterns_pb2.PATTERN_FORMAT_PDF_TILED,
    "marker": patterns_pb2.PATTERN_FORMAT_PDF_MARKER,
    "quote": patterns_pb2.PATTERN_FORMAT_PDF_QUOTE,
    "glb": patterns_pb2.PATTERN_FORMAT_GLB_PANELS,
    "json": patterns_pb2.PATTERN_FORMAT_JSON,
}


class PatternsClient(ServiceClient):
    """Async calls to the patterns service on behalf of a person."""

    service = "patterns"
    idempotent = IDEMPOTENT

    # --- meshes and jobs ------------------------------------------------------------

    async def upload_mesh(
        self,
        token: str,
        *,
        project_id: str,
        filename: str,
        chunks: AsyncIterator[bytes],
        size_bytes: int = 0,
    ) -> patterns_pb2.UploadMeshResponse:
        """Stream a PLY/OBJ/GLB file to the service in chunks of at most 1 MiB."""
        stub = await self.stub(patterns_pb2_grpc.PatternsServiceStub)

        async def requests() -> AsyncIterator[patterns_pb2.UploadMeshRequest]:
            yield patterns_pb2.UploadMeshRequest(
                metadata=patterns_pb2.MeshMetadata(
                    project_id=project_id, filename=filename, size_bytes=size_bytes
                )
            )
            offset = 0
            async for data in chunks:
                for start in range(0, len(data), CHUNK_BYTES):
                    piece = data[start : start + CHUNK_BYTES]
                    yield patterns_pb2.UploadMeshRequest(
                        chunk=common_pb2.Chunk(offset=offset, data=piece)
                    )
                    offset += len(piece)

        return await self._call(
            lambda md: stub.UploadMesh(requests(), metadata=md, timeout=UPLOAD_DEADLINE_S), token
        )

    async def submit(
        self,
        token: str,
        project_id: str,
        *,
        mesh_id: str = "",
        reconstruction_job_id: str = "",
        project_name: str = "",
        unit: int = common_pb2.LENGTH_UNIT_UNSPECIFIED,
    ) -> common_pb2.Job:
        stub = await self.stub(patterns_pb2_grpc.PatternsServiceStub)
        request = patterns_pb2.SubmitPatternsRequest(
            project_id=project_id, project_name=project_name, unit=unit
        )
        if mesh_id:
            request.mesh_id = mesh_id
        else:
            request.reconstruction_job_id = reconstruction_job_id
        response = await self._call(lambda md: stub.SubmitPatterns(request, metadata=md), token)
        return response.job

    async def get_job(self, token: str, job_id: str) -> common_pb2.Job:
        stub = await self.stub(patterns_pb2_grpc.PatternsServiceStub)
        request = common_pb2.GetJobRequest(job_id=job_id)
        response = await self._call(lambda md: stub.GetJob(request, metadata=md), token)
        return response.job

    async def watch_job(self, token: str, job_id: str) -> AsyncIterator[common_pb2.Job]:
        """The job as it changes, until it ends (the last one yielded has ended)."""
        stub = await self.stub(patterns_pb2_grpc.PatternsServiceStub)
        call = stub.WatchJob(common_pb2.WatchJobRequest(job_id=job_id), metadata=auth(token))
        try:
            async for event in call:
                yield event.job
        except grpc.RpcError as exc:
            raise self.failed(exc) from exc
        finally:
            call.cancel()

    async def cancel_job(self, token: str, job_id: str) -> common_pb2.Job:
        stub = await self.stub(patterns_pb2_grpc.PatternsServiceStub)
        request = common_pb2.CancelJobRequest(job_id=job_id)
        response = await self._call(lambda md: stub.CancelJob(request, metadata=md), token)
        return response.job

    # --- panels ---------------------------------------------------------------------

    async def get_panels(
        self,
        token: str,
        job_id: str,
        *,
        with_flat_mesh: bool = False,
        panel_ids: list[str] | None = None,
    ) -> patterns_pb2.GetPanelsResponse:
        stub = await self.stub(patterns_pb2_grpc.PatternsServiceStub)
        request = patterns_pb2.GetPanelsRequest(
            job_id=job_id, with_flat_mesh=with_flat_mesh, panel_ids=panel_ids or []
        )
        return await self._call(lambda md: stub.GetPanels(request, metadata=md), token)

    async def edit_panels(
        self, token: str, job_id: str, expected_revision: int, **edit: Any
    ) -> patterns_pb2.GetPanelsResponse:
        """One edit, e.g. `rename=RenamePanel(...)`; refused (FailedPrecondition) when the
        panels changed since `expected_revision`."""
        stub = await self.stub(patterns_pb2_grpc.PatternsServiceStub)
        request = patterns_pb2.EditPanelsRequest(
            job_id=job_id, expected_revision=expected_revision, **edit
        )
        return await self._call(lambda md: stub.EditPanels(request, metadata=md), token)

    async def layout(
        self, token: str, job_id: str, fabric: patterns_pb2.FabricSpec, labour: float
    ) -> patterns_pb2.LayoutPiecesResponse:
        stub = await self.stub(patterns_pb2_grpc.PatternsServiceStub)
        request = patterns_pb2.LayoutPiecesRequest(job_id=job_id, fabric=fabric, labour=labour)
        return await self._call(
            lambda md: stub.LayoutPieces(request, metadata=md, timeout=LAYOUT_DEADLINE_S), token
        )

    async def export(
        self, token: str, request: patterns_pb2.ExportPatternsRequest
    ) -> tuple[common_pb2.ArtifactInfo, AsyncIterator[bytes]]:
        """The export's info and an iterator over its bytes (streamed, not buffered)."""
        stub = await self.stub(patterns_pb2_grpc.PatternsServiceStub)
        call = stub.ExportPatterns(request, metadata=auth(token), timeout=LAYOUT_DEADLINE_S)
        return await self.download(call)
