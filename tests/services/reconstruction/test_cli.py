"""The CLI adapters: argument handling and the calibration mat command."""

from __future__ import annotations

from pathlib import Path

from scripts import cli


def test_calibration_mat_command_writes_a_pdf(tmp_path: Path) -> None:
    out = tmp_path / "mat.pdf"
    assert cli.main(["calibration-mat", "--paper", "letter", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_reconstruct_reports_bad_input_without_a_traceback(tmp_path: Path, capsys) -> None:
    rc = cli.main(["reconstruct", str(tmp_path / "missing.jpg"), "--out", str(tmp_path / "r")])
    assert rc == 2
    assert "no such photo" in capsys.readouterr().err
    (tmp_path / "one.jpg").write_bytes(b"x")
    rc = cli.main(["reconstruct", str(tmp_path / "one.jpg"), "--out", str(tmp_path / "r")])
    assert rc == 2
    assert "at least 3 photos" in capsys.readouterr().err
