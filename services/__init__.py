"""ocrbatch services: gateway, batch, worker, export, and the local stack runner."""
