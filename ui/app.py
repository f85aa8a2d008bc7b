"""The UI process: NiceGUI pages over the DuckDB store and the service clients.

    ctx = build_app(settings)   # registers pages and routes, opens the store
    run(settings)               # build_app + serve (blocks)

Start-up order: store (migrations) → pages → on startup: discovery, photo feed,
READY=1; shutdown in reverse.
"""

from __future__ import annotations

import logging

from nicegui import app, ui
from nicegui.storage import Storage

from ui import media, model_files, patterns_files
from ui.components.theme import apply_theme
from ui.context import UiContext
from ui.pages import login, model, pairing, patterns, project, projects, users
from ui.settings import UiSettings

log = logging.getLogger(__name__)


def build_app(settings: UiSettings) -> UiContext:
    """Register every page on NiceGUI's app; returns the context the pages share."""
    ctx = UiContext.create(settings)
    # Browser sessions (who is logged in) live with the UI's data, not in the cwd.
    Storage.path = settings.service_dir / "sessions"
    apply_theme()
    media.register(ctx)  # /media/{project}/{photo}/{variant}
    login.register(ctx)  # /login, /setup
    projects.register(ctx)  # /
    project.register(ctx)  # /project/{id}
    model.register(ctx)  # /project/{id}/model
    model_files.register(ctx)  # /project/{id}/model/{job}/{file}, /calibration-mat/{paper}
    patterns.register(ctx)  # /project/{id}/patterns
    patterns_files.register(ctx)  # /project/{id}/patterns/{job}/{file}
    pairing.register(ctx)  # /pairing
    users.register(ctx)  # /users
    app.on_startup(ctx.start)
    app.on_shutdown(ctx.stop)
    return ctx


def run(settings: UiSettings) -> None:
    """Serve the UI until stopped (in tests with NiceGUI's user simulation: return at once)."""
    ctx = build_app(settings)
    log.info("UI on http://%s:%d", settings.host, settings.port)
    ui.run(
        host=settings.host,
        port=settings.port,
        title=settings.shop_name,
        favicon="🪡",
        storage_secret=ctx.storage_secret,
        reload=False,
        show=False,
        show_welcome_message=False,
        reconnect_timeout=10.0,
        uvicorn_logging_level="warning",
    )
