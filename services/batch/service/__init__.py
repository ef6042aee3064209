"""Use cases: create a batch, apply a worker result, re-queue what never reached the queue."""
