"""Slows down PIN guessing: a growing pause after repeated wrong PINs for one user.

A 4-digit PIN has 10,000 values; with the first pause after 3 misses and each later
one doubling up to 5 minutes, trying them all takes weeks, while a person who
mistypes twice never waits. Kept in memory: a restart of the UI resets it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_ATTEMPTS = 3
FIRST_PAUSE_S = 5.0
MAX_PAUSE_S = 300.0


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    """Counts wrong PINs per account and says how long the next try must wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._records: dict[str, _Record] = {}

    def wait_s(self, key: str) -> float:
        """Seconds until `key` may try again (0 when it may try now)."""
        record = self._records.get(key)
        if record is None:
            return 0.0
        return max(0.0, record.locked_until - self._clock())

    def failure(self, key: str) -> float:
        """Record a wrong PIN; returns the pause now imposed (0 while attempts are free)."""
        record = self._records.setdefault(key, _Record())
        record.failures += 1
        extra = record.failures - FREE_ATTEMPTS
        if extra < 0:
            return 0.0
        pause = min(MAX_PAUSE_S, FIRST_PAUSE_S * 2**extra)
        record.locked_until = self._clock() + pause
        return pause

    def attempts_left(self, key: str) -> int:
        """Wrong PINs still allowed before the first pause."""
        record = self._records.get(key)
        return max(0, FREE_ATTEMPTS - (record.failures if record else 0))

    def success(self, key: str) -> None:
        self._records.pop(key, None)
