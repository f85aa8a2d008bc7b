"""The UI store on real DuckDB files: migrations, users, projects, shop settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from ui.store import (
    PIECE_TYPES,
    STATUSES,
    Database,
    Store,
    apply_migrations,
    current_version,
    ensure_demo_owner,
)
from ui.store.hashing import hash_secret, verify_secret
from ui.store.migrate import MIGRATIONS_DIR, discover


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store(tmp_path / "ui.duckdb")
    yield opened
    opened.close()


# --- migrations -----------------------------------------------------------------------


def test_new_database_gets_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "ui.duckdb"
    latest = discover()[-1].version
    Store(path).close()
    db = Database(path)
    try:
        assert current_version(db) == latest
        assert apply_migrations(db) == []  # nothing to do the second time
        tables = {r[0] for r in db.fetchall("SELECT table_name FROM information_schema.tables")}
        assert {"users", "projects", "settings", "schema_version"} <= tables
    finally:
        db.close()


def test_later_migrations_apply_in_order_sql_and_python(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for source in MIGRATIONS_DIR.glob("001_*.sql"):
        (folder / source.name).write_text(source.read_text())
    (folder / "002_add_phone.sql").write_text("ALTER TABLE projects ADD COLUMN phone VARCHAR;")
    (folder / "003_backfill.py").write_text(
        "def migrate(con):\n    con.execute(\"INSERT INTO settings VALUES ('migrated', 'yes')\")\n"
    )
    db = Database(tmp_path / "ui.duckdb")
    try:
        assert apply_migrations(db, folder) == [1, 2, 3]
        assert db.fetchone("SELECT value FROM settings WHERE key = 'migrated'") == ("yes",)
        versions = db.fetchall("SELECT version, name FROM schema_version ORDER BY version")
        assert versions == [(1, "initial"), (2, "add_phone"), (3, "backfill")]
    finally:
        db.close()


def test_a_failing_migration_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for source in MIGRATIONS_DIR.glob("001_*.sql"):
        (folder / source.name).write_text(source.read_text())
    (folder / "002_broken.sql").write_text(
        "CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;"
    )
    db = Database(tmp_path / "ui.duckdb")
    try:
        with pytest.raises(Exception, match="no_such_table"):
            apply_migrations(db, folder)
        assert current_version(db) == 1
        tables = {r[0] for r in db.fetchall("SELECT table_name FROM information_schema.tables")}
        assert "half_done" not in tables
    finally:
        db.close()


def test_two_migrations_with_one_number_are_refused(tmp_path: Path) -> None:
    (tmp_path / "001_a.sql").write_text("")
    (tmp_path / "001_b.sql").write_text("")
    with pytest.raises(RuntimeError, match="two migrations numbered 001"):
        discover(tmp_path)


def test_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "ui.duckdb"
    first = Store(path)
    first.users.create("Ann", "staff", "1234")
    project = first.projects.create("Mrs Smith", "sofa")
    first.close()
    second = Store(path)
    try:
        assert [u.name for u in second.users.list()] == ["Ann"]
        assert second.projects.get(project.id).customer == "Mrs Smith"
    finally:
        second.close()


# --- users ----------------------------------------------------------------------------


def test_pin_is_hashed_and_checked(store: Store) -> None:
    user = store.users.create("Ann", "staff", "2580")
    stored = store.db.fetchone("SELECT pin_hash FROM users WHERE id = ?", [user.id])[0]
    assert "2580" not in stored and stored.startswith("scrypt$")
    assert store.users.authenticate_pin(user.id, "2580") == user
    assert store.users.authenticate_pin(user.id, "2581") is None
    assert store.users.authenticate_pin(999, "2580") is None


def test_disabled_users_cannot_log_in(store: Store) -> None:
    store.users.create("Olga", "owner", "1111")
    ann = store.users.create("Ann", "staff", "2580")
    store.users.set_disabled(ann.id, True)
    assert store.users.authenticate_pin(ann.id, "2580") is None
    assert [u.name for u in store.users.list(include_disabled=False)] == ["Olga"]
    store.users.set_disabled(ann.id, False)
    assert store.users.authenticate_pin(ann.id, "2580") is not None


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", ""])
def test_bad_pins_are_refused(store: Store, pin: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        store.users.create("Ann", "staff", pin)
    assert caught.value.field == "pin"


def test_names_are_unique_ignoring_case(store: Store) -> None:
    store.users.create("Ann", "staff", "1234")
    with pytest.raises(AlreadyExists):
        store.users.create("  ann ", "viewer", "1234")
    with pytest.raises(InvalidArgument):
        store.users.create("Bob", "admin", "1234")


def test_the_last_owner_cannot_be_demoted_or_disabled(store: Store) -> None:
    olga = store.users.create("Olga", "owner", "1111")
    with pytest.raises(FailedPrecondition, match="only owner"):
        store.users.set_role(olga.id, "staff")
    with pytest.raises(FailedPrecondition):
        store.users.set_disabled(olga.id, True)
    ann = store.users.create("Ann", "owner", "2222")
    store.users.set_role(olga.id, "staff")  # Ann is still owner
    assert store.users.get(olga.id).role == "staff"
    with pytest.raises(FailedPrecondition):
        store.users.set_disabled(ann.id, True)


def test_password_is_optional(store: Store) -> None:
    ann = store.users.create("Ann", "staff", "1234")
    assert not ann.has_password
    assert store.users.authenticate_password(ann.id, "") is None
    with pytest.raises(InvalidArgument):
        store.users.set_password(ann.id, "short")
    store.users.set_password(ann.id, "velvet-and-linen")
    assert store.users.get(ann.id).has_password
    assert store.users.authenticate_password(ann.id, "velvet-and-linen") is not None
    assert store.users.authenticate_password(ann.id, "velvet") is None
    store.users.set_password(ann.id, None)
    assert not store.users.get(ann.id).has_password


def test_pin_can_be_changed(store: Store) -> None:
    ann = store.users.create("Ann", "staff", "1234")
    store.users.set_pin(ann.id, "98765")
    assert store.users.authenticate_pin(ann.id, "1234") is None
    assert store.users.authenticate_pin(ann.id, "98765") is not None
    with pytest.raises(NotFound):
        store.users.set_pin(999, "1234")


def test_demo_owner_only_on_an_empty_box(store: Store) -> None:
    owner = ensure_demo_owner(store.users)
    assert owner is not None and owner.role == "owner" and owner.name == "Owner"
    assert store.users.authenticate_pin(owner.id, "1234") is not None
    assert ensure_demo_owner(store.users) is None
    assert store.users.count() == 1


def test_first_owner_only_once(store: Store) -> None:
    store.users.create_first_owner("Olga", "1111")
    with pytest.raises(FailedPrecondition, match="exists already"):
        store.users.create_first_owner("Mallory", "2222")


def test_hashes_are_salted_and_malformed_ones_never_match() -> None:
    assert hash_secret("1234") != hash_secret("1234")
    assert verify_secret("1234", hash_secret("1234"))
    for bad in (None, "", "plain", "md5$x$y$z$aa$bb", "scrypt$1$2$3$zz$yy"):
        assert not verify_secret("1234", bad)


# --- projects -------------------------------------------------------------------------


def test_project_ids_are_readable_and_url_safe(store: Store) -> None:
    project = store.projects.create("Mrs O'Brien & Sons", "dining chair", contact="555")
    assert project.id.startswith("mrs-o-brien-sons-dining-chair-")
    assert all(c.isalnum() or c in "-_" for c in project.id)
    assert project.status == "new"
    assert project.created_at == project.updated_at


def test_projects_list_searches_and_filters(store: Store) -> None:
    smith = store.projects.create("Smith", "sofa", notes="green velvet")
    store.projects.create("Jones", "armchair", contact="jones@example.com")
    store.projects.create("100% Wool Ltd", "cushion")
    store.projects.update(smith.id, status="quoted")
    assert [p.customer for p in store.projects.list(search="velvet")] == ["Smith"]
    assert [p.customer for p in store.projects.list(search="EXAMPLE")] == ["Jones"]
    assert [p.customer for p in store.projects.list(status="quoted")] == ["Smith"]
    assert [p.customer for p in store.projects.list(search="100%")] == ["100% Wool Ltd"]
    assert store.projects.list(search="1_0") == []  # wildcards are literal
    assert store.projects.list()[0].customer == "Smith"  # most recently changed first
    assert store.projects.counts_by_status() == {"quoted": 1, "new": 2}


def test_project_fields_are_checked(store: Store) -> None:
    with pytest.raises(InvalidArgument) as caught:
        store.projects.create("", "sofa")
    assert caught.value.field == "customer"
    with pytest.raises(InvalidArgument) as caught:
        store.projects.create("Smith", "bench")
    assert caught.value.field == "piece_type"
    project = store.projects.create("Smith", "sofa")
    with pytest.raises(InvalidArgument) as caught:
        store.projects.update(project.id, status="lost")
    assert caught.value.field == "status"
    with pytest.raises(InvalidArgument):
        store.projects.update(project.id, id="other")
    with pytest.raises(InvalidArgument):
        store.projects.create("Smith", "sofa", project_id="../etc")
    with pytest.raises(NotFound):
        store.projects.update("nope", status="done")


def test_every_piece_type_and_status_is_accepted(store: Store) -> None:
    for piece, status in zip(PIECE_TYPES, STATUSES * 2, strict=False):
        project = store.projects.create("X", piece, status=status)
        assert (project.piece_type, project.status) == (piece, status)


def test_update_changes_updated_at(store: Store) -> None:
    project = store.projects.create("Smith", "sofa")
    changed = store.projects.update(project.id, notes="  new notes  ", status="done")
    assert changed.notes == "new notes" and changed.status == "done"
    assert changed.updated_at >= project.updated_at


# --- shop settings --------------------------------------------------------------------


def test_shop_settings_default_then_stored(tmp_path: Path) -> None:
    from ui.store import ShopSettings

    store = Store(tmp_path / "ui.duckdb", shop_defaults=ShopSettings("Upholstery Co", "metric"))
    try:
        assert store.shop.get() == ShopSettings("Upholstery Co", "metric")
        store.shop.update(shop_name="  Rossi   & Figli ", units="imperial")
        assert store.shop.get() == ShopSettings("Rossi & Figli", "imperial")
        with pytest.raises(InvalidArgument):
            store.shop.update(units="cubits")
        with pytest.raises(InvalidArgument):
            store.shop.update(shop_name=" ")
    finally:
        store.close()
