"""glmlint's own import graph has no cycles: read from the source with `ast`, nothing imported.

Every `import` counts, those inside functions too (a deferred import that goes
back up is still a cycle in the design: `glmlint.parsers` dispatching to
`parsers.compose`, which imported `split_lines` from `glmlint.parsers`); those
under `if TYPE_CHECKING:` do not (they never run).
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"glmlint": ROOT / "linter", "glmlint.rules": ROOT / "rules"}  # pyproject's package-dir

# Cycles that are known and not yet removed: each entry is one strongly connected component,
# exactly. The test fails when one grows, when a new one appears, and when one is gone (then
# delete its entry, so it cannot come back unnoticed). None is left: the last one (issue 12),
# `runner` <-> `fix.engine`, `fix.chart`, `policy`, went when `Result`, `Report`, `evaluate` moved
# down to `glmlint.results`.
KNOWN: list[set[str]] = []


def modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            rel = path.relative_to(folder).with_suffix("").parts
            if package == "glmlint" and (ROOT / "rules") in path.parents:
                continue
            parts = rel[:-1] if rel[-1] == "__init__" else rel
            out[".".join((package, *parts))] = path
    return out


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The glmlint modules `name` imports, anywhere in its code. A package counts when a name is
    taken from it (`from glmlint.parsers import split_lines`), not when Python runs it on the way to
    one of its modules (`from glmlint.parsers import yamlnodes`)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)  # `from pkg import module` imports the module
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    out = set()
    for mod in found:
        parts = mod.split(".")
        # the module, else the nearest package that is one of ours (`glmlint.ir.Format` -> glmlint.ir)
        for i in range(len(parts), 0, -1):
            candidate = ".".join(parts[:i])
            if candidate in known:
                if candidate != name:
                    out.add(candidate)
                break
    return out


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            nxt = next(edges, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(component)
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_the_import_graph_is_read_from_the_source():
    g = graph()
    assert len(g) > 60 and "glmlint.parsers.base" in g and "glmlint.rules.glm001_run_as_root" in g
    # a top-level import, a deferred one inside a function, and `from package import module`
    assert "glmlint.ir" in g["glmlint.parsers"]
    assert "glmlint.parsers.compose" in g["glmlint.parsers"]
    assert "glmlint.parsers.yamlnodes" in g["glmlint.parsers.compose"]
    assert "glmlint.parsers" not in g["glmlint.parsers.compose"]


def test_cycles_are_found_through_deferred_imports(tmp_path):
    # the shape the parsers package had: the package dispatches (inside a function) to a format
    # module that imports a helper from the package
    pkg = tmp_path / "parsers"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("def split_lines(t): ...\n"
                                     "def parse(t):\n    from glmlint.parsers import compose\n")
    (pkg / "compose.py").write_text("from glmlint.parsers import split_lines\n"
                                    "from typing import TYPE_CHECKING\n"
                                    "if TYPE_CHECKING:\n    from glmlint.parsers import other\n")
    (pkg / "other.py").write_text("from glmlint.parsers import compose\n")
    known = {"glmlint.parsers": pkg / "__init__.py", "glmlint.parsers.compose": pkg / "compose.py",
             "glmlint.parsers.other": pkg / "other.py"}
    g = {name: imports(name, path, known) for name, path in known.items()}
    assert cycles(g) == [{"glmlint.parsers", "glmlint.parsers.compose"}]  # TYPE_CHECKING: no edge


def test_no_import_cycles_but_the_known_ones():
    found = cycles(graph())
    new = [sorted(c) for c in found if c not in KNOWN]
    assert not new, f"import cycles (move the shared piece down a layer): {new}"
    gone = [sorted(c) for c in KNOWN if c not in found]
    assert not gone, f"these known cycles changed or are gone: update KNOWN in this test: {gone}"
