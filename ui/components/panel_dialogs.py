"""Dialogs of the panel editor: pick a standard name, set seam allowances. Big buttons,
no typing for names (gloves); allowances take a number in the shop's unit."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import ui

from stitchsketch.v1 import patterns_pb2
from ui.components import tag
from ui.components.choice import ChoiceButtons
from ui.components.panel_names import SIDES, STANDARD_NAMES, join_name, label, split_name
from ui.units import Units


async def name_dialog(current: str) -> str | None:
    """The chosen standard name (with side or number), or None when cancelled."""
    base, suffix = split_name(current)
    chosen = {"base": base if base in STANDARD_NAMES else "panel"}
    with ui.dialog() as dialog, ui.card().classes("ss-card p-5 gap-4").style(
        "width: min(980px, 96vw); max-width: 96vw"
    ):
        ui.label("Name this panel").classes("text-2xl font-semibold")
        names = ChoiceButtons(
            {n: label(n) for n in STANDARD_NAMES},
            chosen["base"],
            on_change=lambda v: chosen.update(base=v),
            prefix="name",
        )
        names.classes("max-h-[50vh] overflow-y-auto")
        ui.label("Side or number").classes("text-sm uppercase tracking-wider text-slate-500")
        sides = ChoiceButtons(
            {s: s or "None" for s in SIDES}, suffix if suffix in SIDES else "", prefix="side",
            color="secondary",
        )
        with ui.row().classes("w-full justify-end gap-3"):
            tag(ui.button("Cancel", on_click=lambda: dialog.submit(None)).props(
                "outline size=lg no-caps"), "name-cancel")
            tag(ui.button("Save name", icon="check",
                          on_click=lambda: dialog.submit(join_name(chosen["base"], sides.value)))
                .props("unelevated size=lg no-caps color=primary"), "name-save")
    result = await dialog
    dialog.delete()
    return result if isinstance(result, str) else None


@dataclass(frozen=True)
class SeamChange:
    """One SetSeamAllowance edit the person asked for."""

    neighbour_panel_id: str
    all_edges: bool
    seam_allowance_m: float
    reset: bool = False

    def proto(self, panel_id: str) -> patterns_pb2.SetSeamAllowance:
        return patterns_pb2.SetSeamAllowance(
            panel_id=panel_id, neighbour_panel_id=self.neighbour_panel_id,
            all_edges=self.all_edges, seam_allowance_m=self.seam_allowance_m, reset=self.reset,
        )


async def seam_dialog(panel: patterns_pb2.Panel, names: dict[str, str], default_m: float,
                      units: Units) -> SeamChange | None:
    """Pick the edges (all, the free ones, or those sewn to one neighbour) and a width."""
    overrides = {o.neighbour_panel_id: o.seam_allowance_m for o in panel.seam_allowances}
    neighbours = sorted({e.neighbour_panel_id for e in panel.piece.edges},
                        key=lambda n: (n == "", names.get(n, n)))
    options = {"*": "All edges"}
    for n in neighbours:
        options[n or "-"] = f"Sewn to {label(names.get(n, n))}" if n else "Free edges"
    current = {"edges": "*"}
    with ui.dialog() as dialog, ui.card().classes("ss-card p-5 gap-4").style(
        "width: min(720px, 96vw)"
    ):
        ui.label(f"Seam allowance · {label(panel.name)}").classes("text-2xl font-semibold")
        ui.label(f"Default {units.length(default_m)}. Changed: " + (
            ", ".join(f"{options.get(k or '-', k)} {units.length(v)}" for k, v in overrides.items())
            or "none")).classes("text-slate-600")
        ChoiceButtons(options, "*", on_change=lambda v: current.update(edges=v), prefix="edges")
        amount = tag(ui.number(f"Allowance ({units.length_unit})",
                               value=units.to_input(default_m), min=0, max=units.to_input(0.1),
                               step=0.5 if units.metric else 0.125)
                     .props("outlined").classes("w-60 text-lg"), "seam-amount")

        def change(reset: bool) -> SeamChange:
            edges = current["edges"]
            return SeamChange(
                neighbour_panel_id="" if edges in ("*", "-") else edges,
                all_edges=edges == "*",
                seam_allowance_m=units.from_input(amount.value),
                reset=reset,
            )

        with ui.row().classes("w-full justify-end gap-3"):
            tag(ui.button("Cancel", on_click=lambda: dialog.submit(None)).props(
                "outline size=lg no-caps"), "seam-cancel")
            tag(ui.button("Back to default", on_click=lambda: dialog.submit(change(True))).props(
                "outline size=lg no-caps"), "seam-reset")
            tag(ui.button("Set", icon="check", on_click=lambda: dialog.submit(change(False)))
                .props("unelevated size=lg no-caps color=primary"), "seam-save")
    result = await dialog
    dialog.delete()
    return result if isinstance(result, SeamChange) else None
