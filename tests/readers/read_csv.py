"""Read CSV files with Python's csv module and print them as JSON: an independent reader of
huey's tables (comparison, alignment, batch summary).

Usage: read_csv.py FILE.csv...

Prints {"FILE.csv": [{column: value, ...}, ...], ...} (values as the strings the file holds).
"""

import csv
import json
import sys


def main() -> None:
    tables = {}
    for path in sys.argv[1:]:
        with open(path, newline="", encoding="utf-8") as f:
            tables[path] = list(csv.DictReader(f))
    print(json.dumps(tables))


if __name__ == "__main__":
    main()
