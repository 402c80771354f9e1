"""The package layout: no import cycle at module level, nothing outside mtqa.cli imports it, every package documented.

Imports are read with `ast` (nothing is imported). A cycle through an import inside a function
(a lazy import, run when the function is called) is allowed; a cycle among module-level imports
is not. Imports under `if TYPE_CHECKING:` are ignored. When a dependency points up the layer
table (core < readers < text < source < checks < mt < config < pipeline < report < batch < eval
< cli), the fix is to move the import into the function that needs it, or under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mtqa"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _targets(node: ast.Import | ast.ImportFrom, importer: str) -> list[str]:
    """The mtqa modules an import statement loads (a `from P import name` of a submodule: that submodule)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name == "mtqa" or a.name.startswith("mtqa.")]
    if node.level:  # relative: from the importer's package
        package = importer if is_package(importer) else importer.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    if base != "mtqa" and not base.startswith("mtqa."):
        return []
    out = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        out.append(sub if sub in MODULES else base)
    return out


def imports(name: str) -> list[tuple[str, bool, int]]:
    """(imported module, at module level?, line) for every mtqa import of a module, outside TYPE_CHECKING."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"), str(MODULES[name]))
    found: list[tuple[str, bool, int]] = []

    def visit(node: ast.AST, top: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child, top)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.extend((target, top, node.lineno) for target in _targets(node, name))
            return
        inner = top and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, True)
    return found


def module_level_graph() -> dict[str, set[str]]:
    return {m: {t for t, top, _ in imports(m) if top and t in MODULES and t != m} for m in MODULES}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One cycle through the first module of a strongly connected component (breadth-first, shortest)."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & members):
            if child == start:
                return paths[node] + [start]
            if child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    raise AssertionError("not a cycle")  # pragma: no cover


def test_the_cycle_search_finds_a_cycle_and_prints_it():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    assert cycles == [["a", "b", "c"]]
    assert a_cycle(graph, cycles[0]) == ["a", "b", "c", "a"]


def test_no_import_cycle_among_module_level_imports():
    graph = module_level_graph()
    cycles = [a_cycle(graph, c) for c in strongly_connected(graph) if len(c) > 1]
    assert not cycles, "module-level import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_graph_sees_module_level_and_lazy_imports_but_not_type_checking_ones():
    found = {(t, top) for t, top, _ in imports("mtqa.batch.plan")}
    assert ("mtqa.readers.manifest", True) in found          # module level
    assert ("mtqa.report", False) in found                    # inside report_extension()
    assert not any(t == "mtqa.batch.runner" for t, _ in found)  # under TYPE_CHECKING only
    assert ("mtqa.eval.inject", True) in {(t, top) for t, top, _ in imports("mtqa.eval.score")}


# `python -m mtqa` is an entry point, as the console script mtqa.cli:main is.
ENTRY_POINTS = {"mtqa.__main__"}


def test_no_module_outside_cli_imports_cli():
    offenders = [f"{m}:{line} imports {t}" for m in MODULES
                 if m != "mtqa.cli" and not m.startswith("mtqa.cli.") and m not in ENTRY_POINTS
                 for t, _, line in imports(m) if t == "mtqa.cli" or t.startswith("mtqa.cli.")]
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("package", sorted(m for m in MODULES if is_package(m)))
def test_every_package_has_a_docstring(package):
    assert ast.get_docstring(ast.parse(MODULES[package].read_text(encoding="utf-8"))), \
        f"{MODULES[package]}: no docstring"
