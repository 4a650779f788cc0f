#!/usr/bin/env bash
# Batch throughput (issue 14): N synthetic conversations from `huey synth --count`, one
# `huey batch` over them with --jobs 1 and with --jobs 2, interleaved, REPS times each; prints
# the median files/s of each, their ratio, and the peak resident memory (GNU time's %M) of a
# batch over N and over N/10 files — it must not grow with the number of files.
#
# Usage: scripts/batch-bench.sh [N=1000] [REPS=3] [WORDS=2000]   (HUEY: the binary, default
# target/release/huey)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}" reps="${2:-3}" words="${3:-2000}"
huey="${HUEY:-target/release/huey}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$huey" synth "$work/corpus" --count "$n" --words "$words" --vocabulary 5000 >/dev/null
"$huey" synth "$work/small" --count "$((n / 10))" --words "$words" --vocabulary 5000 >/dev/null
run() { # jobs corpus → seconds peak_kib
  rm -rf "$work/out"
  /usr/bin/time -f "%e %M" -o "$work/time" "$huey" batch "$2" --out "$work/out" --jobs "$1" >/dev/null 2>&1
  cat "$work/time"
}
declare -A secs
for r in $(seq "$reps"); do
  for jobs in 1 2; do
    read -r s kib < <(run "$jobs" "$work/corpus")
    secs[$jobs]+="$s "
    echo "rep $r, --jobs $jobs: $s s, peak $kib KiB" >&2
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m1="$(echo "${secs[1]}" | median)"
m2="$(echo "${secs[2]}" | median)"
read -r _ peak_big < <(run 2 "$work/corpus")
read -r _ peak_small < <(run 2 "$work/small")
awk -v n="$n" -v m1="$m1" -v m2="$m2" -v pb="$peak_big" -v ps="$peak_small" -v words="$words" -v reps="$reps" 'BEGIN {
  printf "%d conversations of %d words, median of %d runs each:\n", n, words, reps
  printf "  --jobs 1: %.2f s, %.1f files/s\n", m1, n / m1
  printf "  --jobs 2: %.2f s, %.1f files/s\n", m2, n / m2
  printf "  ratio 2 / 1 jobs: %.2fx\n", m1 / m2
  printf "  peak memory (--jobs 2): %.1f MiB over %d files, %.1f MiB over %d files\n", pb / 1024, n, ps / 1024, n / 10
}'
