"""A small recursive-descent parser for jq's expression grammar (pipes, `,`, `//`, `as`
bindings, `and`/`or`, comparisons, arithmetic, assignment operators, postfix paths, `[...]`
and `{...}` constructors, calls, `if`, `try`, `reduce`, `foreach`, `label`): a tree of `Node`s
with source offsets, which `jq.py` walks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .jq_tokens import JqSyntaxError, Token, tokens

MAX_DEPTH = 64


@dataclass(frozen=True)
class Node:
    kind: str
    start: int
    kids: tuple[Node, ...] = ()
    name: str = ""  # field name, operator, function name, constant text


POSTFIX = frozenset({"field", "index", "iterate", "slice", "opt"})  # node kinds of a path chain
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
