"""Parse shell snippets with tree-sitter-bash into simple command invocations.

tree-sitter never raises: a snippet that is not valid shell yields a tree with ERROR or MISSING
nodes, reported as one ParseError at the first of them. The grammar is loaded on first use, so
documents without command blocks never import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from runbook_lint.shell.snippets import Snippet, first_mask

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, QueryCursor

_PARSER: Parser | None = None
_COMMANDS: QueryCursor | None = None

DYNAMIC_NODES = frozenset(
    {
        "simple_expansion",
        "expansion",
        "command_substitution",
        "process_substitution",
        "arithmetic_expansion",
        "brace_expression",
    }
)


@dataclass(frozen=True)
class Word:
    text: str  # the value the program receives (quotes removed); masked parts as "_"
    start: int  # offsets of the word in the snippet text
    end: int
    static_prefix: str  # the part of `text` known before the first dynamic part
    dynamic: bool  # contains a placeholder, variable, substitution or `{name}`


@dataclass(frozen=True)
class Invocation:
    words: tuple[Word, ...]  # command name first


@dataclass(frozen=True)
class ParseError:
    offset: int
    message: str


@dataclass(frozen=True)
class ParsedSnippet:
    invocations: tuple[Invocation, ...]
    error: ParseError | None


def _parser() -> Parser:
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_bash

        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    return _PARSER


def syntax_tree(snippet: Snippet) -> Node:
    """The tree-sitter syntax tree of a snippet's text, for a reader that walks the shell
    syntax itself (the site's incident mode looks for assignments and variable reads)."""
    return _parser().parse(snippet.text.encode("utf-8")).root_node


def _command_nodes(root: Node) -> list[Node]:
    """Every `command` node of the tree (found by a tree-sitter query, not a Python walk)."""
    global _COMMANDS
    if _COMMANDS is None:
        import tree_sitter

        language = _parser().language
        assert language is not None
        _COMMANDS = tree_sitter.QueryCursor(tree_sitter.Query(language, "(command) @command"))
    nodes = _COMMANDS.captures(root).get("command", [])
    nodes.sort(key=lambda n: (n.start_byte, -n.end_byte))  # the order of a pre-order walk
    return nodes


class _Offsets:
    """Byte offsets (tree-sitter) to code-point offsets (our positions)."""

    def __init__(self, text: str) -> None:
        self.ascii = text.isascii()
        self.table: list[int] = []
        if not self.ascii:
            for i, ch in enumerate(text):
                self.table.extend([i] * len(ch.encode("utf-8")))
            self.table.append(len(text))

    def __call__(self, byte: int) -> int:
        return byte if self.ascii else self.table[byte]


DQ_ESCAPABLE = '$`"\\\n'  # what a backslash escapes inside double quotes


def _unescape(raw: str, escapable: str | None = None) -> str:
    """Remove shell backslash escapes: any character outside quotes, or only those in
    `escapable` (inside double quotes); an escaped newline is a line continuation."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw) and (escapable is None or raw[i + 1] in escapable):
            if raw[i + 1] != "\n":
                out.append(raw[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


class _WordBuilder:
    def __init__(self, masked: tuple[tuple[int, int], ...], offsets: _Offsets) -> None:
        self.masked = masked
        self.offsets = offsets

    def build(self, node: Node) -> Word:
        parts: list[tuple[str, bool]] = []
        self._collect(node, parts)
        text = "".join(t for t, _ in parts)
        prefix: list[str] = []
        dynamic = False
        for t, dyn in parts:
            if dyn:
                dynamic = True
                break
            prefix.append(t)
        start, end = self.offsets(node.start_byte), self.offsets(node.end_byte)
        return Word(text, start, end, "".join(prefix), dynamic)

    def _static(self, node: Node, value: str, parts: list[tuple[str, bool]]) -> None:
        """A static piece, split where it overlaps a masked placeholder."""
        start, end = self.offsets(node.start_byte), self.offsets(node.end_byte)
        first = first_mask(self.masked, start, end)
        if first is None:
            # `{name}` template placeholders count as any value too.
            if value.startswith("{") and value.endswith("}") and len(value) > 2:
                parts.append((value, True))
            else:
                parts.append((value, False))
            return
        cut = first - start
        parts.append((value[:cut], False))
        parts.append((value[cut:], True))

    def _collect(self, node: Node, parts: list[tuple[str, bool]]) -> None:
        kind = node.type
        raw = _text(node)
        if kind in ("word", "number"):
            self._static(node, _unescape(raw), parts)
        elif kind == "raw_string":
            self._static(node, raw[1:-1], parts)
        elif kind == "ansi_c_string":
            self._static(node, raw[2:-1], parts)
        elif kind in ("string", "translated_string"):
            for child in node.named_children:
                if child.type == "string_content":
                    self._static(child, _unescape(_text(child), DQ_ESCAPABLE), parts)
                else:
                    self._collect(child, parts)
        elif kind == "concatenation":
            pieces = node.named_children
            if (
                len(pieces) == 3
                and _text(pieces[0]) == "{"
                and _text(pieces[2]) == "}"
                and pieces[1].type == "word"
            ):
                parts.append((raw, True))  # `{name}`
                return
            for child in pieces:
                self._collect(child, parts)
        elif kind in DYNAMIC_NODES:
            parts.append((raw, True))
        else:
            parts.append((raw, True))


def _text(node: Node) -> str:
    data = node.text
    return data.decode("utf-8", "replace") if data is not None else ""


def _first_error(root: Node) -> Node | None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def _error_message(node: Node) -> str:
    if node.is_missing:
        return f"expected {node.type!r} here"
    text = _text(node).strip().splitlines()
    shown = text[0][:30] if text else ""
    return f"unexpected {shown!r}" if shown else "unexpected end of input"


def parse(snippet: Snippet) -> ParsedSnippet:
    return _parse(snippet.text, snippet.masked)


@lru_cache(maxsize=4096)
def _parse(text: str, masked: tuple[tuple[int, int], ...]) -> ParsedSnippet:
    """The parse of a snippet's text; a command repeated across runbooks is parsed once (the
    result is immutable and holds offsets into the snippet, not Markdown positions)."""
    source = text.encode("utf-8")
    tree = _parser().parse(source)
    offsets = _Offsets(text)
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root)
        offset = offsets(bad.start_byte) if bad is not None else 0
        while offset < len(text) - 1 and text[offset] in " \t":
            offset += 1  # an ERROR node may start at the blank before the bad token
        message = _error_message(bad) if bad is not None else "cannot parse"
        return ParsedSnippet((), ParseError(offset, message))
    builder = _WordBuilder(masked, offsets)
    invocations: list[Invocation] = []
    for node in _command_nodes(root):
        invocation = _invocation(node, builder)
        if invocation is not None:
            invocations.append(invocation)
    invocations.sort(key=lambda inv: inv.words[0].start)
    return ParsedSnippet(tuple(invocations), None)


def _invocation(node: Node, builder: _WordBuilder) -> Invocation | None:
    name = node.child_by_field_name("name")
    if name is None:
        return None
    nodes: list[Node] = [name, *node.children_by_field_name("argument")]
    parent = node.parent
    if parent is not None and parent.type == "redirected_statement":
        # tree-sitter-bash attaches words after a redirection target to the redirection
        # (`cmd >out more-args`): they are still arguments of the command.
        for redirect in parent.children_by_field_name("redirect"):
            if redirect.type == "file_redirect":
                targets = [c for c in redirect.named_children if c.type != "file_descriptor"]
                nodes.extend(targets[1:])
    nodes.sort(key=lambda n: n.start_byte)
    name_node = name.named_children[0] if name.named_children else name
    words = [builder.build(name_node)] + [builder.build(n) for n in nodes[1:]]
    return Invocation(tuple(words))


# -- statements, as written ---------------------------------------------------------------------

# Commands that only set the shell up: they change no state an operator would verify.
_SETUP_COMMANDS = frozenset({"cd", "pushd", "popd", "set", "export", "source", ".", "umask"})
# Nodes that run something: a command inside a statement is one of these.
_COMMAND_NODES = frozenset({"command", "redirected_statement", "pipeline", "list"})


@dataclass(frozen=True)
class Statement:
    text: str  # as written (placeholders unmasked), whitespace and continuations normalised
    start: int  # offset in the snippet
    setup: bool  # only sets the shell up (an assignment, `export`, `cd`)


def normalise_command(text: str) -> str:
    """A command's text with line continuations joined and runs of blanks collapsed."""
    return " ".join(text.replace("\\\n", " ").split())


def statements(snippet: Snippet) -> tuple[tuple[Statement, ...], tuple[Statement, ...]]:
    """The snippet's top-level statements, and every command inside them (each list, pipeline
    and simple command, in order); nothing for a snippet that does not parse."""
    root = syntax_tree(snippet)
    if root.has_error:
        return (), ()
    offsets = _Offsets(snippet.text)
    source = snippet.source or snippet.text

    def written(node: Node) -> str:
        return normalise_command(source[offsets(node.start_byte) : offsets(node.end_byte)])

    tops: list[Statement] = []
    inner: list[Statement] = []
    for node in root.named_children:
        if node.type == "comment":
            continue
        tops.append(Statement(written(node), offsets(node.start_byte), _is_setup(node)))
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in _COMMAND_NODES:
                inner.append(
                    Statement(written(current), offsets(current.start_byte), _is_setup(current))
                )
            stack.extend(reversed(current.named_children))
    return tuple(tops), tuple(inner)


def _is_setup(node: Node) -> bool:
    if node.type in ("variable_assignment", "declaration_command"):
        return True
    if node.type != "command":
        return False
    name = node.child_by_field_name("name")
    return name is not None and _text(name) in _SETUP_COMMANDS
