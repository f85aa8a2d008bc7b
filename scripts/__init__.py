"""Developer and operator commands: dev-up, camera agent, CLI, benchmarks, sample data."""
