"""One module per export format; each turns a stream of records into a stream of bytes."""
