"""Where inline content sits in the source: the columns markdown-it's tokens do not carry.

Inline tokens have no positions, and block content has its container prefixes ("> ", list
indentation) stripped; these functions find it again in the raw lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

_CELL_MARK_RE = re.compile(r"[\\`|]")


def plain_text(inline_children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in inline_children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(plain_text(child.children or []))
    return "".join(parts)


def content_column(lines: Sequence[str], line: int, content: str) -> int:
    """Column where a container-stripped content line begins in the raw line."""
    raw = lines[line - 1] if 1 <= line <= len(lines) else ""
    stripped = content.rstrip()
    if not stripped:
        return len(raw) + 1 if not raw.strip() else len(raw) - len(raw.lstrip()) + 1
    raw_r = raw.rstrip()
    if raw_r.endswith(stripped):
        return len(raw_r) - len(stripped) + 1
    core = stripped.lstrip()
    index = raw.find(core)
    return index + 1 if index >= 0 else 1


def find_code(content: str, child: Token, cursor: int) -> int:
    marker = child.markup or "`"
    search = cursor
    while True:
        start = content.find(marker, search)
        if start < 0:
            return -1
        body = start + len(marker)
        text = child.content
        if content.startswith(text, body):
            return body
        if content.startswith(" " + text, body):
            return body + 1
        # whitespace inside the span may have been normalised (newlines to spaces)
        probe = content[body : body + len(text) + 2].replace("\n", " ")
        if probe.startswith(text) or probe.startswith(" " + text):
            return body + (1 if probe.startswith(" ") and not text.startswith(" ") else 0)
        search = body


def cell_columns(raw: str) -> list[int]:
    """Columns where each cell's text starts on the table row `raw` (or its pipe + 2 if
    empty)."""
    starts: list[int] = []
    ticks = 0
    skip = 0  # an escaped character: the one after a backslash
    text = raw.rstrip()
    body_start = len(text) - len(text.lstrip(" >\t"))
    if text[body_start : body_start + 1] != "|":
        starts.append(body_start)
    for match in _CELL_MARK_RE.finditer(text):
        index = match.start()
        if index < skip:
            continue
        char = match.group()
        if char == "\\":
            skip = index + 2
        elif char == "`":
            ticks ^= 1
        elif not ticks:
            starts.append(index + 1)
    columns = []
    for start in starts:
        rest = text[start:]
        stripped = rest.lstrip(" ")
        if not stripped or stripped.startswith("|"):
            columns.append(start + 2 if start < len(text) else start + 1)
        else:
            columns.append(start + len(rest) - len(stripped) + 1)
    return columns


def close_index(children: Sequence[Token], open_index: int) -> int:
    depth = 0
    for index in range(open_index, len(children)):
        if children[index].type == "link_open":
            depth += 1
        elif children[index].type == "link_close":
            depth -= 1
            if depth == 0:
                return index
    return len(children)
