"""Patterns: from a 3D model (metres, Z up, front = -y) to cut pieces, a marker and a quote.

Stages, one module each: segment_panels → flatten_panels → cut_pieces → nest_pieces →
quote, then export_svg / export_dxf / export_pdf. `pipeline` strings them together for
the CLI; `run_job` (the job), `job_state`, `apply_edits`, `layouts` and `exports` do the
same for the service, over files. The domain modules know no gRPC; the adapters are
`servicer` and `converters` (the service), `fetch_model` (a client of reconstruction),
`app` and `__main__` (the process) and `cli`.
"""
