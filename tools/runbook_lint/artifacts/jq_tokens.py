"""jq's tokens: the lexer of the jq filter parser (`jq_parse.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass


class JqSyntaxError(Exception):
    pass


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
