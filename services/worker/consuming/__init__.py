"""The parts of taking and finishing a job, which the worker's JobConsumer (entrypoints/job_consumer.py) composes:
which job next (queue), keeping it (heartbeat), its file (job_files), waiting out an outage (backoff), its result
(results) and what it counts (job_metrics)."""
