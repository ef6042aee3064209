"""Ways in: the gRPC servicers and the JetStream consumers."""
