#!/bin/sh
# ocrbatch-service SERVICE [ARGS…]: runs one service as PID 1 (exec), so SIGTERM reaches it.
set -eu
service="${1:-gateway}"
[ "$#" -gt 0 ] && shift
case "$service" in
  gateway|batch|export|worker) exec python -m "services.$service" "$@" ;;
  nats) exec nats-server "$@" ;;
  secantusdb) exec secantusd-py "$@" ;;
  *) echo "ocrbatch-service: unknown service '$service' (gateway, batch, export, worker, nats, secantusdb)" >&2; exit 2 ;;
esac
