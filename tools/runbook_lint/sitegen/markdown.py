"""Small helpers for writing Markdown: fences, table cells, links moved between pages."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Sequence

from ..document import Document, Link

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BACKTICKS_RE = re.compile(r"`+")


def is_local(target: str) -> bool:
    """A relative link to another file of the site (not a URL, not a bare anchor)."""
    return bool(target) and not (target.startswith(("#", "/", "//")) or _SCHEME_RE.match(target))


def rebase(target: str, from_uri: str, to_uri: str) -> str:
    """Rewrite a link written in page `from_uri` so that it works from page `to_uri`.

    Both are site paths with forward slashes (`runbooks/index.md`). URLs and absolute paths are
    returned unchanged; a bare anchor points back into `from_uri`.
    """
    if not target or _SCHEME_RE.match(target) or target.startswith(("/", "//")):
        return target
    path, hash_, anchor = target.partition("#")
    if not path:
        path = posixpath.basename(from_uri)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_uri), path))
    start = posixpath.dirname(to_uri) or "."
    moved = posixpath.relpath(joined, start)
    return moved + (hash_ + anchor if hash_ else "")


def source_lines(
    doc: Document, first: int, last: int, links: Iterable[Link], from_uri: str, to_uri: str
) -> list[str]:
    """Lines `first`..`last` of `doc` with every local link destination rebased to `to_uri`.

    Positions come from the parsed Document, so only real link destinations change.
    """
    lines = [doc.line_text(n) for n in range(first, last + 1)]
    edits: dict[int, list[Link]] = {}
    for link in links:
        if first <= link.line <= last and link.target and not link.raw:
            edits.setdefault(link.line, []).append(link)
    for line_no, items in edits.items():
        text = lines[line_no - first]
        for link in sorted(items, key=lambda item: item.column, reverse=True):
            start = link.column - 1
            if text[start : start + len(link.target)] != link.target:
                continue  # destination written differently (escaped, angle brackets): keep it
            moved = rebase(link.target, from_uri, to_uri)
            text = text[:start] + moved + text[start + len(link.target) :]
        lines[line_no - first] = text
    return lines


def fence(text: str, lang: str = "") -> str:
    """A fenced block that contains `text` verbatim, whatever backticks it holds."""
    longest = max((len(m) for m in _BACKTICKS_RE.findall(text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


def code(text: str) -> str:
    """Inline code for `text` (safe in a table cell)."""
    text = text.replace("|", "\\|")
    longest = max((len(m) for m in _BACKTICKS_RE.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def cell(text: str) -> str:
    """Plain text for a table cell: one line, pipes escaped, HTML and Markdown neutralised."""
    flat = " ".join(text.split())
    flat = html.escape(flat, quote=False)
    flat = re.sub(r"([\\`*_\[\]|])", r"\\\1", flat)
    return flat or " "


_CODE_SPAN_RE = re.compile(r"(`+)(.+?)\1", re.DOTALL)


def prose(text: str) -> str:
    """Markdown prose from data (rule texts, schema descriptions), with raw HTML neutralised.

    Code spans are kept as written; outside them `<`, `>` and `&` are escaped, so that a text
    such as "raw <script> tags" is shown, never executed.
    """
    out: list[str] = []
    last = 0
    for match in _CODE_SPAN_RE.finditer(text):
        out.append(html.escape(text[last : match.start()], quote=False))
        out.append(match.group(0))
        last = match.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def inline(text: str) -> str:
    """Markdown prose for a table cell: on one line, pipes and raw HTML escaped."""
    return prose(" ".join(text.split())).replace("|", "\\|") or " "


def facts(rows: Iterable[Sequence[str]]) -> str:
    """Key-value facts about a page's subject as a short list (`- **Key:** value`)."""
    return "\n".join(f"- **{key}:** {value}" for key, value in rows)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells must already be escaped (see `cell`, `code`)."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)
