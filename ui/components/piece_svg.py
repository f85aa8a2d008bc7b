"""A flat piece as SVG: cutting line, sewing line, notches, grain line, a size grid and,
when asked, its triangles coloured by how much the fabric stretches.

Plain functions over the proto (no NiceGUI), so they are tested on their own. Points are
converted to pixels here (the piece frame has y up, SVG has y down), so line widths stay
readable at any scale.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from html import escape

from stitchsketch.v1 import common_pb2, patterns_pb2
from ui.units import INCH, Units

Point = tuple[float, float]
#: Stretch colours: under 1 % reads as fine (green), the flag threshold (5 %) as orange,
#: twice that and more as red.
STRETCH_STOPS = ((0.0, (134, 239, 172)), (2.5, (253, 224, 71)), (5.0, (251, 146, 60)),
                 (10.0, (220, 38, 38)))


def stretch_color(pct: float) -> str:
    """The fill for a triangle that stretches by `pct` percent."""
    pct = max(0.0, pct)
    for (p0, c0), (p1, c1) in itertools.pairwise(STRETCH_STOPS):
        if pct <= p1:
            t = (pct - p0) / (p1 - p0)
            return _hex(tuple(round(a + (b - a) * t) for a, b in zip(c0, c1, strict=True)))
    return _hex(STRETCH_STOPS[-1][1])


def _hex(rgb: tuple[int, ...]) -> str:
    return "#" + "".join(f"{v:02x}" for v in rgb)


def grid_step(units: Units) -> float:
    """Spacing of the background grid: 10 cm or 4 in (the test square of the PDFs)."""
    return 0.1 if units.metric else 4 * INCH


def _bounds(points: Sequence[common_pb2.Vec2]) -> tuple[float, float, float, float]:
    xs = [p.x for p in points] or [0.0]
    ys = [p.y for p in points] or [0.0]
    return min(xs), min(ys), max(xs), max(ys)


def _path(points: Sequence[Point]) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z"


def piece_svg(
    piece: patterns_pb2.FlatPiece,
    *,
    name: str,
    color: str,
    units: Units,
    box_px: float = 260,
    scale_px_per_m: float | None = None,
    show_stretch: bool = False,
) -> str:
    """The piece fitted into a `box_px` square (or drawn at `scale_px_per_m`)."""
    x0, y0, x1, y1 = _bounds(piece.cutting_line)
    width, height = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    pad = 14.0
    scale = scale_px_per_m or (box_px - 2 * pad) / max(width, height)
    w_px, h_px = width * scale + 2 * pad, height * scale + 2 * pad

    def px(x: float, y: float) -> Point:
        return pad + (x - x0) * scale, pad + (y1 - y) * scale

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w_px:.0f} {h_px:.0f}" '
           f'width="{w_px:.0f}" height="{h_px:.0f}" role="img" '
           f'aria-label="{escape(name)} cut piece">']
    step = grid_step(units)
    out.append('<g stroke="#cbd5e1" stroke-width="1">')
    # Square paper under the whole drawing, lines on the piece frame's multiples of step.
    gx = math.floor((x0 - pad / scale) / step) * step
    while gx <= x1 + pad / scale:
        a, _ = px(gx, 0)
        out.append(f'<line x1="{a:.1f}" y1="0" x2="{a:.1f}" y2="{h_px:.0f}"/>')
        gx += step
    gy = math.floor((y0 - pad / scale) / step) * step
    while gy <= y1 + pad / scale:
        _, b = px(0, gy)
        out.append(f'<line x1="0" y1="{b:.1f}" x2="{w_px:.0f}" y2="{b:.1f}"/>')
        gy += step
    out.append("</g>")
    cut = [px(p.x, p.y) for p in piece.cutting_line]
    out.append(f'<path d="{_path(cut)}" fill="{escape(color)}" fill-opacity="0.28" '
               'stroke="#0f172a" stroke-width="2.5" stroke-linejoin="round"/>')
    if show_stretch and piece.HasField("mesh"):
        out.extend(_stretch_triangles(piece.mesh, px))
    sew = [px(p.x, p.y) for p in piece.sewing_line]
    if sew:
        out.append(f'<path d="{_path(sew)}" fill="none" stroke="#0f5f73" stroke-width="1.6" '
                   'stroke-dasharray="7 5"/>')
    for notch in piece.notches:
        (a, b), (c, d) = px(notch.outer.x, notch.outer.y), px(notch.inner.x, notch.inner.y)
        out.append(f'<line x1="{a:.1f}" y1="{b:.1f}" x2="{c:.1f}" y2="{d:.1f}" '
                   'stroke="#b91c1c" stroke-width="3" stroke-linecap="round"/>')
    out.append(_grain(px(piece.grain_start.x, piece.grain_start.y),
                      px(piece.grain_end.x, piece.grain_end.y)))
    out.append("</svg>")
    return "".join(out)


def _stretch_triangles(mesh: patterns_pb2.FlatMesh, px: Callable[[float, float], Point]
                       ) -> list[str]:
    xy = mesh.xy
    pts = [px(xy[2 * i], xy[2 * i + 1]) for i in range(len(xy) // 2)]
    tris = mesh.triangles
    out = ['<g stroke-width="0.4" stroke="#ffffff" stroke-opacity="0.35">']
    for t in range(min(len(tris) // 3, len(mesh.stretch_pct))):
        a, b, c = (pts[tris[3 * t + k]] for k in range(3))
        fill = stretch_color(mesh.stretch_pct[t])
        out.append(f'<path d="M{a[0]:.1f},{a[1]:.1f} L{b[0]:.1f},{b[1]:.1f} '
                   f'L{c[0]:.1f},{c[1]:.1f} Z" fill="{fill}"/>')
    out.append("</g>")
    return out


def _grain(start: Point, end: Point) -> str:
    """The grain line with an arrow head at `end` (the furniture's up)."""
    (sx, sy), (ex, ey) = start, end
    length = math.hypot(ex - sx, ey - sy) or 1.0
    ux, uy = (ex - sx) / length, (ey - sy) / length
    head = min(12.0, length / 3)
    left = (ex - ux * head - uy * head * 0.5, ey - uy * head + ux * head * 0.5)
    right = (ex - ux * head + uy * head * 0.5, ey - uy * head - ux * head * 0.5)
    return (f'<g stroke="#0f172a" stroke-width="2" fill="#0f172a">'
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}"/>'
            f'<path d="M{ex:.1f},{ey:.1f} L{left[0]:.1f},{left[1]:.1f} '
            f'L{right[0]:.1f},{right[1]:.1f} Z"/></g>')


def legend_svg() -> str:
    """A small colour bar explaining the stretch colours."""
    stops = "".join(f'<stop offset="{p / 10:.2f}" stop-color="rgb{c}"/>' for p, c in STRETCH_STOPS)
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="260" height="34" viewBox="0 0 260 34">'
            f'<defs><linearGradient id="ss-stretch">{stops}</linearGradient></defs>'
            '<rect x="0" y="0" width="260" height="14" rx="3" fill="url(#ss-stretch)"/>'
            '<g font-size="12" fill="#334155" font-family="sans-serif">'
            '<text x="0" y="30">0 %</text><text x="118" y="30">5 %</text>'
            '<text x="222" y="30">10 %+</text></g></svg>')
