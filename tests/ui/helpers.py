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


async def new_project(user: User, customer: str = "Mrs Jones") -> str:
    """Create a project through the dialog; returns its id (from the page URL)."""
    await user.open("/")
    user.find(marker="new-project").click()
    await user.should_see(marker="field-customer")
    user.find(marker="field-customer").type(customer)
    user.find(marker="field-contact").type("555-0101")
    user.find(marker="piece-sofa").click()
    user.find(marker="project-save").click()
    await user.should_see(marker="project-customer", retries=30)
    return user.back_history[-1].rsplit("/", 1)[-1]
