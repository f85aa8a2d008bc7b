"""The PIN throttle: free mistakes, then a doubling pause, reset by a right PIN."""

from __future__ import annotations

from ui.throttle import FIRST_PAUSE_S, MAX_PAUSE_S, LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_pause_grows_and_resets() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock)
    assert throttle.failure("u1") == 0 and throttle.failure("u1") == 0
    assert throttle.attempts_left("u1") == 1
    assert throttle.failure("u1") == FIRST_PAUSE_S
    assert throttle.wait_s("u1") == FIRST_PAUSE_S
    assert throttle.wait_s("u2") == 0  # other people are not locked out
    clock.now += FIRST_PAUSE_S
    assert throttle.wait_s("u1") == 0
    assert throttle.failure("u1") == 2 * FIRST_PAUSE_S
    for _ in range(20):
        pause = throttle.failure("u1")
    assert pause == MAX_PAUSE_S
    throttle.success("u1")
    assert throttle.wait_s("u1") == 0 and throttle.attempts_left("u1") == 3
