#!/usr/bin/env bash
# Every class of hostile input against the release CLI, with its answer, wall time and peak
# memory (GNU time's maximum resident set size): the table of docs/ROBUSTNESS.md.
#   scripts/hostile.sh            (builds target/release/huey first; needs /usr/bin/time, python3)
# ROW_TIMEOUT (s) stops a row that is expected to run long; its exit status is then 124.
# Each row: class | exit status | first line the program printed to stderr (or stdout) |
# seconds | peak MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
huey="$PWD/target/release/huey"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

row() {
  local class="$1"
  shift
  local status=0
  /usr/bin/time -f '%e %M' -o time.txt timeout "${ROW_TIMEOUT:-600}" "$@" >out.txt 2>err.txt || status=$?
  local said
  said="$(grep -m1 -E '^(error|warning)' err.txt || true)"
  [ -n "$said" ] || said="$(head -n1 out.txt)"
  read -r secs kib < <(tail -n1 time.txt)
  printf '| %s | %s | %s | %.2f | %.0f |\n' "$class" "$status" "${said//|/\\|}" "$secs" "$((kib / 1024))"
}

python3 - <<'PY'
import os, random, zlib
random.seed(1)
open("empty.txt", "wb").close()
open("binary.txt", "wb").write(bytes(random.randrange(256) for _ in range(1 << 20)))
open("latin1.txt", "wb").write(b"Ana: caf\xe9 cr\xe8me br\xfbl\xe9e\nBen: tr\xe8s bien, merci\n" * 1000)
open("utf16-nobom.txt", "wb").write(("Ana: hello there friend\nBen: hello to you too\n" * 1000).encode("utf-16-le"))
with open("huge.txt", "w") as f:
    line = "Ana: the garden needs more light this spring\nBen: we could move the beans to the corner\n"
    for _ in range((200 << 20) // len(line)):
        f.write(line)
with open("many-lines.txt", "w") as f:
    for k in range((64 << 20) // 8):
        f.write("a%d: b\n" % (k % 10))
open("newlines.txt", "w").write("\n" * (64 << 20))
open("one-line.txt", "w").write("x" * 10_000_000)
open("one-exchange.txt", "w").write("Ana: " + "word " * 2_000_000 + "\nBen: yes\n")
with open("ten-million.txt", "w") as f:
    f.write("Alice: ")
    for k in range(10_000):
        f.write(" ".join("w%d" % ((k * 1000 + i) % 5000) for i in range(1000)) + " ")
    f.write("\nBob: yes\n")
cjk = [chr(0x4E00 + i) for i in range(3000)]
with open("dense-cjk.txt", "w") as f:
    for k in range(400):
        f.write(("Ana: " if k % 2 == 0 else "Ben: ") + "".join(random.choice(cjk) for _ in range(10_000)) + "\n")
# A PDF whose one stream inflates to 1 GiB of zeros (a decompression bomb).
z = zlib.compressobj(9)
chunk = bytes(1 << 20)
data = b"".join(z.compress(chunk) for _ in range(1024)) + z.flush()
pdf = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
       b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
       b"4 0 obj << /Length " + str(len(data)).encode() + b" /Filter /FlateDecode >> stream\n" + data +
       b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
open("bomb.pdf", "wb").write(pdf)
open("broken.pdf", "wb").write(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
PY
mkfifo fifo.txt
mkdir folder
"$huey" analyze --save-session good.ron >/dev/null
sed 's/version: 2/version: 9/' good.ron >newer.ron
head -c 500 good.ron >truncated.ron
python3 - <<'PY'
import re
t = open("good.ron").read()
open("nan.ron", "w").write(re.sub(r"strength: [0-9.e-]+", "strength: NaN", t, count=1))
open("dangling.ron", "w").write(re.sub(r"to: \d+,", "to: 4000000000,", t, count=1))
open("inf.ron", "w").write(re.sub(r"strength: [0-9.e-]+", "strength: inf", t, count=1))
words = re.search(r'words: \[\n            ("[^"]*"),\n            ("[^"]*"),', t)
open("duplicate.ron", "w").write(t.replace(words.group(0), words.group(0).replace(words.group(2), words.group(1)), 1))
open("over-cap.ron", "w").write(t.replace("max_neurons: 250", "max_neurons: 10", 1))
open("tiny-mass.ron", "w").write(re.sub(r"mass: 1\.[0-9]+", "mass: 1e-8", t, count=1))
open("negative-tau.ron", "w").write(t.replace("tau: 3.0", "tau: -3.0", 1))
open("zero-neurons.ron", "w").write(t.replace("max_neurons: 250", "max_neurons: 0", 1))
open("beyond-end.ron", "w").write(t.replace("done: 15", "done: 99", 1))
open("other-engine.ron", "w").write(t.replace('engine: "temporal"', 'engine: "windowed"', 1))
open("fifo-source.ron", "w").write(t.replace('source: "sample"', 'source: "fifo.txt"', 1))
for name in ["inf", "duplicate", "over-cap", "tiny-mass", "negative-tau", "zero-neurons", "beyond-end", "other-engine", "fifo-source"]:
    assert open(name + ".ron").read() != t, name + ": the edit changed nothing"
# 2.1 GiB: beyond the session bound (sparse, no disk used)
with open("giant.ron", "wb") as f:
    f.truncate((2 << 30) + 1)
PY

echo "| input | exit | answer | s | peak MiB |"
echo "|---|---|---|---|---|"
row "empty file" "$huey" analyze empty.txt
row "binary file (1 MiB random bytes)" "$huey" analyze binary.txt
row "Latin-1 (not UTF-8)" "$huey" analyze latin1.txt
row "UTF-16 without a BOM" "$huey" analyze utf16-nobom.txt
row "200 MiB transcript (64 MiB read)" "$huey" analyze huge.txt
row "8.4 M labelled lines (64 MiB)" "$huey" analyze many-lines.txt
row "64 MiB of newlines" "$huey" analyze newlines.txt
row "one 10 M-character line" "$huey" analyze one-line.txt
row "one 2 M-word exchange" "$huey" analyze one-exchange.txt
row "Alice: + 10 M words on one line, then Bob: yes" "$huey" analyze ten-million.txt
row "the same, --max-exchange-chars 10000000 --max-neurons 2 (1.6 M words kept)" "$huey" analyze ten-million.txt --max-exchange-chars 10000000 --max-neurons 2
ROW_TIMEOUT=30 row "the same, --max-exchange-chars 10000000 (stopped after 30 s)" "$huey" analyze ten-million.txt --max-exchange-chars 10000000
row "2 dense exchanges of 10,000 CJK characters, --max-neurons 3000" "$huey" analyze dense-cjk.txt --no-kill --max-neurons 3000 --exchange-limit 2
ROW_TIMEOUT=30 row "400 of them (stopped after 30 s)" "$huey" analyze dense-cjk.txt --no-kill --max-neurons 3000
ROW_TIMEOUT=30 row "the same, --max-exchange-chars 10000000 (2·10¹² pair updates; stopped after 30 s)" "$huey" analyze one-exchange.txt --max-exchange-chars 10000000
row "/dev/zero" "$huey" analyze /dev/zero
row "a FIFO with no writer" "$huey" analyze fifo.txt
row "a directory" "$huey" analyze folder
row "PDF bomb (1 GiB stream)" "$huey" analyze bomb.pdf
row "malformed PDF" "$huey" analyze broken.pdf
row "kill list /dev/zero" "$huey" analyze --kill-list /dev/zero
row "kill list a FIFO" "$huey" analyze --kill-list fifo.txt
row "--eta NaN" "$huey" analyze --eta NaN
row "--eta 1e308" "$huey" analyze --eta 1e308
row "--eta 3e38 --precision f32" "$huey" analyze --eta 3e38 --precision f32
row "--tau inf" "$huey" analyze --tau inf
row "--max-neurons -0" "$huey" analyze --max-neurons -0
row "--max-input-mib 0" "$huey" analyze --max-input-mib 0
row "bench --reps 18446744073709551615" "$huey" bench --reps 18446744073709551615
row "bench --sweep --sizes 18446744073709551615" "$huey" bench --sweep --sizes 18446744073709551615
row "synth --vocabulary 18446744073709551615" "$huey" synth syn.txt --vocabulary 18446744073709551615
row "synth --words 18446744073709551615" "$huey" synth syn.txt --words 18446744073709551615
row "--window 3 with the temporal engine" "$huey" analyze --window 3
row "--json onto the input" "$huey" analyze latin1.txt --json latin1.txt
row "--json into a missing folder" "$huey" analyze --json nowhere/r.json
ln -s latin1.txt link.json
row "--json through a symbolic link" "$huey" analyze --json link.json
row "--json onto /dev/null" "$huey" analyze --json /dev/null
row "--json onto a directory" "$huey" analyze --json folder
row "--json onto the kill list" "$huey" analyze --kill-list latin1.txt --json latin1.txt
row "session: truncated" "$huey" session check truncated.ron
row "session: newer version" "$huey" session check newer.ron
row "session: NaN strength" "$huey" session check nan.ron
row "session: connection to a missing neuron" "$huey" session check dangling.ron
row "session: /dev/zero" "$huey" session check /dev/zero
row "session: infinite strength" "$huey" session check inf.ron
row "session: a word twice" "$huey" session check duplicate.ron
row "session: more words than max_neurons" "$huey" session check over-cap.ron
row "session: a connection mass of 1e-8 (valid), continued" "$huey" session continue tiny-mass.ron
row "session: negative tau" "$huey" session check negative-tau.ron
row "session: max_neurons 0" "$huey" session check zero-neurons.ron
row "session: done not matching its counters" "$huey" session check beyond-end.ron
row "session: its engine tag edited by hand" "$huey" session check other-engine.ron
row "session: its source is a FIFO" "$huey" session check fifo-source.ron
row "session: 2 GiB + 1 byte" "$huey" session check giant.ron
row "no GPU driver, --backend gpu" env WGPU_BACKEND=vulkan VK_ICD_FILENAMES=/nonexistent.json "$huey" analyze --backend gpu
