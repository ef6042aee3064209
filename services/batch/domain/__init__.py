"""Plain rules of batches and records, free of I/O."""
