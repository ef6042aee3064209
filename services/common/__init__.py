"""Pieces every service shares: settings base, telemetry, gRPC server plumbing, JetStream topology."""
