"""The field paths a jq filter reads from its input, scoped the way jq scopes them.

A small recursive-descent parser for jq's expression grammar (pipes, `,`, `//`, `as`
bindings, `and`/`or`, comparisons, arithmetic, assignment operators, postfix paths, `[...]`
and `{...}` constructors, calls, `if`, `try`, `reduce`, `foreach`, `label`) builds a tree with
source offsets; a walk over the tree then tracks which path of the input each expression
sees. `.leases[] | select(.run_id == $r)` reads `leases[]` and `leases[].run_id`.

Where the input of an expression cannot be named as a path of the artifact (after
arithmetic, `to_entries`, a variable, an unknown function, a filter that does not parse),
its field references are skipped rather than guessed: a wrong path would be a false finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Path = tuple[str, ...]  # names, "[]" for any item or value, "[N]" for one item
ANY = "[]"
MAX_DEPTH = 64


class JqSyntaxError(Exception):
    pass


# -- tokens ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<var>\$(?:__loc__|[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*))
  | (?P<format>@[A-Za-z0-9_]+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>\?//|//=|\|=|\+=|-=|\*=|/=|%=|==|!=|<=|>=|//|\.\.|[.\[\]{}()|,:;=<>+\-*/%?])
    """,
    re.VERBOSE,
)
_KEYWORDS = frozenset(
    {
        "if",
        "then",
        "elif",
        "else",
        "end",
        "as",
        "def",
        "reduce",
        "foreach",
        "try",
        "catch",
        "label",
        "import",
        "include",
        "and",
        "or",
        "__loc__",
    }
)


@dataclass(frozen=True)
class Token:
    kind: str  # field num var format ident kw op str eof
    text: str
    pos: int
    value: str | None = None  # a string's contents when it has no interpolation


def _string(text: str, start: int) -> tuple[int, str | None]:
    """End offset of the string literal at `start`, and its value (None if interpolated)."""
    out: list[str] = []
    i, plain = start + 1, True
    while i < len(text):
        ch = text[i]
        if ch == '"':
            return i + 1, "".join(out) if plain else None
        if ch == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt == "(":  # interpolation: skip to the matching parenthesis
                plain, depth, i = False, 1, i + 2
                while i < len(text) and depth:
                    if text[i] == '"':
                        i = _string(text, i)[0]
                        continue
                    depth += {"(": 1, ")": -1}.get(text[i], 0)
                    i += 1
                continue
            out.append({"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    raise JqSyntaxError("unterminated string")


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(text):
        if text[i] == '"':
            end, value = _string(text, i)
            out.append(Token("str", text[i:end], i, value))
            i = end
            continue
        m = _TOKEN.match(text, i)
        if m is None:
            raise JqSyntaxError(f"unexpected character {text[i]!r}")
        kind = m.lastgroup or ""
        if kind != "ws":
            word = m.group()
            out.append(Token("kw" if kind == "ident" and word in _KEYWORDS else kind, word, i))
        i = m.end()
    out.append(Token("eof", "", len(text)))
    return out


# -- syntax tree -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    kind: str
    start: int
    kids: tuple[Node, ...] = ()
    name: str = ""  # field name, operator, function name, constant text


_POSTFIX = frozenset({"field", "index", "iterate", "slice", "opt"})
_ASSIGN = frozenset({"=", "|=", "+=", "-=", "*=", "/=", "%=", "//="})
_COMPARE = frozenset({"==", "!=", "<", "<=", ">", ">="})


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = tokens(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def at(self, text: str, kind: str | None = None) -> bool:
        t = self.tok
        return t.text == text and t.kind in ((kind,) if kind else ("op", "kw", "ident"))

    def take(self) -> Token:
        t = self.tok
        if t.kind != "eof":
            self.i += 1
        return t

    def accept(self, text: str) -> bool:
        if self.at(text):
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            raise JqSyntaxError(f"expected {text!r} at {self.tok.pos}, got {self.tok.text!r}")

    def program(self) -> Node:
        node = self.pipe()
        if self.tok.kind != "eof":
            raise JqSyntaxError(f"unexpected {self.tok.text!r} at {self.tok.pos}")
        return node

    def pipe(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise JqSyntaxError("nested too deeply")
        try:
            if self.at("def", "kw"):
                raise JqSyntaxError("function definitions are not followed")
            if self.at("label", "kw"):
                start = self.take().pos
                if self.take().kind != "var":
                    raise JqSyntaxError("label needs a $name")
                self.expect("|")
                return Node("label", start, (self.pipe(),))
            left = self.comma()
            if self.accept("|"):
                return Node("pipe", left.start, (left, self.pipe()))
            return left
        finally:
            self.depth -= 1

    def comma(self) -> Node:
        left = self.alt()
        while self.accept(","):
            left = Node("comma", left.start, (left, self.alt()))
        return left

    def alt(self) -> Node:
        left = self.assign()
        if self.accept("//"):
            return Node("binop", left.start, (left, self.alt()), "//")
        return left

    def assign(self) -> Node:
        left = self.or_()
        if self.tok.kind == "op" and self.tok.text in _ASSIGN:
            op = self.take().text
            return Node("assign", left.start, (left, self.or_()), op)
        return left

    def _binary(self, ops: frozenset[str], nxt: Callable[[], Node]) -> Node:
        left = nxt()
        while self.tok.kind in ("op", "kw") and self.tok.text in ops:
            op = self.take().text
            left = Node("binop", left.start, (left, nxt()), op)
        return left

    def or_(self) -> Node:
        return self._binary(frozenset({"or"}), self.and_)

    def and_(self) -> Node:
        return self._binary(frozenset({"and"}), self.compare)

    def compare(self) -> Node:
        left = self.additive()
        if self.tok.kind == "op" and self.tok.text in _COMPARE:
            op = self.take().text
            return Node("binop", left.start, (left, self.additive()), op)
        return left

    def additive(self) -> Node:
        return self._binary(frozenset({"+", "-"}), self.multiplicative)

    def multiplicative(self) -> Node:
        return self._binary(frozenset({"*", "/", "%"}), self.unary)

    def unary(self) -> Node:
        if self.at("-", "op"):
            start = self.take().pos
            return Node("neg", start, (self.unary(),))
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while True:
            t = self.tok
            if t.kind == "field":
                self.take()
                node = Node("field", node.start, (node,), t.text[1:])
            elif t.kind == "op" and t.text == "." and self.toks[self.i + 1].kind == "str":
                self.take()
                node = self._keyed(node, self.take())
            elif t.kind == "op" and t.text == "." and self.toks[self.i + 1].text == "[":
                self.take()  # `.a.[0]`
            elif t.kind == "op" and t.text == "[":
                self.take()
                node = self._bracket(node)
            elif t.kind == "op" and t.text == "?":
                self.take()
                node = Node("opt", node.start, (node,))
            else:
                break
        if self.at("as", "kw"):
            self.take()
            self._patterns()
            self.expect("|")
            return Node("bind", node.start, (node, self.pipe()))
        return node

    def _keyed(self, base: Node, string: Token) -> Node:
        if string.value is None:  # `."\(...)"`: a key computed at run time
            return Node("index", base.start, (base, Node("template", string.pos)))
        return Node("field", base.start, (base,), string.value)

    def _bracket(self, base: Node) -> Node:
        if self.accept("]"):
            return Node("iterate", base.start, (base,))
        if self.accept(":"):
            hi = self.pipe()
            self.expect("]")
            return Node("slice", base.start, (base, hi))
        index = self.pipe()
        if self.accept(":"):
            kids = (base, index) if self.at("]") else (base, index, self.pipe())
            self.expect("]")
            return Node("slice", base.start, kids)
        self.expect("]")
        if index.kind == "str":
            return Node("field", base.start, (base,), index.name)
        return Node("index", base.start, (base, index))

    def _patterns(self) -> None:
        self._pattern()
        while self.accept("?//"):
            self._pattern()

    def _pattern(self) -> None:
        """Skip a destructuring pattern: `$x`, `[$a, $b]`, `{a: $x, $y}`."""
        if self.tok.kind == "var":
            self.take()
            return
        if not (self.at("[", "op") or self.at("{", "op")):
            raise JqSyntaxError(f"expected a pattern at {self.tok.pos}")
        depth = 0
        while True:
            t = self.take()
            if t.kind == "eof":
                raise JqSyntaxError("unterminated pattern")
            if t.kind == "op" and t.text in "[{(":
                depth += 1
            elif t.kind == "op" and t.text in "]})":
                depth -= 1
                if depth == 0:
                    return

    def primary(self) -> Node:
        t = self.tok
        if t.kind == "field":
            self.take()
            return Node("field", t.pos, (Node("identity", t.pos),), t.text[1:])
        if t.kind == "num":
            self.take()
            return Node("num", t.pos, (), t.text)
        if t.kind == "str":
            self.take()
            if t.value is None:
                return Node("template", t.pos)
            return Node("str", t.pos, (), t.value)
        if t.kind == "format":
            self.take()
            if self.tok.kind == "str":
                self.take()
            return Node("const", t.pos)
        if t.kind == "var":
            self.take()
            return Node("var", t.pos, (), t.text)
        if t.kind == "op":
            return self._op_primary(t)
        if t.kind == "kw":
            return self._keyword(t)
        if t.kind == "ident":
            self.take()
            args: list[Node] = []
            if self.accept("("):
                args.append(self.pipe())
                while self.accept(";"):
                    args.append(self.pipe())
                self.expect(")")
            return Node("call", t.pos, tuple(args), t.text)
        raise JqSyntaxError(f"unexpected {t.text!r} at {t.pos}")

    def _op_primary(self, t: Token) -> Node:
        self.take()
        if t.text == ".":
            if self.tok.kind == "str":
                return self._keyed(Node("identity", t.pos), self.take())
            return Node("identity", t.pos)
        if t.text == "..":
            return Node("call", t.pos, (), "recurse")
        if t.text == "(":
            inner = self.pipe()
            self.expect(")")
            return Node("paren", t.pos, (inner,))
        if t.text == "[":
            if self.accept("]"):
                return Node("collect", t.pos)
            inner = self.pipe()
            self.expect("]")
            return Node("collect", t.pos, (inner,))
        if t.text == "{":
            return self._object(t.pos)
        raise JqSyntaxError(f"unexpected {t.text!r} at {t.pos}")

    def _object(self, start: int) -> Node:
        kids: list[Node] = []
        while not self.accept("}"):
            t = self.take()
            if t.kind in ("ident", "kw") or (t.kind == "str" and t.value is not None):
                name = t.text if t.kind != "str" else (t.value or "")
                if self.accept(":"):
                    kids.append(self._object_value())
                else:  # `{a}` is `{a: .a}`
                    kids.append(Node("field", t.pos, (Node("identity", t.pos),), name))
            elif t.kind == "var":
                if self.accept(":"):
                    kids.append(self._object_value())
            elif t.kind == "str" or t.kind == "format":
                if t.kind == "format" and self.tok.kind == "str":
                    self.take()
                self.expect(":")
                kids.append(self._object_value())
            elif t.kind == "op" and t.text == "(":
                kids.append(self.pipe())
                self.expect(")")
                self.expect(":")
                kids.append(self._object_value())
            else:
                raise JqSyntaxError(f"unexpected {t.text!r} in an object at {t.pos}")
            if not self.at("}"):
                self.expect(",")
        return Node("object", start, tuple(kids))

    def _object_value(self) -> Node:
        left = self.alt()
        while self.accept("|"):
            left = Node("pipe", left.start, (left, self.alt()))
        return left

    def _keyword(self, t: Token) -> Node:
        self.take()
        if t.text == "if":
            kids = [self.pipe()]
            self.expect("then")
            kids.append(self.pipe())
            while self.accept("elif"):
                kids.append(self.pipe())
                self.expect("then")
                kids.append(self.pipe())
            if self.accept("else"):
                kids.append(self.pipe())
            self.expect("end")
            return Node("if", t.pos, tuple(kids))
        if t.text == "try":
            body = self.postfix()
            if self.accept("catch"):
                return Node("try", t.pos, (body, self.postfix()))
            return Node("try", t.pos, (body,))
        if t.text in ("reduce", "foreach"):
            source = self.postfix_no_bind()
            self.expect("as")
            self._patterns()
            self.expect("(")
            rest = [self.pipe()]
            while self.accept(";"):
                rest.append(self.pipe())
            self.expect(")")
            return Node(t.text, t.pos, (source, *rest))
        if t.text == "__loc__":
            return Node("const", t.pos)
        raise JqSyntaxError(f"unexpected keyword {t.text!r} at {t.pos}")

    def postfix_no_bind(self) -> Node:
        """The source of `reduce`/`foreach`: its `as` belongs to the construct."""
        saved = self.toks
        end = self.i
        depth = 0
        while saved[end].kind != "eof":
            t = saved[end]
            if t.kind == "op" and t.text in "([{":
                depth += 1
            elif t.kind == "op" and t.text in ")]}":
                depth -= 1
            elif depth == 0 and t.kind == "kw" and t.text == "as":
                break
            end += 1
        self.toks = [*saved[:end], Token("eof", "", saved[end].pos)]
        try:
            node = self.postfix()
            if self.tok.kind != "eof":
                raise JqSyntaxError(f"unexpected {self.tok.text!r} at {self.tok.pos}")
        finally:
            self.toks = saved
        return node


def parse(text: str) -> Node:
    """The syntax tree of a jq filter; JqSyntaxError when it does not parse."""
    return _Parser(text).program()


# -- what the filter reads -------------------------------------------------------------------

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
        if kind in _POSTFIX:
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
        if kind not in _POSTFIX:
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
