#!/usr/bin/env bash
# GPU check (under 5 minutes, needs an NVIDIA GPU with its driver, CUDA 13 and cuDNN 9 libraries; TensorRT 10 optional):
#  1. builds the GPU flavour (-p:OnnxRuntimeGpu=true) into artifacts/gpu, leaving the CPU build alone;
#  2. runs `vtrack detect` on CUDA and on CPU over the same frames and compares them: every detection matched by
#     class with box IoU >= 0.99 and embedding cosine >= 0.999 (detections whose score is within 0.02 of the threshold
#     may appear on one side only: a last-bit difference can move them across it);
#  3. runs `vtrack bench --streams 1,4,8,16` (one batched session, batch = streams) on CUDA, and on TensorRT when its
#     provider loads, printing fps per stream and in total.
# Never part of CI. Usage: bash scripts/gpu-check.sh [--frames N]   (VISIONTRACKER_DATA defaults to ../shared)
# Output: the console, and everything under ${GPU_CHECK_OUT:-artifacts/gpu-check}/ (summary.txt is the short form).
set -euo pipefail
cd "$(dirname "$0")/.."
export VISIONTRACKER_DATA="${VISIONTRACKER_DATA:-$(cd .. && pwd)/shared}"
frames=60
if [[ "${1:-}" == "--frames" ]]; then frames="$2"; fi
out="${GPU_CHECK_OUT:-artifacts/gpu-check}"
mkdir -p "$out"
summary="$out/summary.txt"
: > "$summary"
say() { echo "$*" | tee -a "$summary"; }
clip="$VISIONTRACKER_DATA/videos/bottle-detection.mp4"
[[ -f "$clip" ]] || { echo "gpu-check: $clip not found: set VISIONTRACKER_DATA to the data folder" >&2; exit 2; }
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu: /' | tee -a "$summary" \
  || say "gpu: nvidia-smi not found (the checks below will say whether CUDA loads)"
command -v python3 >/dev/null || { echo "gpu-check: python3 is needed for the comparison" >&2; exit 2; }

t0=$SECONDS
say "== build (GPU flavour, Release, artifacts/gpu)"
dotnet build src/VisionTracker.Cli -c Release -p:OnnxRuntimeGpu=true --artifacts-path artifacts/gpu -v quiet -nologo > "$out/build.log" 2>&1 \
  || { tail -30 "$out/build.log"; echo "gpu-check: build failed" >&2; exit 1; }
vtrack=artifacts/gpu/bin/VisionTracker.Cli/release/vtrack
say "built in $((SECONDS - t0)) s"

say "== detect: CUDA against CPU, $frames frames of $(basename "$clip")"
"$vtrack" detect "$clip" --frames "$frames" --device cpu --embeddings --out "$out/cpu.jsonl" 2> "$out/detect-cpu.err"
if ! "$vtrack" detect "$clip" --frames "$frames" --device cuda --embeddings --out "$out/cuda.jsonl" 2> "$out/detect-cuda.err"; then
  cat "$out/detect-cuda.err" >&2
  say "FAIL: the CUDA provider did not load (see above)"
  exit 1
fi
detect_rc=0
python3 - "$out/cpu.jsonl" "$out/cuda.jsonl" 0.35 > "$out/compare.txt" <<'PY' || detect_rc=1
import json, math, sys
cpu = [json.loads(l) for l in open(sys.argv[1])]
gpu = [json.loads(l) for l in open(sys.argv[2])]
conf = float(sys.argv[3]); margin = 0.02
def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0])); iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy; u = (a[2]-a[0])*(a[3]-a[1]) + (b[2]-b[0])*(b[3]-b[1]) - inter
    return inter / u if u > 0 else 1.0
def cos(a, b):
    d = sum(x*y for x, y in zip(a, b)); na = math.sqrt(sum(x*x for x in a)); nb = math.sqrt(sum(x*x for x in b))
    return d / (na*nb) if na > 0 and nb > 0 else 1.0
bad = []; n = 0; worst_iou = 1.0; worst_cos = 1.0; max_dscore = 0.0
if len(cpu) != len(gpu): bad.append(f"{len(cpu)} CPU frames against {len(gpu)} CUDA frames")
for fc, fg in zip(cpu, gpu):
    used = set()
    for dc in fc["detections"]:
        best, bi = -1.0, -1
        for j, dg in enumerate(fg["detections"]):
            if j in used or dg["class"] != dc["class"]: continue
            v = iou(dc["box"], dg["box"])
            if v > best: best, bi = v, j
        if bi < 0 or best < 0.99:
            if dc["score"] >= conf + margin: bad.append(f"frame {fc['frame']}: CPU {dc['name']} {dc['box']} score {dc['score']} has no CUDA match with IoU >= 0.99 (best {best:.4f})")
            continue
        used.add(bi); n += 1; dg = fg["detections"][bi]
        worst_iou = min(worst_iou, best); max_dscore = max(max_dscore, abs(dc["score"] - dg["score"]))
        if "embedding" in dc and "embedding" in dg:
            c = cos(dc["embedding"], dg["embedding"]); worst_cos = min(worst_cos, c)
            if c < 0.999: bad.append(f"frame {fc['frame']}: {dc['name']} embedding cosine {c:.5f} < 0.999")
    for j, dg in enumerate(fg["detections"]):
        if j not in used and dg["score"] >= conf + margin:
            bad.append(f"frame {fg['frame']}: CUDA {dg['name']} {dg['box']} score {dg['score']} has no CPU match")
print(f"matched {n} detections over {len(cpu)} frames: worst IoU {worst_iou:.5f}, worst embedding cosine {worst_cos:.6f}, largest score difference {max_dscore:.4f}")
for b in bad[:20]: print("MISMATCH " + b)
print("detect check: " + ("PASS" if not bad and n > 0 else f"FAIL ({len(bad)} mismatches, {n} matched)"))
sys.exit(0 if not bad and n > 0 else 1)
PY
tee -a "$summary" < "$out/compare.txt"

bench_frames=$(( frames < 64 ? 64 : frames ))
# Time caps keep the whole check under 5 minutes: TensorRT builds an engine for each new batch shape on first use.
declare -A cap=([cuda]=120 [tensorrt]=150)
for device in cuda tensorrt; do
  say "== bench on $device: streams 1,4,8,16 batched in one session, $bench_frames frames per stream (cap ${cap[$device]} s)"
  if timeout "${cap[$device]}" "$vtrack" bench --streams 1,4,8,16 --shapes batched --frames "$bench_frames" --device "$device" --source "$clip" \
      --json "$out/bench-$device.json" > "$out/bench-$device.txt" 2> "$out/bench-$device.err"; then
    tee -a "$summary" < "$out/bench-$device.txt"
  else
    say "$device: bench did not finish (exit or time cap): $(grep -m1 -i 'error' "$out/bench-$device.err" || tail -1 "$out/bench-$device.err")"
    [[ "$device" == cuda ]] && detect_rc=1
  fi
done
say "gpu-check finished in $((SECONDS - t0)) s; outputs in $out"
exit "$detect_rc"
