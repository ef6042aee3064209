"""Adapters behind small ports: the MongoDB store and the JetStream job publisher."""
