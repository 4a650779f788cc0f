#!/usr/bin/env bash
# The property tests of tests/it/properties.rs with many more cases, for a set time:
#   scripts/fuzz.sh [SECONDS]        (default 600 in all; PROPTEST_CASES overrides the case count)
# Each property runs on its own for its share of the time, so a failure ends that run and is
# printed with the minimal input proptest found (exit status 1); reaching the time limit
# without one is a pass. CI runs the same properties with proptest's default 256 cases.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"
export PROPTEST_CASES="${PROPTEST_CASES:-1000000}"
cargo build --release --tests --locked
mapfile -t properties < <(cargo test --release --locked --test it -- --list properties:: 2>/dev/null | sed -n 's/: test$//p')
[ "${#properties[@]}" -gt 0 ] || { echo "fuzz: no property tests found" >&2; exit 1; }
share=$(( secs / ${#properties[@]} ))
[ "$share" -ge 1 ] || share=1
failed=0
for p in "${properties[@]}"; do
  status=0
  timeout "$share" cargo test --release --locked --test it -- --exact "$p" || status=$?
  case "$status" in
    0) echo "fuzz: $p passed (up to $PROPTEST_CASES cases)" ;;
    124) echo "fuzz: $p: no failure in $share s" ;;
    *) echo "fuzz: $p FAILED (status $status)"; failed=1 ;;
  esac
done
exit "$failed"
