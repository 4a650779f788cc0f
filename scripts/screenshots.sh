#!/usr/bin/env bash
# Screenshots of the desktop app under Xvfb, for docs/ and the README. Rerun after UI changes:
#   bash scripts/screenshots.sh            (needs xvfb: apt-get install xvfb)
# Each shot starts the real app on a conversation, runs it to the end, shows one view, saves
# eframe's own screenshot of the window and closes. Settings are kept out of your config dir.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/huey
out=docs/screenshots
mkdir -p "$out"
export HUEY_CONFIG_DIR="$(mktemp -d)" XDG_RUNTIME_DIR="$(mktemp -d)"
input=assets/sample_conversation.txt
if [ -f "../shared/huey_data/DeepConvo.txt" ]; then input=../shared/huey_data/DeepConvo.txt; fi

shot() { # name, input, extra args…
  local name=$1 file=$2; shift 2
  xvfb-run -a -s "-screen 0 1400x900x24" "$bin" "$file" --run --exit-after 1.5 \
    --screenshot "$out/$name.png" "$@"
  echo "wrote $out/$name.png"
}
shot map "$input" --tab map
shot map3d "$input" --tab map3d
shot inspector "$input" --tab inspector --select still
shot concepts "$input" --tab concepts
shot time "$input" --tab time --select still
shot stability "$input" --tab stability --engine windowed --select still
# A run long enough for the live timing plot: 200,000 synthetic words, windowed, 16k neurons.
synth="$(mktemp -d)/synth.txt"
"$bin" synth "$synth" --words 200000 --vocabulary 20000 >/dev/null
shot timing "$synth" --tab timing --engine windowed --max-neurons 16000
