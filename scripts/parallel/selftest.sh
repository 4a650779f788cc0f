#!/usr/bin/env bash
# Self-test of the GNU parallel recipe: 3 `huey batch --shard` runs + `huey merge` == one unsharded batch.
#
# Usage:  HUEY=path/to/huey scripts/parallel/selftest.sh [INPUT_DIR] [-- HUEY_BATCH_OPTION…]
#
#   HUEY        the binary to test (default: target/release/huey of this checkout, else huey on PATH)
#   INPUT_DIR   conversations to use; without it, seven are made with `$HUEY synth`
#   -- OPTION…  passed to both the sharded and the unsharded `huey batch`
#   HUEY_PARALLEL_SELFTEST_DIR  working folder (default ${TMPDIR:-/tmp}/huey-parallel-selftest),
#               emptied at the start
#
# Installs GNU parallel with apt (as root, or through sudo) when it is missing. Runs the recipe the
# README gives:
#   parallel -q huey batch CORPUS --out OUT/shard-{} --shard {}/3 ::: 1 2 3 &&
#     huey merge OUT/shard-{1,2,3} --out OUT/merged
# Prints "selftest: PASS" and exits 0, or "selftest: FAIL: why" with the logs, and exits 1.
set -euo pipefail
export LC_ALL=C

repo="$(cd "$(dirname "$0")/../.." && pwd)"
top="${HUEY_PARALLEL_SELFTEST_DIR:-${TMPDIR:-/tmp}/huey-parallel-selftest}"
work="$top/work dir"          # a space on purpose: -q must keep every path one argument
started=$SECONDS

say() { echo "selftest: $*"; }
fail() {
  say "FAIL: $*"
  local f
  for f in "$work"/logs/*; do [ -e "$f" ] && { echo "----- $f"; cat "$f"; }; done
  exit 1
}

input_dir=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then input_dir="$(cd "$1" && pwd)"; shift; fi
if [ $# -gt 0 ]; then
  [ "$1" = "--" ] || { echo "usage: $0 [INPUT_DIR] [-- HUEY_BATCH_OPTION…]" >&2; exit 2; }
  shift
fi
options=("$@")

if [ -n "${HUEY:-}" ]; then huey="$HUEY"
elif [ -x "$repo/target/release/huey" ]; then huey="$repo/target/release/huey"
else huey=huey
fi
command -v "$huey" > /dev/null || { say "FAIL: huey binary not found: '$huey' (set HUEY)"; exit 1; }

if ! command -v parallel > /dev/null; then
  if [ "$(id -u)" -eq 0 ]; then sudo=()
  elif command -v sudo > /dev/null; then sudo=(sudo)
  else say "FAIL: GNU parallel is missing, and installing it needs root or sudo"; exit 1
  fi
  command -v apt-get > /dev/null || { say "FAIL: GNU parallel is missing and there is no apt-get"; exit 1; }
  say "installing parallel (apt)"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    parallel > /dev/null
fi
# moreutils has a `parallel` of its own, with other options; the recipe needs GNU's.
parallel --version 2> /dev/null | grep -q "GNU parallel" ||
  { say "FAIL: 'parallel' on PATH is not GNU parallel (moreutils?)"; exit 1; }

rm -rf "$work"
mkdir -p "$work/logs"
inputs="$work/in put"
if [ -n "$input_dir" ]; then
  inputs="$input_dir"
else
  mkdir -p "$inputs"
  for i in 1 2 3 4 5 6 7; do
    "$huey" synth "$inputs/conversation $i.txt" --words 2000 --seed "$i" > /dev/null
  done
fi

out="$work/sharded out"
# -q: parallel hands its command to a shell, which would split the paths at their spaces; -q
# quotes each argument (the {} in them is still replaced). --will-cite: no citation notice.
# --joblog: each shard's exit status, for the failure report. One huey per shard at a time, each
# with its share of the cores: three runs that each took every core would only contend.
per_shard=$(( $(nproc) / 3 )); [ "$per_shard" -ge 1 ] || per_shard=1
jobs=(--jobs "$per_shard")
for o in "${options[@]}"; do case "$o" in --jobs | --jobs=*) jobs=() ;; esac; done   # theirs wins
if ! parallel --will-cite -q -j 3 --joblog "$work/logs/joblog" \
  "$huey" batch "$inputs" --out "$out/shard-{}" --shard {}/3 "${jobs[@]}" "${options[@]}" \
  ::: 1 2 3 > "$work/logs/shards.out" 2>&1; then
  fail "a shard failed (see the joblog's Exitval column)"
fi
"$huey" merge "$out/shard-1" "$out/shard-2" "$out/shard-3" --out "$out/merged" > "$work/logs/merge.out" 2>&1 ||
  fail "huey merge failed"

"$huey" batch "$inputs" --out "$work/unsharded" "${options[@]}" > "$work/logs/unsharded.out" 2>&1 ||
  fail "the unsharded huey batch failed"
if ! cmp "$out/merged/summary.csv" "$work/unsharded/summary.csv"; then
  diff "$out/merged/summary.csv" "$work/unsharded/summary.csv" || true
  fail "merged summary.csv differs from the unsharded one"
fi
diff <(cd "$out/merged/reports" && ls) <(cd "$work/unsharded/reports" && ls) ||
  fail "merged reports/ holds other files than the unsharded one"
rows=$(( $(wc -l < "$out/merged/summary.csv") - 1 ))
say "PASS ($rows conversations in 3 shards, merged == unsharded; $(( SECONDS - started )) s)"
