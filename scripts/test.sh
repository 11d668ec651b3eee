#!/usr/bin/env bash
# The project's test command (README, .ci/run): native deps, then every test in the solution.
# Extra arguments go to `dotnet test`, e.g. --filter "Category!=RealData" for the fast tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
export VISIONTRACKER_DATA="${VISIONTRACKER_DATA:-$(cd .. && pwd)/shared}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
bash scripts/setup.sh
# The GPU flavour (Microsoft.ML.OnnxRuntime.Gpu) is compiled on every run so it never rots; building it needs no GPU.
# Its own artifacts folder keeps the CPU build's obj/ and bin/ untouched.
dotnet build src/VisionTracker.Cli -c Release -p:OnnxRuntimeGpu=true --artifacts-path artifacts/gpu -v quiet -nologo
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# A hung test fails the run after 10 minutes and is named (no dump), instead of running into the CI limit.
dotnet test VisionTracker.sln -c Release --logger "console;verbosity=normal" --blame-hang-timeout 10m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# Soak: `vtrack live` for 2 minutes on a stream that is killed and restarted (scripts/soak.sh); fails the run when
# vtrack died, lost events or did not stop cleanly. Runs on the full suite (no extra arguments) or with VTRACK_SOAK=1.
if { [ $# -eq 0 ] || [ "${VTRACK_SOAK:-0}" = "1" ]; } && [ "${VTRACK_SOAK:-1}" != "0" ]; then
  soak_rc=0
  bash scripts/soak.sh "${VTRACK_SOAK_MINUTES:-2}" TestResults/soak || soak_rc=$?
  if [ "$soak_rc" -ne 0 ] && [ "$rc" -eq 0 ]; then rc=$soak_rc; fi
fi
set -e
# Every fuzz target for a short time on its checked-in corpus (scripts/fuzz.sh, afl-fuzz); a crash fails the run.
# VTRACK_FUZZ_SECONDS sets the time per target, VTRACK_SKIP_FUZZ=1 skips them.
fuzz_rc=0
if [ "${VTRACK_SKIP_FUZZ:-0}" != "1" ]; then
  for target in $(ls tests/VisionTracker.Fuzz/corpus); do
    bash scripts/fuzz.sh "$target" "${VTRACK_FUZZ_SECONDS:-15}" || fuzz_rc=1
  done
fi
# One plain closing line over every test project: "N passed, N failed, N skipped".
awk '/^[[:space:]]+(Passed|Failed|Skipped): [0-9]+[[:space:]]*$/ { n[$1] += $2 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", n["Passed:"], n["Failed:"], n["Skipped:"] }' "$log"
if [ "$rc" -ne 0 ]; then
  exit "$rc"
fi
exit "$fuzz_rc"
