"""The batch service's gRPC edge: one module per service; errors become status codes in errors.py."""
