"""A parsed Markdown file: its text and lines, and the records one pass over its tokens finds.

Each file is parsed once with markdown-it-py (`markdown.py`); `Page` holds the text, the
token stream and the extracted records (headings, code blocks, inline code, links, tables,
list items, paragraphs, HTML), and answers what any Markdown file can answer: a line's text,
where a fragment sits on it, where a heading's section ends. `Document` (`runbook.py`) adds
what the file means as a runbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Self

from .extract import extract
from .records import (
    CodeBlock,
    Extracted,
    Heading,
    HtmlComment,
    HtmlFragment,
    InlineCode,
    Link,
    ListItem,
    Paragraph,
    Table,
)
from .text import locate_in, normalise

if TYPE_CHECKING:
    from markdown_it.token import Token


@dataclass(frozen=True)
class Page:
    """One parsed Markdown file: its text, its tokens and the records read from them."""

    path: str  # relative to the working directory, forward slashes
    text: str  # decoded text, BOM removed, line endings normalised to "\n"
    kind: str = "runbook"  # runbook | drill | index | template | drill-template | other
    tokens: tuple[Token, ...] = field(default=(), repr=False, compare=False)

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def parse(cls, path: str, text: str, kind: str = "runbook") -> Self:
        from .markdown import parse_tokens

        normalised = normalise(text)
        return cls(path=path, text=normalised, kind=kind, tokens=parse_tokens(normalised))

    @classmethod
    def from_extracted(cls, path: str, text: str, kind: str, extracted: Extracted) -> Self:
        """A document rebuilt from its records alone (no token stream): what the library
        keeps and what worker processes send back."""
        doc = cls(path, text, kind)
        vars(doc)["extracted"] = extracted
        return doc

    def __getstate__(self) -> dict[str, object]:
        """The fields and the extracted model: every other cached value (lines, sections,
        steps, lookups) is recomputed from them on demand, so it is not pickled."""
        kept = ("path", "text", "kind", "tokens", "extracted")
        return {name: value for name, value in self.__dict__.items() if name in kept}

    # -- lines -------------------------------------------------------------------------------

    @cached_property
    def lines(self) -> tuple[str, ...]:
        return tuple(self.text.split("\n"))

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def locate(self, line: int, fragment: str, start_column: int = 1) -> int:
        """Column of `fragment` on `line` at or after `start_column`, or `start_column`."""
        return locate_in(self.line_text(line), fragment, start_column)

    def paragraph_position(self, para: Paragraph, offset: int) -> tuple[int, int]:
        """The (line, column) of a character offset in a paragraph's source text."""
        before = para.text[:offset]
        row = before.count("\n")
        line = para.line + row
        if row == 0:
            return line, para.column + offset
        rest = para.text.split("\n")[row]
        col = offset - (before.rfind("\n") + 1)
        return line, self.locate(line, rest.strip()[:20]) + col - (len(rest) - len(rest.lstrip()))

    # -- walk tokens once --------------------------------------------------------------------

    @cached_property
    def extracted(self) -> Extracted:
        """Every record of the file, from one pass over the tokens (`extract.py`)."""
        return extract(self.tokens, self.lines)

    @property
    def headings(self) -> tuple[Heading, ...]:
        return self.extracted.headings

    @property
    def code_blocks(self) -> tuple[CodeBlock, ...]:
        return self.extracted.code_blocks

    @property
    def inline_codes(self) -> tuple[InlineCode, ...]:
        return self.extracted.inline_codes

    @property
    def links(self) -> tuple[Link, ...]:
        return self.extracted.links

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return self.extracted.paragraphs

    @property
    def list_items(self) -> tuple[ListItem, ...]:
        return self.extracted.list_items

    @property
    def tables(self) -> tuple[Table, ...]:
        return self.extracted.tables

    @property
    def comments(self) -> tuple[HtmlComment, ...]:
        return self.extracted.comments

    @property
    def html(self) -> tuple[HtmlFragment, ...]:
        return self.extracted.html

    @property
    def front_matter(self) -> tuple[str, int] | None:
        """Raw YAML front matter and the line its content starts on."""
        return self.extracted.front_matter

    @property
    def block_ranges(self) -> tuple[tuple[int, int], ...]:
        """(first, last) line of each top-level block, in order."""
        return self.extracted.blocks

    # -- derived structure -------------------------------------------------------------------

    @cached_property
    def title(self) -> Heading | None:
        for heading in self.headings:
            if heading.level == 1:
                return heading
        return None

    @cached_property
    def anchors(self) -> frozenset[str]:
        return frozenset(h.slug for h in self.headings)

    @cached_property
    def _heading_ends(self) -> tuple[int, ...]:
        """Each heading's section end (by index) before trimming blank lines, in one pass."""
        headings = self.headings
        ends = [len(self.lines)] * len(headings)
        open_headings: list[int] = []
        for index, heading in enumerate(headings):
            while open_headings and headings[open_headings[-1]].level >= heading.level:
                ends[open_headings.pop()] = heading.line - 1
            open_headings.append(index)
        return tuple(ends)

    @cached_property
    def _section_ends(self) -> dict[Heading, int]:
        return dict(zip(self.headings, self._heading_ends, strict=True))

    def section_end(self, heading: Heading) -> int:
        end = self._section_ends.get(heading, len(self.lines))
        if heading not in self._section_ends:
            for other in self.headings:
                if other.line > heading.line and other.level <= heading.level:
                    end = other.line - 1
                    break
        return self._trim_end(heading.line, end)

    def _trim_end(self, line: int, end: int) -> int:
        """`end` moved up past blank lines, but not above `line`."""
        lines = self.lines
        while end > line and not (lines[end - 1] if 1 <= end <= len(lines) else "").strip():
            end -= 1
        return end
