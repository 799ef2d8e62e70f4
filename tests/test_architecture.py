"""The shape of the package: no import circle, no borrowed private name, no oversized module.

The import graph is read from the source with `ast`, counting every import statement of a
module wherever it stands: at the top, inside a function (a lazy import), or under
`if TYPE_CHECKING:`. A lazy import that only hides a circle from the interpreter is still a
circle here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
PACKAGE = "runbook_lint"
MAX_LINES = 450


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool

    @property
    def package(self) -> str:
        """The package relative imports start from."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


@cache
def modules() -> dict[str, Module]:
    found = {}
    for path in sorted((TOOLS / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(TOOLS).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        name = ".".join(parts)
        found[name] = Module(name, path, is_package)
    return found


@cache
def tree(name: str) -> ast.Module:
    module = modules()[name]
    return ast.parse(module.path.read_text(encoding="utf-8"), str(module.path))


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.package.split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(name: str) -> Iterator[tuple[str, str, int]]:
    """(imported module, imported name or "", line) for every import statement of `name`."""
    module = modules()[name]
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield alias.name, "", node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, node)
            if target.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                yield target, alias.name, node.lineno


def _owner(target: str, imported: str) -> str:
    """The module an import statement loads: `from pkg import mod` loads `pkg.mod`."""
    known = modules()
    if imported and f"{target}.{imported}" in known:
        return f"{target}.{imported}"
    return target


def graph() -> dict[str, set[str]]:
    """Module -> the modules it imports. Importing `a.b.c` from outside `a.b` also runs the
    package `a.b` (its `__init__`), so that is an edge too."""
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name in known:
        for target, imported, _ in imports(name):
            owner = _owner(target, imported)
            parts = owner.split(".")
            for depth in range(2, len(parts) + 1):
                ancestor = ".".join(parts[:depth])
                inside = name == ancestor or name.startswith(ancestor + ".")
                if ancestor in known and ancestor != name and (ancestor == owner or not inside):
                    edges[name].add(ancestor)
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_circle() -> None:
    assert circles(graph()) == []


def test_a_circle_is_found_through_lazy_and_type_checking_imports() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(edges) == [["a", "b", "c"]]
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .config import Config\n"
        "def f():\n    from .rules import rb0_file\n"
    )
    module = Module(f"{PACKAGE}.probe", TOOLS / PACKAGE / "probe.py", False)
    found = [
        _absolute(module, node)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.level
    ]
    assert found == [f"{PACKAGE}.config", f"{PACKAGE}.rules"]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def borrowed_private_names() -> Iterator[str]:
    """`from other import _name`, and `other._name` where `other` is a module of the package."""
    known = modules()
    for name in known:
        aliases: dict[str, str] = {}
        for target, imported, line in imports(name):
            owner = _owner(target, imported)
            if imported and _private(imported) and owner == target and target != name:
                yield f"{name}:{line} imports {target}.{imported}"
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.ImportFrom):
                target = _absolute(known[name], node)
                for alias in node.names:
                    owner = _owner(target, alias.name)
                    if owner != target:
                        aliases[alias.asname or alias.name] = owner
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and alias.name in known:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree(name)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _private(node.attr)
                and aliases[node.value.id] != name
            ):
                yield f"{name}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}"


def test_no_module_uses_another_modules_private_names() -> None:
    assert list(borrowed_private_names()) == []


@pytest.mark.parametrize(
    "path", sorted(TOOLS.rglob("*.py")), ids=lambda p: str(p.relative_to(TOOLS))
)
def test_no_module_is_over_the_line_ceiling(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(TOOLS)} has {lines} lines"
