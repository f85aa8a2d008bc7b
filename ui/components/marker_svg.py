"""The marker as SVG: the roll (length to the right, width down) with every placed piece,
yard or metre marks along the selvedge and the pattern repeat, so the cutter sees the
plan at a glance. Plain functions over the protos, tested on their own."""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape

from stitchsketch.v1 import patterns_pb2
from ui.components.panel_names import label
from ui.units import YARD, Units

_PAD_TOP, _PAD_SIDE, _PAD_BOTTOM = 26.0, 10.0, 10.0


def placed_outline(piece: patterns_pb2.FlatPiece, placement: patterns_pb2.Placement
                   ) -> list[tuple[float, float]]:
    """The cutting line on the roll, metres: R(rotation) · p + (x, y) (see the proto)."""
    a = math.radians(placement.rotation_deg)
    c, s = math.cos(a), math.sin(a)
    return [(c * p.x - s * p.y + placement.x_m, s * p.x + c * p.y + placement.y_m)
            for p in piece.cutting_line]


def marker_svg(
    layout: patterns_pb2.LayoutPiecesResponse,
    panels: Mapping[str, patterns_pb2.Panel],
    units: Units,
    *,
    repeat_m: float = 0.0,
    width_px: float = 1180,
    max_height_px: float = 420,
) -> str:
    """The whole marker scaled to `width_px` (or to `max_height_px` for a short, wide roll);
    dashed lines mark the vertical pattern repeat `repeat_m` along the roll."""
    length = max(layout.length_m, 0.05)
    roll_w = max(layout.width_m, 0.05)
    scale = min((width_px - 2 * _PAD_SIDE) / length,
                (max_height_px - _PAD_TOP - _PAD_BOTTOM) / roll_w)
    w_px = length * scale + 2 * _PAD_SIDE
    h_px = roll_w * scale + _PAD_TOP + _PAD_BOTTOM

    def px(x: float, y: float) -> tuple[float, float]:
        return _PAD_SIDE + x * scale, _PAD_TOP + y * scale

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w_px:.0f} {h_px:.0f}" '
           f'width="100%" role="img" aria-label="marker: pieces on the roll" '
           'font-family="sans-serif">']
    x0, y0 = px(0, 0)
    out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{length * scale:.1f}" '
               f'height="{roll_w * scale:.1f}" fill="#f8fafc" stroke="#475569" '
               'stroke-width="1.5"/>')
    if repeat_m > 0:
        out.append('<g stroke="#94a3b8" stroke-width="1" stroke-dasharray="3 4">')
        r = repeat_m
        while r < length:
            a, _ = px(r, 0)
            out.append(f'<line x1="{a:.1f}" y1="{y0:.1f}" x2="{a:.1f}" '
                       f'y2="{y0 + roll_w * scale:.1f}"/>')
            r += repeat_m
        out.append("</g>")
    step = 1.0 if units.metric else YARD
    out.append('<g font-size="13" fill="#334155" stroke="#334155">')
    mark, i = 0.0, 0
    while mark <= length + 1e-9:
        a, _ = px(mark, 0)
        out.append(f'<line x1="{a:.1f}" y1="{y0 - 6:.1f}" x2="{a:.1f}" y2="{y0:.1f}"/>')
        out.append(f'<text x="{a + 3:.1f}" y="{y0 - 9:.1f}" stroke="none">'
                   f'{i} {units.roll_unit}</text>')
        mark, i = mark + step, i + 1
    out.append("</g>")
    for placement in layout.placements:
        panel = panels.get(placement.panel_id)
        if panel is None or not panel.HasField("piece"):
            continue
        points = [px(x, y) for x, y in placed_outline(panel.piece, placement)]
        if not points:
            continue
        d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z"
        out.append(f'<path d="{d}" fill="{escape(panel.color or "#94a3b8")}" fill-opacity="0.55" '
                   'stroke="#0f172a" stroke-width="1.2"><title>'
                   f"{escape(panel.name)}</title></path>")
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        text = label(panel.name) + (" ⇋" if placement.mirrored else "")
        # Along the piece's longer side, as large as fits (0.6 em per character).
        along, across = (h, w) if h > w * 1.3 else (w, h)
        size = max(8.0, min(15.0, along * 0.9 / max(len(text) * 0.6, 1), across * 0.5))
        turn = f' transform="rotate(-90 {cx:.1f} {cy:.1f})"' if h > w * 1.3 else ""
        out.append(f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="{size:.1f}" fill="#0f172a" '
                   f'text-anchor="middle" dominant-baseline="middle"{turn}>'
                   f"{escape(text)}</text>")
    out.append("</svg>")
    return "".join(out)

