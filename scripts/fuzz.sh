#!/usr/bin/env bash
# The property tests of tests/it/properties.rs with many more cases, for a set time:
#   scripts/fuzz.sh [SECONDS]        (default 600; PROPTEST_CASES overrides the case count)
# A failure prints the minimal input proptest found and exits non-zero; reaching the time
# limit without one is a pass. CI runs the same properties with proptest's default 256 cases.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"
export PROPTEST_CASES="${PROPTEST_CASES:-1000000}"
cargo build --release --tests --locked
status=0
timeout "$secs" cargo test --release --locked --test it properties -- --test-threads=2 || status=$?
if [ "$status" -eq 124 ]; then
  echo "fuzz: no failure in $secs s ($PROPTEST_CASES cases per property asked)"
  exit 0
fi
exit "$status"
