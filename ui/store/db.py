"""One DuckDB connection per process, used by one thread at a time.

DuckDB allows a single writing process per file, and a connection must not be used
from two threads at once; the UI calls the store from NiceGUI's I/O thread pool, so
every statement goes through one lock here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from services.errors import FailedPrecondition

log = logging.getLogger(__name__)

T = TypeVar("T")


class Database:
    """A DuckDB file opened once, with statements serialised through a lock."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(path))
        except duckdb.IOException as exc:
            # Most often a second UI process on the same data dir.
            raise FailedPrecondition(
                f"cannot open the UI database {path}: {exc}. Is another UI process "
                "running on the same data directory?"
            ) from exc
        self._lock = threading.RLock()
        log.debug("opened %s", path)

    def fetchall(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple]:
        """Run one statement and return its rows."""
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def fetchone(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> tuple | None:
        with self._lock:
            return self._con.execute(sql, params).fetchone()

    def execute(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
        with self._lock:
            self._con.execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Hold the lock and a transaction; commit on success, roll back on error."""
        with self._lock:
            self._con.begin()
            try:
                yield self._con
            except BaseException:
                self._con.rollback()
                raise
            self._con.commit()

    def locked(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run `work(connection)` while holding the lock (several statements, no transaction)."""
        with self._lock:
            return work(self._con)

    def close(self) -> None:
        with self._lock:
            self._con.close()
