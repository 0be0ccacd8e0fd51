"""The package's shape: imports point down the layers, no import circles, nobody imports another module's privates.

Layers, bottom to top: ``planlib.inputs`` ← ``planlib.charts`` / ``planlib.display`` ← ``planlib.plans`` and
``planlib.loans`` (siblings that never import each other) ← ``planlib.reports`` ← ``planlib.cli`` and the package
``__init__``. Every import counts, function-local ones included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "planlib"

RANK = {"inputs": 0, "fonts": 1, "charts": 1, "display": 1, "checklist": 1, "plans": 2, "loans": 2, "reports": 3,
        "cli": 4, "__main__": 4, "__init__": 4}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, imported names, line) for every planlib import in a file, function-local ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.split(".")[0] == "planlib"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "planlib":
            found.append((node.module, [a.name for a in node.names], node.lineno))
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(module: str, names: list[str]) -> list[str]:
    """The planlib modules an import statement really loads (``from planlib.plans import priority`` → the module)."""
    targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
    return targets or [module]


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for name, path in MODULES.items():
        for module, names, _ in imports(path):
            edges[name].update(t for t in resolve(module, names) if t != name)
    return edges


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down(name: str) -> None:
    if layer(name) == "__init__":
        return  # the package's front door may re-export anything
    mine = RANK[layer(name)]
    for module, names, line in imports(MODULES[name]):
        for target in resolve(module, names):
            theirs = RANK[layer(target)]
            if layer(target) == layer(name) or target == "planlib":
                continue
            assert theirs <= mine, f"{name} line {line} imports {target}: layers point down only"
            assert {layer(name), layer(target)} != {"plans", "loans"}, f"{name} line {line} imports {target}"


def test_no_import_circles() -> None:
    edges = graph()
    edges["planlib"] = set()  # the package __init__ re-exports; importing it from below is not a dependency
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt == "planlib" or nxt not in edges:
                continue
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import circle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state and node != "planlib":
            visit(node)


def test_no_private_names_from_other_modules() -> None:
    offenders = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("planlib"):
                offenders += [f"{name}:{node.lineno} from {node.module} import {a.name}"
                              for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                aliases.update({a.asname or a.name: a.name for a in node.names})
            elif isinstance(node, ast.Import):
                aliases.update({a.asname or a.name: a.name for a in node.names if a.name.startswith("planlib")})
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id in aliases):
                target = aliases[node.value.id]
                if f"{target}" in MODULES or any(m.endswith("." + target) for m in MODULES):
                    offenders.append(f"{name}:{node.lineno} {node.value.id}.{node.attr}")
    assert not offenders, "private names used across modules:\n" + "\n".join(offenders)


def test_function_local_imports_only_for_heavy_libraries() -> None:
    """planlib modules are imported at the top; inside functions only heavy optional libraries, with a reason."""
    offenders = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("planlib"):
                    offenders.append(f"{name}:{node.lineno} from {node.module} import …")
                elif isinstance(node, ast.Import) and any(a.name.startswith("planlib") for a in node.names):
                    offenders.append(f"{name}:{node.lineno} import planlib…")
    assert not offenders, "function-local planlib imports (dodging a circle?):\n" + "\n".join(offenders)


def readme_map() -> set[str]:
    """Files named in the README's module map (the first code block after "For the engineer taking this over").

    The map is indented by two spaces a folder level; a line's first word ending in ``/`` opens a folder; every
    word ending in ``.py`` or ``.css`` names a file in the folder the line's indent is in.
    """
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("## For the engineer taking this over"):].split("```")[1]
    named: set[str] = set()
    folders: list[str] = []
    for raw in block.splitlines():
        if not raw.strip():
            continue
        depth = (len(raw) - len(raw.lstrip(" "))) // 2
        words = raw.split()
        if depth == 0:
            folders = [words[0].rstrip("/")] if words[0] == "planlib/" else []
            continue
        if not folders:
            continue
        folders = folders[:depth]
        if words[0].endswith("/"):
            folders.append(words[0].rstrip("/"))
            continue
        for word in (w.strip(",") for w in words):
            if word.endswith((".py", ".css")):
                named.add("/".join([*folders[1:], word]))
    return named


def test_readme_module_map_matches_the_tree() -> None:
    """Every module in planlib/ is named in the README's map, and every file the map names exists."""
    actual = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")}
    actual |= {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.css")}
    named = readme_map()
    assert named == actual, f"missing from README: {sorted(actual - named)}; not in planlib/: {sorted(named - actual)}"


def test_import_planlib_loads_no_pandas_or_heavier():
    """Issue 16: ``import planlib`` stays light; pandas, matplotlib and friends load on first use."""
    import subprocess
    import sys

    heavy = ("pandas", "numpy", "matplotlib", "papermill", "weasyprint", "duckdb", "pythainlp", "openpyxl")
    code = f"import sys, planlib; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_entry_points_still_resolve_from_the_package():
    """``planlib.load_plan``, ``from planlib import Plan`` and the short module names keep working lazily."""
    import planlib
    from planlib import DataError, Plan, Problems

    assert planlib.load_plan.__module__ == "planlib.inputs.snapshot"
    assert Plan.__module__ == "planlib.inputs.dataset" and issubclass(DataError, Exception) and Problems
    assert planlib.priority.__name__ == "planlib.plans.priority"
    assert {"load_plan", "Plan", "priority"} <= set(dir(planlib))
