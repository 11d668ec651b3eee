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
set -e
# One plain closing line over every test project: "N passed, N failed, N skipped".
awk '/^[[:space:]]+(Passed|Failed|Skipped): [0-9]+[[:space:]]*$/ { n[$1] += $2 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", n["Passed:"], n["Failed:"], n["Skipped:"] }' "$log"
exit "$rc"
