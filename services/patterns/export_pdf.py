"""PDFs: the pieces tiled at full scale onto Letter or A4 (with overlap marks and a test
square to check the printer), the roll marker, and a one-page quote."""

from __future__ import annotations

import io
import math
from datetime import date

import numpy as np
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.lib.units import cm, inch, mm
from reportlab.pdfgen import canvas

from services.errors import InvalidArgument
from services.patterns.cut_pieces import CutPiece
from services.patterns.fabric import Fabric
from services.patterns.nest_pieces import Layout, placed_polygons
from services.patterns.quote import Quote
from services.patterns.sheet_layout import arrange
from services.patterns.units import UnitSystem, format_length, format_roll_length

PT_PER_M = 1000 * mm  # reportlab points per metre


def paper_for(paper: str) -> tuple[tuple[float, float], float, str]:
    """Page size (points), test-square side (points) and its caption."""
    key = (paper or "letter").lower()
    if key == "letter":
        return letter, 4 * inch, "4 in"
    if key == "a4":
        return A4, 10 * cm, "10 cm"
    raise InvalidArgument(f"paper must be letter or a4, not {paper!r}", field="paper")


def _poly(c: canvas.Canvas, pts: list[tuple[float, float]], close: bool = True,
          fill: bool = False) -> None:
    p = c.beginPath()
    p.moveTo(*pts[0])
    for q in pts[1:]:
        p.lineTo(*q)
    if close:
        p.close()
    c.drawPath(p, stroke=1, fill=int(fill))


def _draw_pieces(c: canvas.Canvas, pieces: list[CutPiece], offsets: list[np.ndarray],
                 ox: float, oy: float) -> None:
    """Pieces at 1:1, sheet origin at (ox, oy) points."""
    for pc, off in zip(pieces, offsets, strict=True):
        def tp(p: np.ndarray, off: np.ndarray = off) -> tuple[float, float]:
            q = (p + off) * PT_PER_M
            return ox + float(q[0]), oy + float(q[1])

        c.setLineWidth(0.8)
        c.setDash()
        _poly(c, [tp(p) for p in pc.cut])
        c.setLineWidth(0.4)
        c.setDash(4, 2)
        _poly(c, [tp(p) for p in pc.sew])
        c.setDash()
        for a, b in pc.notches:
            c.line(*tp(a), *tp(b))
        g0, g1 = tp(pc.grain[0]), tp(pc.grain[1])
        c.line(*g0, *g1)
        _poly(c, [(g1[0] - 4, g1[1] - 9), g1, (g1[0] + 4, g1[1] - 9)], close=False)
        lx, ly = tp(pc.label_at)
        c.setFont("Helvetica", 11)
        for i, line in enumerate(pc.label):
            c.drawString(lx + 6, ly - i * 13, line)


def tiled_pdf_bytes(pieces: list[CutPiece], paper: str = "letter", project: str = "") -> bytes:
    """Page 1: the test square and how to join the pages; then one page per tile.

    Each tile shows `overlap` of its neighbours; dashed lines mark where to trim and glue,
    and every page names its row and column.
    """
    size, square, caption = paper_for(paper)
    pw, ph = size
    margin = 0.5 * inch if size == letter else 12 * mm
    overlap = 0.5 * inch if size == letter else 12 * mm
    offsets, w, h = arrange(pieces)
    area_w, area_h = pw - 2 * margin, ph - 2 * margin
    step_w, step_h = area_w - overlap, area_h - overlap
    cols = max(1, math.ceil((w * PT_PER_M - overlap) / step_w))
    rows = max(1, math.ceil((h * PT_PER_M - overlap) / step_h))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    c.setTitle(f"{project or 'Pattern'} - full-size pieces")
    c.setFont("Helvetica-Bold", 16)
    c.drawString(margin, ph - margin - 16, f"{project or 'Pattern'}: full-size pieces")
    c.setFont("Helvetica", 11)
    lines = [f"{len(pieces)} pieces on {rows} x {cols} pages ({paper}), {date.today():%Y-%m-%d}.",
             "Print at 100 % (no 'fit to page'). The black square must measure exactly "
             f"{caption}.", "Trim each page on the dashed line at its left and bottom edges, "
             "lay it over its neighbour and match the cross marks."]
    for i, line in enumerate(lines):
        c.drawString(margin, ph - margin - 40 - i * 15, line)
    sx, sy = margin, ph - margin - 110 - square
    c.setFillGray(0)
    c.rect(sx, sy, square, square, stroke=0, fill=1)
    c.drawString(sx, sy - 15, f"test square {caption} x {caption}")
    c.showPage()
    for r in range(rows):
        for col in range(cols):
            ox = margin - col * step_w
            oy = margin - r * step_h
            c.saveState()
            clip = c.beginPath()
            clip.rect(margin, margin, area_w, area_h)
            c.clipPath(clip, stroke=0, fill=0)
            # only the pieces that reach this tile, to keep the file small
            lo = (np.array([margin - ox, margin - oy])) / PT_PER_M
            hi = lo + np.array([area_w, area_h]) / PT_PER_M
            keep = [k for k, (pc, off) in enumerate(zip(pieces, offsets, strict=True))
                    if np.all(pc.cut.min(0) + off <= hi) and np.all(pc.cut.max(0) + off >= lo)]
            _draw_pieces(c, [pieces[k] for k in keep], [offsets[k] for k in keep], ox, oy)
            c.restoreState()
            _tile_marks(c, margin, area_w, area_h, overlap, r, col, rows, cols)
            c.showPage()
    c.save()
    return buf.getvalue()


def _tile_marks(c: canvas.Canvas, margin: float, area_w: float, area_h: float,
                overlap: float, r: int, col: int, rows: int, cols: int) -> None:
    c.setLineWidth(0.3)
    c.setDash(3, 3)
    if col > 0:
        c.line(margin + overlap, margin, margin + overlap, margin + area_h)
    if r > 0:
        c.line(margin, margin + overlap, margin + area_w, margin + overlap)
    c.setDash()
    for x in (margin + overlap / 2, margin + area_w - overlap / 2):
        for y in (margin + overlap / 2, margin + area_h - overlap / 2):
            c.line(x - 6, y, x + 6, y)
            c.line(x, y - 6, x, y + 6)
    c.setFont("Helvetica", 8)
    c.drawString(margin, margin - 12, f"row {r + 1}/{rows}  column {col + 1}/{cols}  "
                 f"(row 1 is the bottom, column 1 the left)")


def marker_pdf_bytes(pieces: list[CutPiece], layout: Layout, fabric: Fabric, quote: Quote,
                     units: UnitSystem = UnitSystem.IMPERIAL, paper: str = "letter",
                     project: str = "") -> bytes:
    """The roll drawn to scale across one landscape page, selvedges top and bottom."""
    size, _, _ = paper_for(paper)
    pw, ph = landscape(size)
    margin = 36.0
    scale = min((pw - 2 * margin) / max(layout.length_m, 1e-6),
                (ph - 2 * margin - 80) / layout.width_m)
    ox, oy = margin, margin
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(pw, ph))
    c.setTitle(f"{project or 'Pattern'} - marker")
    c.setFont("Helvetica-Bold", 13)
    c.drawString(margin, ph - margin - 12, f"{project or 'Pattern'}: marker")
    c.setFont("Helvetica", 10)
    c.drawString(margin, ph - margin - 28,
                 f"Roll {format_length(fabric.width_m, units)} wide; uses "
                 f"{format_roll_length(layout.length_m, units)} "
                 f"({quote.yards:.3f} yd); utilization {100 * layout.utilization:.1f} %; "
                 f"{len(layout.placements)} pieces")
    rules = []
    if fabric.repeat_v_m:
        rules.append(f"vertical repeat {format_length(fabric.repeat_v_m, units)}")
    if fabric.repeat_h_m:
        rules.append(f"horizontal repeat {format_length(fabric.repeat_h_m, units)}")
    rules += ["one-way"] if fabric.one_way else []
    rules += ["railroaded"] if fabric.railroaded else []
    c.drawString(margin, ph - margin - 42, ", ".join(rules) or "plain fabric, two-way")
    for i, wtxt in enumerate(layout.warnings[:3]):
        c.drawString(margin, ph - margin - 56 - 12 * i, wtxt)
    c.setLineWidth(0.8)
    c.rect(ox, oy, layout.length_m * scale, layout.width_m * scale)
    if fabric.repeat_v_m > 0:
        c.setDash(2, 3)
        c.setLineWidth(0.2)
        x = 0.0
        while x <= layout.length_m:
            c.line(ox + x * scale, oy, ox + x * scale, oy + layout.width_m * scale)
            x += fabric.repeat_v_m
        c.setDash()
    c.setLineWidth(0.5)
    c.setFont("Helvetica", 6)
    for pc, pl, poly in placed_polygons(pieces, layout):
        _poly(c, [(ox + p[0] * scale, oy + p[1] * scale) for p in poly])
        cx, cy = poly.mean(axis=0) * scale
        copy = f" #{pl.copy + 1}" if pc.count > 1 else ""
        c.drawCentredString(ox + cx, oy + cy, f"{pc.name}{copy}")
    c.showPage()
    c.save()
    return buf.getvalue()


def quote_pdf_bytes(pieces: list[CutPiece], quote: Quote, fabric: Fabric,
                    units: UnitSystem = UnitSystem.IMPERIAL, paper: str = "letter",
                    project: str = "", currency: str = "$") -> bytes:
    """One page the shop can hand over: fabric, yardage, pieces, price."""
    size, _, _ = paper_for(paper)
    ph = size[1]
    m = 54.0
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    c.setTitle(f"Quote {project}")
    c.setFont("Helvetica-Bold", 18)
    c.drawString(m, ph - m - 18, f"Quote: {project or 'upholstery'}")
    c.setFont("Helvetica", 10)
    c.drawString(m, ph - m - 36, f"{date.today():%d %B %Y}")
    y = ph - m - 70
    rows = [
        ("Fabric width", format_length(fabric.width_m, units)),
        ("Pattern repeat", (f"{format_length(fabric.repeat_v_m, units)} vertical"
                            if fabric.repeat_v_m else "none")
         + (f", {format_length(fabric.repeat_h_m, units)} horizontal"
            if fabric.repeat_h_m else "")),
        ("Direction", "one-way (nap)" if fabric.one_way else "two-way"),
        ("Railroaded", "yes" if fabric.railroaded else "no"),
        ("Pieces to cut", str(sum(p.count for p in pieces))),
        ("Fabric", f"{quote.yards:.3f} yd ({quote.length_m:.2f} m of roll, "
                   f"{100 * quote.utilization:.0f} % used)"),
        ("Price per yard", f"{currency}{quote.price_per_yard:,.2f}"),
        ("Fabric cost", f"{currency}{quote.fabric_cost:,.2f}"),
        ("Labour", f"{currency}{quote.labour:,.2f}"),
    ]
    for k, v in rows:
        c.drawString(m, y, k)
        c.drawString(m + 150, y, v)
        y -= 16
    c.setFont("Helvetica-Bold", 13)
    c.drawString(m, y - 8, "Total")
    c.drawString(m + 150, y - 8, f"{currency}{quote.total:,.2f}")
    y -= 44
    c.setFont("Helvetica-Bold", 10)
    c.drawString(m, y, "Piece")
    c.drawString(m + 220, y, "Cut")
    c.drawString(m + 270, y, "Size (w x h)")
    c.setFont("Helvetica", 9)
    for pc in pieces:
        y -= 13
        if y < m:
            c.drawString(m, y, "...")
            break
        w, h = np.ptp(pc.cut, axis=0)
        c.drawString(m, y, pc.name)
        c.drawString(m + 220, y, str(pc.count))
        c.drawString(m + 270, y, f"{format_length(w, units)} x {format_length(h, units)}")
    c.showPage()
    c.save()
    return buf.getvalue()


