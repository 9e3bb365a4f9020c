#!/usr/bin/env bash
# Starts a local cluster with one command: a nats-server with JetStream and N wamp-router nodes joined through it,
# each on its own port (8081, 8082, …). Ctrl-C stops them all. Usage: pnpm cluster [N] (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
NODES="${1:-3}"
NATS_PORT="${NATS_PORT:-4222}"
FIRST_PORT="${FIRST_PORT:-8081}"

if ! command -v nats-server >/dev/null 2>&1; then
  echo "The cluster needs Debian's nats-server: run 'sudo apt-get install nats-server' (or bash scripts/ensure-debian-packages.sh)." >&2
  exit 1
fi
if ! [[ "$NODES" =~ ^[0-9]+$ ]] || [ "$NODES" -lt 1 ]; then
  echo "usage: pnpm cluster [number of router nodes, 1 or more]" >&2
  exit 1
fi

pnpm exec turbo run build --filter=@wamp/router... --output-logs=errors-only >/dev/null
STORE="$(mktemp -d -t wamp-cluster-XXXXXX)"
nats_pid=""
routers=()
cleanup() {
  trap - INT TERM EXIT
  echo "stopping the cluster…"
  # The routers first (they leave the cluster cleanly), then NATS.
  for pid in "${routers[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${routers[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$nats_pid" ] && kill -TERM "$nats_pid" 2>/dev/null && wait "$nats_pid" 2>/dev/null || true
  rm -rf "$STORE"
}
trap cleanup INT TERM EXIT

# Own sessions: a Ctrl-C reaches this script only, which stops the routers and then NATS, in that order.
setsid nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$STORE" 2>"$STORE/nats.log" &
nats_pid=$!
for _ in $(seq 1 50); do
  grep -q "Server is ready" "$STORE/nats.log" 2>/dev/null && break
  sleep 0.1
done
grep -q "Server is ready" "$STORE/nats.log" || { cat "$STORE/nats.log" >&2; exit 1; }
echo "nats-server listening on nats://127.0.0.1:$NATS_PORT (JetStream in $STORE)"

for i in $(seq 1 "$NODES"); do
  port=$((FIRST_PORT + i - 1))
  setsid node packages/router/bin/wamp-router.js --port "$port" --cluster "nats://127.0.0.1:$NATS_PORT" \
    --node-name "node-$i" --log-level warn &
  routers+=($!)
done
echo "$NODES router nodes starting on ports $FIRST_PORT–$((FIRST_PORT + NODES - 1)); Ctrl-C stops the cluster"
wait
