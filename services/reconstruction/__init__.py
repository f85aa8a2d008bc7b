"""Reconstruction: photos → a measured, upright, textured mesh, on a CPU-only box.

Domain code only (no gRPC): `pipeline.run(run_dir, photos, options)` runs the stages
(one module each: prepare_images … export) from the first unfinished one; `model`
reads a finished model and applies user corrections; `calibration_mat` is the printable
mat and the marker layout the detector expects. The servicer and the CLI adapt these.
"""
