"""Who is logged in on this browser, and the short-lived token their calls carry.

The session lives in NiceGUI's per-browser server-side storage (`app.storage.user`,
keyed by a signed cookie): the user id, the login time and a signed token for the
services, renewed while the person keeps using the app.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi.responses import RedirectResponse, Response
from nicegui import app

from services.errors import NotFound
from services.runtime.tokens import ROLES
from ui.store import User

if TYPE_CHECKING:
    from ui.context import UiContext


class Session:
    """A logged-in person on one browser."""

    def __init__(self, ctx: UiContext, user: User, storage: Any):
        self._ctx = ctx
        self.user = user
        # The storage dict itself, so background work (uploads) can renew the token
        # after the request that built the page is over.
        self._storage = storage

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def read_only(self) -> bool:
        """Viewers look, they do not change anything."""
        return self.role == "viewer"

    def can(self, scope: str) -> bool:
        return scope in ROLES.get(self.role, frozenset())

    def token(self) -> str:
        """A valid token for this person, renewed once half its life is gone."""
        ttl = self._ctx.settings.token_ttl_s
        token = self._storage.get("token")
        if not token or self._storage.get("token_exp", 0) - time.time() < ttl / 2:
            token = self._ctx.signer.issue(
                self.user.subject, self.role, name=self.user.name, ttl_s=ttl
            )
            self._storage["token"] = token
            self._storage["token_exp"] = time.time() + ttl
        return token


def start_session(ctx: UiContext, user: User) -> Session:
    """Log `user` in on this browser (replacing whoever was)."""
    storage = app.storage.user
    storage.clear()
    storage.update(user_id=user.id, login_at=time.time())
    return Session(ctx, user, storage)


def end_session() -> None:
    app.storage.user.clear()


async def current_session(ctx: UiContext) -> Session | None:
    """The logged-in person, or None when nobody is, the login is too old or disabled."""
    storage = app.storage.user
    user_id = storage.get("user_id")
    if user_id is None:
        return None
    if time.time() - storage.get("login_at", 0) > ctx.settings.session_hours * 3600:
        storage.clear()
        return None
    try:
        user = await ctx.db(ctx.store.users.get, int(user_id))
    except NotFound:
        user = None
    if user is None or user.disabled:
        storage.clear()
        return None
    return Session(ctx, user, storage)


def login_redirect(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path)}")


def safe_next(path: str | None) -> str:
    """Only same-site paths after login (no open redirects)."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/"


async def page_session(ctx: UiContext, path: str, scope: str | None = None) -> Session | Response:
    """The session for a page, or the redirect to send instead (login, or home if not allowed)."""
    session = await current_session(ctx)
    if session is None:
        return login_redirect(path)
    if scope is not None and not session.can(scope):
        return RedirectResponse("/")
    return session
