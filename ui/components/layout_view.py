"""The Fabric & layout tab: the fabric (width, repeats, nap, railroading, price, labour)
in the shop's units; the marker, yardage, utilization and quote, laid out again a moment
after an input stops changing; and the downloads (SVG, DXF, PDFs)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from nicegui import background_tasks, ui

from services.errors import StitchError
from stitchsketch.v1 import patterns_pb2 as pb
from ui.components import tag
from ui.components.choice import ChoiceButtons
from ui.components.marker_svg import marker_svg
from ui.components.toggle_button import ToggleButton
from ui.fabric import FabricInputs
from ui.panels_state import PanelsState
from ui.units import INCH, YARD, Units, money

if TYPE_CHECKING:
    from ui.context import UiContext
    from ui.session import Session

#: Seconds after the last change before laying out again.
DEBOUNCE_S = 0.6
WIDTHS_IN = (54, 60, 118)
WIDTHS_CM = (140, 150, 280)
FileUrl = Callable[[str, str], str]


class LayoutView(ui.column):
    def __init__(self, ctx: UiContext, session: Session, state: PanelsState, units: Units,
                 file_url: FileUrl, fabric: FabricInputs | None = None):
        super().__init__()
        self.classes("w-full gap-4")
        self._ctx = ctx
        self._session = session
        self.state = state
        self.units = units
        self._file_url = file_url
        self.fabric = fabric or FabricInputs()
        self.layout: pb.LayoutPiecesResponse | None = None
        self._wanted = 0  # bumped by every change; a layout answers for one value of it
        self._answered = -1  # the value of _wanted the shown layout answers
        self._running: asyncio.Task | None = None
        self.visible_tab = False
        with self, ui.row().classes("w-full gap-4 items-start no-wrap max-md:flex-wrap"):
            with ui.column().classes("gap-3 shrink-0").style("width: 410px; max-width: 100%"):
                with ui.card().classes("ss-card p-4 gap-3 w-full"):
                    self._inputs()
                with ui.card().classes("ss-card p-4 gap-2 w-full"):
                    self._downloads()
            with ui.column().classes("gap-3 grow min-w-0"):
                with ui.card().classes("ss-card p-4 gap-2 w-full"):
                    self.result = tag(ui.row().classes("w-full gap-6 items-start"),
                                      "layout-result")
                with ui.card().classes("ss-card p-4 gap-2 w-full"):
                    with ui.row().classes("w-full items-center"):
                        ui.label("Marker").classes(
                            "text-sm uppercase tracking-wider text-slate-500")
                        ui.space()
                        self.status = tag(ui.label().classes("text-slate-600"), "layout-status")
                    self.marker = tag(ui.html("", sanitize=False).classes("w-full"), "marker")
        self._show_result()
        state.listen(lambda _geometry: self.changed())

    # --- inputs -----------------------------------------------------------------------

    def _number(self, text: str, value: float, name: str, **kw) -> ui.number:
        field = ui.number(text, value=value, on_change=self._typed, **kw).props(
            "outlined inputmode=decimal").classes("text-lg")
        return tag(field, name)

    def _inputs(self) -> None:
        u, f = self.units, self.fabric
        ui.label("Fabric").classes("text-sm uppercase tracking-wider text-slate-500")
        with ui.row().classes("w-full items-center gap-2"):
            self.width = self._number(f"Width ({u.length_unit})", u.to_input(f.width_m),
                                      "fabric-width", min=1).classes("w-28")
            for w in (WIDTHS_CM if u.metric else WIDTHS_IN):
                metres = w / 100 if u.metric else w * INCH
                tag(ui.button(f"{w} {u.length_unit}", on_click=lambda m=metres: self._set_width(m))
                    .props("outline no-caps").classes("px-2"), f"width-{w}")
        with ui.row().classes("w-full gap-2 no-wrap"):
            self.repeat_v = self._number(f"Repeat along ({u.length_unit})",
                                         u.to_input(f.repeat_vertical_m), "repeat-vertical",
                                         min=0).classes("grow")
            self.repeat_h = self._number(f"Repeat across ({u.length_unit})",
                                         u.to_input(f.repeat_horizontal_m), "repeat-horizontal",
                                         min=0).classes("grow")
        ui.label("Pattern repeats: 0 for plain fabric.").classes("text-sm text-slate-600 -mt-2")
        with ui.row().classes("w-full gap-2 no-wrap"):
            self.one_way = tag(ToggleButton("One way (nap)", f.one_way, on_change=self._chose)
                               .classes("grow"), "one-way")
            self.railroad = tag(ToggleButton("Railroaded", f.railroaded, on_change=self._chose)
                                .classes("grow"), "railroad")
        with ui.row().classes("w-full gap-2 no-wrap"):
            self.price = self._number(f"Price per {'metre' if u.metric else 'yard'}",
                                      u.price_from_per_yard(f.price_per_yard), "fabric-price",
                                      min=0).classes("grow")
            self.labour = self._number("Labour", f.labour, "labour", min=0).classes("grow")

    def _set_width(self, metres: float) -> None:
        self.width.set_value(self.units.to_input(metres))

    def _chose(self, _value: bool) -> None:
        self._typed()

    def _typed(self) -> None:
        u = self.units
        try:
            self.fabric = FabricInputs(
                width_m=u.from_input(self.width.value),
                repeat_vertical_m=u.from_input(self.repeat_v.value),
                repeat_horizontal_m=u.from_input(self.repeat_h.value),
                one_way=self.one_way.value,
                railroaded=self.railroad.value,
                price_per_yard=u.price_to_per_yard(self.price.value),
                labour=float(self.labour.value or 0),
            ).checked()
        except StitchError as exc:
            self.status.set_text(exc.message)
            return
        self.changed()

    # --- layout -----------------------------------------------------------------------

    def changed(self) -> None:
        """Lay out again shortly (when the tab is shown); earlier answers are dropped."""
        self._wanted += 1
        if self.visible_tab:
            self.status.set_text("Updating…")
            background_tasks.create(self._debounced(self._wanted), name="layout")

    def shown(self) -> None:
        """The tab became visible: lay out if nothing is shown for the current inputs."""
        self.visible_tab = True
        if self.layout is None or self._answered != self._wanted:
            self.changed()

    async def _debounced(self, wanted: int) -> None:
        await asyncio.sleep(DEBOUNCE_S)
        if wanted != self._wanted:
            return  # a newer change will lay out
        while self._running is not None and not self._running.done():
            await asyncio.sleep(0.1)  # one layout at a time per page
            if wanted != self._wanted:
                return
        self._running = asyncio.current_task()
        fabric = self.fabric
        try:
            layout = await self._ctx.patterns.layout(
                self._session.token(), self.state.job_id, fabric.spec(), fabric.labour)
        except StitchError as exc:
            if wanted == self._wanted:
                self.status.set_text(exc.message)
            return
        finally:
            self._running = None
        if wanted != self._wanted:
            return
        self.layout = layout
        self._answered = wanted
        self.status.set_text(f"{len(layout.placements)} pieces placed")
        self._show_result()

    def _show_result(self) -> None:
        self.result.clear()
        layout, u = self.layout, self.units
        with self.result:
            with ui.column().classes("gap-0"):
                ui.label("Fabric to order").classes(
                    "text-sm uppercase tracking-wider text-slate-500")
                if layout is None:
                    ui.label("Laying out the pieces…").classes("text-xl")
                    return
                tag(ui.label(u.order(layout.yards, layout.length_m)).classes(
                    "text-5xl font-bold text-primary leading-tight"), "yards")
                tag(ui.label(f"{layout.utilization * 100:.0f} % of the fabric used").classes(
                    "text-lg"), "utilization")
                ui.label(
                    f"A simple shelf layout: {layout.baseline_utilization * 100:.0f} %, "
                    f"{u.order(layout.baseline_yards, layout.baseline_yards * YARD)}"
                ).classes("text-slate-600")
            cur = layout.currency
            with ui.grid(columns=2).classes("gap-x-6 gap-y-0 text-lg"):
                ui.label("Quote").classes(
                    "text-sm uppercase tracking-wider text-slate-500 col-span-2")
                ui.label(f"Fabric {u.order(layout.yards, layout.length_m)} × "
                         f"{money(u.price_from_per_yard(layout.price_per_yard), cur)}"
                         f"/{u.roll_unit}")
                ui.label(money(layout.fabric_cost, cur)).classes("text-right")
                ui.label("Labour")
                ui.label(money(layout.labour, cur)).classes("text-right")
                ui.label("Total").classes("font-semibold")
                tag(ui.label(money(layout.total, cur)).classes("text-right font-semibold"),
                    "quote-total")
            for warning in layout.warnings:
                with ui.row().classes("w-full items-start gap-2 no-wrap"):
                    ui.icon("info", color="warning")
                    tag(ui.label(warning).classes("text-amber-900"), "layout-warning")
        panels = {p.id: p for p in self.state.panels}
        self.marker.set_content(marker_svg(layout, panels, u, width_px=800, max_height_px=300,
                                           repeat_m=self.fabric.repeat_vertical_m))

    # --- downloads --------------------------------------------------------------------

    def _downloads(self) -> None:
        with ui.row().classes("items-center gap-1"):
            ui.icon("download", color="grey-7")
            ui.label("Download").classes("text-sm uppercase tracking-wider text-slate-500")
        with ui.row().classes("w-full gap-2 items-center"):
            self.paper = ChoiceButtons({"letter": "Letter", "a4": "A4"},
                                       "a4" if self.units.metric else "letter",
                                       prefix="paper", color="secondary")
            for text, name, fabric in (
                ("SVG", "pieces.svg", False),
                ("DXF", "pieces.dxf", False),
                ("Pieces PDF", "pieces.pdf", False),
                ("Marker PDF", "marker.pdf", True),
                ("Quote PDF", "quote.pdf", True),
            ):
                tag(ui.button(text, on_click=lambda n=name, f=fabric: self._download(n, f))
                    .props("outline no-caps color=primary").classes("px-3"), f"download-{name}")

    def _download(self, name: str, with_fabric: bool) -> None:
        params = [f"paper={self.paper.value}"] if name.endswith(".pdf") else []
        if with_fabric:
            params.append(self.fabric.query())
        ui.download.from_url(self._file_url(name, "&".join(params)))
