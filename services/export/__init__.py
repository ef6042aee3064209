"""Export service: renders a batch's completed records in each format, streamed in chunks."""
