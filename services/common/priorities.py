"""Job priorities, in the order workers take them: the batch service validates against them, JetStream has
one durable consumer per priority, workers ask for the first one that has work."""

from __future__ import annotations

PRIORITIES: tuple[str, ...] = ("high", "medium", "low")
DEFAULT_PRIORITY = "medium"
