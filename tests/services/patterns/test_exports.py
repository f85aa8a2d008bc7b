"""Exports read back by real tools: ezdxf, an XML parser, pdftoppm."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

import ezdxf
import numpy as np
import pytest
from PIL import Image

from services.patterns.export_dxf import LAYERS, dxf_bytes
from services.patterns.export_pdf import marker_pdf_bytes, quote_pdf_bytes, tiled_pdf_bytes
from services.patterns.export_svg import svg_bytes
from services.patterns.fabric import Fabric
from services.patterns.pipeline import layout_and_quote

SVG = "{http://www.w3.org/2000/svg}"


def test_dxf_has_layers_closed_cut_lines_and_true_scale(tmp_path, cushion_result):
    path = tmp_path / "p.dxf"
    path.write_bytes(dxf_bytes(cushion_result.pieces))
    doc = ezdxf.readfile(path)
    assert doc.header["$INSUNITS"] == 4
    assert set(LAYERS) <= {layer.dxf.name for layer in doc.layers}
    msp = doc.modelspace()
    cuts = [e for e in msp.query("LWPOLYLINE") if e.dxf.layer == "CUT"]
    seams = [e for e in msp.query("LWPOLYLINE") if e.dxf.layer == "SEAM"]
    assert len(cuts) == len(seams) == len(cushion_result.pieces)
    assert all(e.closed for e in cuts + seams)
    widths = sorted(round(float(np.ptp([p[0] for p in e.get_points("xy")])), 3) for e in seams)
    assert 600.0 in widths and 2200.0 in widths  # mm: the top and the boxing strip
    assert len(msp.query("TEXT")) >= len(cushion_result.pieces)
    assert all(e.dxf.layer in ("NOTCH", "GRAIN", "LABEL", "CUT", "SEAM") for e in msp)


def test_svg_parses_with_a_group_per_layer(cushion_result):
    root = ET.fromstring(svg_bytes(cushion_result.pieces))
    assert root.get("width").endswith("mm")
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g")}
    assert {"cut", "seam", "notches", "grain", "labels"} <= set(groups)
    cut = groups["cut"].findall(f"{SVG}polygon")
    assert len(cut) == len(cushion_result.pieces)
    xs = [[float(p.split(",")[0]) for p in poly.get("points").split()]
          for poly in groups["seam"].findall(f"{SVG}polygon")]
    assert any(abs(np.ptp(x) - 600.0) < 0.01 for x in xs)


needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                    reason="pdftoppm (poppler-utils) not installed")


@needs_pdftoppm
@pytest.mark.parametrize(("paper", "side_in"), [("letter", 4.0), ("a4", 10 / 2.54)])
def test_tiled_pdf_test_square_prints_true_size(tmp_path, cushion_result, paper, side_in):
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(tiled_pdf_bytes(cushion_result.pieces, paper, "test"))
    dpi = 100
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    png = next(tmp_path.glob("page*.png"))
    dark = np.asarray(Image.open(png).convert("L")) < 60
    rows = dark.sum(axis=1)
    cols = dark.sum(axis=0)
    # the square is the one solid black block: its rows are the longest dark runs
    height = int((rows > 0.8 * rows.max()).sum())
    width = int((cols > 0.8 * cols.max()).sum())
    assert width == pytest.approx(side_in * dpi, abs=2)
    assert height == pytest.approx(side_in * dpi, abs=2)
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout \
        if shutil.which("pdfinfo") else "Pages: 2"
    assert int(next(ln.split()[-1] for ln in pages.splitlines() if ln.startswith("Pages"))) >= 2


@needs_pdftoppm
def test_marker_and_quote_pdfs_render(tmp_path, cushion_result):
    fabric = Fabric(price_per_yard=40)
    layout, quote = layout_and_quote(cushion_result, fabric, labour=120, time_budget_s=0.2)
    for name, data in (("marker", marker_pdf_bytes(cushion_result.pieces, layout, fabric, quote)),
                       ("quote", quote_pdf_bytes(cushion_result.pieces, quote, fabric))):
        assert data.startswith(b"%PDF")
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True, timeout=60)
        img = np.asarray(Image.open(next(tmp_path.glob(f"{name}*.png"))).convert("L"))
        assert (img < 128).mean() > 0.001  # something was drawn
    assert quote.total == pytest.approx(quote.yards * 40 + 120)
