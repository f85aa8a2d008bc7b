"""The Pieces tab: every cut piece at one common scale on a 4 in / 10 cm grid, with its
size and distortion; "Show stretch" colours each piece's triangles by local stretch.
Tap a piece to see it large."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import background_tasks, run, ui

from services.errors import StitchError
from stitchsketch.v1 import patterns_pb2 as pb
from ui.components import tag
from ui.components.notice import show_error
from ui.components.panel_editor import pct
from ui.components.panel_names import label
from ui.components.piece_svg import grid_step, legend_svg, piece_svg
from ui.panels_state import PanelsState
from ui.units import Units

if TYPE_CHECKING:
    from ui.context import UiContext
    from ui.session import Session

#: The largest piece is drawn this wide or tall; the others at the same scale.
LARGEST_PX = 300
#: A piece never shrinks below this on screen, even beside a huge one.
SMALLEST_PX = 110


class PiecesView(ui.column):
    def __init__(self, ctx: UiContext, session: Session, state: PanelsState, units: Units):
        super().__init__()
        self.classes("w-full gap-3")
        self._ctx = ctx
        self._session = session
        self.state = state
        self.units = units
        self._meshes: dict[str, pb.FlatPiece] = {}
        self._mesh_revision = -1
        self._draws = 0
        with self:
            with ui.row().classes("w-full items-center gap-3"):
                step = units.length(grid_step(units))
                ui.label(f"All pieces at one scale; grid squares are {step}. Solid: cutting "
                         "line; dashed: sewing line; red ticks: notches; arrow: grain "
                         "(up the furniture).").classes("text-slate-700 grow")
                self.stretch = tag(ui.switch("Show stretch", on_change=self._stretch_toggled)
                                   .props("size=xl color=primary").classes("text-lg"),
                                   "show-stretch")
            self.legend = ui.html(legend_svg(), sanitize=False)
            self.legend.set_visibility(False)
            self.grid = tag(ui.row().classes("w-full gap-3 items-stretch"), "piece-grid")
        state.listen(lambda _geometry: self.refresh())

    def _pieces(self) -> list[pb.Panel]:
        return [p for p in self.state.panels if not p.excluded and p.HasField("piece")]

    def refresh(self) -> None:
        """Draw the pieces again (in the background: stretch drawings can be large)."""
        self._draws += 1
        background_tasks.create(self._draw(self._draws), name="draw pieces")

    async def _draw(self, draw: int) -> None:
        show = bool(self.stretch.value)
        if show and self._mesh_revision != self.state.revision:
            try:
                response = await self._ctx.patterns.get_panels(
                    self._session.token(), self.state.job_id, with_flat_mesh=True)
            except StitchError as exc:
                show_error(exc)
                show = False
            else:
                self._meshes = {p.id: p.piece for p in response.panels if p.HasField("piece")}
                self._mesh_revision = response.revision
        show = show and self._mesh_revision == self.state.revision
        panels = self._pieces()
        largest = max((max(p.piece.width_m, p.piece.height_m) for p in panels), default=1.0)
        scale = (LARGEST_PX - 28) / max(largest, 1e-3)

        def drawings() -> list[str]:
            return [piece_svg(
                self._meshes.get(p.id, p.piece) if show else p.piece, name=p.name,
                color=p.color, units=self.units, box_px=SMALLEST_PX, show_stretch=show,
                scale_px_per_m=scale
                if max(p.piece.width_m, p.piece.height_m) * scale >= SMALLEST_PX else None,
            ) for p in panels]

        svgs = await run.io_bound(drawings)
        if draw != self._draws:
            return  # a newer drawing is on its way
        self.grid.clear()
        with self.grid:
            if not panels:
                ui.label("No pieces to cut: every panel is left out.").classes("text-lg")
            for p, svg in zip(panels, svgs, strict=True):
                card = tag(ui.card().classes("ss-card ss-tap p-3 gap-1 items-center"),
                           f"piece-{p.id}")
                card.on("click", lambda p=p: self._enlarge(p))
                with card:
                    title = label(p.name) + (f" × {p.count}" if p.count > 1 else "")
                    ui.label(title).classes("text-lg font-medium")
                    ui.html(svg, sanitize=False)
                    ui.label(self.units.size(p.piece.width_m, p.piece.height_m)).classes(
                        "text-slate-700")
                    flag = " ⚠" if p.flagged else ""
                    ui.label(f"distortion {pct(p.area_distortion_pct, sign=True)} · stretch "
                             f"{pct(p.max_stretch_pct)}{flag}").classes("text-sm text-slate-600")

    def _stretch_toggled(self) -> None:
        self.legend.set_visibility(bool(self.stretch.value))
        self.refresh()

    def _enlarge(self, p: pb.Panel) -> None:
        show = bool(self.stretch.value) and self._mesh_revision == self.state.revision
        piece = self._meshes.get(p.id, p.piece) if show else p.piece
        with ui.dialog() as dialog, ui.card().classes("ss-card p-5 gap-3 items-center").style(
            "max-width: 96vw"
        ):
            with ui.row().classes("w-full items-center"):
                ui.label(label(p.name)).classes("text-2xl font-semibold grow")
                tag(ui.button(icon="close", on_click=dialog.close).props(
                    'flat round size=lg aria-label="Close"'), "piece-close")
            ui.html(piece_svg(piece, name=p.name, color=p.color, units=self.units, box_px=620,
                              show_stretch=show), sanitize=False)
            ui.label(" · ".join(p.piece.label_lines)).classes("text-slate-700")
        dialog.on("hide", dialog.delete)
        dialog.open()
