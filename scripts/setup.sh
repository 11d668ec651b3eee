#!/usr/bin/env bash
# Installs the native libraries VisionTracker needs on Debian/Ubuntu:
#   libgtk-3-0  - the OpenCvSharp Linux runtime (libOpenCvSharpExtern.so) links against GTK 3
#   ffmpeg      - the live-stream tests serve a clip over HTTP with a test-owned ffmpeg process
#   chromium    - the dashboard's browser test (headless, never a downloaded browser)
#   nats-server - scale-out (vtrack worker/submit): the cluster tests start a real `nats-server -js` on loopback
#   mosquitto   - the MQTT edge test starts a real mosquitto broker on loopback
#   afl++       - afl-fuzz, which runs the fuzz targets of tests/VisionTracker.Fuzz (scripts/fuzz.sh)
# Runs apt-get only when something is missing. Needs root or sudo; otherwise prints the command and stops.
set -euo pipefail

need=()
dpkg -s libgtk-3-0 >/dev/null 2>&1 || need+=(libgtk-3-0)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v afl-fuzz >/dev/null 2>&1 || need+=(afl++)
if [ "${VTRACK_SKIP_BROWSER:-0}" != "1" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "VisionTracker needs native packages: run 'sudo apt-get update && sudo apt-get install -y ${need[*]}' and try again." >&2
  exit 2
fi

echo "Installing native dependencies: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
