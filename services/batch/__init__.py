"""Batch service: owns batches, uploads, processing records and keys in MongoDB; publishes jobs; applies results."""
