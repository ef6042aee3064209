"""Local mode: runs the whole suite as child processes, with embedded NATS and SecantusDB when none is configured."""

import os

# This process calls gRPC (health checks) and then forks the suite's processes, each of which execs at once: gRPC's
# fork handlers, which wait for its threads to quiesce around a fork, are for processes that keep running gRPC in
# the child, and gRPC documents turning them off for fork-then-exec (doc/fork_support.md). With them on, a
# `make up` was seen to hang for good after starting the export service, before the workers. Set before gRPC is
# first imported (it reads this once); children inherit it, harmlessly.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
