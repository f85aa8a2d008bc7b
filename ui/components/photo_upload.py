"""Photos from the tablet or phone browser: "Take photos" opens the camera on a phone,
"Add photos" picks several files. Each file is forwarded to capture in 1 MiB chunks;
what capture refuses is listed in words ("IMG_1.JPG: not an image")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nicegui import events, ui

from services.errors import StitchError
from stitchsketch.v1 import capture_pb2
from ui.capture_client import CHUNK_BYTES
from ui.components import tag

if TYPE_CHECKING:
    from ui.context import UiContext
    from ui.session import Session

#: What the pickers offer; .heic/.heif for iPhones whose browser does not convert.
ACCEPT = "image/*,.heic,.heif,.jpg,.jpeg,.png"
OnStored = Callable[[capture_pb2.Photo], None]


class PhotoUpload(ui.column):
    def __init__(self, ctx: UiContext, session: Session, project_id: str, on_stored: OnStored):
        super().__init__()
        self.classes("gap-2 w-full")
        self._ctx = ctx
        self._session = session
        self._project_id = project_id
        self._on_stored = on_stored
        limit = ctx.settings.max_upload_mb * 1024 * 1024
        with self:
            with ui.row().classes("gap-3 w-full"):
                take = tag(
                    ui.button("Take photos", icon="photo_camera")
                    .props("unelevated size=lg no-caps color=primary")
                    .classes("grow"),
                    "take-photos",
                )
                pick = tag(
                    ui.button("Add photos", icon="add_photo_alternate")
                    .props("outline size=lg no-caps color=primary")
                    .classes("grow"),
                    "add-photos",
                )
            self.status = tag(ui.label().classes("text-lg text-slate-700"), "upload-status")
            self.problems = tag(ui.column().classes("gap-1"), "upload-problems")
            # The uploaders stay hidden (their own UI is small); the big buttons open them.
            # `capture` makes a phone open its camera; the other picker allows many files.
            self.camera_input = tag(
                ui.upload(
                    auto_upload=True,
                    max_file_size=limit,
                    on_multi_upload=self._received,
                    on_rejected=self._rejected,
                )
                .props(f'accept="{ACCEPT}" capture="environment"')
                .classes("hidden"),
                "upload-camera",
            )
            self.files_input = tag(
                ui.upload(
                    multiple=True,
                    auto_upload=True,
                    max_file_size=limit,
                    on_multi_upload=self._received,
                    on_rejected=self._rejected,
                )
                .props(f'accept="{ACCEPT}"')
                .classes("hidden"),
                "upload-files",
            )
        for button, uploader in ((take, self.camera_input), (pick, self.files_input)):
            # Opening a file picker needs the user's tap itself, so it runs in the browser.
            button.on("click", js_handler=f"() => getElement({uploader.id}).$refs.qRef.pickFiles()")
            uploader.on("failed", lambda: self._report_failed())

    def _rejected(self) -> None:
        limit = self._ctx.settings.max_upload_mb
        ui.notify(
            f"Not sent: photos must be image files of at most {limit} MB",
            type="warning",
            position="bottom",
        )

    def _report_failed(self) -> None:
        ui.notify(
            "The upload did not reach the box: check the Wi-Fi and try again",
            type="negative",
            position="bottom",
        )

    async def _received(self, e: events.MultiUploadEventArguments) -> None:
        """Forward the files one by one, so a burst from a phone does not swamp the box."""
        files = e.files
        failures: list[str] = []
        stored = duplicates = 0
        self.problems.clear()
        for i, file in enumerate(files, 1):
            self.status.set_text(f"Sending {i} of {len(files)}: {file.name}…")
            try:
                response = await self._ctx.capture.upload_photo(
                    self._session.token(),
                    project_id=self._project_id,
                    filename=file.name,
                    chunks=file.iterate(chunk_size=CHUNK_BYTES),
                    size_bytes=file.size(),
                    camera_id=f"browser ({self._session.user.name})",
                )
            except StitchError as exc:
                failures.append(f"{file.name}: {exc.message}")
                continue
            if response.duplicate:
                duplicates += 1
            else:
                stored += 1
            self._on_stored(response.photo)
        e.sender.run_method("reset")
        self.status.set_text(_summary(stored, duplicates, len(failures)))
        # Listed right under the buttons just tapped, and kept until the next upload
        # (a toast would vanish before a busy person reads it).
        with self.problems:
            for line in failures:
                with ui.row().classes("items-start gap-2 no-wrap"):
                    ui.icon("error", color="negative", size="sm")
                    tag(ui.label(line).classes("text-lg text-negative"), "upload-problem")


def _summary(stored: int, duplicates: int, failed: int) -> str:
    parts = []
    if stored:
        parts.append(f"{stored} photo{'s' if stored != 1 else ''} added")
    if duplicates:
        parts.append(f"{duplicates} already here")
    if failed:
        parts.append(f"{failed} refused")
    return ", ".join(parts) or "Nothing sent"
