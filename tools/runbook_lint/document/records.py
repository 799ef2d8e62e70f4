"""The records a parsed Markdown file is read as: what rules read.

Every position is 1-based (line, and column in code points) in the original file, as an author
would put the cursor on it. `Extracted` bundles what one pass over the token stream finds
(`extract.py`); `Document` (`runbook.py`) serves these records and the runbook meaning built
on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LabelKind = Literal["operational", "constitutional"]


@dataclass(frozen=True)
class SourceLine:
    """One content line of a code block, placed in the Markdown file."""

    line: int  # 1-based line in the .md file
    column: int  # 1-based column (code points) where `text` starts
    text: str  # content with container prefixes ("> ", list indentation) removed


@dataclass(frozen=True)
class CodeBlock:
    """A fenced or indented code block."""

    lang: str  # first word of the info string, lowercased
    info: str
    line: int  # line of the opening fence (or first line of an indented block)
    column: int
    lines: tuple[SourceLine, ...]
    fenced: bool
    closed: bool  # False for a fence that runs to the end of its container

    @property
    def end_line(self) -> int:
        last = self.lines[-1].line if self.lines else self.line
        return last + 1 if self.fenced and self.closed else last

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.lines)


@dataclass(frozen=True)
class InlineCode:
    """A code span in a paragraph, list item, heading or table cell."""

    text: str
    line: int
    column: int  # column of the first content character (after the backticks)
    context: str  # plain text of the enclosing paragraph or list item before this span


@dataclass(frozen=True)
class Link:
    """A link or image, in Markdown or raw HTML."""

    target: str
    text: str
    line: int
    column: int  # column of the destination in the source, or of the link text
    image: bool = False
    raw: bool = False  # written as raw HTML (<a href>, <img src>)


@dataclass(frozen=True)
class Heading:
    """An ATX or setext heading."""

    level: int
    text: str  # plain text, markup removed
    line: int
    column: int  # column of the heading text
    slug: str  # anchor as mkdocs' toc extension makes it (unique within the page)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph, with its inline source."""

    text: str  # the inline source (markup kept), lines joined with "\n"
    line: int
    end_line: int
    column: int
    in_list: bool
    in_quote: bool


@dataclass(frozen=True)
class ListItem:
    """A list item, with the source of its first paragraph."""

    text: str  # inline source of the item's first paragraph
    line: int
    end_line: int
    column: int  # column of the item's text
    depth: int  # 0 for a top-level list
    parent: int | None  # index of the enclosing item in Document.list_items
    checkbox: Literal["", "open", "done"]  # task list state


@dataclass(frozen=True)
class Cell:
    """A table cell."""

    text: str
    line: int
    column: int
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Table:
    """A pipe table: its header cells and body rows."""

    line: int
    end_line: int
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class HtmlComment:
    """An HTML comment."""

    text: str  # inside <!-- -->, stripped
    line: int
    column: int
    block: bool  # a block-level comment (html_block) rather than inline


@dataclass(frozen=True)
class HtmlFragment:
    """Raw HTML other than comments."""

    html: str
    line: int
    column: int
    block: bool


@dataclass(frozen=True)
class MetaField:
    """A metadata value: a 'Key: value' line under the title, or front matter."""

    key: str  # canonical key: "last_updated", "version", "owner", ...
    value: str
    line: int
    column: int  # column of the value


@dataclass(frozen=True)
class Section:
    """A heading and the lines up to the next heading of its level or higher."""

    heading: Heading
    start_line: int  # the heading's line
    end_line: int  # last line before the next heading of the same or a higher level

    @property
    def title(self) -> str:
        return self.heading.text


@dataclass(frozen=True)
class Label:
    """An OPERATIONAL or CONSTITUTIONAL step label."""

    kind: LabelKind
    line: int
    column: int
    emoji: bool


@dataclass(frozen=True)
class UnknownLabel:
    """An emoji label with a word other than OPERATIONAL or CONSTITUTIONAL."""

    text: str
    line: int
    column: int


@dataclass(frozen=True)
class RunbookDeclaration:
    """The runbook a drill says it rehearses: a `runbook:` key in front matter, or a
    `Runbook:` line with a link or the file's path in inline code."""

    line: int
    column: int  # column of the target (of the rest of the line when it names none)
    target: str | None  # the path as written; None when the line names no runbook


@dataclass(frozen=True)
class Verification:
    """A step's Verification block and what it lists."""

    line: int
    column: int
    end_line: int
    items: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """A procedure step: a 'Step N: Name' heading and its section."""

    heading: Heading
    number: int | None
    name: str
    group: Heading | None  # the scenario heading the step sits under, if any
    start_line: int
    end_line: int
    label: Label | None
    checklist: tuple[ListItem, ...]
    verification: Verification | None

    def contains(self, line: int) -> bool:
        return self.start_line <= line <= self.end_line


@dataclass
class Extracted:
    """What one walk over the token stream finds."""

    headings: tuple[Heading, ...]
    code_blocks: tuple[CodeBlock, ...]
    inline_codes: tuple[InlineCode, ...]
    links: tuple[Link, ...]
    paragraphs: tuple[Paragraph, ...]
    list_items: tuple[ListItem, ...]
    tables: tuple[Table, ...]
    comments: tuple[HtmlComment, ...]
    html: tuple[HtmlFragment, ...]
    front_matter: tuple[str, int] | None
    blocks: tuple[tuple[int, int], ...]
