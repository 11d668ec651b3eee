#!/usr/bin/env bash
# Runs one fuzz target under afl-fuzz for a while: scripts/fuzz.sh TARGET SECONDS
#   TARGET   mot, det, cvat, coco, zones, seqinfo, http-query (one folder each in tests/VisionTracker.Fuzz/corpus/)
#   SECONDS  how long afl-fuzz runs (afl-fuzz -V)
# Builds tests/VisionTracker.Fuzz (Release), copies its output to artifacts/fuzz/bin, instruments VisionTracker.dll
# and VisionTracker.Monitor.dll there with `dotnet sharpfuzz` (the local tool in .config/dotnet-tools.json), replays the
# checked-in corpus, then runs afl-fuzz on it. Findings stay in artifacts/fuzz/TARGET/ (ignored by git).
# Prints "fuzz TARGET: N execs in S s, C crashes, H hangs" and exits 1 when afl-fuzz saved a crash (each is replayed
# with its exception), 2 for a usage mistake.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]] || [ "$2" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS (targets: $(ls tests/VisionTracker.Fuzz/corpus | tr '\n' ' '))" >&2
  exit 2
fi
target=$1
seconds=$2
corpus=tests/VisionTracker.Fuzz/corpus/$target
if [ ! -d "$corpus" ]; then
  echo "fuzz: no target '$target': pick one of $(ls tests/VisionTracker.Fuzz/corpus | tr '\n' ' ')" >&2
  exit 2
fi
if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "fuzz: afl-fuzz is missing: run scripts/setup.sh (it installs Debian's afl++)." >&2
  exit 2
fi

bin=artifacts/fuzz/bin      # instrumented: only runs under afl-fuzz (SharpFuzz writes coverage to afl's shared memory)
plain=artifacts/fuzz/plain  # the same build uninstrumented: replays inputs outside afl-fuzz
# Build and instrument once per source state; the stamp keeps scripts/test.sh from redoing it for every target.
stamp=$(find src/VisionTracker src/VisionTracker.Monitor tests/VisionTracker.Fuzz -name bin -prune -o -name obj -prune -o -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.proto' \) -print \
  | sort | xargs sha1sum | cat - Directory.Packages.props Directory.Build.props | sha1sum | cut -c1-16)
if [ ! -f "$bin/.instrumented" ] || [ "$(cat "$bin/.instrumented")" != "$stamp" ]; then
  dotnet tool restore >/dev/null
  if ! build_log=$(dotnet build tests/VisionTracker.Fuzz -c Release -nologo -v q 2>&1); then
    echo "fuzz: building tests/VisionTracker.Fuzz failed:" >&2
    echo "$build_log" | grep -E "error|Error" >&2 || echo "$build_log" >&2
    exit 1
  fi
  rm -rf "$bin" "$plain"
  mkdir -p "$bin" "$plain"
  cp -r tests/VisionTracker.Fuzz/bin/Release/net10.0/. "$bin/"
  cp -r tests/VisionTracker.Fuzz/bin/Release/net10.0/. "$plain/"
  for dll in VisionTracker.dll VisionTracker.Monitor.dll; do
    dotnet sharpfuzz "$bin/$dll" >/dev/null
  done
  echo "$stamp" > "$bin/.instrumented"
fi

# Known inputs first (uninstrumented behaviour is the same): a seed that crashes is a bug to fix before fuzzing.
dotnet "$plain/VisionTracker.Fuzz.dll" "$target" --replay "$corpus"

out=artifacts/fuzz/$target
rm -rf "$out"
mkdir -p "$out/tmp"
# The harness writes each input to a scratch file under TMPDIR: keep it in the run's folder.
export TMPDIR=$PWD/$out/tmp
# dotnet is not an afl-instrumented binary (SharpFuzz's fork server speaks for it); a container has no CPU governor
# or core_pattern to tune; no UI, and a generous start-up allowance for the .NET runtime on a loaded machine.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_FORKSRV_INIT_TMOUT=${AFL_FORKSRV_INIT_TMOUT:-120000} AFL_QUIET=1
set +e
# -t: per input (ms), fixed and generous: SharpFuzz runs every input in the one dotnet process (its fork server
# never forks), so a timeout kills that process and ends the run; an auto-scaled timeout ("5000+") picks ~20 ms from
# the warm seeds and then kills the process the first time the JIT compiles a new path.
afl-fuzz -i "$corpus" -o "$out/findings" -V "$seconds" -t 10000 -m none -- dotnet "$bin/VisionTracker.Fuzz.dll" "$target" > "$out/afl.log" 2>&1
afl_rc=$?
set -e
stats=$out/findings/default/fuzzer_stats
if [ ! -f "$stats" ]; then
  echo "fuzz $target: afl-fuzz did not start (exit $afl_rc); its log:" >&2
  tail -n 30 "$out/afl.log" >&2
  exit 1
fi
if [ "$afl_rc" -ne 0 ]; then
  # Most often the target process died outside the harness (a timeout kill, a stack overflow, a fatal runtime error).
  echo "fuzz $target: afl-fuzz stopped early (exit $afl_rc); the input it was running is $out/findings/default/.cur_input; its log:" >&2
  tail -n 30 "$out/afl.log" >&2
  exit 1
fi
stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
execs=$(stat execs_done)
crashes=$(stat saved_crashes)
hangs=$(stat saved_hangs)
runtime=$(( $(stat last_update) - $(stat start_time) ))
echo "fuzz $target: $execs execs in $runtime s, $crashes crashes, $hangs hangs ($(stat execs_per_sec) execs/s, corpus $(stat corpus_count))"
if [ "${crashes:-0}" -gt 0 ]; then
  echo "fuzz $target: crashing inputs are in $out/findings/default/crashes/:" >&2
  dotnet "$plain/VisionTracker.Fuzz.dll" "$target" --replay "$out/findings/default/crashes" >&2 || true
  exit 1
fi
