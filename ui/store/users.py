"""People who use the box: name, role, PIN (and optionally a password)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from services.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from ui.store.db import Database
from ui.store.hashing import hash_secret, verify_secret

log = logging.getLogger(__name__)

#: Roles a person can have, most powerful first (devices are not users).
ROLES = ("owner", "staff", "viewer")
PIN_PATTERN = re.compile(r"^\d{4,8}$")
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 40
#: The documented demo login that dev-up creates on an empty box.
DEMO_OWNER_NAME = "Owner"
DEMO_OWNER_PIN = "1234"

_COLUMNS = "id, name, role, created_at, disabled, password_hash IS NOT NULL"


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    created_at: datetime
    disabled: bool
    has_password: bool

    @property
    def subject(self) -> str:
        """Token subject for this person."""
        return f"user:{self.id}"


def _row(row: tuple) -> User:
    return User(
        id=int(row[0]),
        name=row[1],
        role=row[2],
        created_at=row[3].replace(tzinfo=UTC),
        disabled=bool(row[4]),
        has_password=bool(row[5]),
    )


def check_pin(pin: str) -> str:
    if not PIN_PATTERN.match(pin or ""):
        raise InvalidArgument("PIN must be 4 to 8 digits", field="pin")
    return pin


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidArgument(f"role must be one of {', '.join(ROLES)}", field="role")
    return role


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidArgument("name is empty", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidArgument(f"name is longer than {MAX_NAME_LENGTH} characters", field="name")
    return name


class UserRepo:
    """Users in the UI database; every check that protects the box lives here."""

    def __init__(self, db: Database):
        self._db = db

    def count(self, *, include_disabled: bool = True) -> int:
        where = "" if include_disabled else " WHERE NOT disabled"
        row = self._db.fetchone(f"SELECT count(*) FROM users{where}")
        return int(row[0]) if row else 0

    def list(self, *, include_disabled: bool = True) -> list[User]:
        where = "" if include_disabled else " WHERE NOT disabled"
        rows = self._db.fetchall(f"SELECT {_COLUMNS} FROM users{where} ORDER BY lower(name)")
        return [_row(r) for r in rows]

    def get(self, user_id: int) -> User:
        row = self._db.fetchone(f"SELECT {_COLUMNS} FROM users WHERE id = ?", [user_id])
        if row is None:
            raise NotFound(f"no user with id {user_id}")
        return _row(row)

    def create(self, name: str, role: str, pin: str, *, password: str | None = None) -> User:
        return self._create(name, role, pin, password=password, first_owner=False)

    def create_first_owner(self, name: str, pin: str) -> User:
        """The owner made at first start; refused once anyone exists (two kiosks racing)."""
        return self._create(name, "owner", pin, password=None, first_owner=True)

    def _create(
        self, name: str, role: str, pin: str, *, password: str | None, first_owner: bool
    ) -> User:
        name, role, pin = check_name(name), check_role(role), check_pin(pin)
        pin_hash = hash_secret(pin)
        password_hash = hash_secret(_check_password(password)) if password else None
        now = datetime.now(UTC).replace(tzinfo=None)
        with self._db.transaction() as con:
            if first_owner and con.execute("SELECT count(*) FROM users").fetchone()[0]:
                raise FailedPrecondition("the owner exists already: log in instead")
            taken = con.execute(
                "SELECT 1 FROM users WHERE lower(name) = lower(?)", [name]
            ).fetchone()
            if taken:
                raise AlreadyExists(f"there is already a user called {name}", field="name")
            row = con.execute(
                "INSERT INTO users (name, role, pin_hash, password_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                [name, role, pin_hash, password_hash, now],
            ).fetchone()
        if row is None:
            raise RuntimeError("INSERT … RETURNING gave no row")
        log.info("created %s user %s", role, name)
        return self.get(int(row[0]))

    def authenticate_pin(self, user_id: int, pin: str) -> User | None:
        """The user when `pin` is theirs and they are enabled, else None."""
        return self._authenticate(user_id, "pin_hash", pin)

    def authenticate_password(self, user_id: int, password: str) -> User | None:
        return self._authenticate(user_id, "password_hash", password)

    def _authenticate(self, user_id: int, column: str, secret: str) -> User | None:
        row = self._db.fetchone(f"SELECT {column}, disabled FROM users WHERE id = ?", [user_id])
        if row is None or row[1]:
            return None
        # The slow hash runs outside the lock so logins do not queue behind each other.
        if not verify_secret(secret, row[0]):
            return None
        return self.get(user_id)

    def set_pin(self, user_id: int, pin: str) -> None:
        pin_hash = hash_secret(check_pin(pin))
        self._update(user_id, "pin_hash = ?", [pin_hash])

    def set_password(self, user_id: int, password: str | None) -> None:
        """Set or (with None/empty) remove the password."""
        value = hash_secret(_check_password(password)) if password else None
        self._update(user_id, "password_hash = ?", [value])

    def set_name(self, user_id: int, name: str) -> None:
        name = check_name(name)
        with self._db.transaction() as con:
            taken = con.execute(
                "SELECT 1 FROM users WHERE lower(name) = lower(?) AND id <> ?", [name, user_id]
            ).fetchone()
            if taken:
                raise AlreadyExists(f"there is already a user called {name}", field="name")
            self._update_in(con, user_id, "name = ?", [name])

    def set_role(self, user_id: int, role: str) -> None:
        role = check_role(role)
        with self._db.transaction() as con:
            if role != "owner":
                self._keep_an_owner(con, user_id)
            self._update_in(con, user_id, "role = ?", [role])

    def set_disabled(self, user_id: int, disabled: bool) -> None:
        with self._db.transaction() as con:
            if disabled:
                self._keep_an_owner(con, user_id)
            self._update_in(con, user_id, "disabled = ?", [disabled])

    def _keep_an_owner(self, con, user_id: int) -> None:
        """Refuse a change that would leave the box without an enabled owner."""
        row = con.execute(
            "SELECT count(*) FROM users WHERE role = 'owner' AND NOT disabled AND id <> ?",
            [user_id],
        ).fetchone()
        target = con.execute("SELECT role, disabled FROM users WHERE id = ?", [user_id]).fetchone()
        if target is None:
            raise NotFound(f"no user with id {user_id}")
        if target[0] == "owner" and not target[1] and row[0] == 0:
            raise FailedPrecondition(
                "this is the only owner: make someone else owner first", field="role"
            )

    def _update(self, user_id: int, assignment: str, params: list) -> None:
        with self._db.transaction() as con:
            self._update_in(con, user_id, assignment, params)

    @staticmethod
    def _update_in(con, user_id: int, assignment: str, params: list) -> None:
        row = con.execute(
            f"UPDATE users SET {assignment} WHERE id = ? RETURNING id", [*params, user_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"no user with id {user_id}")


def _check_password(password: str | None) -> str:
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidArgument(
            f"password must have at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )
    return password


def ensure_demo_owner(users: UserRepo) -> User | None:
    """On an empty box, create the documented demo owner (Owner, PIN 1234).

    Only dev-up and demos call this; a real box asks for the owner at first start.
    Returns the user created, or None when there were users already.
    """
    if users.count() > 0:
        return None
    log.warning(
        "created demo owner %r with PIN %s: change it on the Users page",
        DEMO_OWNER_NAME,
        DEMO_OWNER_PIN,
    )
    return users.create(DEMO_OWNER_NAME, "owner", DEMO_OWNER_PIN)
