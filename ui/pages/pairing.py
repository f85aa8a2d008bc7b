"""/pairing: a 6-digit code for a camera to pair with, and the paired cameras (owner)."""

from __future__ import annotations

import time
from datetime import UTC
from typing import TYPE_CHECKING

from fastapi.responses import Response
from nicegui import ui

from services.errors import StitchError
from services.runtime.tokens import DEVICES_ADMIN, DEVICES_PAIR
from stitchsketch.v1 import pairing_pb2
from ui.components import tag
from ui.components.confirm import confirm
from ui.components.frame import frame
from ui.components.notice import show_error
from ui.session import Session, page_session

if TYPE_CHECKING:
    from ui.context import UiContext


def register(ctx: UiContext) -> None:
    @ui.page("/pairing")
    async def pairing_page() -> Response | None:
        session = await page_session(ctx, "/pairing", DEVICES_PAIR)
        if not isinstance(session, Session):
            return session
        async with frame(ctx, session, "Cameras"):
            view = PairingView(ctx, session)
        await ui.context.client.connected()
        await view.new_code()
        await view.load_devices()
        return None


class PairingView:
    def __init__(self, ctx: UiContext, session: Session):
        self._ctx = ctx
        self._session = session
        self._expires_at = 0.0
        with ui.card().classes("ss-card p-6 gap-4 w-full items-center"):
            ui.label("Pair a camera").classes("text-2xl font-semibold")
            ui.label(
                "Enter this code on the camera (the stitchsketch-camera agent asks for it "
                "the first time it starts). Each code works once."
            ).classes("text-lg text-slate-700 text-center")
            self.code = tag(ui.label("– – –").classes("ss-code text-slate-900"), "pairing-code")
            self.countdown = tag(ui.label().classes("text-xl text-slate-600"), "pairing-countdown")
            tag(
                ui.button("New code", icon="refresh", on_click=self.new_code).props(
                    "outline size=lg no-caps"
                ),
                "new-code",
            )
        self.devices_card = ui.card().classes("ss-card p-6 gap-3 w-full")
        with self.devices_card:
            ui.label("Paired cameras").classes("text-2xl font-semibold")
            self.devices = tag(ui.column().classes("w-full gap-2"), "device-list")
        if not session.can(DEVICES_ADMIN):
            with self.devices:
                ui.label("Only the owner can see and revoke paired cameras.").classes(
                    "text-lg text-slate-600"
                )
        ui.timer(1.0, self._tick)

    async def new_code(self) -> None:
        try:
            response = await self._ctx.capture.create_pairing_code(self._session.token())
        except StitchError as exc:
            self.code.set_text("– – –")
            self.countdown.set_text(f"No code: {exc.message}")
            return
        digits = response.code
        self.code.set_text(f"{digits[:3]} {digits[3:]}" if len(digits) == 6 else digits)
        self.code.classes(remove="opacity-30")
        expires = response.expires_at.ToDatetime(tzinfo=UTC).timestamp()
        self._expires_at = expires
        self._tick()

    def _tick(self) -> None:
        if not self._expires_at:
            return
        left = self._expires_at - time.time()
        if left <= 0:
            self.countdown.set_text("This code has expired. Tap “New code”.")
            self.code.classes(add="opacity-30")
            return
        minutes, seconds = divmod(int(left), 60)
        self.countdown.set_text(f"Works for {minutes}:{seconds:02d} more")

    async def load_devices(self) -> None:
        if not self._session.can(DEVICES_ADMIN):
            return
        try:
            devices = await self._ctx.capture.list_devices(self._session.token())
        except StitchError as exc:
            self.devices.clear()
            with self.devices:
                ui.label(f"Cannot list cameras: {exc.message}").classes("text-lg")
            return
        self.devices.clear()
        with self.devices:
            if not devices:
                ui.label("No camera is paired yet.").classes("text-lg text-slate-600")
            for device in devices:
                self._device_row(device)

    def _device_row(self, device: pairing_pb2.Device) -> None:
        with tag(
            ui.row().classes("w-full items-center gap-3 p-2 rounded-lg bg-slate-50"),
            f"device-{device.id}",
        ):
            ui.icon("photo_camera", size="md", color="grey-5" if device.revoked else "primary")
            with ui.column().classes("gap-0 grow"):
                ui.label(device.name or device.id).classes("text-lg font-medium")
                paired = device.paired_at.ToDatetime(tzinfo=UTC).astimezone()
                seen = (
                    device.last_seen_at.ToDatetime(tzinfo=UTC)
                    .astimezone()
                    .strftime("last photo %d %b %H:%M")
                    if device.HasField("last_seen_at")
                    else "no photo yet"
                )
                ui.label(f"paired {paired:%d %b %Y} · {seen}").classes("text-slate-600")
            if device.revoked:
                ui.chip("Revoked", color="grey-6", text_color="white").props("square")
            else:
                tag(
                    ui.button(
                        "Revoke", icon="block", on_click=lambda d=device: self._revoke(d)
                    ).props("outline color=negative size=lg no-caps"),
                    f"revoke-{device.id}",
                )

    async def _revoke(self, device: pairing_pb2.Device) -> None:
        name = device.name or device.id
        if not await confirm(
            f"Revoke {name}? It must pair again to send photos.", yes="Revoke", danger=True
        ):
            return
        try:
            await self._ctx.capture.revoke_device(self._session.token(), device.id)
        except StitchError as exc:
            show_error(exc)
        await self.load_devices()
