"""/login: tap your name, then your PIN on the pad. /setup: create the owner on first start."""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING

from fastapi.responses import RedirectResponse
from nicegui import ui

from services.errors import StitchError
from ui.components import tag
from ui.components.pin_pad import PinPad
from ui.session import safe_next, start_session
from ui.store import User

if TYPE_CHECKING:
    from ui.context import UiContext


def register(ctx: UiContext) -> None:
    @ui.page("/login")
    async def login_page(next: str = "/") -> RedirectResponse | None:
        if await ctx.db(ctx.store.users.count) == 0:
            return RedirectResponse("/setup")
        users = await ctx.db(ctx.store.users.list, include_disabled=False)
        shop = await ctx.db(ctx.store.shop.get)
        ui.page_title(f"Log in · {shop.shop_name}")
        LoginView(ctx, users, shop.shop_name, safe_next(next))
        return None

    @ui.page("/setup")
    async def setup_page() -> RedirectResponse | None:
        if await ctx.db(ctx.store.users.count) > 0:
            return RedirectResponse("/login")
        ui.page_title("Welcome · StitchSketch")
        SetupView(ctx)
        return None


def _centered() -> ui.column:
    return ui.column().classes("w-full min-h-screen items-center justify-center p-6 gap-6")


class LoginView:
    def __init__(self, ctx: UiContext, users: list[User], shop_name: str, next_path: str):
        self._ctx = ctx
        self._next = next_path
        self._user: User | None = None
        with _centered():
            ui.label(shop_name).classes("text-4xl font-bold text-slate-800")
            self.step_who = ui.column().classes("items-center gap-6 w-full")
            with self.step_who:
                ui.label("Tap your name").classes("text-2xl text-slate-600")
                with ui.row().classes("gap-4 justify-center w-full").style("max-width: 900px"):
                    for user in users:
                        self._user_tile(user)
            self.step_pin = ui.column().classes("items-center gap-4 w-full")
            with self.step_pin:
                self.greeting = tag(ui.label().classes("text-2xl text-slate-700"), "greeting")
                self.pad = PinPad(self._pin_entered)
                self.message = tag(
                    ui.label().classes("text-xl text-negative text-center"), "login-message"
                )
                with ui.row().classes("gap-3"):
                    tag(
                        ui.button("Not you?", icon="arrow_back", on_click=self._back).props(
                            "flat size=lg no-caps"
                        ),
                        "not-you",
                    )
                    self.password_button = tag(
                        ui.button(
                            "Use password", icon="password", on_click=self._show_password
                        ).props("flat size=lg no-caps"),
                        "use-password",
                    )
                self.password_row = ui.row().classes("items-center gap-2")
                with self.password_row:
                    self.password = tag(
                        ui.input("Password", password=True)
                        .props("outlined")
                        .classes("w-64")
                        .on("keydown.enter", self._password_entered),
                        "password",
                    )
                    tag(
                        ui.button("Log in", on_click=self._password_entered).props(
                            "unelevated size=lg no-caps color=primary"
                        ),
                        "password-login",
                    )
        self._locked = False
        ui.timer(1.0, self._tick)
        self._back()

    def _user_tile(self, user: User) -> None:
        initials = "".join(part[0] for part in user.name.split()[:2]).upper()
        with tag(
            ui.card().classes("ss-card ss-tap items-center gap-2 p-5 w-44"), f"user-{user.id}"
        ).on("click", lambda u=user: self._choose(u)):
            ui.label(initials).classes(
                "w-20 h-20 rounded-full bg-primary text-white text-3xl font-semibold"
                " flex items-center justify-center"
            )
            ui.label(user.name).classes("text-xl font-medium text-center")

    def _choose(self, user: User) -> None:
        self._user = user
        self.greeting.set_text(f"Hello {user.name}, enter your PIN")
        self.message.set_text("")
        self.pad.reset()
        self.step_who.set_visibility(False)
        self.step_pin.set_visibility(True)
        self.password_button.set_visibility(user.has_password)
        self.password_row.set_visibility(False)
        self._check_lock()

    def _back(self) -> None:
        self._user = None
        self.step_who.set_visibility(True)
        self.step_pin.set_visibility(False)

    def _show_password(self) -> None:
        self.password_row.set_visibility(True)

    @property
    def _key(self) -> str:
        return f"user:{self._user.id}" if self._user else ""

    def _check_lock(self) -> bool:
        """True (and the pad disabled, with the wait shown) while this user must wait."""
        wait = self._ctx.throttle.wait_s(self._key)
        self._locked = wait > 0
        self.pad.set_enabled(not self._locked)
        if self._locked:
            self.message.set_text(f"Too many wrong PINs. Try again in {math.ceil(wait)} s.")
        return self._locked

    def _tick(self) -> None:
        """Once a second: count the pause down, and free the pad when it is over."""
        if self._locked and self._user is not None and not self._check_lock():
            self.message.set_text("Try again.")

    async def _pin_entered(self, pin: str) -> None:
        if self._user is None or self._check_lock():
            return
        if not pin:
            self.message.set_text("Enter your PIN first.")
            return
        found = await self._ctx.db(self._ctx.store.users.authenticate_pin, self._user.id, pin)
        await self._finish(found, "PIN")

    async def _password_entered(self) -> None:
        if self._user is None or self._check_lock():
            return
        password = self.password.value or ""
        self.password.set_value("")
        found = await self._ctx.db(
            self._ctx.store.users.authenticate_password, self._user.id, password
        )
        await self._finish(found, "password")

    async def _finish(self, found: User | None, what: str) -> None:
        if found is None:
            pause = self._ctx.throttle.failure(self._key)
            if pause:
                self._check_lock()
                return
            left = self._ctx.throttle.attempts_left(self._key)
            self.message.set_text(
                f"Wrong {what}. {left} more tr{'y' if left == 1 else 'ies'} before a pause."
            )
            return
        self._ctx.throttle.success(self._key)
        start_session(self._ctx, found)
        ui.navigate.to(self._next)


class SetupView:
    """First start: nobody can log in yet, so whoever stands at the kiosk makes the owner."""

    def __init__(self, ctx: UiContext):
        self._ctx = ctx
        self._first_pin = ""
        with _centered():
            ui.label("Welcome to StitchSketch").classes("text-4xl font-bold text-slate-800")
            ui.label("Create the owner: the person who manages users and cameras.").classes(
                "text-xl text-slate-600 text-center"
            )
            self.name = tag(
                ui.input("Owner's name", value="Owner").props("outlined").classes("w-80 text-xl"),
                "setup-name",
            )
            self.prompt = tag(ui.label().classes("text-2xl text-slate-700"), "setup-prompt")
            self.pad = PinPad(self._entered, prefix="pin")
            self.message = tag(ui.label().classes("text-xl text-negative"), "setup-message")
        self._ask_first()

    def _ask_first(self) -> None:
        self._first_pin = ""
        self.prompt.set_text("Choose a PIN (4 to 8 digits)")

    async def _entered(self, pin: str) -> None:
        if not self._first_pin:
            if not (4 <= len(pin) <= 8):
                self.message.set_text("A PIN has 4 to 8 digits.")
                return
            self._first_pin = pin
            self.message.set_text("")
            self.prompt.set_text("Enter the same PIN again")
            return
        if pin != self._first_pin:
            self.message.set_text("The PINs differ. Start again.")
            self._ask_first()
            return
        try:
            user = await self._ctx.db(
                self._ctx.store.users.create_first_owner, self.name.value or "", pin
            )
        except StitchError as exc:
            self.message.set_text(exc.message)
            self._ask_first()
            return
        start_session(self._ctx, user)
        await asyncio.sleep(0)
        ui.navigate.to("/")
