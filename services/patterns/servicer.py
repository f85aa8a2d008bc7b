"""gRPC adapter for PatternsService: protos in, PatternJobs calls, protos out.

Auth, request ids and the mapping of domain errors to status codes happen in the
runtime's interceptor; each RPC's scope is declared in SCOPES below. Streaming
handlers are async generators (the interceptor wraps them as such).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc

from services.errors import InvalidArgument
from services.patterns import converters
from services.patterns.exports import ExportOptions
from services.patterns.pattern_jobs import PatternJobs
from services.runtime import tokens
from services.runtime.artifacts import artifact_parts
from services.runtime.job_rpcs import JobRpcs, job_scopes, job_to_proto
from stitchsketch.v1 import common_pb2, patterns_pb2, patterns_pb2_grpc

PATTERNS_SERVICE = patterns_pb2.DESCRIPTOR.services_by_name["PatternsService"].full_name
#: Bytes per streamed chunk of an export (the contract says at most 1 MiB).


def _m(method: str) -> str:
    return f"/{PATTERNS_SERVICE}/{method}"


#: Full method name → the scope a caller needs.
SCOPES: dict[str, str | None] = {
    **job_scopes(PATTERNS_SERVICE),
    _m("UploadMesh"): tokens.JOBS_RUN,
    _m("SubmitPatterns"): tokens.JOBS_RUN,
    _m("GetPanels"): tokens.JOBS_READ,
    _m("EditPanels"): tokens.JOBS_RUN,
    _m("LayoutPieces"): tokens.JOBS_RUN,
    _m("ExportPatterns"): tokens.JOBS_RUN,
}


class PatternsServicer(JobRpcs, patterns_pb2_grpc.PatternsServiceServicer):
    """Meshes in, panels, edits, layouts and exports out; the job calls come from JobRpcs."""

    def __init__(self, patterns: PatternJobs):
        self._patterns = patterns
        self.jobs = patterns.jobs

    async def UploadMesh(
        self,
        request_iterator: AsyncIterator[patterns_pb2.UploadMeshRequest],
        context: grpc.aio.ServicerContext,
    ) -> patterns_pb2.UploadMeshResponse:
        upload = self._patterns.meshes.begin()
        try:
            async for request in request_iterator:
                part = request.WhichOneof("part")
                if part == "metadata":
                    m = request.metadata
                    upload.add_metadata(m.project_id, m.filename, m.size_bytes, m.sha256)
                elif part == "chunk":
                    upload.add_chunk(request.chunk.offset, request.chunk.data)
                else:
                    raise InvalidArgument("an upload message must hold metadata or a chunk",
                                          field="part")
            info, duplicate = await asyncio.to_thread(upload.finish)
        finally:
            upload.discard()
        return converters.upload_response(info, duplicate)

    async def SubmitPatterns(
        self, request: patterns_pb2.SubmitPatternsRequest, context: grpc.aio.ServicerContext
    ) -> patterns_pb2.SubmitPatternsResponse:
        job = self._patterns.submit(
            request.project_id,
            mesh_id=request.mesh_id,
            reconstruction_job_id=request.reconstruction_job_id,
            options=converters.submit_options(request),
        )
        return patterns_pb2.SubmitPatternsResponse(job=job_to_proto(job))

    async def GetPanels(
        self, request: patterns_pb2.GetPanelsRequest, context: grpc.aio.ServicerContext
    ) -> patterns_pb2.GetPanelsResponse:
        state = await self._patterns.state(request.job_id)
        return converters.panels_response(request.job_id, state, request)

    async def EditPanels(
        self, request: patterns_pb2.EditPanelsRequest, context: grpc.aio.ServicerContext
    ) -> patterns_pb2.GetPanelsResponse:
        edit = converters.edit(request)
        state = await self._patterns.edit(request.job_id, edit, request.expected_revision)
        return converters.panels_response(request.job_id, state)

    async def LayoutPieces(
        self, request: patterns_pb2.LayoutPiecesRequest, context: grpc.aio.ServicerContext
    ) -> patterns_pb2.LayoutPiecesResponse:
        fabric, currency = converters.fabric(request.fabric, self._patterns.settings)
        result = await self._patterns.layout(request.job_id, fabric, request.labour,
                                             request.nest_seconds)
        return converters.layout_response(result, currency)

    async def ExportPatterns(
        self, request: patterns_pb2.ExportPatternsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[common_pb2.ArtifactPart]:
        settings = self._patterns.settings
        fmt = converters.export_format(request.format)
        fabric, currency = None, settings.currency
        if request.HasField("fabric"):
            fabric, currency = converters.fabric(request.fabric, settings)
        opt = ExportOptions(units=converters.units(request.unit, settings.units),
                            paper=request.paper, project=request.project_name.strip(),
                            currency=currency)
        artifact = await self._patterns.export(request.job_id, fmt, opt, fabric, request.labour)
        for part in artifact_parts(artifact.data, artifact.name, artifact.content_type):
            yield part
