"""Helpers the tests and benchmarks share: document generators and process fixtures."""
