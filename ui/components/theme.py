"""Colours and touch sizes for every page: gloved fingers on a kiosk, no hover anywhere."""

from __future__ import annotations

from nicegui import app, ui

COLORS = {
    "primary": "#0f5f73",
    "secondary": "#475569",
    "accent": "#c2410c",
    "positive": "#15803d",
    "negative": "#b91c1c",
    "warning": "#b45309",
    "info": "#0369a1",
}

# Every tap target at least 48 px (WCAG/Material); no double-tap zoom delay; no
# sticky hover tints on touch screens.
CSS = """
html, body { background: #eef2f6; }
body { touch-action: manipulation; -webkit-tap-highlight-color: transparent; }
.q-btn { min-height: 48px; min-width: 48px; }
.q-btn .q-btn__content { font-size: 1rem; }
.q-field__control { min-height: 56px; }
.q-item { min-height: 56px; }
.q-chip { min-height: 40px; font-size: 0.95rem; }
.q-focus-helper { display: none; }
.ss-card { border-radius: 14px; }
.ss-tap { cursor: pointer; }
.ss-tap:active { transform: scale(0.98); }
.ss-pin-key { width: 100%; height: 84px; border-radius: 16px; }
.ss-pin-key .q-btn__content { font-size: 2.2rem; font-weight: 600; }
.ss-pin-key.ss-pin-word .q-btn__content { font-size: 1.4rem; }
.ss-pin-dot { width: 22px; height: 22px; border-radius: 50%; border: 3px solid #0f5f73; }
.ss-pin-dot.filled { background: #0f5f73; }
.ss-code { font-size: clamp(4rem, 12vw, 9rem); font-weight: 700; letter-spacing: 0.12em;
           font-variant-numeric: tabular-nums; line-height: 1; }
.ss-thumb { width: 100%; aspect-ratio: 4 / 3; object-fit: cover; background: #cbd5e1; }
"""


def apply_theme() -> None:
    """Install colours and the shared CSS (once per app)."""
    app.colors(**COLORS)
    ui.add_css(CSS, shared=True)
