#!/usr/bin/env bash
# The project's test command (README, .ci/run): native deps, then every test in the solution.
set -euo pipefail
cd "$(dirname "$0")/.."
export VISIONTRACKER_DATA="${VISIONTRACKER_DATA:-$(cd .. && pwd)/shared}"
bash scripts/setup.sh
dotnet test VisionTracker.sln -c Release --logger "console;verbosity=normal" "$@"
