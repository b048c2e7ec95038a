#!/usr/bin/env bash
# Cold start to the first served request, and idle RSS, of the production server.
# Usage: npm run build && bash bench/cold-start.sh [runs]
# Each run uses a fresh database file (so migrations and the session secret are part of the start).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
port=${PORT:-3777}
for i in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  DATABASE_URL="file:$dir/parley.db" PORT=$port HOST=127.0.0.1 LOG_LEVEL=error node_modules/.bin/bun server.ts &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.005; done
  end=$(date +%s%N)
  sleep 2
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  echo "run $i: first 200 after $(( (end - start) / 1000000 )) ms, idle RSS $(( rss / 1024 )) MiB"
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir"
done
