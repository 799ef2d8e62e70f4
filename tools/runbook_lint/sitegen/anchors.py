"""Anchors for lines of a page, so that a pointer such as `runbooks/startup.md:65` (the audit's
evidence) can be a link that lands on that line.

A heading line is reached by the heading's own anchor. The first line of a paragraph, list
item or table row gets an empty `<span id="L65">` where its text starts (after a list marker
and a task box, inside the first cell of a row). Any other line (inside code, a metadata
line, a page with front matter, whose lines the site does not see as written) is reached by
the heading above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..document import Document

_BOXES = ("[ ] ", "[x] ", "[X] ")


@dataclass(frozen=True)
class LineAnchor:
    fragment: str  # the anchor, without '#'; "" for the top of the page
    column: int | None  # where to insert `<span id=fragment>`; None for a heading's own


def line_id(line: int) -> str:
    return f"L{line}"


def line_anchor(doc: Document, line: int) -> LineAnchor:
    """How to reach `line` of `doc` on its page."""
    heading = next((h for h in doc.headings if h.line == line), None)
    if heading is not None:
        return LineAnchor(heading.slug, None)
    column = None if doc.front_matter is not None else _text_start(doc, line)
    if column is not None:
        return LineAnchor(line_id(line), column)
    above = doc.heading_at(line)
    return LineAnchor(above.slug if above is not None else "", None)


def _text_start(doc: Document, line: int) -> int | None:
    """The column where the text of a block starting on `line` begins, if one does."""
    if any(meta.line == line for meta in doc.metadata.values()):
        return None  # the site shows metadata in its own strip
    for table in doc.tables:
        for row in (table.header, *table.rows):
            if row and row[0].line == line:
                return row[0].column
    for item in doc.list_items:
        if item.line == line:
            rest = doc.line_text(line)[item.column - 1 :]
            return item.column + (4 if rest.startswith(_BOXES) else 0)
    for para in doc.paragraphs:
        if para.line == line and not para.in_quote:
            return para.column
    return None


def add_line_anchors(markdown: str, doc: Document, lines: set[int]) -> str:
    """The page's Markdown with an anchor at each of `lines` that needs one inserted. The
    Markdown must be the document's text as read (the site has not changed it yet)."""
    rows = markdown.split("\n")
    if not lines or rows != list(doc.lines):
        return markdown
    for line in lines:
        anchor = line_anchor(doc, line)
        if anchor.column is None:
            continue
        text = rows[line - 1]
        cut = anchor.column - 1
        rows[line - 1] = f'{text[:cut]}<span id="{anchor.fragment}"></span>{text[cut:]}'
    return "\n".join(rows)
