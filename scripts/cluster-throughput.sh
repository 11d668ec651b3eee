#!/usr/bin/env bash
# Scale-out throughput on this machine: jobs/hour with 1, 2 and 3 `vtrack worker` processes on one loopback
# nats-server (JetStream), and the broker's time per job as the workers measure it (state writes, result upload,
# ack; see docs/scale-out.md). Every worker count gets a fresh server and the same jobs, in one run.
#
#   VISIONTRACKER_DATA=../shared scripts/cluster-throughput.sh [JOBS] [FRAMES] [WORKER_COUNTS]
#   e.g. scripts/cluster-throughput.sh 6 60 "1 2 3"
#
# Env: VTRACK (built CLI, default src/VisionTracker.Cli/bin/Release/net10.0/vtrack), CLIP (default
# checkout-conveyor.mp4), WORKER_ARGS (default "--model atto"). Build first: dotnet build src/VisionTracker.Cli -c Release
set -euo pipefail
JOBS=${1:-6}
FRAMES=${2:-60}
COUNTS=${3:-"1 2 3"}
VT=${VTRACK:-src/VisionTracker.Cli/bin/Release/net10.0/vtrack}
DATA=${VISIONTRACKER_DATA:-../shared}
CLIP=${CLIP:-$DATA/videos/checkout-conveyor.mp4}
read -r -a WARGS <<< "${WORKER_ARGS:---model atto}"
NATS=$(command -v nats-server || echo /usr/sbin/nats-server)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "machine: $(nproc) cores; $(uptime)"
echo "jobs: $JOBS x $(basename "$CLIP") capped at $FRAMES frames, export mot; worker args: ${WARGS[*]}"
printf '%-8s %-10s %-10s %-16s %-18s\n' workers wall_s jobs/hour pipeline_ms/job broker_ms/job
for W in $COUNTS; do
  dir=$(mktemp -d)
  port=$(free_port)
  "$NATS" -js -a 127.0.0.1 -p "$port" -sd "$dir/js" > "$dir/nats.log" 2>&1 &
  npid=$!
  url="nats://127.0.0.1:$port"
  for _ in $(seq 100); do "$VT" jobs --nats "$url" > /dev/null 2>&1 && break; sleep 0.2; done
  pids=()
  for i in $(seq "$W"); do
    "$VT" worker --nats "$url" --no-cameras --id "bench-w$i" "${WARGS[@]}" > /dev/null 2> "$dir/w$i.err" &
    pids+=($!)
  done
  for i in $(seq "$W"); do
    for _ in $(seq 300); do grep -q "slot(s)" "$dir/w$i.err" 2>/dev/null && break; sleep 0.2; done
  done
  srcs=()
  for _ in $(seq "$JOBS"); do srcs+=("$CLIP"); done
  t0=$(date +%s.%N)
  "$VT" submit "${srcs[@]}" --nats "$url" --frames "$FRAMES" --export mot --wait > "$dir/submit.out"
  t1=$(date +%s.%N)
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  kill "$npid" 2>/dev/null || true
  wait "$npid" 2>/dev/null || true
  cat "$dir"/w*.err | awk -v w="$W" -v t0="$t0" -v t1="$t1" -v jobs="$JOBS" '
    /: done,/ { for (i = 1; i <= NF; i++) { if ($i == "pipeline") p += $(i+1); if ($i == "broker") b += $(i+1) } n++ }
    END { wall = t1 - t0; printf "%-8s %-10.1f %-10.0f %-16.0f %-18.1f\n", w, wall, jobs * 3600 / wall, (n ? p / n : 0), (n ? b / n : 0) }'
  rm -rf "$dir"
done
echo "after: $(uptime)"
