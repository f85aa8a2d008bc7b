"""Patterns: from a 3D model (metres, Z up, front = -y) to cut pieces, a marker and a quote.

Stages, one module each: segment_panels → flatten_panels → cut_pieces → nest_pieces →
quote, then export_svg / export_dxf / export_pdf. `pipeline` strings them together for
the CLI and (later) the gRPC servicer. No gRPC here.
"""
