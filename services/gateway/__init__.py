"""Gateway: thin REST edge for external clients; authenticates, enforces limits, forwards to gRPC."""
