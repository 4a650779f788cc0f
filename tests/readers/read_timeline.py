"""Read a timeline's animation with Pillow and its CSV tables with Python's csv module, and
print what an independent reader sees as JSON.

Usage: read_timeline.py ANIMATION.gif CSV_PATH

Prints {"gif": {"frames": n, "size": [w, h], "durations": [ms, ...], "loop": n},
"csv": {"rows": [{column: value, ...}, ...], "trajectories": [...], ...}}.
"""

import csv
import json
import os
import sys

from PIL import Image


def main() -> None:
    gif, table = sys.argv[1], sys.argv[2]
    im = Image.open(gif)
    durations = []
    for k in range(im.n_frames):
        im.seek(k)
        durations.append(im.info.get("duration"))
    stem, _ = os.path.splitext(table)
    tables = {}
    for name in ["rows", "trajectories", "speakers", "turns", "tracked", "emergence"]:
        with open(f"{stem}_{name}.csv", newline="", encoding="utf-8") as f:
            tables[name] = list(csv.DictReader(f))
    print(json.dumps({
        "gif": {"frames": im.n_frames, "size": list(im.size), "durations": durations, "loop": im.info.get("loop")},
        "csv": tables,
    }))


if __name__ == "__main__":
    main()
