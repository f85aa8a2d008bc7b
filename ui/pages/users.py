"""/users (owner): add people, set their role and PIN, disable them; shop name and units."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi.responses import Response
from nicegui import ui

from services.errors import StitchError
from services.runtime.tokens import USERS_ADMIN
from ui.components import tag
from ui.components.choice import ChoiceButtons
from ui.components.frame import frame
from ui.components.notice import show_error
from ui.components.pin_pad import PinPad
from ui.session import Session, page_session
from ui.store import ROLES, UNITS, User

if TYPE_CHECKING:
    from ui.context import UiContext

ROLE_NAMES = {"owner": "Owner", "staff": "Staff", "viewer": "Viewer"}


def register(ctx: UiContext) -> None:
    @ui.page("/users")
    async def users_page() -> Response | None:
        session = await page_session(ctx, "/users", USERS_ADMIN)
        if not isinstance(session, Session):
            return session
        async with frame(ctx, session, "Users"):
            view = UsersView(ctx, session)
            await view.load()
        return None


async def ask_pin(title: str) -> str | None:
    """A PIN typed twice on the pad; None when cancelled."""
    with (
        ui.dialog().props("persistent") as dialog,
        ui.card().classes("ss-card p-6 gap-4 items-center"),
    ):
        ui.label(title).classes("text-2xl font-semibold")
        prompt = ui.label("Enter the new PIN (4 to 8 digits)").classes("text-lg")
        message = tag(ui.label().classes("text-negative text-lg"), "pin-message")
        first: list[str] = []

        def entered(pin: str) -> None:
            if not (4 <= len(pin) <= 8):
                message.set_text("A PIN has 4 to 8 digits.")
            elif not first:
                first.append(pin)
                message.set_text("")
                prompt.set_text("Enter the same PIN again")
            elif pin != first[0]:
                first.clear()
                message.set_text("The PINs differ. Start again.")
                prompt.set_text("Enter the new PIN (4 to 8 digits)")
            else:
                dialog.submit(pin)

        PinPad(entered, prefix="newpin")
        tag(
            ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat size=lg no-caps"),
            "pin-cancel",
        )
    result = await dialog
    dialog.delete()
    return result


class UsersView:
    def __init__(self, ctx: UiContext, session: Session):
        self._ctx = ctx
        self._session = session
        with ui.row().classes("w-full items-center"):
            ui.label("People who can log in").classes("text-2xl font-semibold grow")
            tag(
                ui.button("Add user", icon="person_add", on_click=self._add).props(
                    "unelevated size=lg no-caps color=primary"
                ),
                "add-user",
            )
        self.list = tag(ui.column().classes("w-full gap-3"), "user-list")
        self.shop_card = ui.card().classes("ss-card p-5 gap-3 w-full")

    async def load(self) -> None:
        users = await self._ctx.db(self._ctx.store.users.list)
        shop = await self._ctx.db(self._ctx.store.shop.get)
        self.list.clear()
        with self.list:
            for user in users:
                self._row(user)
        self.shop_card.clear()
        with self.shop_card:
            ui.label("Shop").classes("text-2xl font-semibold")
            with ui.row().classes("w-full items-center gap-3"):
                name = tag(
                    ui.input("Shop name", value=shop.shop_name)
                    .props("outlined")
                    .classes("grow text-lg"),
                    "shop-name",
                )
                tag(
                    ui.button(
                        "Save", on_click=lambda: self._shop(shop_name=name.value or "")
                    ).props("unelevated size=lg no-caps color=primary"),
                    "save-shop",
                )
            ui.label("Show lengths in").classes("text-sm text-slate-600")
            ChoiceButtons(
                {u: "inches / yards" if u == "imperial" else "cm / m" for u in UNITS},
                shop.units,
                prefix="units",
                on_change=lambda u: self._shop(units=u),
            )

    def _row(self, user: User) -> None:
        with tag(ui.card().classes("ss-card p-4 w-full gap-3"), f"user-row-{user.id}"):
            with ui.row().classes("w-full items-center gap-3"):
                ui.icon(
                    "person_off" if user.disabled else "person",
                    size="lg",
                    color="grey-5" if user.disabled else "primary",
                )
                with ui.column().classes("gap-0 grow"):
                    ui.label(user.name).classes("text-xl font-medium")
                    ui.label(
                        "disabled: cannot log in"
                        if user.disabled
                        else f"since {user.created_at.astimezone():%d %b %Y}"
                    ).classes("text-slate-600")
                ChoiceButtons(
                    ROLE_NAMES,
                    user.role,
                    prefix=f"role-{user.id}",
                    on_change=lambda r, u=user: self._change(
                        self._ctx.store.users.set_role, u.id, r
                    ),
                )
            with ui.row().classes("gap-2"):
                tag(
                    ui.button(
                        "Set PIN", icon="pin", on_click=lambda u=user: self._set_pin(u)
                    ).props("outline size=lg no-caps"),
                    f"set-pin-{user.id}",
                )
                tag(
                    ui.button(
                        "Password", icon="password", on_click=lambda u=user: self._set_password(u)
                    ).props("outline size=lg no-caps"),
                    f"set-password-{user.id}",
                )
                if user.disabled:
                    tag(
                        ui.button(
                            "Enable",
                            icon="check",
                            on_click=lambda u=user: self._change(
                                self._ctx.store.users.set_disabled, u.id, False
                            ),
                        ).props("outline size=lg no-caps color=positive"),
                        f"enable-{user.id}",
                    )
                else:
                    tag(
                        ui.button(
                            "Disable",
                            icon="block",
                            on_click=lambda u=user: self._change(
                                self._ctx.store.users.set_disabled, u.id, True
                            ),
                        ).props("outline size=lg no-caps color=negative"),
                        f"disable-{user.id}",
                    )

    async def _change(self, work, *args) -> None:
        try:
            await self._ctx.db(work, *args)
        except StitchError as exc:
            show_error(exc)
        await self.load()

    async def _set_pin(self, user: User) -> None:
        pin = await ask_pin(f"New PIN for {user.name}")
        if pin is not None:
            await self._change(self._ctx.store.users.set_pin, user.id, pin)
            ui.notify(f"PIN changed for {user.name}", type="positive", position="bottom")

    async def _set_password(self, user: User) -> None:
        with ui.dialog() as dialog, ui.card().classes("ss-card p-6 gap-4 w-96"):
            ui.label(f"Password for {user.name}").classes("text-2xl font-semibold")
            ui.label(
                "For logging in from a tablet or laptop with a keyboard. Leave empty to remove it."
            ).classes("text-slate-600")
            field = tag(
                ui.input(
                    "Password (8 characters or more)", password=True, password_toggle_button=True
                )
                .props("outlined")
                .classes("w-full"),
                "new-password",
            )
            with ui.row().classes("w-full justify-end gap-3"):
                ui.button("Cancel", on_click=lambda: dialog.submit(None)).props(
                    "outline size=lg no-caps"
                )
                tag(
                    ui.button("Save", on_click=lambda: dialog.submit(field.value or "")).props(
                        "unelevated size=lg no-caps color=primary"
                    ),
                    "save-password",
                )
        password = await dialog
        dialog.delete()
        if password is not None:
            await self._change(self._ctx.store.users.set_password, user.id, password or None)

    async def _add(self) -> None:
        with (
            ui.dialog().props("persistent") as dialog,
            ui.card().classes("ss-card p-6 gap-4 w-full").style("max-width: 560px"),
        ):
            ui.label("Add user").classes("text-2xl font-semibold")
            name = tag(
                ui.input("Name").props("outlined autofocus").classes("w-full text-lg"),
                "new-user-name",
            )
            role = ChoiceButtons(ROLE_NAMES, "staff", prefix="new-user-role")
            message = tag(ui.label().classes("text-negative text-lg"), "new-user-message")

            def next_step() -> None:
                if not (name.value or "").strip():
                    message.set_text("Enter a name.")
                    return
                dialog.submit((name.value, role.value))

            with ui.row().classes("w-full justify-end gap-3"):
                ui.button("Cancel", on_click=lambda: dialog.submit(None)).props(
                    "outline size=lg no-caps"
                )
                tag(
                    ui.button("Next: choose PIN", on_click=next_step).props(
                        "unelevated size=lg no-caps color=primary"
                    ),
                    "new-user-next",
                )
        answer = await dialog
        dialog.delete()
        if answer is None:
            return
        user_name, user_role = answer
        pin = await ask_pin(f"PIN for {user_name}")
        if pin is None:
            return
        try:
            await self._ctx.db(self._ctx.store.users.create, user_name, user_role, pin)
        except StitchError as exc:
            show_error(exc)
            return
        ui.notify(f"Added {user_name}", type="positive", position="bottom")
        await self.load()

    async def _shop(self, **changes: str) -> None:
        try:
            await self._ctx.db(self._ctx.store.shop.update, **changes)
        except StitchError as exc:
            show_error(exc)
            return
        ui.notify("Saved", type="positive", position="bottom")


# Keep ROLES referenced for readers: the role names above must match the store's.
if set(ROLE_NAMES) != set(ROLES):  # pragma: no cover - a coding error, caught at import
    raise RuntimeError("users page role names differ from ui.store.ROLES")
