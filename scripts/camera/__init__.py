"""The camera agent: watches a folder and pushes every new photo to the box's capture service.

Modules: `state` (credentials and the sent-ledger, both surviving restarts), `scan`
(finding photos and telling finished files from half-written ones), `photo` (reading a
file once: bytes, hash, capture time), `uploader` (the gRPC push with retry and backoff),
`pairing` (trading a kiosk code for a device token, finding the box), `agent` (the
watch and one-shot loops). `scripts/camera_agent.py` is only the command line.
"""
