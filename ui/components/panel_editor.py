"""The Panels tab: the coloured model on the left, the panel cards on the right, and the
actions for what is selected (tap on the model or a card; two for merge and mirror pair).

Splitting: "Split" turns taps on the model into points of a cut line; "Split here" sends
them. Every edit carries the revision it was made on (see ui.panels_state).
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from stitchsketch.v1 import common_pb2
from stitchsketch.v1 import patterns_pb2 as pb
from ui.components import tag
from ui.components.panel_dialogs import name_dialog, seam_dialog
from ui.components.panel_names import label
from ui.components.panel_scene import PanelScene, Point3
from ui.panels_state import PanelsState
from ui.units import Units

#: Height of the 3D view: with the header, tabs and model card it fits a 1280×800 kiosk.
SCENE_PX = 440


class PanelEditor(ui.row):
    def __init__(self, state: PanelsState, units: Units, *, editable: bool):
        super().__init__()
        self.classes("w-full gap-4 items-start no-wrap max-md:flex-wrap")
        self.state = state
        self.units = units
        self.editable = editable
        self.selected: list[str] = []
        self.split_points: list[Point3] | None = None  # None: not splitting
        self._card_elements: dict[str, ui.card] = {}
        with self:
            with ui.column().classes("gap-2 grow").style("flex: 1 1 56%; min-width: 320px"):
                self.scene = PanelScene(self._picked, height_px=SCENE_PX)
                if not editable:
                    # Viewers may read panels, but the model export needs the jobs:run scope.
                    self.scene.set_visibility(False)
                    with ui.row().classes("w-full items-center gap-3 p-4"):
                        ui.icon("view_in_ar", size="lg", color="grey-6")
                        ui.label("The 3D model is shown to staff; viewers read the panel "
                                 "list.").classes("text-lg text-slate-600")
            # As tall as the 3D view and its buttons; the cards scroll inside.
            with ui.column().classes("gap-2 no-wrap").style(
                f"flex: 1 1 44%; min-width: 320px; height: {SCENE_PX + 56}px"
            ):
                self.actions = tag(ui.card().classes("ss-card w-full p-3 gap-2 shrink-0"),
                                   "panel-actions")
                # While splitting, in place of the actions: what to tap and the buttons.
                self.split_bar = tag(ui.card().classes(
                    "w-full p-3 gap-3 shrink-0 bg-amber-50 border border-amber-300 ss-card"),
                    "split-bar")
                self.split_bar.set_visibility(False)
                self.summary = tag(ui.label().classes("text-slate-600 shrink-0"), "panel-summary")
                self.cards = tag(
                    ui.column().classes("w-full gap-2 overflow-y-auto pr-1 no-wrap grow").style(
                        "min-height: 0"), "panel-list")
        state.listen(self._state_changed)

    # --- drawing ----------------------------------------------------------------------

    def _state_changed(self, geometry: bool) -> None:
        ids = {p.id for p in self.state.panels}
        self.selected = [s for s in self.selected if s in ids]
        if geometry:
            self.split_points = None
        self.refresh()

    def refresh(self) -> None:
        self._draw_cards()
        self._draw_actions()
        self._draw_split_bar()
        self._show_on_model()

    def _show_on_model(self) -> None:
        excluded = [p.id for p in self.state.panels if p.excluded]
        self.scene.show(selected=self.selected, excluded=excluded)

    def _draw_cards(self) -> None:
        panels = self.state.panels
        flagged = sum(p.flagged for p in panels)
        excluded = sum(p.excluded for p in panels)
        self.summary.set_text(f"{len(panels)} panels · {flagged} flagged · {excluded} left out")
        names = {p.id: p.name for p in panels}
        self._card_elements: dict[str, ui.card] = {}
        self.cards.clear()
        with self.cards:
            for panel in panels:
                self._card(panel, names)

    def _card(self, p: pb.Panel, names: dict[str, str]) -> None:
        chosen = p.id in self.selected
        card = ui.card().classes("w-full p-3 gap-1 ss-tap shrink-0")
        if chosen:
            card.style("outline: 4px solid var(--q-primary); outline-offset: -4px")
        if p.excluded:
            card.classes("opacity-60")
        card.on("click", lambda pid=p.id: self._toggle(pid))
        tag(card, f"panel-{p.id}")
        self._card_elements[p.id] = card
        with card:
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                ui.element("div").classes("rounded-full shrink-0").style(
                    f"width: 22px; height: 22px; background: {p.color}; border: 2px solid #0f172a")
                tag(ui.label(label(p.name)).classes("text-lg font-medium grow truncate"),
                    f"panel-name-{p.id}")
                if chosen:
                    ui.icon("check_circle", color="primary", size="sm")
                if p.count > 1:
                    ui.label(f"cut {p.count}").classes("font-medium")
                if p.mirror_of:
                    ui.icon("flip", size="sm")
                if p.excluded:
                    ui.label("left out").classes("text-slate-600 italic")
                if p.flagged:
                    ui.icon("warning", color="warning", size="sm")
            u = self.units
            ui.label(
                f"Area {u.area(p.area_m2)} · flat {u.area(p.flat_area_m2)} · "
                f"distortion {pct(p.area_distortion_pct, sign=True)} · "
                f"stretch {pct(p.max_stretch_pct)}"
            ).classes("text-sm text-slate-700")
            if p.mirror_of:
                ui.label(f"Mirror of {label(names.get(p.mirror_of, p.mirror_of))}").classes(
                    "text-sm text-slate-600")
            if p.flagged and p.suggestion:
                with ui.row().classes("items-start gap-1 no-wrap"):
                    ui.icon("warning", color="warning", size="xs").classes("mt-1")
                    tag(ui.label(p.suggestion).classes("text-sm text-amber-900"),
                        f"panel-suggestion-{p.id}")

    def _draw_actions(self) -> None:
        self.actions.clear()
        chosen = [p for s in self.selected if (p := self.state.panel(s)) is not None]
        with self.actions:
            if not chosen:
                ui.label("Tap a panel on the model or in the list to change it. "
                         "Tap two to merge them or make them a mirrored pair.").classes("text-lg")
                return
            if len(chosen) == 1:
                self._single_actions(chosen[0])
            else:
                self._pair_actions(chosen[0], chosen[1])

    def _button(self, text: str, icon: str, action: Callable, name: str, *,
                primary: bool = False) -> ui.button:
        style = "unelevated color=primary" if primary else "outline color=primary"
        button = ui.button(text, icon=icon, on_click=action).props(f"{style} no-caps size=lg")
        button.set_enabled(self.editable)
        return tag(button, name)

    def _single_actions(self, p: pb.Panel) -> None:
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            tag(ui.label(label(p.name)).classes("text-2xl font-semibold grow truncate"),
                "selected-name")
            tag(ui.button(icon="close", on_click=self._clear).props(
                'flat round size=lg aria-label="Clear selection"'), "select-none")
        if not self.editable:
            ui.label("Viewers can look but not change panels.").classes("text-slate-600")
            return
        with ui.row().classes("w-full gap-2"):
            self._button("Name", "label", lambda: self._rename(p.id), "panel-rename")
            self._button("Split", "content_cut", lambda: self._start_split(p.id), "panel-split")
            if p.excluded:
                self._button("Cut it", "add_circle", lambda: self._exclude(p.id, False),
                             "panel-include")
            else:
                self._button("Leave out", "remove_circle", lambda: self._exclude(p.id, True),
                             "panel-exclude")
            self._button("Seam allowance", "straighten", lambda: self._seam(p.id), "panel-seam")
        with ui.row().classes("w-full items-center gap-2"):
            ui.label("How many to cut").classes("text-lg")
            minus = self._button("", "remove", lambda: self._count(p.id, p.count - 1), "count-down")
            minus.set_enabled(p.count > 1)
            tag(ui.label(str(p.count)).classes("text-2xl font-semibold w-10 text-center"),
                "count-value")
            self._button("", "add", lambda: self._count(p.id, p.count + 1), "count-up")
            if p.mirror_of:
                self._button("Unpair", "link_off", lambda: self._pair(p.id, ""), "panel-unpair")

    def _pair_actions(self, a: pb.Panel, b: pb.Panel) -> None:
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            tag(ui.label(f"{label(a.name)} + {label(b.name)}").classes(
                "text-xl font-semibold grow"), "selected-name")
            tag(ui.button(icon="close", on_click=self._clear).props(
                'flat round size=lg aria-label="Clear selection"'), "select-none")
        with ui.row().classes("w-full gap-2"):
            self._button("Merge into one", "merge", lambda: self._merge(a.id, b.id),
                         "panel-merge", primary=True)
            self._button("Mirrored pair", "flip", lambda: self._pair(a.id, b.id), "panel-pair")

    def _draw_split_bar(self) -> None:
        points = self.split_points
        self.split_bar.set_visibility(points is not None)
        self.actions.set_visibility(points is None)
        self.scene.draw_line(points or [])
        self.split_bar.clear()
        if points is None:
            return
        target = self.state.panel(self.selected[0]) if self.selected else None
        with self.split_bar:
            with ui.row().classes("w-full items-start gap-2 no-wrap"):
                ui.icon("gesture", size="md", color="warning")
                tag(ui.label(
                    f"Tap points on the model across {label(target.name) if target else 'it'}, "
                    f"from edge to edge, where the new seam goes ({len(points)} so far)"
                ).classes("text-lg"), "split-hint")
            with ui.row().classes("w-full gap-2"):
                undo = tag(ui.button("Undo point", icon="undo", on_click=self._undo_point).props(
                    "outline size=lg no-caps color=primary"), "split-undo")
                undo.set_enabled(bool(points))
                tag(ui.button("Cancel", on_click=self._cancel_split).props(
                    "outline size=lg no-caps color=primary"), "split-cancel")
                done = tag(ui.button("Split here", icon="content_cut", on_click=self._split)
                           .props("unelevated size=lg no-caps color=warning"), "split-here")
                done.set_enabled(len(points) >= 2)

    # --- taps -------------------------------------------------------------------------

    def _picked(self, panel_id: str, point: Point3) -> None:
        if self.split_points is not None:
            self.split_points.append(point)
            self._draw_split_bar()
            return
        self._toggle(panel_id)
        card = self._card_elements.get(panel_id)
        if card is not None and panel_id in self.selected:
            # Tapped on the model: bring its card into view in the list.
            # (after Vue has drawn the new cards)
            ui.run_javascript(
                f'setTimeout(() => getElement({card.id})?.$el?.scrollIntoView('
                '{block: "nearest", behavior: "smooth"}), 150)')

    def _toggle(self, panel_id: str) -> None:
        if self.split_points is not None:
            return
        if panel_id in self.selected:
            self.selected.remove(panel_id)
        else:
            self.selected = [*self.selected[-1:], panel_id]
        self.refresh()

    def _clear(self) -> None:
        self.selected = []
        self.split_points = None
        self.refresh()

    # --- edits ------------------------------------------------------------------------

    async def _rename(self, panel_id: str) -> None:
        panel = self.state.panel(panel_id)
        name = await name_dialog(panel.name if panel else "panel")
        if (name and panel and name != panel.name
                and await self.state.edit(rename=pb.RenamePanel(panel_id=panel_id, name=name))):
            ui.notify(f"Named {label(name)}", type="positive", position="bottom")

    async def _exclude(self, panel_id: str, excluded: bool) -> None:
        await self.state.edit(exclude=pb.ExcludePanel(panel_id=panel_id, excluded=excluded))

    async def _count(self, panel_id: str, count: int) -> None:
        if count >= 1:
            await self.state.edit(count=pb.SetPanelCount(panel_id=panel_id, count=count))

    async def _pair(self, panel_id: str, other: str) -> None:
        if await self.state.edit(pair=pb.PairPanels(panel_id=panel_id, other_panel_id=other)):
            ui.notify("Mirrored pair set" if other else "Pair undone", position="bottom")

    async def _merge(self, a: str, b: str) -> None:
        if await self.state.edit(merge=pb.MergePanels(panel_id=a, other_panel_id=b)):
            self.selected = [a] if self.state.panel(a) else []
            self.refresh()
            ui.notify("Merged", type="positive", position="bottom")

    async def _seam(self, panel_id: str) -> None:
        panel = self.state.panel(panel_id)
        if panel is None:
            return
        names = {p.id: p.name for p in self.state.panels}
        change = await seam_dialog(panel, names, self.state.response.seam_allowance_m, self.units)
        if change is not None:
            await self.state.edit(seam_allowance=change.proto(panel_id))

    def _start_split(self, panel_id: str) -> None:
        self.selected = [panel_id]
        self.split_points = []
        self.refresh()

    def _undo_point(self) -> None:
        if self.split_points:
            self.split_points.pop()
            self._draw_split_bar()

    def _cancel_split(self) -> None:
        self.split_points = None
        self._draw_split_bar()

    async def _split(self) -> None:
        points = self.split_points or []
        if not self.selected or len(points) < 2:
            return
        line = [common_pb2.Vec3(x=x, y=y, z=z) for x, y, z in points]
        if await self.state.edit(split=pb.SplitPanel(panel_id=self.selected[0], line=line)):
            self.split_points = None
            self.selected = []
            self.refresh()
            ui.notify("Split into two panels", type="positive", position="bottom")


def pct(value: float, *, sign: bool = False) -> str:
    """A percentage to 0.1, never "-0.0 %"."""
    value = round(value, 1) + 0.0
    return f"{value:+.1f} %" if sign else f"{value:.1f} %"
