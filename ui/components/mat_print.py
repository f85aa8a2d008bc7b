"""Print the calibration mat: A4 and Letter buttons and how to use it, in one line.

The PDF comes through `ui.model_files` (/calibration-mat/{paper}) from the
reconstruction service, which draws it from the same layout its marker detector uses.
"""

from __future__ import annotations

from nicegui import ui

from ui.components import tag
from ui.model_files import mat_url

INSTRUCTION = ("Print at 100 % (actual size), check the ruler on each page measures 10 cm, "
               "then lay the pages flat on the floor around the piece.")


def mat_print(*, metric: bool, compact: bool = False) -> ui.column:
    """The mat's buttons (the shop's usual paper first) and the instruction."""
    papers = [("a4", "A4"), ("letter", "Letter")]
    if not metric:
        papers.reverse()
    with ui.column().classes("w-full gap-2") as box:
        with ui.row().classes("w-full items-center gap-2"):
            ui.icon("grid_on", size="md", color="primary")
            ui.label("Calibration mat").classes(
                "text-lg font-medium" if compact else "text-xl font-medium")
            for paper, text in papers:
                tag(ui.button(f"Print {text}", icon="print",
                              on_click=lambda p=paper: ui.download.from_url(mat_url(p)))
                    .props("outline size=lg no-caps color=primary"), f"mat-{paper}")
        tag(ui.label(INSTRUCTION).classes("text-slate-700"), "mat-instruction")
    return box
