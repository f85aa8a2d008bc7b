"""The capture service: photo ingest from cameras and tablets, checks, storage, events,
and camera pairing. Domain modules hold the work; servicer.py adapts it to gRPC."""
