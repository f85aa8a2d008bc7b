"""The panel-coloured model in a `ui.scene`: taps name the panel, the selection glows.

A custom NiceGUI 3D object (see panel_model.js) over the GLB_PANELS export: one glTF node
per panel, named by its id, so `on_click` hits carry the panel id as `object_name`.
"""

from __future__ import annotations

from collections.abc import Iterable

from nicegui.elements.scene.scene_object3d import Object3D


class PanelModel(Object3D, component="panel_model.js"):
    def __init__(self, url: str, *, selected: Iterable[str] = (), excluded: Iterable[str] = ()):
        super().__init__(url, _state(selected, excluded))

    def show(self, *, selected: Iterable[str], excluded: Iterable[str]) -> None:
        """Highlight `selected`, grey out `excluded` (kept for a re-initialised scene too)."""
        state = _state(selected, excluded)
        self.args[1] = state
        self.scene.run_method("run_method_on_component", self.id, "set_state", state)


def _state(selected: Iterable[str], excluded: Iterable[str]) -> dict[str, list[str]]:
    return {"selected": list(selected), "excluded": list(excluded)}
