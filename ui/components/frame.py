"""The frame around every logged-in page: header with shop, page title, navigation,
who is logged in and logout; a banner while capture is unreachable."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from nicegui import ui

from services.runtime.tokens import DEVICES_PAIR, USERS_ADMIN
from ui.components import tag
from ui.session import Session, end_session

if TYPE_CHECKING:
    from ui.context import UiContext

ROLE_LABEL = {"owner": "Owner", "staff": "Staff", "viewer": "Viewer (read only)"}


@asynccontextmanager
async def frame(
    ctx: UiContext, session: Session, title: str, *, back: str | None = None
) -> AsyncIterator[ui.column]:
    shop = await ctx.db(ctx.store.shop.get)
    ui.page_title(f"{title} · {shop.shop_name}")
    with ui.header().classes("items-center gap-1 px-2 py-2 bg-slate-800 no-wrap"):
        if back:
            tag(
                ui.button(icon="arrow_back", on_click=lambda: ui.navigate.to(back)).props(
                    'flat round size=lg color=white aria-label="Back"'
                ),
                "back",
            )
        with ui.column().classes("gap-0 min-w-0 shrink"):
            ui.label(shop.shop_name).classes("text-xs uppercase tracking-wider opacity-70")
            ui.label(title).classes("text-xl font-semibold leading-tight truncate")
        ui.space()
        _nav("Projects", "view_list", "/")
        if session.can(DEVICES_PAIR):
            _nav("Cameras", "photo_camera", "/pairing")
        if session.can(USERS_ADMIN):
            _nav("Users", "group", "/users")
        with ui.row().classes("items-center gap-2 pl-2 gt-xs"):  # phones: no room
            ui.icon("account_circle", size="md")
            with ui.column().classes("gap-0"):
                tag(ui.label(session.user.name).classes("font-medium leading-tight"), "who")
                ui.label(ROLE_LABEL.get(session.role, session.role)).classes(
                    "text-xs opacity-70 leading-tight"
                )

        def logout() -> None:
            end_session()
            ui.navigate.to("/login")

        _header_button("Log out", "logout", logout, "logout", outline=True)
    banner = ui.row().classes(
        "w-full items-center gap-3 px-4 py-3 bg-amber-100 text-amber-950 text-lg"
    )
    with banner:
        ui.spinner(size="md", color="warning")
        ui.label().bind_text_from(ctx.feed, "problem").classes("font-medium")
    banner.bind_visibility_from(ctx.feed, "unavailable")
    tag(banner, "capture-banner")
    with ui.column().classes("w-full max-w-screen-xl mx-auto p-4 gap-4") as content:
        yield content


def _nav(label: str, icon: str, target: str) -> None:
    _header_button(label, icon, lambda: ui.navigate.to(target), f"nav-{label.lower()}")


def _header_button(
    label: str, icon: str, on_click: Callable[[], None], name: str, *, outline: bool = False
) -> None:
    """Icon and word; on a phone the icon alone (still 48 px), so the header stays one row."""
    button = ui.button(icon=icon, on_click=on_click).props(
        f'{"outline" if outline else "flat"} color=white no-caps size=lg aria-label="{label}"'
    )
    with button:
        ui.label(label).classes("gt-xs q-ml-sm")
    tag(button, name)
