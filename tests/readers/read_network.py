"""Read a huey export with networkx and print what it holds as JSON.

Usage: read_network.py gexf|graphml|pajek PATH

Prints {"directed": bool, "nodes": {label: {...attributes}}, "edges": [[from_label,
to_label, weight], ...]} so the Rust test compares labels and weights, not file syntax.
An independent reader: nothing here knows how huey writes the files.
"""

import json
import sys

import networkx as nx


def main() -> None:
    fmt, path = sys.argv[1], sys.argv[2]
    if fmt == "gexf":
        g = nx.read_gexf(path)
    elif fmt == "graphml":
        g = nx.read_graphml(path)
    elif fmt == "pajek":
        g = nx.read_pajek(path)
    else:
        raise SystemExit(f"unknown format {fmt}")
    label = {}
    nodes = {}
    for n, d in g.nodes(data=True):
        # GEXF and GraphML key nodes by id with a label attribute; Pajek keys them by label.
        name = d.get("label", n) if fmt != "pajek" else n
        label[n] = name
        attrs = {k: v for k, v in d.items() if isinstance(v, (int, float, str))}
        if "viz" in d:
            attrs["viz"] = d["viz"]
        nodes[name] = attrs
    edges = [[label[u], label[v], float(d["weight"])] for u, v, d in g.edges(data=True)]
    print(json.dumps({"directed": g.is_directed(), "nodes": nodes, "edges": edges}))


if __name__ == "__main__":
    main()
