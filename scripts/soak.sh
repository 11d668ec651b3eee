#!/usr/bin/env bash
# Soak test for `vtrack live`: scripts/soak.sh MINUTES [OUT_DIR]
#
# A script-owned ffmpeg serves store-aisle.mp4 in a loop over HTTP on a free loopback port (`-listen 1`) and is
# killed and restarted every VTRACK_SOAK_RESTART_S seconds (default: 180, or a third of a short run), so vtrack
# must reconnect. Every VTRACK_SOAK_INTERVAL_S seconds (default 5) the script samples vtrack's resident memory
# (/proc/PID/status) and its /metrics (fps, frames, dropped frames, reconnects, events) into OUT_DIR/samples.csv.
# At the end it stops vtrack with SIGINT, checks the events file (every line JSON, no event lost: at least as many
# lines as the events vtrack counted), renders OUT_DIR/soak.png (tools/VisionTracker.SoakPlot, ScottPlot) and
# writes OUT_DIR/summary.txt. Exit 1 when vtrack died, an event was lost or vtrack did not stop cleanly.
#
# Environment: VTRACK_BIN (a built vtrack apphost; default: build src/VisionTracker.Cli in Release),
# VTRACK_SOAK_MODEL (default: atto), VISIONTRACKER_DATA (default: ../shared). The closing line starts with "soak:".
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
minutes=${1:?usage: scripts/soak.sh MINUTES [OUT_DIR]}
if ! [[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "error: MINUTES must be a number, got '$minutes'" >&2
  exit 2
fi
out=${2:-runs/soak-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
export VISIONTRACKER_DATA="${VISIONTRACKER_DATA:-$(cd .. && pwd)/shared}"
clip="$VISIONTRACKER_DATA/videos/store-aisle.mp4"
[ -f "$clip" ] || { echo "error: $clip not found (set VISIONTRACKER_DATA)" >&2; exit 2; }
command -v ffmpeg >/dev/null || { echo "error: ffmpeg is not installed: run scripts/setup.sh" >&2; exit 2; }

total_s=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
restart_s=${VTRACK_SOAK_RESTART_S:-$(( total_s >= 600 ? 180 : (total_s / 3 > 10 ? total_s / 3 : 10) ))}
interval_s=${VTRACK_SOAK_INTERVAL_S:-5}
warm_s=$(( total_s / 10 < 60 ? total_s / 10 : 60 ))

if [ -z "${VTRACK_BIN:-}" ]; then
  dotnet build src/VisionTracker.Cli -c Release -v quiet -nologo >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
  VTRACK_BIN="$repo/src/VisionTracker.Cli/bin/Release/net10.0/vtrack"
fi
dotnet build tools/VisionTracker.SoakPlot -c Release -v quiet -nologo >"$out/build-plot.log" 2>&1 || { cat "$out/build-plot.log" >&2; exit 1; }
plot_dll="$repo/tools/VisionTracker.SoakPlot/bin/Release/net10.0/soak-plot.dll"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
stream_port=$(free_port)
http_port=$(free_port)
url="http://127.0.0.1:$stream_port/aisle.ts"

# The same aisle zone as samples/zones/store-aisle.json, reporting dwell at a short threshold so events keep coming.
cat >"$out/zones.json" <<'JSON'
{
  "description": "soak: store-aisle.json's aisle, dwell reported at a 0.5 s threshold",
  "zones": [
    { "name": "aisle", "kind": "area", "polygon": [[0.521, 0.148], [0.698, 0.148], [1.0, 0.852], [1.0, 1.0], [0.604, 1.0]],
      "normalized": true, "classes": ["person"], "minStableSeconds": 0.2, "holdSeconds": 1.0, "dwellSeconds": 0.5, "dwellReport": "threshold" }
  ]
}
JSON
events_file="$out/events.jsonl"
: >"$events_file"

server_pid=""
supervisor_pid=""
vtrack_pid=""
cleanup() {
  [ -n "$supervisor_pid" ] && kill "$supervisor_pid" 2>/dev/null || true
  [ -n "$vtrack_pid" ] && kill -KILL "$vtrack_pid" 2>/dev/null || true
  # The supervisor's ffmpeg, if it is still there.
  if [ -f "$out/server.pid" ]; then kill "$(cat "$out/server.pid")" 2>/dev/null || true; fi
}
trap cleanup EXIT

# Supervisor: keeps one ffmpeg serving the clip; kills it every restart_s seconds (an outage of ~2 s), and
# restarts it at once when it exits on its own (its one client went away).
(
  trap 'kill "$(cat "$out/server.pid" 2>/dev/null)" 2>/dev/null; exit 0' TERM
  kills=0
  while true; do
    ffmpeg -hide_banner -nostats -loglevel error -re -stream_loop -1 -i "$clip" -c copy -f mpegts -listen 1 "$url" </dev/null >>"$out/server.log" 2>&1 &
    echo $! >"$out/server.pid"
    started=$SECONDS
    while kill -0 "$(cat "$out/server.pid")" 2>/dev/null && (( SECONDS - started < restart_s )); do sleep 1; done
    if kill -0 "$(cat "$out/server.pid")" 2>/dev/null; then
      kill "$(cat "$out/server.pid")"; wait "$(cat "$out/server.pid")" 2>/dev/null || true
      kills=$((kills + 1)); echo "$kills" >"$out/server.kills"
      sleep 2
    fi
  done
) &
supervisor_pid=$!
sleep 1

# Job control on for this one job: without it bash starts background commands with SIGINT ignored, and the
# SIGINT that stops vtrack at the end would never arrive. `env --default-signal` also resets a SIGINT that this script
# itself inherited as ignored (started in the background by a non-interactive shell, e.g. `nohup ... &` from a script).
set -m
env --default-signal=INT,TERM "$VTRACK_BIN" live "$url" --model "${VTRACK_SOAK_MODEL:-atto}" --http "127.0.0.1:$http_port" --zones "$out/zones.json" --events "$events_file" \
  </dev/null >"$out/vtrack.log" 2>&1 &
vtrack_pid=$!
set +m

metric() { awk -v k="$1" '$1 == k { print $2; exit }' "$out/metrics.txt"; }
echo "seconds,rss_mb,fps,frames,dropped,reconnects,events" >"$out/samples.csv"
died=0
start=$SECONDS
while (( SECONDS - start < total_s )); do
  sleep "$interval_s"
  if ! kill -0 "$vtrack_pid" 2>/dev/null; then died=1; break; fi
  rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$vtrack_pid/status" 2>/dev/null || echo 0)
  if curl -fsS -m 5 "http://127.0.0.1:$http_port/metrics" -o "$out/metrics.txt" 2>/dev/null; then
    printf '%d,%.1f,%s,%s,%s,%s,%s\n' $((SECONDS - start)) "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" \
      "$(metric vtrack_fps)" "$(metric vtrack_frames_total)" "$(metric vtrack_dropped_frames_total)" \
      "$(metric vtrack_source_reconnects_total)" "$(metric vtrack_events_total)" >>"$out/samples.csv"
  fi
done

# Stop: SIGINT, as Ctrl+C would; vtrack must flush and exit within its shutdown grace (60 s).
counted=$(tail -n 1 "$out/samples.csv" | cut -d, -f7)
exit_code=""
if [ "$died" -eq 0 ]; then
  kill -INT "$vtrack_pid"
  for _ in $(seq 1 70); do kill -0 "$vtrack_pid" 2>/dev/null || break; sleep 1; done
  if kill -0 "$vtrack_pid" 2>/dev/null; then exit_code="hung"; kill -KILL "$vtrack_pid"; fi
fi
if [ -z "$exit_code" ]; then set +e; wait "$vtrack_pid"; exit_code=$?; set -e; fi
vtrack_pid=""
kill "$supervisor_pid" 2>/dev/null || true; wait "$supervisor_pid" 2>/dev/null || true; supervisor_pid=""

lines=$(wc -l <"$events_file")
bad_lines=$(python3 -c 'import json,sys
bad=0
for l in open(sys.argv[1]):
    try: json.loads(l)
    except Exception: bad+=1
print(bad)' "$events_file")
[[ "$counted" =~ ^[0-9]+$ ]] || counted=0
lost=$(( counted > lines ? counted - lines : 0 ))
read -r rss_first rss_max rss_end frames dropped reconnects fps_mean < <(awk -F, -v w="$warm_s" 'NR > 1 {
    if ($1 >= w && first == "") first = $2; if ($2 > max) max = $2; end = $2; f = $4; d = $5; r = $6; s += $3; n++ }
  END { if (first == "") first = end; printf "%.1f %.1f %.1f %d %d %d %.1f\n", first, max, end, f, d, r, (n ? s / n : 0) }' "$out/samples.csv")
growth=$(awk -v a="$rss_first" -v b="$rss_max" 'BEGIN { printf "%+.1f%%", (a > 0 ? (b / a - 1) * 100 : 0) }')
kills=$(cat "$out/server.kills" 2>/dev/null || echo 0)

dotnet "$plot_dll" "$out/samples.csv" "$out/soak.png" \
  "vtrack live soak, $minutes min: RSS $rss_first -> max $rss_max MB ($growth), $reconnects reconnects, $dropped of $frames frames dropped, $lost events lost" >/dev/null

status=OK
why=()
[ "$died" -eq 1 ] && why+=("vtrack died (see $out/vtrack.log)")
[ "$exit_code" != 0 ] && [ "$exit_code" != 130 ] && why+=("vtrack exit code $exit_code after SIGINT")
[ "$lost" -gt 0 ] && why+=("$lost events lost")
[ "$bad_lines" -gt 0 ] && why+=("$bad_lines unparseable event lines")
[ "${#why[@]}" -gt 0 ] && status=FAILED

cat >"$out/summary.txt" <<TXT
minutes=$minutes
samples=$(( $(wc -l <"$out/samples.csv") - 1 ))
rss_first_after_warmup_mb=$rss_first
rss_max_mb=$rss_max
rss_end_mb=$rss_end
rss_growth=$growth
frames=$frames
fps_mean=$fps_mean
dropped_frames=$dropped
reconnects=$reconnects
server_kills=$kills
events_counted=$counted
events_in_file=$lines
events_lost=$lost
exit_code=$exit_code
status=$status
TXT
echo "soak: $status after $minutes min: RSS $rss_first -> max $rss_max MB ($growth), $frames frames, $dropped dropped, $reconnects reconnects ($kills server kills), events $lines written / $counted counted, $lost lost${why[*]:+ - ${why[*]}} ($out)"
[ "$status" = OK ]
