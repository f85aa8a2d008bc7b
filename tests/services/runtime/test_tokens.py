from __future__ import annotations

import threading
from pathlib import Path

import pytest

from services.errors import PermissionDenied, Unauthenticated
from services.runtime import tokens
from services.runtime.tokens import TokenSigner


@pytest.fixture
def signer(tmp_path: Path) -> TokenSigner:
    return TokenSigner(tokens.load_or_create_key(tmp_path), "box1")


def test_roles_and_scopes(signer: TokenSigner) -> None:
    staff = signer.verify(signer.issue("u1", "staff", name="Ana"))
    assert staff.kind == "person" and staff.name == "Ana"
    staff.require(tokens.PHOTOS_WRITE)
    with pytest.raises(PermissionDenied, match="users:admin"):
        staff.require(tokens.USERS_ADMIN)
    camera = signer.verify(signer.issue("d1", "device", kind="device"))
    camera.require(tokens.PHOTOS_UPLOAD)
    with pytest.raises(PermissionDenied):
        camera.require(tokens.PHOTOS_READ)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda s, o: s.issue("u", "staff", ttl_s=-5), "expired"),
        (lambda s, o: o.issue("u", "owner"), "invalid token"),
        (lambda s, o: "not.a.token", "invalid token"),
        (lambda s, o: TokenSigner(s._key, "other-box").issue("u", "owner"), "another box"),
    ],
    ids=["expired", "forged", "garbage", "other-box"],
)
def test_bad_tokens_are_refused(signer: TokenSigner, make, message: str) -> None:
    other = TokenSigner(b"some other key of thirty-two bytes or more", "box1")
    with pytest.raises(Unauthenticated, match=message):
        signer.verify(make(signer, other))


def test_key_and_box_id_are_made_once_even_when_racing(tmp_path: Path) -> None:
    keys: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: keys.append(tokens.load_or_create_key(tmp_path)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert (tmp_path / "secrets" / tokens.KEY_FILE).stat().st_mode & 0o077 == 0
    assert tokens.load_or_create_box_id(tmp_path) == tokens.load_or_create_box_id(tmp_path)


def test_systemd_credential_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / tokens.KEY_FILE).write_bytes(b"from-systemd\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    assert tokens.load_or_create_key(tmp_path / "data") == b"from-systemd"
