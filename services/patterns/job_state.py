"""What a patterns job leaves in its folder, and how it is read back.

    <job>/input.<ext>            the mesh as received (linked upload or fetched model)
    <job>/mesh.npz               the welded mesh every later step uses
    <job>/segment/               panels straight after segmenting (lets a restart skip it)
    <job>/revisions/r000001/     the panel set after the job; one more per edit:
        panels.json              panels, pieces and options (metres; the CLI's format)
        face_panel.npy           the panel index of every triangle
        flats/<panel>.npz        each flattened panel (uv, triangles, stretch)
        layouts/<key>.json       layouts made for this revision, by fabric
    <job>/CURRENT                the number of the revision in force

A revision is written whole into a temp folder and renamed into place, then CURRENT is
replaced atomically: a crash leaves the previous revision in force, never a mix.
Unchanged flattened panels are hard-linked from the previous revision, not rewritten.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from appliance.paths import atomic_write, atomic_write_text, fsync_dir
from services.errors import FailedPrecondition
from services.patterns.cut_pieces import CutPiece
from services.patterns.flatten_panels import FlatPiece
from services.patterns.mesh import TriMesh
from services.patterns.panels import Panel, PanelSet
from services.patterns.pipeline import PatternOptions, PatternResult
from services.patterns.serialize import result_to_dict
from services.patterns.units import DEFAULT_SEAM_ALLOWANCE_M, UnitSystem

#: Revisions kept besides the one in force (room for an undo later).
KEEP_REVISIONS = 4


@dataclass(frozen=True)
class JobOptions:
    """The options a job was submitted with, resolved against the shop defaults; stored in
    the job's params so a restart or an edit works exactly as the first run did."""

    seam_allowance_m: float = DEFAULT_SEAM_ALLOWANCE_M
    max_area_distortion: float = 0.03
    max_stretch_pct: float = 5.0
    use_mesh_panels: bool = False
    project_name: str = ""
    units: str = UnitSystem.IMPERIAL.value

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobOptions:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def pattern_options(self, *, split_undevelopable: bool = True, units: str = "",
                        project: str | None = None) -> PatternOptions:
        return PatternOptions(
            seam_allowance_m=self.seam_allowance_m,
            max_area_distortion=self.max_area_distortion,
            max_stretch_pct=self.max_stretch_pct,
            split_undevelopable=split_undevelopable,
            use_mesh_labels=self.use_mesh_panels,
            project=self.project_name if project is None else project,
            units=UnitSystem(units or self.units),
        )


@dataclass
class PatternState:
    """One revision of a job's panels: the set, its flat pieces and its cut pieces."""

    revision: int
    panels: PanelSet
    flats: dict[str, FlatPiece]
    pieces: list[CutPiece]
    options: JobOptions
    path: Path | None = field(default=None, repr=False)

    def piece(self, panel_id: str) -> CutPiece | None:
        return next((p for p in self.pieces if p.panel_id == panel_id), None)


# -- the mesh ----------------------------------------------------------------------------


def save_mesh(job_dir: Path, mesh: TriMesh) -> None:
    arrays = {"vertices": mesh.vertices, "faces": mesh.faces}
    if mesh.face_labels is not None:
        arrays["face_labels"] = mesh.face_labels
    _write_npz(job_dir / "mesh.npz", arrays)


def load_job_mesh(job_dir: Path) -> TriMesh:
    with np.load(job_dir / "mesh.npz") as z:
        labels = z.get("face_labels", None)
        return TriMesh(z["vertices"], z["faces"], labels)


# -- segmented panels (before flattening) ------------------------------------------------


def save_segmented(job_dir: Path, ps: PanelSet) -> None:
    out = job_dir / "segment"
    _write_npz(out / "face_panel.npz", {"face_panel": ps.face_panel})
    atomic_write_text(out / "panels.json", json.dumps(
        {"next_id": ps.next_id, "panels": [asdict(p) for p in ps.panels]}))


def load_segmented(job_dir: Path, mesh: TriMesh) -> PanelSet | None:
    out = job_dir / "segment"
    if not (out / "panels.json").exists():  # written last: its presence means complete
        return None
    data = json.loads((out / "panels.json").read_text())
    with np.load(out / "face_panel.npz") as z:
        face_panel = z["face_panel"]
    return PanelSet(mesh, face_panel, [Panel(**p) for p in data["panels"]], data["next_id"])


# -- revisions ---------------------------------------------------------------------------


def current_revision(job_dir: Path) -> int:
    """The revision in force; 0 while the job has not finished its first."""
    try:
        return int((job_dir / "CURRENT").read_text().strip())
    except FileNotFoundError:
        return 0


def revision_dir(job_dir: Path, revision: int) -> Path:
    return job_dir / "revisions" / f"r{revision:06d}"


def save_state(job_dir: Path, state: PatternState, previous: PatternState | None = None) -> Path:
    """Write `state` as its revision and put it in force (atomically)."""
    root = job_dir / "revisions"
    root.mkdir(parents=True, exist_ok=True)
    final = revision_dir(job_dir, state.revision)
    if final.exists():  # left by a crash between the rename and CURRENT: not in force
        shutil.rmtree(final)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        (staging / "flats").mkdir()
        np.save(staging / "face_panel.npy", state.panels.face_panel)
        for pid, flat in state.flats.items():
            target = staging / "flats" / f"{pid}.npz"
            old = previous.flats.get(pid) if previous and previous.path else None
            if old is flat and previous is not None and previous.path is not None:
                with contextlib.suppress(OSError):
                    os.link(previous.path / "flats" / f"{pid}.npz", target)
                    continue
            _save_flat(target, flat)
        doc = state_to_dict(state)
        (staging / "panels.json").write_text(json.dumps(doc, indent=1))
        for path in (*staging.glob("*.*"), *(staging / "flats").iterdir()):
            with open(path, "rb") as f:
                os.fsync(f.fileno())
        fsync_dir(staging / "flats")
        fsync_dir(staging)
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_dir(root)
    atomic_write_text(job_dir / "CURRENT", str(state.revision))
    state.path = final
    _prune(root, state.revision)
    return final


def load_state(job_dir: Path, mesh: TriMesh | None = None) -> PatternState:
    """The revision in force (FailedPrecondition while the job has made none)."""
    revision = current_revision(job_dir)
    if revision <= 0:
        raise FailedPrecondition("the patterns job has not finished: wait for it, then retry")
    path = revision_dir(job_dir, revision)
    doc = json.loads((path / "panels.json").read_text())
    mesh = mesh if mesh is not None else load_job_mesh(job_dir)
    face_panel = np.load(path / "face_panel.npy")
    panels = [Panel(**{k: v for k, v in p.items() if k != "faces"}) for p in doc["panels"]]
    ps = PanelSet(mesh, face_panel, panels, doc["next_id"])
    flats = {p.id: _load_flat(path / "flats" / f"{p.id}.npz", p)
             for p in panels if (path / "flats" / f"{p.id}.npz").exists()}
    pieces = [_piece_from_dict(d) for d in doc["pieces"]]
    return PatternState(revision, ps, flats, pieces, JobOptions.from_dict(doc["options"]), path)


def state_to_dict(state: PatternState) -> dict[str, Any]:
    """panels.json: the CLI's document plus what a revision needs to be read back."""
    result = PatternResult(state.panels, state.flats, state.pieces)
    doc = result_to_dict(result)
    for d, pc in zip(doc["pieces"], state.pieces, strict=True):
        d["label_at"] = [float(pc.label_at[0]), float(pc.label_at[1])]
    doc.update(revision=state.revision, next_id=state.panels.next_id,
               options=asdict(state.options))
    return doc


def _piece_from_dict(d: dict[str, Any]) -> CutPiece:
    def arr(x: Any) -> np.ndarray:
        return np.asarray(x, float).reshape(-1, 2)

    return CutPiece(
        panel_id=d["panel_id"], name=d["name"], count=d["count"], sew=arr(d["sew"]),
        cut=arr(d["cut"]), notches=[(arr(n)[0], arr(n)[1]) for n in d["notches"]],
        grain=(arr(d["grain"])[0], arr(d["grain"])[1]), label_at=np.asarray(d["label_at"]),
        label=list(d["label"]), mirror_of=d["mirror_of"], mirrored=d["mirrored"],
        edge_neighbour=list(d["edge_neighbour"]))


_FLAT_ARRAYS = ("uv", "faces", "vertex_map", "outline", "face_stretch_pct")


def _save_flat(path: Path, flat: FlatPiece) -> None:
    with open(path, "wb") as f:
        np.savez(f, **{k: getattr(flat, k) for k in _FLAT_ARRAYS})


def _load_flat(path: Path, panel: Panel) -> FlatPiece:
    with np.load(path) as z:
        arrays = {k: z[k] for k in _FLAT_ARRAYS}
    return FlatPiece(panel_id=panel.id, area_m2=panel.area_m2, flat_area_m2=panel.flat_area_m2,
                     area_distortion_pct=panel.area_distortion_pct,
                     max_stretch_pct=panel.max_stretch_pct, flagged=panel.flagged,
                     suggestion=panel.suggestion, **arrays)


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    import io

    buf = io.BytesIO()
    np.savez(buf, **arrays)
    atomic_write(path, buf.getvalue())


def _prune(root: Path, current: int) -> None:
    for old in root.glob("r*"):
        with contextlib.suppress(ValueError):
            if int(old.name[1:]) < current - KEEP_REVISIONS:
                shutil.rmtree(old, ignore_errors=True)
    for stale in root.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
