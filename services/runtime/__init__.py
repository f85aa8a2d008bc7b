"""The server runtime every StitchSketch service runs on.

settings (typed, env + TOML), logs (request ids), tokens (signed tokens and scopes),
status (domain errors to gRPC codes), interceptors (auth, request id, errors),
server (start-up and shutdown), client (channels with deadlines, retries and tokens).
"""
