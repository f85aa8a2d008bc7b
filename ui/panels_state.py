"""The panels of one patterns job as a page holds them: the latest panel set, its
revision, and edits that carry that revision so two tablets never overwrite each other."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nicegui import ui

from services.errors import FailedPrecondition, StitchError
from stitchsketch.v1 import patterns_pb2
from ui.components.notice import show_error

if TYPE_CHECKING:
    from ui.context import UiContext
    from ui.session import Session

log = logging.getLogger(__name__)
#: Called after every change; True when panels were added, removed or reshaped (the 3D
#: model and the pieces must be fetched again), False for names, counts and flags.
Listener = Callable[[bool], None]
STALE = (
    "Someone changed these panels on another screen. Their version is shown now: "
    "make your change again."
)


class PanelsState:
    def __init__(self, ctx: UiContext, session: Session, job_id: str):
        self._ctx = ctx
        self._session = session
        self.job_id = job_id
        self.response = patterns_pb2.GetPanelsResponse()
        self._listeners: list[Listener] = []
        self.busy = False

    @property
    def revision(self) -> int:
        return self.response.revision

    @property
    def panels(self) -> list[patterns_pb2.Panel]:
        return list(self.response.panels)

    def panel(self, panel_id: str) -> patterns_pb2.Panel | None:
        return next((p for p in self.response.panels if p.id == panel_id), None)

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _changed(self, geometry: bool) -> None:
        for listener in self._listeners:
            listener(geometry)

    async def load(self) -> None:
        """Fetch the panel set (raises StitchError for the page to show)."""
        self.response = await self._ctx.patterns.get_panels(self._session.token(), self.job_id)
        self._changed(True)

    async def edit(self, **edit: Any) -> bool:
        """Apply one edit (e.g. `rename=RenamePanel(...)`); False when it did not happen."""
        self.busy = True
        try:
            before = self.response
            try:
                response = await self._ctx.patterns.edit_panels(
                    self._session.token(), self.job_id, self.revision, **edit
                )
            except FailedPrecondition as exc:
                await self.load()
                if self.revision != before.revision:
                    ui.notify(STALE, type="warning", position="bottom", multi_line=True)
                else:
                    show_error(exc)
                return False
            except StitchError as exc:
                show_error(exc)
                return False
            self.response = response
            self._changed(_shape(before) != _shape(response))
            return True
        finally:
            self.busy = False


def _shape(response: patterns_pb2.GetPanelsResponse) -> list[tuple[str, int, float]]:
    return [(p.id, p.face_count, round(p.area_m2, 9)) for p in response.panels]
