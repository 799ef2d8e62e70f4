"""The parsed form of one Markdown file: what every rule, the audit and the site read.

Each file is parsed once with markdown-it-py (`markdown.py`, the one parser configuration).
One pass over the token stream (`extract.py`, placing inline content with `positions.py`)
yields the records of `records.py`, with 1-based line and column positions in the original
file. `Page` (`page.py`) holds them; `Document` (`runbook.py`) reads them as a runbook:
sections, metadata, procedure steps with their labels, checklists and Verification blocks.
`template.py` reads a template document as the spec runbooks follow. Rules read this model;
they never re-parse text.
"""

from __future__ import annotations

from .records import (
    Cell,
    CodeBlock,
    Heading,
    HtmlComment,
    HtmlFragment,
    InlineCode,
    Label,
    LabelKind,
    Link,
    ListItem,
    MetaField,
    Paragraph,
    Section,
    SourceLine,
    Step,
    Table,
    UnknownLabel,
    Verification,
)
from .runbook import Document, find_label
from .text import normalise, normalise_title, slugify

__all__ = [
    "Cell",
    "CodeBlock",
    "Document",
    "Heading",
    "HtmlComment",
    "HtmlFragment",
    "InlineCode",
    "Label",
    "LabelKind",
    "Link",
    "ListItem",
    "MetaField",
    "Paragraph",
    "Section",
    "SourceLine",
    "Step",
    "Table",
    "UnknownLabel",
    "Verification",
    "find_label",
    "normalise",
    "normalise_title",
    "slugify",
]
