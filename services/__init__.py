"""The box's gRPC services, one package each, plus the shared server runtime."""
