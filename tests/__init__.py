"""ocrbatch tests: unit, integration (real NATS, real gRPC processes) and end-to-end."""
