"""What incident mode asks the operator for: the placeholders of a page's commands.

Read from the page's command snippets (shell blocks, and inline code presented as a command)
with the tree-sitter-bash syntax tree, never with patterns over the text:

- each `<placeholder>` with the shell variables it is assigned to (`RUN_ID=<run-id>` makes
  `$RUN_ID` stand for `<run-id>`), how often the commands use it, and how it is quoted where it
  appears (a reason typed into `--reason "<halt-reason>"` may hold spaces; a bare `<run-id>`
  may not);
- the variables the page sets itself: assignments (`X=$(date)`, `export X=1`, `local X`), loop
  variables (`for check in ...`, `select`, C-style `for ((i=0; ...))`), arithmetic
  (`(( n += 1 ))`, `let`), and the targets of `read`, `mapfile`/`readarray`, `printf -v` and
  `getopts`. These are never asked for; a placeholder that only names one of them
  (`<stamp>` beside `STAMP=$(date ...)`) is filled with that variable instead;
- the variables the commands read but never set: they come from the operator's environment
  and are never filled in (they may be secrets).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..document import Document
from ..shell.snippets import PLACEHOLDER, Snippet, from_block, from_inline, is_cued

if TYPE_CHECKING:
    from tree_sitter import Node

# Where a placeholder stands in the shell text, which decides what its value may hold.
BARE = "bare"  # an unquoted word: spaces and shell characters change the command
DOUBLE = "double"  # "...": $ ` " \ (and ! in an interactive shell) still count
SINGLE = "single"  # '...': only ' counts
HEREDOC = "heredoc"  # an unquoted here-document body: $ ` \ count
LITERAL = "literal"  # a quoted here-document body or a comment: nothing counts

_QUOTING = {
    "string": DOUBLE,
    "translated_string": DOUBLE,
    "raw_string": SINGLE,
    "ansi_c_string": SINGLE,
    "comment": LITERAL,
}
_RESETS = frozenset({"command_substitution", "process_substitution", "arithmetic_expansion"})
_ARITHMETIC_ASSIGN = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|="})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Options of `read` and `mapfile` that take a value (the rest are flags).
_READ_VALUE_OPTIONS = frozenset("dinNptu")
_MAPFILE_VALUE_OPTIONS = frozenset("dnOsuCc")


@dataclass
class Placeholder:
    token: str  # as written: "<run-id>"
    name: str  # without the brackets: "run-id"
    variables: list[str] = field(default_factory=list)  # RUN_ID for RUN_ID=<run-id>
    uses: int = 0  # occurrences in the page's commands
    quoting: set[str] = field(default_factory=set)  # BARE, DOUBLE, ... where it occurs
    computed: str | None = None  # the variable the page sets itself for it (STAMP for <stamp>)

    def as_json(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "name": self.name,
            "variables": self.variables,
            "uses": self.uses,
            "quoting": sorted(self.quoting),
            "computed": self.computed,
        }


@dataclass
class PagePlaceholders:
    placeholders: list[Placeholder]  # in order of first use
    environment: list[str]  # variables read but never set on the page
    assigned: list[str]  # variables the page sets itself (never asked for)

    @property
    def asked(self) -> list[Placeholder]:
        """The placeholders the operator supplies."""
        return [p for p in self.placeholders if p.computed is None]


# -- the page's command snippets ---------------------------------------------------------------


def snippets(doc: Document) -> list[Snippet]:
    """The page's command snippets: shell blocks, then inline code presented as a command
    (after a cue such as "Command to verify:", or starting with a program the blocks run)."""
    blocks = [s for s in (from_block(b) for b in doc.code_blocks) if s is not None]
    programs = _programs(blocks)
    inline: list[Snippet] = []
    for code in doc.inline_codes:
        first = code.text.strip().split(" ", 1)[0]
        if is_cued(code) or (first and first in programs and " " in code.text.strip()):
            snippet = from_inline(code)
            if snippet is not None:
                inline.append(snippet)
    return blocks + inline


def _programs(blocks: Iterable[Snippet]) -> set[str]:
    from ..shell.syntax import parse

    names: set[str] = set()
    for snippet in blocks:
        for invocation in parse(snippet).invocations:
            word = invocation.words[0]
            if not word.dynamic:
                names.add(word.text)
    return names


# -- reading the syntax tree -------------------------------------------------------------------


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


class _Bytes:
    """Code-point offsets of the snippet text to the byte offsets tree-sitter uses, and back."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self.data = text.encode("utf-8")

    def to_byte(self, offset: int) -> int:
        return offset if self.ascii else len(self.text[:offset].encode("utf-8"))

    def to_char(self, byte: int) -> int:
        return byte if self.ascii else len(self.data[:byte].decode("utf-8", "replace"))

    def span(self, node: Node) -> tuple[int, int]:
        return self.to_char(node.start_byte), self.to_char(node.end_byte)


def _quoting(root: Node, start: int, end: int) -> str:
    """How the text at bytes [start, end) is quoted: the innermost quoting construct around it."""
    node: Node | None = root.descendant_for_byte_range(start, end)
    while node is not None:
        if node.type in _RESETS:
            return BARE
        if node.type in _QUOTING:
            return _QUOTING[node.type]
        if node.type == "heredoc_body":
            opener = node.parent.child(1) if node.parent is not None else None
            delimiter = _text(opener)
            return LITERAL if any(c in delimiter for c in "'\"\\") else HEREDOC
        node = node.parent
    return BARE


def _words(command: Node) -> list[str]:
    return [_text(c) for c in command.children_by_field_name("argument")]


def _option_targets(args: list[str], value_options: frozenset[str], named: str) -> Iterator[str]:
    """Targets of `read`/`mapfile`-like commands: the value of option `-<named>` and the
    operands after the options (`read -r -a arr line` sets arr and line)."""
    pending: str | None = None
    for arg in args:
        if pending is not None:
            if pending == named:
                yield arg
            pending = None
            continue
        if arg.startswith("-") and len(arg) > 1:
            for i, letter in enumerate(arg[1:], 1):
                if letter in value_options or letter == named:
                    if i + 1 < len(arg):  # -aNAME / -d,
                        if letter == named:
                            yield arg[i + 1 :]
                    else:
                        pending = letter
                    break
            continue
        yield arg


def _command_targets(command: Node) -> Iterator[str]:
    name = _text(command.child_by_field_name("name"))
    args = _words(command)
    if name == "read":
        yield from _option_targets(args, _READ_VALUE_OPTIONS, "a")
    elif name in ("mapfile", "readarray"):
        targets = list(_option_targets(args, _MAPFILE_VALUE_OPTIONS, ""))
        yield targets[-1] if targets else "MAPFILE"
    elif name == "printf":
        for flag, value in itertools.pairwise(args):
            if flag == "-v":
                yield value
    elif name == "getopts" and len(args) >= 2:
        yield args[1]
    elif name == "let":
        for arg in args:
            match = _NAME.match(arg)
            if match and arg[match.end() :].lstrip().startswith(tuple(_ARITHMETIC_ASSIGN)):
                yield match.group(0)


def _assigned(node: Node) -> Iterator[str]:
    """The variables one syntax node sets."""
    kind = node.type
    if kind == "variable_assignment":
        target = node.child_by_field_name("name")
        if target is not None and target.type == "subscript":
            target = target.child_by_field_name("name")
        yield _text(target)
    elif kind == "for_statement":
        yield _text(node.child_by_field_name("variable"))
    elif kind == "declaration_command":
        yield from (_text(c) for c in node.named_children if c.type == "variable_name")
    elif kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        if operator is not None and _text(operator) in _ARITHMETIC_ASSIGN and left is not None:
            yield _text(left)
    elif kind in ("postfix_expression", "unary_expression"):
        if any(_text(c) in ("++", "--") for c in node.children if not c.is_named):
            names = (c for c in node.named_children if c.type in ("word", "variable_name"))
            yield from (_text(c) for c in names)
    elif kind == "command":
        yield from _command_targets(node)


def _bound_variable(node: Node, tokens: dict[tuple[int, int], str], where: _Bytes) -> str | None:
    """The placeholder a `NAME=<placeholder>` / `NAME="<placeholder>"` assignment binds."""
    value = node.child_by_field_name("value")
    if value is None:
        return None
    if value.type == "string" and len(value.named_children) == 1:
        value = value.named_children[0]
    return tokens.get(where.span(value))


def _normal(name: str) -> str:
    return name.replace("-", "_").casefold()


def placeholders(doc: Document) -> PagePlaceholders:
    from ..shell.syntax import syntax_tree

    found: dict[str, Placeholder] = {}
    assigned: dict[str, None] = {}
    read: list[str] = []
    for snippet in snippets(doc):
        where = _Bytes(snippet.text)
        root = syntax_tree(snippet)
        tokens: dict[tuple[int, int], str] = {}
        for start, end in snippet.masked:
            line, column = snippet.position(start)
            token = doc.line_text(line)[column - 1 : column - 1 + (end - start)]
            if not PLACEHOLDER.fullmatch(token):
                continue
            tokens[(start, end)] = token
            entry = found.setdefault(token, Placeholder(token, token[1:-1]))
            entry.uses += 1
            entry.quoting.add(_quoting(root, where.to_byte(start), where.to_byte(end)))
        for node in _walk(root):
            for name in _assigned(node):
                if _NAME.fullmatch(name):
                    assigned.setdefault(name)
            if node.type == "variable_assignment":
                bound = _bound_variable(node, tokens, where)
                name = _text(node.child_by_field_name("name"))
                if bound is not None and name not in found[bound].variables:
                    found[bound].variables.append(name)
            elif node.type in ("simple_expansion", "expansion"):
                names = [_text(c) for c in node.named_children if c.type == "variable_name"]
                read += [name for name in names if _NAME.fullmatch(name)]  # not $1
    bound_names = {v for p in found.values() for v in p.variables}
    own = {_normal(name): name for name in assigned if name not in bound_names}
    for entry in found.values():
        if not entry.variables:
            entry.computed = own.get(_normal(entry.name))
    environment = sorted({name for name in read if name not in assigned})
    return PagePlaceholders(list(found.values()), environment, sorted(assigned))
