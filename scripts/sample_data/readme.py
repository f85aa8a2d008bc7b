"""The README.md written beside a rendered shoot, so a folder explains itself."""

from __future__ import annotations


def shoot_readme(gt: dict, cams: dict, seconds_per_photo: float) -> str:
    """Markdown describing the scene, files, conventions and panels of one shoot."""
    dims = gt["dimensions"]
    mk = gt["markers"]
    gen = gt["generator"]
    rows = "\n".join(
        f"| {name} | {p['area_m2']:.4f} | {p['fraction_seen_by_2plus_images']:.2f} | "
        f"{p['material']} | {p['visibility_note']} |"
        for name, p in gt["panels"].items())
    return f"""# Synthetic shop shoot: {gt['scene']}

{gt['description']}

Rendered by `python -m scripts.sample_data.render_shoot` (seed {gen['seed']}): exact ray
casting of textured boxes in numpy, {gen['supersample']}x{gen['supersample']} supersampling,
Lambert shading with a soft-shadowed key light, fill and ambient; {gt['images']} JPEG photos
(quality {gen['jpeg_quality']}) at {cams['width']}x{cams['height']},
{seconds_per_photo:.2f} s per photo. Everything is synthetic and exact.

## Files

| path | what |
| --- | --- |
| `images/IMG_0001.jpg ...` | photos in walking order: ring 1 (~1.0 m high), ring 2 (~1.55 m) |
| `cameras.json` | per image: `K`, `R`, `t` (world-to-camera, OpenCV), `center`, size, kind |
| `gt_mesh.ply` | the whole piece, metres, binary PLY; face `panel_id` indexes `panel_ids` |
| `panels/<name>.ply` | one mesh per upholstered panel |
| `ground_truth.json` | dimensions, panel areas, markers, boxes, generator settings |

## Conventions

* World: metres, Z up, floor z = 0, origin at the centre of the footprint, x = width
  (`_L` at -x), the front faces -y.
* Cameras: OpenCV pinhole, `x_cam = R @ X + t`, pixel centres at integer coordinates,
  (cx, cy) = ({cams['cx']}, {cams['cy']}), fx = fy = {cams['fx']:.1f} px, no distortion.
* EXIF: Make `Synthetic`, Model `Pinhole`, FocalLength {cams['focal_length_mm']} mm,
  FocalLengthIn35mmFilm {cams['focal_length_35mm_equiv']} (sensor
  {cams['sensor_size_mm'][0]:.1f} x {cams['sensor_size_mm'][1]:.1f} mm, also given by
  FocalPlaneX/YResolution), orientation 1.
* Markers: {mk['dictionary']}, {len(mk['markers'])} markers (ids 0-{len(mk['markers']) - 1}),
  {mk['marker_length_m'] * 100:.0f} cm black border to black border, on a
  {mk['mat_size_m'][0]} x {mk['mat_size_m'][1]} m mat whose top is at z = {mk['plane_z_m']} m,
  in a ring counter-clockwise from the front-left, {mk['white_quiet_zone_m'] * 100:.0f} cm
  quiet zone. Corners are in OpenCV detection order (TL, TR, BR, BL; marker up = +y).

## Dimensions and panels

Width {dims['width_m']:.3f} m, depth {dims['depth_m']:.3f} m, height {dims['height_m']:.3f} m.
Total upholstered area {gt['total_upholstered_area_m2']:.4f} m².

| panel | area m² | fraction seen in >= 2 photos | material | note |
| --- | --- | --- | --- | --- |
{rows}

{gt['area_notes']}

## Limitations

Flat box faces with sharp edges (no welts, crowns or wrinkles); fabric, wood and floor
are seeded procedural textures (non-repeating); view-independent matte shading, constant
exposure, no lens distortion, blur or rolling shutter; walls and ceiling are a plain box.
"""
