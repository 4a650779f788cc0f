#!/usr/bin/env bash
# The GPU figures (issue 15) in one call on a machine with a real GPU: a release build, the
# size sweep (both engines, both backends, side by side) and the ensemble bench (the same
# replicate ensemble on all CPU cores and on the GPU), each also as JSON; the results are
# appended to docs/BENCHMARKS.md under the date and the device, with the commands.
#
# Usage: scripts/gpu-bench.sh [SIZES=250,4000,64000,1000000] [SECS=3] [REPLICATES=1024]
#   OUT (default: $OUT if set, else target/gpu-bench) receives sweep.json, ensemble.json and
#   the raw text. BUILD=0 skips the build (HUEY names the binary, default target/release/huey).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-250,4000,64000,1000000}" secs="${2:-3}" replicates="${3:-1024}"
out="${OUT:-target/gpu-bench}"
huey="${HUEY:-target/release/huey}"
mkdir -p "$out"
if [ "${BUILD:-1}" = 1 ]; then
  cargo build --release --locked 2>&1 | tail -1
fi
# wgpu's Vulkan loader wants a runtime directory; a headless machine may have none.
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_RUNTIME_DIR
fi
"$huey" gpu-info > "$out/gpu-info.txt" 2>&1 || true
sweep_cmd=("$huey" bench --sweep --sizes "$sizes" --secs-per-run "$secs" --json "$out/sweep.json" --force)
ensemble_cmd=("$huey" bench --ensemble --replicates "$replicates" --reps 3 --json "$out/ensemble.json" --force)
"${sweep_cmd[@]}" | tee "$out/sweep.txt"
"${ensemble_cmd[@]}" | tee "$out/ensemble.txt"
{
  echo
  echo "## GPU run of $(date -u +%Y-%m-%d): $(head -1 "$out/gpu-info.txt")"
  echo
  echo "Written by \`scripts/gpu-bench.sh $sizes $secs $replicates\` on $(nproc) CPU cores:"
  echo
  echo '```sh'
  echo "${sweep_cmd[*]}" | sed "s|$huey|./target/release/huey|"
  echo '```'
  echo
  echo '```text'
  cat "$out/sweep.txt"
  echo '```'
  echo
  echo '```sh'
  echo "${ensemble_cmd[*]}" | sed "s|$huey|./target/release/huey|"
  echo '```'
  echo
  echo '```text'
  cat "$out/ensemble.txt"
  echo '```'
} >> docs/BENCHMARKS.md
echo "appended to docs/BENCHMARKS.md; JSON in $out" >&2
