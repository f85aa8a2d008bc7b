from stitchsketch.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RenderKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RENDER_KIND_UNSPECIFIED: _ClassVar[RenderKind]
    RENDER_KIND_THUMBNAIL: _ClassVar[RenderKind]
    RENDER_KIND_TURNTABLE: _ClassVar[RenderKind]
    RENDER_KIND_FABRIC_PREVIEW: _ClassVar[RenderKind]
    RENDER_KIND_GLB: _ClassVar[RenderKind]
    RENDER_KIND_SPLATS: _ClassVar[RenderKind]
RENDER_KIND_UNSPECIFIED: RenderKind
RENDER_KIND_THUMBNAIL: RenderKind
RENDER_KIND_TURNTABLE: RenderKind
RENDER_KIND_FABRIC_PREVIEW: RenderKind
RENDER_KIND_GLB: RenderKind
RENDER_KIND_SPLATS: RenderKind

class SubmitRenderRequest(_message.Message):
    __slots__ = ("project_id", "reconstruction_job_id", "kind", "fabric_photo_id", "fabric_tile_m")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    RECONSTRUCTION_JOB_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FABRIC_PHOTO_ID_FIELD_NUMBER: _ClassVar[int]
    FABRIC_TILE_M_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    reconstruction_job_id: str
    kind: RenderKind
    fabric_photo_id: str
    fabric_tile_m: float
    def __init__(self, project_id: _Optional[str] = ..., reconstruction_job_id: _Optional[str] = ..., kind: _Optional[_Union[RenderKind, str]] = ..., fabric_photo_id: _Optional[str] = ..., fabric_tile_m: _Optional[float] = ...) -> None: ...

class SubmitRenderResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _common_pb2.Job
    def __init__(self, job: _Optional[_Union[_common_pb2.Job, _Mapping]] = ...) -> None: ...

class DownloadRenderRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...
