"""Read a dynamic GEXF with networkx and print its nodes' and edges' spells and values as JSON.

Usage: read_dynamic_gexf.py PATH

Prints {"mode": ..., "nodes": {label: {"spells": [[s, e], ...], "mass": [[v, s, e], ...]}},
"edges": {"from->to": {"spells": ..., "strength": ...}}}: an independent reader's view.
"""

import json
import sys

import networkx as nx


def listed(v):
    return [list(x) for x in v] if v is not None else []


def main() -> None:
    g = nx.read_gexf(sys.argv[1])
    label = {n: d.get("label", n) for n, d in g.nodes(data=True)}
    nodes = {
        label[n]: {"spells": listed(d.get("spells")), "mass": listed(d.get("mass"))}
        for n, d in g.nodes(data=True)
    }
    edges = {
        f"{label[u]}->{label[v]}": {"spells": listed(d.get("spells")), "strength": listed(d.get("strength"))}
        for u, v, d in g.edges(data=True)
    }
    print(json.dumps({"mode": g.graph.get("mode"), "directed": g.is_directed(), "nodes": nodes, "edges": edges}))


if __name__ == "__main__":
    main()
