"""MongoDB adapters of the batch service's ports (PyMongo's async API; file bytes in GridFS)."""
