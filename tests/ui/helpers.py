"""Steps the page tests share."""

from __future__ import annotations

from nicegui.testing import User

from tests.ui.conftest import Person


async def tap_pin(user: User, pin: str, prefix: str = "pin") -> None:
    for digit in pin:
        user.find(marker=f"{prefix}-{digit}").click()
    user.find(marker=f"{prefix}-enter").click()


async def login(user: User, person: Person, pin: str | None = None) -> None:
    """Tap the person's name, then their PIN, and wait for the projects page."""
    await user.open("/login")
    user.find(marker=f"user-{person.id}").click()
    await user.should_see(f"Hello {person.name}, enter your PIN")
    await tap_pin(user, pin or person.pin)
    if pin is None or pin == person.pin:
        await user.should_see(marker="who", retries=30)
