"""The StitchSketch touchscreen and tablet app (NiceGUI) and its DuckDB store.

`ui.store` is plain Python (no NiceGUI) so it can be tested and scripted directly;
`ui.app` wires the store, the capture client and the pages into one NiceGUI app.

    python -m ui --capture 127.0.0.1:50051 --data-dir var --demo-owner

serves http://0.0.0.0:8080 (kiosk, tablets, phones); without --capture the capture
service is found over mDNS or through STITCHSKETCH_STATIC_SERVICES.
"""
