"""Local mode: runs the whole suite as child processes, with embedded NATS and SecantusDB when none is configured."""
