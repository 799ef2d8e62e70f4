"""Text that is not yet the runbook's own: passages copied unchanged from its template, and
TODO / TBD / FIXME / XXX markers.

`template_text` reads a template once into the passages that count (paragraphs, list items,
table rows, code blocks of two lines or more, placeholder metadata); `parts` reads a runbook
into its passages and the markers in its prose (small values a worker computes where it parses
the file); `leftovers` finds the template's passages among a runbook's parts, after whitespace
is normalised, except the library's boilerplate: passages most runbooks of the template keep
(`library/leftovers.py` counts them). RB135 reports leftovers, and the audit counts evidence
as met only where there is none.

What does not count, because a finished runbook rightly shares it with its template: headings
and labels (structure), lead-ins that end with a colon ("Use this runbook when:"), passages of
fewer than three words, a list item that is only links ("[Runbook index](index.md)"), a form
row whose cells after the first are all `<placeholders>` (a drill's sign-off, filled in when the
drill runs), a one-line command, dates and versions. A marker counts only where it is a marker:
at the start of a line or cell, before a colon, in parentheses, or at the end of a line
("Owner: TBD"); never inside a word, quotes, code, a link target or a placeholder such as
`10.0.XXX.1`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .runbook import Document

_WORDS_MIN = 3
_NOT_COMPARED = frozenset({"last_updated", "version", "last_reviewed", "reviewed"})
_LINK_RE = re.compile(r"!?\[[^\[\]]*\]\([^()]*\)")
_FORM_CELL_RE = re.compile(r"^<[^<>]+>$")
_MARKER_RE = re.compile(r"(?<![\w$./\\-])(TODO|TBD|FIXME|XXX)(?![\w/-]|\.\w)")
# What may come before a marker at the start of a line or cell (list and quote marks, a task
# box, emphasis, brackets, '@'), and after one that ends a line ("Owner: TBD."); both are
# short, so only a few characters either side are looked at.
_LEAD_RE = re.compile(r"[\s>*_\-+#(\[@]*(?:\[[ xX]\]\s*)?[\s*_(\[@]*")
_TAIL_RE = re.compile(r"[*_)\]]*\s*:|[\s*_.!;,)\]]*")
_NEAR = 12
_QUOTES = ('"', "'", "\u201c", "\u2018", "\u00ab")
_MASKED_RE = re.compile(r"\]\([^()]*\)|<[a-zA-Z][^<>]*>|https?://\S+")


@dataclass(frozen=True)
class TemplateText:
    """The passages of a template that a runbook should not keep unchanged."""

    path: str | None = None
    passages: frozenset[str] = frozenset()  # paragraphs, list items, rows, code blocks
    metadata: tuple[tuple[str, str], ...] = field(default=())  # key, placeholder value


@dataclass(frozen=True)
class Leftover:
    line: int
    column: int
    kind: str  # "template" | "marker"
    text: str  # the passage (shortened) or the marker
    end_line: int = 0  # the passage's last line (its first when 0)

    def covers(self, first: int, last: int) -> bool:
        """Whether the leftover overlaps the lines `first` to `last`."""
        return self.line <= last and max(self.end_line, self.line) >= first

    @property
    def what(self) -> str:
        if self.kind == "marker":
            return f"a '{self.text}' marker"
        return f"the template's text '{self.text}'"

    @property
    def message(self) -> str:
        if self.kind == "marker":
            return f"'{self.text}' marker: the runbook is not finished here"
        return f"text left from the template: '{self.text}'; write this runbook's own"


@dataclass(frozen=True)
class Passage:
    key: str  # the normalised text
    line: int
    column: int
    end_line: int


@dataclass(frozen=True)
class Parts:
    """What of a runbook can be left over: its passages, metadata values and markers."""

    passages: tuple[Passage, ...]
    metadata: tuple[tuple[str, str, int, int], ...]  # key, value, line, column
    markers: tuple[Leftover, ...]


def meta_key(key: str, value: str) -> str:
    """A metadata value as `leftovers` counts it among the library's boilerplate."""
    return f"{key}: {value}\n"  # a passage never ends with a line break


def squash(text: str) -> str:
    return " ".join(text.split())


def _counts(text: str) -> bool:
    """Whether a template passage is one a runbook should not keep (see the module doc)."""
    if "\n" in text:
        return True  # a code block of two lines or more
    if len(text.split()) < _WORDS_MIN or text.rstrip("*_ ").endswith(":"):
        return False
    return bool(re.search(r"\w", _LINK_RE.sub("", text)))


def _row(cells: tuple[str, ...]) -> str | None:
    if len(cells) > 1 and all(_FORM_CELL_RE.match(c.strip()) for c in cells[1:]):
        return None  # a form to fill in, such as a drill's sign-off
    return " | ".join(squash(c) for c in cells)


def _passages(doc: Document) -> Iterator[Passage]:
    """Each paragraph, list item, table row and code block of two lines or more; not the
    metadata lines (their placeholders are compared one by one)."""
    meta = {f.line for f in doc.metadata.values()}
    for para in doc.paragraphs:
        if para.line not in meta:
            yield Passage(squash(para.text), para.line, para.column, para.end_line)
    for table in doc.tables:
        for row in table.rows:
            text = _row(tuple(cell.text for cell in row))
            if text is not None and row:
                yield Passage(text, row[0].line, max(row[0].column - 2, 1), row[0].line)
    for block in doc.code_blocks:
        kept = [squash(s.text) for s in block.lines if s.text.strip()]
        if len(kept) >= 2:
            yield Passage("\n".join(kept), block.line, block.column, block.end_line)


def _metadata(doc: Document) -> Iterator[tuple[str, str, int, int]]:
    for key, value in sorted(doc.metadata.items()):
        if key not in _NOT_COMPARED and squash(value.value):
            yield key, squash(value.value), value.line, value.column


def template_text(doc: Document, path: str | None) -> TemplateText:
    return TemplateText(
        path=path,
        passages=frozenset(p.key for p in _passages(doc) if _counts(p.key)),
        metadata=tuple((key, value) for key, value, _, _ in _metadata(doc)),
    )


def parts(doc: Document) -> Parts:
    return Parts(tuple(_passages(doc)), tuple(_metadata(doc)), tuple(markers(doc)))


def leftovers(
    found: Parts, template: TemplateText | None, boilerplate: frozenset[str] = frozenset()
) -> tuple[Leftover, ...]:
    """The markers and the template's passages (other than `boilerplate`) in a runbook's
    `found` parts, in line order."""
    out = list(found.markers)
    if template is not None:
        values = dict(template.metadata)
        for key, value, line, column in found.metadata:
            if values.get(key) == value and meta_key(key, value) not in boilerplate:
                name = key.replace("_", " ").capitalize()
                out.append(Leftover(line, column, "template", f"{name}: {value}"))
        for passage in found.passages:
            if passage.key in template.passages and passage.key not in boilerplate:
                short = _short(passage.key)
                end = passage.end_line
                out.append(Leftover(passage.line, passage.column, "template", short, end))
    return tuple(sorted(set(out), key=lambda f: (f.line, f.column, f.kind)))


def _short(text: str) -> str:
    first = text.split("\n")[0]
    return first if len(first) <= 60 else first[:57].rstrip() + "..."


def _mask(text: str) -> str:
    """`text` with code spans, comments, HTML, link targets and URLs blanked (same length)."""
    chars = list(text)

    def blank(start: int, end: int) -> None:
        chars[start:end] = [c if c == "\n" else " " for c in chars[start:end]]

    # Code spans: a run of backticks up to the next run of the same length (linear: each run
    # knows the next one of its length).
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", text)]
    following: dict[int, int] = {}
    after: list[int | None] = [None] * len(runs)
    for index in range(len(runs) - 1, -1, -1):
        size = runs[index][1] - runs[index][0]
        after[index] = following.get(size)
        following[size] = index
    index = 0
    while index < len(runs):
        close = after[index]
        if close is None:
            index += 1
            continue
        blank(runs[index][0], runs[close][1])
        index = close + 1
    start = text.find("<!--")
    while start >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        blank(start, end + 3)
        start = text.find("<!--", end + 3)
    masked = "".join(chars)
    return _MASKED_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), masked)


def _is_marker(cell: str, start: int, end: int) -> bool:
    """Whether the word at cell[start:end] is used as a marker (see the module doc)."""
    before = cell[max(0, start - _NEAR) : start]
    if before.endswith(_QUOTES):
        return False  # "TODO: ..." in quotes is mentioned, not left
    if start <= _NEAR and _LEAD_RE.fullmatch(cell[:start]):
        return True  # at the start of the line or cell
    if before.rstrip("*_ ").endswith(("(", "[")):
        return True
    tail = _TAIL_RE.match(cell, end)
    assert tail is not None  # both alternatives can match nothing
    return cell[tail.end() - 1 : tail.end()] == ":" or tail.end() == len(cell)


def _in_text(text: str) -> Iterator[tuple[int, int, str]]:
    """(row, offset in that row, marker) of each marker in prose `text`."""
    for row, raw in enumerate(_mask(text).split("\n")):
        for cell_start, cell in _cells(raw):
            for match in _MARKER_RE.finditer(cell):
                if _is_marker(cell, match.start(), match.end()):
                    yield row, cell_start + match.start(), match.group(1)


def _cells(raw: str) -> Iterator[tuple[int, str]]:
    """The parts of a line between unescaped '|' (the whole line when it has none)."""
    start = 0
    for match in re.finditer(r"(?<!\\)\|", raw):
        yield start, raw[start : match.start()]
        start = match.end()
    yield start, raw[start:]


def markers(doc: Document) -> Iterator[Leftover]:
    """TODO / TBD / FIXME / XXX used as markers in prose, comments, headings and tables."""
    units: list[tuple[int, str]] = [(p.line, p.text) for p in doc.paragraphs]
    units += [(c.line, c.text) for c in doc.comments]
    units += [(h.line, h.text) for h in doc.headings]
    units += [(t.line, "\n".join(doc.lines[t.line - 1 : t.end_line])) for t in doc.tables]
    for first, text in units:
        rows = text.split("\n")
        bases: dict[int, int] = {}
        for row, offset, marker in _in_text(text):
            raw = doc.line_text(first + row)
            if row not in bases:
                bases[row] = raw.find(rows[row]) if rows[row] else -1
            base = bases[row]
            column = base + offset if base >= 0 else max(raw.find(marker), 0)
            yield Leftover(first + row, column + 1, "marker", marker)
