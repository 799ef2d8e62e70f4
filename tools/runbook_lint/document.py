"""The parsed form of one Markdown file.

Each file is parsed once with markdown-it-py. Everything a rule needs (title, metadata,
sections, procedure steps with their labels, checklists and Verification blocks, code blocks,
inline code, links, tables, list items, HTML comments) is extracted here with 1-based line and
column positions in the original file. Rules read this model; they never re-parse text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from markdown_it.token import Token

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


# number, name, end line, label, checklist, verification
_StepParts = tuple[int, str, int, Label | None, tuple[ListItem, ...], Verification | None]


# ---------------------------------------------------------------------------------------------
# Text helpers

_LABEL_RE = re.compile(
    r"(?P<emoji>[\U0001F535\U0001F534]\uFE0F?)?\s*(?:\*\*|__)?\s*"
    r"(?:\[(?P<bword>OPERATIONAL|CONSTITUTIONAL)\]|(?P<word>OPERATIONAL|CONSTITUTIONAL)\b)",
    re.IGNORECASE,
)
_UNKNOWN_LABEL_RE = re.compile(
    r"(?P<emoji>[\U0001F7E0-\U0001F7EB\u26AA\u26AB\U0001F535\U0001F534])\uFE0F?\s*(?:\*\*|__)?"
    r"\s*(?P<word>[A-Z][A-Z-]{3,})\b"
)
_STEP_RE = re.compile(r"^Step\s+(\d+)\s*(?:[:.)\-\u2013\u2014]\s*)?(.*)$", re.IGNORECASE)
_VERIFICATION_RE = re.compile(r"^\s*(?:\*\*|__)?\s*Verification\s*:?\s*(?:\*\*|__)?\s*:?", re.I)
_META_LINE_RE = re.compile(
    r"^\s*(?:\*\*|__)?\s*(Last[ _-]Updated|Version|Owner|Last[ _-]Reviewed|Reviewed)\s*"
    r"(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:|:)\s*(?P<value>.*?)\s*(?:\\)?$",
    re.IGNORECASE,
)
_CHECKBOX_RE = re.compile(r"^\[([ xX])\](?:\s|$)")
_HTML_TAG_RE = re.compile(r"<[^>]*>")
_SLUG_DROP_RE = re.compile(r"[^\w\s-]")
_SLUG_SPACE_RE = re.compile(r"[-\s]+")


def meta_key(name: str) -> str:
    return re.sub(r"[\s_-]+", "_", name.strip().lower())


def slugify(text: str, separator: str = "-") -> str:
    """The slug Python-Markdown's toc extension (used by mkdocs) gives a heading."""
    value = text
    if not text.isascii():
        value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = _SLUG_DROP_RE.sub("", value).strip().lower()
    if separator == "-":
        return _SLUG_SPACE_RE.sub(separator, value)
    return re.sub(rf"[{separator}\s]+", separator, value)


def find_label(text: str) -> tuple[LabelKind, int, bool] | None:
    """Find a 🔵 OPERATIONAL / 🔴 CONSTITUTIONAL label (or its text form) in `text`.

    Returns the kind, the 0-based offset where the label starts, and whether the emoji was used.
    A bare word counts only in its bracketed form or with the emoji or in bold.
    """
    for match in _LABEL_RE.finditer(text):
        word = (match.group("bword") or match.group("word") or "").lower()
        emoji = bool(match.group("emoji"))
        bracketed = bool(match.group("bword"))
        bold = "**" in match.group(0) or "__" in match.group(0)
        if not (emoji or bracketed or bold):
            continue
        kind: LabelKind = "operational" if word == "operational" else "constitutional"
        return kind, match.start(), emoji
    return None


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


def _content_column(lines: Sequence[str], line: int, content: str) -> int:
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


# ---------------------------------------------------------------------------------------------
# The document


def normalise(text: str) -> str:
    """Text as a Document holds it: no byte order mark, line endings "\n"."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Document:
    """One parsed Markdown file: its text, its tokens and the model read from them."""

    path: str  # relative to the working directory, forward slashes
    text: str  # decoded text, BOM removed, line endings normalised to "\n"
    kind: str = "runbook"  # runbook | drill | index | template | drill-template | other
    tokens: tuple[Token, ...] = field(default=(), repr=False, compare=False)

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def parse(cls, path: str, text: str, kind: str = "runbook") -> Document:
        from .markdown import parse_tokens

        normalised = normalise(text)
        return cls(path=path, text=normalised, kind=kind, tokens=parse_tokens(normalised))

    def __getstate__(self) -> dict[str, object]:
        """The fields and the extracted model: every other cached value (lines, sections,
        steps, lookups) is recomputed from them on demand, so it is not pickled."""
        kept = ("path", "text", "kind", "tokens", "_extracted")
        return {name: value for name, value in self.__dict__.items() if name in kept}

    # -- lines -------------------------------------------------------------------------------

    @cached_property
    def lines(self) -> tuple[str, ...]:
        return tuple(self.text.split("\n"))

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def locate(self, line: int, fragment: str, start_column: int = 1) -> int:
        """Column of `fragment` on `line` at or after `start_column`, or `start_column`."""
        raw = self.line_text(line)
        index = raw.find(fragment, max(start_column - 1, 0)) if fragment else -1
        return index + 1 if index >= 0 else start_column

    # -- walk tokens once --------------------------------------------------------------------

    @cached_property
    def _extracted(self) -> _Extracted:
        return _Extractor(self).run()

    @property
    def headings(self) -> tuple[Heading, ...]:
        return self._extracted.headings

    @property
    def code_blocks(self) -> tuple[CodeBlock, ...]:
        return self._extracted.code_blocks

    @property
    def inline_codes(self) -> tuple[InlineCode, ...]:
        return self._extracted.inline_codes

    @property
    def links(self) -> tuple[Link, ...]:
        return self._extracted.links

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return self._extracted.paragraphs

    @property
    def list_items(self) -> tuple[ListItem, ...]:
        return self._extracted.list_items

    @property
    def tables(self) -> tuple[Table, ...]:
        return self._extracted.tables

    @property
    def comments(self) -> tuple[HtmlComment, ...]:
        return self._extracted.comments

    @property
    def html(self) -> tuple[HtmlFragment, ...]:
        return self._extracted.html

    @property
    def front_matter(self) -> tuple[str, int] | None:
        """Raw YAML front matter and the line its content starts on."""
        return self._extracted.front_matter

    @property
    def block_ranges(self) -> tuple[tuple[int, int], ...]:
        """(first, last) line of each top-level block, in order."""
        return self._extracted.blocks

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

    @cached_property
    def sections(self) -> tuple[Section, ...]:
        """The level-2 sections (the template's sections)."""
        ends = self._heading_ends
        return tuple(
            Section(h, h.line, self._trim_end(h.line, ends[index]))
            for index, h in enumerate(self.headings)
            if h.level == 2
        )

    def section(self, title: str) -> Section | None:
        memo: dict[str, Section | None] = self.__dict__.setdefault("_section_memo", {})
        if title not in memo:
            wanted = normalise_title(title)
            memo[title] = next(
                (sec for sec in self.sections if normalise_title(sec.title) == wanted), None
            )
        return memo[title]

    def section_body(self, section: Section) -> str:
        return "\n".join(self.lines[section.start_line : section.end_line])

    @cached_property
    def metadata(self) -> Mapping[str, MetaField]:
        found: dict[str, MetaField] = {}
        matter = self.front_matter
        if matter is not None:
            from .markdown import FrontMatterError, load_front_matter

            raw, first = matter
            try:
                loaded = load_front_matter(raw)
            except FrontMatterError:
                loaded = {}  # reported by front_matter_error
            for key, value in loaded.items():
                line = first
                for offset, text in enumerate(raw.split("\n")):
                    if text.split(":", 1)[0].strip().strip("'\"").lower() == key.lower():
                        line = first + offset
                        break
                column = self.locate(line, ":") + 1
                raw_line = self.line_text(line)
                while column <= len(raw_line) and raw_line[column - 1] == " ":
                    column += 1
                found[meta_key(key)] = MetaField(meta_key(key), value, line, column)
        limit = self.sections[0].start_line if self.sections else len(self.lines)
        for para in self.paragraphs:
            if para.line >= limit:
                break
            if para.in_list or para.in_quote:
                continue
            for offset, text in enumerate(para.text.split("\n")):
                match = _META_LINE_RE.match(text)
                if not match:
                    continue
                key = meta_key(match.group(1))
                line = para.line + offset
                value = match.group("value").strip().strip("*_").strip()
                column = self.locate(line, value) if value else len(self.line_text(line)) + 1
                found.setdefault(key, MetaField(key, value, line, column))
        return found

    @cached_property
    def front_matter_error(self) -> tuple[int, str] | None:
        """(line, message) when the YAML front matter cannot be loaded safely."""
        matter = self.front_matter
        if matter is None:
            return None
        from .markdown import FrontMatterError, load_front_matter

        try:
            load_front_matter(matter[0])
        except FrontMatterError as exc:
            return matter[1] - 1, str(exc)
        return None

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        return self.steps_in(None)

    @cached_property
    def _lines_index(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """Sorted lines of headings, paragraphs, list items and checkbox items (for bisect),
        so that per-step lookups stay logarithmic in documents with thousands of steps."""
        item_lines = [item.line for item in self.list_items]
        items = sorted(range(len(item_lines)), key=item_lines.__getitem__)
        return (
            [h.line for h in self.headings],
            [p.line for p in self.paragraphs],
            items,
            [item_lines[i] for i in items],
        )

    def _items_between(self, start: int, end: int) -> list[ListItem]:
        """List items with start < line <= end, in document order."""
        _, _, order, lines = self._lines_index
        picked = sorted(order[bisect_right(lines, start) : bisect_right(lines, end)])
        return [self.list_items[i] for i in picked]

    def _paragraphs_after(self, line: int) -> Iterator[Paragraph]:
        """Paragraphs that start after `line`, in order."""
        paragraphs = self.paragraphs
        for index in range(bisect_right(self._lines_index[1], line), len(paragraphs)):
            yield paragraphs[index]

    def steps_in(self, section_title: str | None) -> tuple[Step, ...]:
        """Procedure steps: headings `Step N: Name` (under `section_title` if given)."""
        memo: dict[str | None, tuple[Step, ...]] = self.__dict__.setdefault("_steps_memo", {})
        if section_title not in memo:
            memo[section_title] = self._steps_in(section_title)
        return memo[section_title]

    def _steps_in(self, section_title: str | None) -> tuple[Step, ...]:
        scope: Section | None = self.section(section_title) if section_title else None
        headings = self.headings
        first, last = 0, len(headings)
        if scope is not None:  # headings are in line order
            lines = self._lines_index[0]
            first = bisect_right(lines, scope.start_line)
            last = bisect_right(lines, scope.end_line)
        steps: list[Step] = []
        group: Heading | None = None
        for index in range(first, last):
            heading = headings[index]
            parts = self._step_parts(index)
            if parts is None:
                if heading.level > 2:
                    group = heading
                elif heading.level <= 2:
                    group = None
                continue
            if group is not None and group.level >= heading.level:
                group = None
            number, name, end, label, checklist, verification = parts
            steps.append(
                Step(
                    heading=heading,
                    number=number,
                    name=name,
                    group=group,
                    start_line=heading.line,
                    end_line=end,
                    label=label,
                    checklist=checklist,
                    verification=verification,
                )
            )
        return tuple(steps)

    def _step_parts(self, index: int) -> _StepParts | None:
        """What a step heading (by index) says, whatever section it is looked for in: number,
        name, end line, label, checklist and verification; None if it is not a step."""
        memo: dict[int, _StepParts | None] = self.__dict__.setdefault("_step_parts_memo", {})
        if index in memo:
            return memo[index]
        heading = self.headings[index]
        match = _STEP_RE.match(heading.text.strip())
        parts: _StepParts | None = None
        if match and heading.level >= 2:
            start = heading.line
            end = self._trim_end(start, self._heading_ends[index])
            parts = (
                int(match.group(1)),
                match.group(2).strip(),
                end,
                self._step_label(heading, end),
                tuple(item for item in self._items_between(start, end) if item.checkbox),
                self._verification(start, end),
            )
        memo[index] = parts
        return parts

    def _step_label(self, heading: Heading, end: int) -> Label | None:
        found = find_label(self.line_text(heading.line))
        if found:
            kind, offset, emoji = found
            return Label(kind, heading.line, offset + 1, emoji)
        for para in self._paragraphs_after(heading.line):
            if para.line > end:
                break
            for row, text in enumerate(para.text.split("\n")):
                found = find_label(text)
                if found:
                    kind, offset, emoji = found
                    line = para.line + row
                    column = self.locate(line, text[offset : offset + 2])
                    return Label(kind, line, column, emoji)
            break  # only the first paragraph after the heading carries the label
        return None

    def unknown_labels(self, start: int, end: int) -> Iterator[UnknownLabel]:
        for line in range(start, end + 1):
            raw = self.line_text(line)
            if raw.isascii():  # every label emoji is outside ASCII
                continue
            for match in _UNKNOWN_LABEL_RE.finditer(raw):
                word = match.group("word")
                if word.upper() in ("OPERATIONAL", "CONSTITUTIONAL"):
                    continue
                yield UnknownLabel(match.group(0).strip("*_ "), line, match.start() + 1)

    def _verification(self, start: int, end: int) -> Verification | None:
        lines = self._lines_index[0]
        for heading in self.headings[bisect_right(lines, start) : bisect_right(lines, end)]:
            if normalise_title(heading.text) == "verification":
                items = tuple(i.text for i in self._items_between(heading.line, end))
                return Verification(heading.line, heading.column, end, items)
        for para in self._paragraphs_after(start):
            if para.line > end:
                break
            match = _VERIFICATION_RE.match(para.text)
            if not match or "verification" not in para.text[: match.end()].lower():
                continue
            rest = para.text[match.end() :].strip()
            following = tuple(
                i.text for i in self._items_between(para.end_line, end) if not i.checkbox
            )
            content = ((rest,) if rest else ()) + following
            return Verification(para.line, para.column, end, content)
        return None

    def step_at(self, line: int) -> Step | None:
        for step in self.steps:
            if step.contains(line):
                return step
        return None

    def heading_at(self, line: int) -> Heading | None:
        """The nearest heading at or above `line`."""
        index = bisect_right(self._lines_index[0], line)  # headings are in line order
        return self.headings[index - 1] if index else None


@lru_cache(maxsize=4096)
def normalise_title(title: str) -> str:
    text = _HTML_TAG_RE.sub("", title)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LNZP" or ch in "-&/")
    text = re.sub(r"\s*\(.*?\)\s*$", "", text)
    return re.sub(r"\s+", " ", text).strip().strip(":").lower()


# ---------------------------------------------------------------------------------------------
# Extraction: one pass over the token stream


@dataclass
class _Extracted:
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


_COMMENT_RE = re.compile(r"<!--(.*?)-->", re.DOTALL)
_PLACED = frozenset(("code_inline", "link_open", "image", "html_inline"))
_CELL_MARK_RE = re.compile(r"[\\`|]")
_HREF_RE = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


class _Extractor:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.lines = doc.lines
        self.headings: list[Heading] = []
        self.code_blocks: list[CodeBlock] = []
        self.inline_codes: list[InlineCode] = []
        self.links: list[Link] = []
        self.paragraphs: list[Paragraph] = []
        self.list_items: list[ListItem] = []
        self.tables: list[Table] = []
        self.comments: list[HtmlComment] = []
        self.html: list[HtmlFragment] = []
        self.front_matter: tuple[str, int] | None = None
        self.blocks: list[tuple[int, int]] = []
        self._slugs: dict[str, int] = {}

    def _line(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 1 <= line <= len(lines) else ""

    def run(self) -> _Extracted:
        tokens = self.doc.tokens
        count = len(tokens)
        blocks = self.blocks
        item_stack: list[int] = []  # indices into list_items of open items
        list_depth = 0
        quote_depth = 0
        pending_item: tuple[int, int, int] | None = None  # (line, end_line, parent)
        table: dict[str, object] | None = None
        index = 0
        # The branches test distinct token types, most frequent first; a token whose type
        # none of them handles only counts as a top-level block.
        while index < count:
            tok = tokens[index]
            tmap = tok.map
            if tmap is not None and tok.level == 0 and tok.nesting >= 0:
                blocks.append((tmap[0] + 1, max(tmap[1], tmap[0] + 1)))
            kind = tok.type
            if kind == "paragraph_open":
                if tmap is not None:
                    inline = tokens[index + 1]
                    para = self._inline(inline, in_list=list_depth > 0, in_quote=quote_depth > 0)
                    if pending_item is not None and para is not None:
                        item_stack[-1] = self._add_item(para.text, pending_item, list_depth, para)
                        pending_item = None
                    index += 3
                    continue
            elif kind == "list_item_open":
                if tmap is not None:
                    parent = item_stack[-1] if item_stack else -1
                    pending_item = (tmap[0] + 1, tmap[1], parent)
                    item_stack.append(-1)
            elif kind == "list_item_close":
                if pending_item is not None:  # an item with no paragraph
                    self._add_item("", pending_item, list_depth)
                    pending_item = None
                item_stack.pop()
            elif kind == "inline":
                if table is not None:
                    rows = table["rows"]
                    assert isinstance(rows, list)
                    cell = self._cell(tok)
                    if rows:
                        rows[-1].append(cell)
            elif kind == "bullet_list_open" or kind == "ordered_list_open":
                list_depth += 1
            elif kind == "bullet_list_close" or kind == "ordered_list_close":
                list_depth -= 1
            elif kind == "heading_open":
                if tmap is not None:
                    inline = tokens[index + 1]
                    self._heading(tok, inline)
                    self._inline(inline, in_list=False, in_quote=quote_depth > 0, record=False)
                    index += 3
                    continue
            elif kind == "fence" or kind == "code_block":
                if tmap is not None:
                    if pending_item is not None:
                        item_stack[-1] = self._add_item("", pending_item, list_depth)
                        pending_item = None
                    self._code(tok)
            elif kind == "tr_open":
                if table is not None and tmap is not None:
                    rows = table["rows"]
                    assert isinstance(rows, list)
                    rows.append([])
            elif kind == "table_open":
                if tmap is not None:
                    table = {"line": tmap[0] + 1, "end": tmap[1], "rows": []}
            elif kind == "table_close":
                if table is not None:
                    self._table(table)
                    table = None
            elif kind == "blockquote_open":
                quote_depth += 1
            elif kind == "blockquote_close":
                quote_depth -= 1
            elif kind == "html_block":
                if tmap is not None:
                    self._html(tok.content, tmap[0] + 1, block=True)
            elif kind == "front_matter" and tmap is not None:
                self.front_matter = (tok.content, tmap[0] + 2)
            index += 1
        return _Extracted(
            headings=tuple(self.headings),
            code_blocks=tuple(self.code_blocks),
            inline_codes=tuple(self.inline_codes),
            links=tuple(self.links),
            paragraphs=tuple(self.paragraphs),
            list_items=tuple(self.list_items),
            tables=tuple(self.tables),
            comments=tuple(self.comments),
            html=tuple(self.html),
            front_matter=self.front_matter,
            blocks=tuple(self.blocks),
        )

    # -- pieces ------------------------------------------------------------------------------

    def _add_item(
        self,
        text: str,
        pending: tuple[int, int, int],
        depth: int,
        para: Paragraph | None = None,
    ) -> int:
        line, end, parent = pending
        checkbox: Literal["", "open", "done"] = ""
        if text[:1] == "[":
            match = _CHECKBOX_RE.match(text)
            if match:
                checkbox = "open" if match.group(1) == " " else "done"
        newline = text.find("\n")
        first = text if newline < 0 else text[:newline]
        if not first:
            column = 1
        elif para is not None and para.line == line:
            column = para.column  # the same first line, already placed
        else:
            column = _content_column(self.lines, line, first)
        self.list_items.append(
            ListItem(  # text, line, end_line, column, depth, parent, checkbox
                text,
                line,
                end,
                column,
                depth - 1 if depth > 1 else 0,
                parent if parent >= 0 else None,
                checkbox,
            )
        )
        return len(self.list_items) - 1

    def _heading(self, tok: Token, inline: Token) -> None:
        assert tok.map is not None
        line = tok.map[0] + 1
        text = plain_text(inline.children or []).strip()
        column = _content_column(self.lines, line, inline.content) if inline.content else 1
        if tok.markup in ("=", "-"):  # setext heading: text is on the first line
            raw = self._line(line)
            column = len(raw) - len(raw.lstrip()) + 1
        base = slugify(_HTML_TAG_RE.sub("", text) if "<" in text else text)
        slug = base
        if base in self._slugs:
            count = self._slugs[base]
            while f"{base}_{count}" in self._slugs:
                count += 1
            slug = f"{base}_{count}"
            self._slugs[base] = count + 1
        self._slugs.setdefault(slug, 1)
        level = int(tok.tag[1]) if tok.tag[:1] == "h" and tok.tag[1:].isdigit() else 1
        self.headings.append(Heading(level, text, line, column, slug))

    def _position(
        self, first: int, content: str, offset: int, cols: dict[int, int]
    ) -> tuple[int, int]:
        """Map an offset in a multi-line inline source to (line, column); `cols` caches the
        column where each row of the source starts (row 0 always present)."""
        newline = content.rfind("\n", 0, offset)
        if newline < 0:
            return first, cols[0] + offset
        row = content.count("\n", 0, offset)
        base = cols.get(row)
        if base is None:
            text = content.split("\n")[row]
            base = cols[row] = _content_column(self.lines, first + row, text)
        return first + row, base + offset - (newline + 1)

    def _inline(
        self, inline: Token, *, in_list: bool, in_quote: bool, record: bool = True
    ) -> Paragraph | None:
        if inline.map is None:
            return None
        first = inline.map[0] + 1
        content = inline.content
        newline = content.find("\n")
        col0 = _content_column(self.lines, first, content if newline < 0 else content[:newline])
        cols = {0: col0}
        cursor = 0
        context: list[str] = []
        children = inline.children or []
        # Text and breaks only move the cursor and grow the context that later spans use:
        # after the last code span, link, image or inline HTML there is nothing to record.
        end = len(children)
        while end and children[end - 1].type not in _PLACED:
            end -= 1
        for pos in range(end):
            child = children[pos]
            ctype = child.type
            if ctype == "text":
                text = child.content
                if text:
                    found = content.find(text, cursor)
                    if found >= 0:
                        cursor = found + len(text)
                context.append(text)
            elif ctype == "softbreak" or ctype == "hardbreak":
                context.append(" ")
            elif ctype == "code_inline":
                offset = self._find_code(content, child, cursor)
                if offset >= 0:
                    line, column = self._position(first, content, offset, cols)
                    cursor = offset + len(child.content)
                else:
                    line, column = first, col0
                self.inline_codes.append(InlineCode(child.content, line, column, "".join(context)))
                context.append(child.content)
            elif ctype == "link_open" or ctype == "image":
                href = str(child.attrs.get("href" if ctype == "link_open" else "src", ""))
                label = (
                    plain_text(children[pos + 1 : _close_index(children, pos)])
                    if ctype == "link_open"
                    else child.content
                )
                offset = -1
                if child.markup != "autolink":
                    offset = content.find("](" + href, cursor)
                    offset = offset + 2 if offset >= 0 else content.find(href, cursor)
                else:
                    offset = content.find(href, cursor)
                if offset < 0:
                    offset = content.find("[" + label, cursor)
                if offset < 0:
                    offset = cursor
                line, column = self._position(first, content, offset, cols)
                self.links.append(Link(href, label, line, column, ctype == "image"))
            elif ctype == "html_inline":
                offset = content.find(child.content, cursor)
                if offset < 0:
                    offset = cursor
                else:
                    cursor = offset + len(child.content)
                line, column = self._position(first, content, offset, cols)
                self._html(child.content, line, block=False, column=column)
        if not record:
            return None
        # text, line, end_line, column, in_list, in_quote
        para = Paragraph(content, first, inline.map[1], col0, in_list, in_quote)
        self.paragraphs.append(para)
        return para

    @staticmethod
    def _find_code(content: str, child: Token, cursor: int) -> int:
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

    def _code(self, tok: Token) -> None:
        assert tok.map is not None
        start, end = tok.map
        fenced = tok.type == "fence"
        content = tok.content
        rows = content.split("\n")
        if rows and rows[-1] == "":
            rows.pop()
        first = start + 2 if fenced else start + 1
        lines = self.lines
        source = tuple(
            SourceLine(first + i, _content_column(lines, first + i, text), text)
            for i, text in enumerate(rows)
        )
        closed = True
        if fenced:
            last_line = self._line(end).strip() if end >= 1 else ""
            closed = end - start >= 2 and last_line.lstrip("> \t").startswith(tok.markup[:1] * 3)
        info = tok.info.strip()
        lang = info.split()[0].lower().strip("{}.") if info else ""
        line = start + 1
        column = _content_column(lines, line, self._line(line).lstrip(" >\t"))
        self.code_blocks.append(
            CodeBlock(lang, info, line, column, source, fenced=fenced, closed=closed)
        )

    def _html(self, content: str, line: int, *, block: bool, column: int | None = None) -> None:
        base_col = (
            column
            if column is not None
            else _content_column(self.lines, line, content.split("\n")[0])
        )
        for match in _COMMENT_RE.finditer(content):
            before = content[: match.start()]
            row = before.count("\n")
            col = (base_col if row == 0 else 1) + match.start() - (before.rfind("\n") + 1)
            self.comments.append(HtmlComment(match.group(1).strip(), line + row, col, block))
        stripped = _COMMENT_RE.sub(lambda m: " " * len(m.group(0)), content)
        if stripped.strip():
            self.html.append(HtmlFragment(content, line, base_col, block))
            for match in _HREF_RE.finditer(stripped):
                target = match.group(2) or match.group(3) or match.group(4) or ""
                before = content[: match.start()]
                row = before.count("\n")
                col = (base_col if row == 0 else 1) + match.start() - (before.rfind("\n") + 1)
                self.links.append(
                    Link(
                        target, "", line + row, col, image=match.group(1).lower() == "src", raw=True
                    )
                )

    def _cell(self, inline: Token) -> Cell:
        if inline.map is None:
            return Cell(inline.content, 0, 0, ())
        before_links = len(self.links)
        self._inline(inline, in_list=False, in_quote=False, record=False)
        line = inline.map[0] + 1
        column = self.doc.locate(line, inline.content) if inline.content else 1
        text = plain_text(inline.children or []).strip()
        return Cell(text, line, column, tuple(self.links[before_links:]))

    def _cell_columns(self, line: int) -> list[int]:
        """Columns where each cell's text starts on a table row (or its pipe + 2 if empty)."""
        raw = self._line(line)
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

    def _table(self, table: dict[str, object]) -> None:
        rows = table["rows"]
        assert isinstance(rows, list)
        for row in rows:
            if not row or not row[0].line:
                continue
            columns = self._cell_columns(row[0].line)
            for i, cell in enumerate(row):
                if i < len(columns):
                    row[i] = Cell(cell.text, cell.line, columns[i], cell.links)
        header = tuple(rows[0]) if rows else ()
        body = tuple(tuple(r) for r in rows[1:])
        line = table["line"]
        end = table["end"]
        assert isinstance(line, int) and isinstance(end, int)
        self.tables.append(Table(line, end, header, body))


def _close_index(children: Sequence[Token], open_index: int) -> int:
    depth = 0
    for index in range(open_index, len(children)):
        if children[index].type == "link_open":
            depth += 1
        elif children[index].type == "link_close":
            depth -= 1
            if depth == 0:
                return index
    return len(children)
