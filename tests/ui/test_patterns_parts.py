"""The plain parts of the patterns page: units at the edge, fabric inputs in links, the
SVG of pieces and markers, the model's box from a GLB, the standard names."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET

import pytest

from services.errors import InvalidArgument
from services.patterns.panels import STANDARD_NAMES as SERVICE_NAMES
from stitchsketch.v1 import common_pb2, patterns_pb2
from ui.components.marker_svg import marker_svg, placed_outline
from ui.components.panel_names import STANDARD_NAMES, join_name, label, split_name
from ui.components.piece_svg import piece_svg, stretch_color
from ui.fabric import FabricInputs
from ui.patterns_files import glb_bounds
from ui.units import INCH, YARD, Units, money

SVG = "{http://www.w3.org/2000/svg}"


def test_units_show_and_read_the_shops_units() -> None:
    imperial, metric = Units("imperial"), Units("metric")
    assert imperial.length(21.25 * INCH) == "21 1/4 in"
    assert imperial.length(0.5 * INCH) == "1/2 in"
    assert metric.length(0.54) == "54.0 cm"
    assert imperial.from_input(54) == pytest.approx(54 * INCH)
    assert metric.from_input(140) == pytest.approx(1.4)
    assert imperial.to_input(54 * INCH) == pytest.approx(54)
    assert imperial.order(2.375, 2.1) == "2 3/8 yd"
    assert imperial.order(0.5, 0.4) == "1/2 yd"
    assert metric.order(2.375, 2.11) == "2.2 m"  # metres rounded up to 0.1
    assert metric.price_to_per_yard(20.0) == pytest.approx(20 * YARD)  # typed per metre
    assert imperial.area(0.075) == "0.8 ft²" and metric.area(0.075) == "0.07 m²"
    assert money(1234.5, "$") == "$1,234.50"


def test_fabric_inputs_survive_an_export_link() -> None:
    fabric = FabricInputs(width_m=1.4, repeat_vertical_m=27 * INCH, one_way=True,
                          price_per_yard=42.5, labour=300)
    params = dict(p.split("=") for p in fabric.query().split("&"))
    back = FabricInputs.from_query(params)
    assert back.one_way and not back.railroaded
    assert back.width_m == pytest.approx(1.4) and back.repeat_vertical_m == pytest.approx(0.6858)
    assert back.spec().price_per_yard == pytest.approx(42.5) and back.labour == 300
    with pytest.raises(InvalidArgument, match="width"):
        FabricInputs.from_query({"width_m": "0.01"})
    with pytest.raises(InvalidArgument, match="not a number"):
        FabricInputs.from_query({"labour": "lots"})


def _square_piece(side: float = 0.4, allowance: float = 0.0127) -> patterns_pb2.FlatPiece:
    def square(h: float) -> list[common_pb2.Vec2]:
        return [common_pb2.Vec2(x=x, y=y) for x, y in ((-h, -h), (h, -h), (h, h), (-h, h))]

    piece = patterns_pb2.FlatPiece(
        sewing_line=square(side / 2), cutting_line=square(side / 2 + allowance),
        notches=[patterns_pb2.Notch(outer=common_pb2.Vec2(x=0, y=-side / 2 - allowance),
                                    inner=common_pb2.Vec2(x=0, y=-side / 2))],
        grain_start=common_pb2.Vec2(x=0, y=-0.1), grain_end=common_pb2.Vec2(x=0, y=0.1),
        width_m=side + 2 * allowance, height_m=side + 2 * allowance,
    )
    piece.mesh.xy.extend([-0.2, -0.2, 0.2, -0.2, 0.2, 0.2, -0.2, 0.2])
    piece.mesh.triangles.extend([0, 1, 2, 0, 2, 3])
    piece.mesh.stretch_pct.extend([0.5, 12.0])
    return piece


def test_piece_svg_draws_cut_sew_notch_grain_and_stretch() -> None:
    piece = _square_piece()
    plain = ET.fromstring(piece_svg(piece, name="deck", color="#336699", units=Units()))
    paths = plain.findall(f".//{SVG}path")
    assert any(p.get("stroke-dasharray") for p in paths)  # the sewing line
    assert plain.findall(f".//{SVG}line[@stroke='#b91c1c']")  # one notch
    # 1 px per ... : at 300 px/m the 0.4254 m cut square is 127.6 px wide plus the padding.
    scaled = ET.fromstring(piece_svg(piece, name="deck", color="#336699", units=Units(),
                                     scale_px_per_m=300))
    assert float(scaled.get("width")) == pytest.approx(0.4254 * 300 + 28, abs=1)
    stretched = ET.fromstring(piece_svg(piece, name="deck", color="#336699", units=Units(),
                                        show_stretch=True))
    fills = {p.get("fill") for p in stretched.findall(f".//{SVG}path")}
    assert stretch_color(0.5) in fills and stretch_color(12.0) in fills
    assert stretch_color(0) != stretch_color(10) and stretch_color(50) == stretch_color(10)


def test_marker_places_pieces_as_the_proto_says() -> None:
    piece = _square_piece()
    panel = patterns_pb2.Panel(id="p1", name="deck", color="#336699", piece=piece)
    turned = patterns_pb2.Placement(panel_id="p1", x_m=1.0, y_m=0.5, rotation_deg=90)
    outline = placed_outline(piece, turned)
    # (h, -h) turned 90° counter-clockwise is (h, h); then moved by (1.0, 0.5).
    h = 0.2 + 0.0127
    assert outline[1] == pytest.approx((1.0 + h, 0.5 + h))
    layout = patterns_pb2.LayoutPiecesResponse(placements=[turned], length_m=1.3, width_m=1.37,
                                               yards=1.5)
    root = ET.fromstring(marker_svg(layout, {"p1": panel}, Units(), repeat_m=0.5))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Deck" in texts and "0 yd" in texts and "1 yd" in texts
    assert root.findall(f".//{SVG}line[@y1]")


def _glb(doc: dict) -> bytes:
    body = json.dumps(doc).encode()
    body += b" " * (-len(body) % 4)
    return struct.pack("<III", 0x46546C67, 2, 20 + len(body)) + struct.pack(
        "<II", len(body), 0x4E4F534A) + body


def test_model_box_from_the_glb_header_in_our_frame() -> None:
    doc = {
        "accessors": [{"min": [-0.4, 0.0, -0.3], "max": [0.4, 0.9, 0.35]},
                      {"min": [-0.5, 0.1, 0.0], "max": [0.2, 0.5, 0.1]}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]},
                   {"primitives": [{"attributes": {"POSITION": 1}}]}],
    }
    (lo, hi) = glb_bounds(_glb(doc))
    # glTF (X, Y, Z) is (X, -Z, Y) with Z up.
    assert lo == pytest.approx((-0.5, -0.35, 0.0)) and hi == pytest.approx((0.4, 0.3, 0.9))
    assert glb_bounds(b"not a glb at all, no") is None
    assert glb_bounds(_glb(doc)[:30]) is None  # the JSON has not arrived yet


def test_standard_names_match_the_service() -> None:
    assert STANDARD_NAMES == SERVICE_NAMES
    assert split_name("outside_arm_L_1") == ("outside_arm", "L_1")
    assert split_name("seat_cushion_top") == ("seat_cushion_top", "")
    assert join_name("inside_arm", "R") == "inside_arm_R"
    assert label("inside_arm_L") == "Inside arm L"
