"""Session tokens: issued for the person, renewed once half their life is gone."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from types import SimpleNamespace

from services.runtime.tokens import PHOTOS_WRITE, USERS_ADMIN, TokenSigner
from ui.session import Session, safe_next
from ui.store import User


def _session(role: str, storage: dict) -> tuple[Session, TokenSigner]:
    signer = TokenSigner(b"k" * 32, "box1")
    ctx = SimpleNamespace(settings=SimpleNamespace(token_ttl_s=900.0), signer=signer)
    user = User(7, "Ann", role, datetime.now(UTC), False, False)
    return Session(ctx, user, storage), signer  # type: ignore[arg-type]


def test_token_is_the_persons_and_renewed_near_expiry() -> None:
    storage: dict = {}
    session, signer = _session("staff", storage)
    token = session.token()
    principal = signer.verify(token)
    assert (principal.subject, principal.role, principal.name) == ("user:7", "staff", "Ann")
    assert session.token() == token  # fresh: reused
    storage["token_exp"] = time.time() + 100  # less than half of 900 s left
    assert session.token() != token
    assert storage["token_exp"] > time.time() + 800


def test_roles_decide_what_the_pages_offer() -> None:
    viewer, _ = _session("viewer", {})
    staff, _ = _session("staff", {})
    owner, _ = _session("owner", {})
    assert viewer.read_only and not viewer.can(PHOTOS_WRITE)
    assert staff.can(PHOTOS_WRITE) and not staff.can(USERS_ADMIN)
    assert owner.can(USERS_ADMIN)


def test_only_local_paths_after_login() -> None:
    assert safe_next("/project/abc") == "/project/abc"
    for bad in ("https://evil.example", "//evil.example", "/\\evil", "", None):
        assert safe_next(bad) == "/"
