"""Architecture rules: imports point down the layers; identifiers live in the vocabulary only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "glamgraph"

# lower number = lower layer; a module may import only modules of its own layer or below.
LAYERS = {
    "vocab": 0,
    "errors": 0,
    "redaction": 0,
    "_version": 0,
    "files": 1,
    "progress": 1,
    "ids": 1,
    "queries": 1,
    "querylint": 1,
    "doctor": 7,
    "model": 1,
    "client": 1,
    "sparql": 2,
    "mediawiki": 2,
    "lua": 2,
    "regions": 3,
    "harvest": 3,
    "harvest_store": 3,
    "affiliates": 3,
    "graph": 4,
    "coverage": 5,
    "network": 5,
    "snapshot": 6,
    "export": 6,
    "wikibase": 6,
    "fixes": 6,
    "publish": 6,
    "api": 7,
    "cli": 8,
    "__init__": 9,
    "__main__": 9,
}


def _layer_of(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "glamgraph" or len(parts) == 1:
        return None
    return LAYERS.get(parts[1])


def test_imports_point_down() -> None:
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).with_suffix("")
        top = rel.parts[0]
        own = LAYERS.get(top)
        assert own is not None, f"{rel}: module not in the layer table"
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            mods: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                mods = [node.module]
            elif isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            for mod in mods:
                layer = _layer_of(mod)
                if layer is not None:
                    assert layer <= own, f"{rel} (layer {own}) imports {mod} (layer {layer})"


def test_only_sparql_imports_sparqlwrapper() -> None:
    for path in PKG.rglob("*.py"):
        if "SPARQLWrapper" in path.read_text():
            assert path.parent.name == "sparql", path


def test_no_wikidata_identifiers_outside_vocab() -> None:
    """No string constant in the package (outside vocab.py) is a bare QID or property id."""
    for path in PKG.rglob("*.py"):
        if path.name == "vocab.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not re.fullmatch(r"[QP][1-9][0-9]*", node.value), (
                    f"{path.name}: identifier literal {node.value!r} outside vocab"
                )


def test_every_shipped_query_has_a_graph_mapping() -> None:
    """Renaming, adding or removing a query file without its row-to-triple mapping fails here
    (the graph would silently lose that query's triples)."""
    from glamgraph import graph, queries

    shipped = set(queries.names())
    mapped = set(graph.ROW_CONVERTERS)
    declared = set(graph.NOT_STATED)
    assert not mapped & declared, f"both mapped and not stated: {sorted(mapped & declared)}"
    assert shipped - mapped - declared == set(), "queries without a mapping in glamgraph.graph"
    assert (mapped | declared) - shipped == set(), "mappings of queries that are not shipped"


def _runtime_imports(path: Path) -> set[str]:
    """The glamgraph modules ``path`` imports at run time (``if TYPE_CHECKING:`` blocks left out;
    imports inside functions count: they are a dependency all the same)."""
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    mods: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("glamgraph"):
                mods.add(node.module)
                mods.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            mods.update(a.name for a in node.names if a.name.startswith("glamgraph"))
    return mods


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_import_cycles_between_modules() -> None:
    """Same-layer modules may import each other one way only: no cycle of imports among the
    package's modules (a package's ``__init__`` re-exporting its modules aside)."""
    import networkx as nx

    modules = {_module_name(p): p for p in PKG.rglob("*.py")}
    g = nx.DiGraph()
    for name, path in modules.items():
        if path.name == "__init__.py":
            continue  # a package's front door imports its rooms; the rooms may use each other
        for target in _runtime_imports(path):
            if target in modules and target != name and modules[target].name != "__init__.py":
                g.add_edge(name, target)
    cycles = sorted(sorted(c) for c in nx.simple_cycles(g))
    assert cycles == [], f"import cycles: {cycles}"


def test_no_private_name_is_imported_from_another_module() -> None:
    """A name that another module needs is public there; ``_private`` names stay home."""
    found = []
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("glam"):
                parts = [*node.module.split("."), *(a.name for a in node.names)]
                private = [p for p in parts if p.startswith("_") and not p.startswith("__")]
                if private and private != ["_version"]:
                    found.append(f"{path.relative_to(PKG)}: from {node.module} import {private}")
    assert found == [], "\n".join(found)
