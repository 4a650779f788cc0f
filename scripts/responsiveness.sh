#!/usr/bin/env bash
# The app's responsiveness while it learns `feynman total.txt` with 10,000 neurons (issue: desktop
# app), under Xvfb: the app's own work per frame (draining events + building the UI, not the
# renderer) and how often the map refreshed. Writes docs/responsiveness-*.json.
#   bash scripts/responsiveness.sh        (needs xvfb and ../shared/huey_data)
set -euo pipefail
cd "$(dirname "$0")/.."
file="../shared/huey_data/feynman total.txt"
[ -f "$file" ] || { echo "skipped: $file is absent"; exit 0; }
cargo build --release --quiet
export HUEY_CONFIG_DIR="$(mktemp -d)" XDG_RUNTIME_DIR="$(mktemp -d)"
for engine in temporal windowed; do
  xvfb-run -a -s "-screen 0 1400x900x24" target/release/huey "$file" --max-neurons 10000 \
    --engine "$engine" --run --exit-after 1 --report "docs/responsiveness-$engine.json"
  echo "$engine:"; cat "docs/responsiveness-$engine.json"; echo
done
# feynman total is learned in well under a second; a longer run shows the steady state:
# 200,000 synthetic words, windowed engine, 16,000 neurons (about 5 s).
synth="$(mktemp -d)/synth.txt"
target/release/huey synth "$synth" --words 200000 --vocabulary 20000 >/dev/null
xvfb-run -a -s "-screen 0 1400x900x24" target/release/huey "$synth" --max-neurons 16000 \
  --engine windowed --run --exit-after 1 --report docs/responsiveness-synthetic.json
echo "synthetic:"; cat docs/responsiveness-synthetic.json; echo
