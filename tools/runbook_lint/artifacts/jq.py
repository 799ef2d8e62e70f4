"""The field paths a jq filter reads from its input, scoped the way jq scopes them.

The filter is parsed into a tree with source offsets (`jq_parse.py`, `jq_tokens.py`); a walk
over the tree then tracks which path of the input each expression sees.
`.leases[] | select(.run_id == $r)` reads `leases[]` and `leases[].run_id`.

Where the input of an expression cannot be named as a path of the artifact (after
arithmetic, `to_entries`, a variable, an unknown function, a filter that does not parse),
its field references are skipped rather than guessed: a wrong path would be a false finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from .jq_parse import POSTFIX, Node, parse
from .jq_tokens import JqSyntaxError

Path = tuple[str, ...]  # names, "[]" for any item or value, "[N]" for one item
ANY = "[]"


# builtins whose output is their input, or a part of it, when the scope is known
_KEEPS_INPUT = frozenset(
    {
        "values",
        "nulls",
        "booleans",
        "numbers",
        "strings",
        "arrays",
        "objects",
        "iterables",
        "scalars",
        "not_null",
        "sort",
        "reverse",
        "unique",
    }
)
# builtins whose arguments are evaluated against the same input as the call
_SAME_INPUT_ARGS = frozenset(
    {
        "has",
        "contains",
        "inside",
        "test",
        "match",
        "capture",
        "startswith",
        "endswith",
        "ltrimstr",
        "rtrimstr",
        "split",
        "join",
        "index",
        "rindex",
        "indices",
        "error",
        "tostring",
        "tojson",
        "ascii_downcase",
        "ascii_upcase",
    }
)
# builtins whose (only or first) argument is evaluated against each item or value
_PER_ITEM = {
    "map": None,
    "map_values": None,
    "sort_by": "same",
    "group_by": None,
    "unique_by": "same",
    "min_by": "item",
    "max_by": "item",
    "any": None,
    "all": None,
}


class _Reads:
    def __init__(self) -> None:
        self.found: list[tuple[Path, int]] = []

    def walk(self, node: Node, scope: Path | None) -> Path | None:
        """Record the paths `node` reads when its input is `scope`; return its output's path."""
        if scope is None:
            return None  # the input is not a known path of the artifact: skip, do not guess
        kind, kids = node.kind, node.kids
        if kind in POSTFIX:
            out = self.chain(node, scope)
            if out is not None and out != scope:
                self.found.append((out, node.start))
            return out
        if kind == "identity":
            return scope
        if kind == "paren":
            return self.walk(kids[0], scope)
        if kind == "pipe":
            return self.walk(kids[1], self.walk(kids[0], scope))
        if kind == "bind":
            self.walk(kids[0], scope)
            return self.walk(kids[1], scope)
        if kind == "label":
            return self.walk(kids[0], scope)
        if kind == "assign":
            left = self.walk(kids[0], scope)
            self.walk(kids[1], left if node.name == "|=" else scope)
            return scope
        if kind in ("comma", "binop"):
            outs = [self.walk(kid, scope) for kid in kids]
            both = kind == "binop" and node.name == "//" and outs[0] == outs[1]
            return outs[0] if both else None
        if kind in ("neg", "collect", "object"):
            for kid in kids:
                self.walk(kid, scope)
            return None
        if kind == "if":
            outs = [self.walk(kid, scope) for kid in kids]
            branches = [o for n, o in enumerate(outs) if n % 2 == 1 or n == len(outs) - 1]
            return branches[0] if len(set(branches)) == 1 and len(outs) % 2 == 1 else None
        if kind == "try":
            out = self.walk(kids[0], scope)
            return out if len(kids) == 1 else None
        if kind in ("reduce", "foreach"):
            self.walk(kids[0], scope)
            return None
        if kind == "call":
            return self.call(node, scope)
        return None  # constants, strings, variables, formats

    def chain(self, node: Node, scope: Path) -> Path | None:
        """The path a postfix chain (`.a.b[0][]?`) leads to, or None when it is not static."""
        kind, kids = node.kind, node.kids
        if kind not in POSTFIX:
            return self.walk(node, scope)
        base = self.chain(kids[0], scope)
        if kind == "opt":
            return base
        if kind == "index":
            self.walk(kids[1], scope)  # the index expression reads the chain's input
            if base is not None and kids[1].kind == "num" and kids[1].name.isdigit():
                return (*base, f"[{kids[1].name}]")
            if base is not None and base != scope:
                self.found.append((base, node.start))
            return None
        if kind == "slice":
            for kid in kids[1:]:
                self.walk(kid, scope)
            return base
        if base is None:
            return None
        if kind == "iterate":
            return (*base, ANY)
        return (*base, node.name)

    def call(self, node: Node, scope: Path) -> Path | None:
        name, args = node.name, node.kids
        if name == "select" and len(args) == 1:
            self.walk(args[0], scope)
            return scope
        if name in _KEEPS_INPUT and not args:
            return scope
        if name in ("del", "path", "paths", "first", "last", "limit", "until") and args:
            outs = [self.walk(arg, scope) for arg in args]
            return scope if name == "del" else outs[-1] if name in ("first", "last") else None
        if name in _SAME_INPUT_ARGS:
            for arg in args:
                self.walk(arg, scope)
            return None
        if name in _PER_ITEM and len(args) == 1:
            self.walk(args[0], (*scope, ANY))
            how = _PER_ITEM[name]
            return scope if how == "same" else (*scope, ANY) if how == "item" else None
        if name in ("any", "all") and len(args) == 2:
            self.walk(args[1], self.walk(args[0], scope))
            return None
        return None  # keys, length, to_entries, recurse, user functions...: output unknown


def read_paths(filter_text: str) -> Iterator[tuple[Path, int]]:
    """Field paths a jq filter reads from its input, with the offset where each is written.

    A filter that does not parse yields nothing.
    """
    try:
        tree = parse(filter_text)
    except (JqSyntaxError, RecursionError):
        return
    reads = _Reads()
    reads.walk(tree, ())
    seen: set[tuple[Path, int]] = set()
    for path, offset in sorted(reads.found, key=lambda r: r[1]):
        if path and (path, offset) not in seen:
            seen.add((path, offset))
            yield path, offset
