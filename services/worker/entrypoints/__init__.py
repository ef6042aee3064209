"""The worker's way in: the JetStream job consumer."""
