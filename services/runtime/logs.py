"""Logging with a request id on every line of a call, so one call's story can be found.

Only entry points call `configure_logging`; library code just uses getLogger.
"""

from __future__ import annotations

import logging
import os
import sys
from contextvars import ContextVar

#: Id of the gRPC call being served, "-" outside a call.
request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure_logging(level: str = "INFO", service: str = "") -> None:
    """Log to stdout; under systemd the journal adds its own timestamps."""
    under_journal = bool(os.environ.get("JOURNAL_STREAM"))
    prefix = "" if under_journal else "%(asctime)s "
    who = f"{service} " if service else ""
    fmt = f"{prefix}%(levelname)s {who}%(name)s [%(request_id)s] %(message)s"
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter(fmt))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
