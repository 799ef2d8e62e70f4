"""Severity levels where a page names them, and what each is given to.

The levels are CRITICAL, HIGH, MEDIUM, LOW and INFO, written in capitals (usually as a link to
the index's severity levels). A mention is a level with its subject: the signal or scenario it
is given to. The index gives levels in its tables (`index_levels`): a runbook's row, a quick
reference row (its scenario, split into the signals it names), and the examples of the severity
definitions. Any page gives them in prose (`mentions`): in "A fork is detected (severity
[HIGH](index.md#severity-levels))" the subject is the words before the parenthesis; a sentence
with one level and no parenthesis gives it to the whole sentence; a sentence with several
levels and no parentheses ("at CRITICAL for a halt or HIGH for a fork") is left alone rather
than guessed at.

Subjects are compared by their words (`words`): lower case, without small words, plurals
folded. A signal matches a subject when every word of the signal is in it: "backup job failed"
is not "scheduled backup".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from .glance import SEVERITY, glance
from .index_tables import classify, tables_with_headings
from .page import Page
from .records import Cell, Paragraph, Table
from .runbook import Document

LEVELS = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")  # highest first
RANK = {level: len(LEVELS) - i for i, level in enumerate(LEVELS)}

_LEVEL_RE = re.compile(r"(?<![\w-])(CRITICAL|HIGH|MEDIUM|LOW|INFO)(?![\w-])")
_BACKTICKS_RE = re.compile(r"`+")
_TARGET_RE = re.compile(r"\]\(([^)\s]*)\)")
_SENTENCE_END_RE = re.compile(r"[.;:](?=\s|$)")
_OPEN_PAREN_RE = re.compile(r"\(\s*(?:severity\s*)?\[?\s*$", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z0-9][a-z0-9_.%/-]*[a-z0-9%]|[a-z0-9]")
_PARENTHETICAL_RE = re.compile(r"\([^)]*\)")
_SMALL_WORDS = """
a an the is are was were be been being of or and for to in on at by with from as it its this
that these those one more any if when than then severity level
"""
_STOP_WORDS = frozenset(_SMALL_WORDS.split())
_DEFINITION_HEADERS = frozenset({"severity", "level", "severity level", "levels"})


def words(text: str) -> frozenset[str]:
    """The words that identify a subject: lower case, no small words, plurals folded."""
    found = set()
    for word in _WORD_RE.findall(text.lower().replace("`", "")):
        if word in _STOP_WORDS:
            continue
        if len(word) > 3 and word.isalpha() and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return frozenset(found)


@dataclass(frozen=True)
class Mention:
    """A level given to a subject at a place in a file."""

    level: str
    line: int
    column: int
    subject: str  # the subject as written (plain text)
    link: str | None = None  # the link target when the level is a link's text

    @cached_property
    def words(self) -> frozenset[str]:
        return words(self.subject)


@dataclass(frozen=True)
class RunbookRow:
    """A runbook's row in the index's runbook table, with the level it gives the runbook."""

    target: str  # the link to the runbook, as written
    title: str
    mention: Mention


@dataclass(frozen=True)
class Signal:
    """A signal or scenario the index names with a level (a quick reference row, or an example
    in the severity definitions); `target` is the quick reference row's link."""

    name: str
    mention: Mention
    target: str | None

    @cached_property
    def words(self) -> frozenset[str]:
        return words(self.name)


@dataclass(frozen=True)
class IndexLevels:
    rows: tuple[RunbookRow, ...]
    signals: tuple[Signal, ...]
    definitions: int | None  # the line of the severity definitions table


def is_definitions_table(table: Table) -> bool:
    """A table that defines the levels: its first column is the level, one row per level."""
    if not table.header or table.header[0].text.strip().lower() not in _DEFINITION_HEADERS:
        return False
    firsts = [row[0].text.strip() for row in table.rows if row]
    return sum(1 for text in firsts if text in LEVELS) >= 2


def _cell_mention(doc: Page, cell: Cell, subject: str) -> Mention | None:
    match = _LEVEL_RE.search(cell.text)
    if match is None:
        return None
    column = doc.locate(cell.line, match.group(1), cell.column)
    link = next((link.target for link in cell.links if link.text.strip() == match.group(1)), None)
    return Mention(match.group(1), cell.line, column, subject, link)


def _column(table: Table, *names: str) -> int | None:
    for index, cell in enumerate(table.header):
        if cell.text.strip().lower() in names:
            return index
    return None


def signal_names(text: str) -> list[str]:
    """The signals a quick reference scenario or a definitions example names: split at
    commas, qualifiers in parentheses dropped; each keeps two words or more, or one reason code
    (`stage_conflict`)."""
    names = []
    for part in _PARENTHETICAL_RE.sub(" ", text).split(","):
        part = re.sub(r"^(?:or|and)\s+", "", " ".join(part.split()))
        found = words(part)
        if len(found) >= 2 or any("_" in word for word in found):
            names.append(part)
    return names


def index_levels(doc: Page) -> IndexLevels:
    """The levels the index's tables give: runbook rows, quick reference rows, definitions."""
    rows: list[RunbookRow] = []
    signals: list[Signal] = []
    definitions = None
    for table, heading in tables_with_headings(doc):
        kind = classify(table, heading)
        if kind == "severity" and definitions is None and is_definitions_table(table):
            definitions = table
            examples = _column(table, "examples", "example")
            for row in table.rows:
                if examples is None or examples >= len(row) or not row:
                    continue
                mention = _cell_mention(doc, row[0], "")
                cell = row[examples]
                for name in signal_names(cell.text) if mention else ():
                    assert mention is not None
                    column = doc.locate(cell.line, name, cell.column)
                    at = Mention(mention.level, cell.line, column, name, mention.link)
                    signals.append(Signal(name, at, None))
            continue
        level = _column(table, "severity", "level")
        if level is None or kind not in ("quick", "runbooks"):
            continue
        for row in table.rows:
            if level >= len(row) or not row:
                continue
            first = row[0]
            link = next((lk.target for cell in row for lk in cell.links), None)
            mention = _cell_mention(doc, row[level], first.text.strip())
            if mention is None:
                continue
            if kind == "runbooks":
                if link is not None and first.links:
                    rows.append(RunbookRow(first.links[0].target, first.text.strip(), mention))
                continue
            for name in signal_names(first.text):
                signals.append(Signal(name, _with_subject(mention, name), link))
    line = definitions.line if definitions is not None else None
    return IndexLevels(tuple(rows), tuple(signals), line)


def _with_subject(mention: Mention, subject: str) -> Mention:
    return Mention(mention.level, mention.line, mention.column, subject, mention.link)


# -- levels in prose ---------------------------------------------------------------------------


def _masked(text: str) -> str:
    """`text` with code spans and link targets blanked (same length): no level hides there,
    and no full stop inside them ends a sentence."""
    chars = list(text)
    for start, end in _code_spans(text):
        chars[start:end] = "x" * (end - start)
    for match in _TARGET_RE.finditer("".join(chars)):
        start, end = match.span(1)
        chars[start:end] = "x" * (end - start)
    return "".join(chars)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """The contents of the code spans of an inline source, as CommonMark pairs backtick runs:
    a run opens a span that the next run of the same length closes (in time linear in the
    runs, whatever the text)."""
    runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS_RE.finditer(text)]
    later: dict[int, list[int]] = {}  # run length -> indexes of the runs of that length
    for index, (_, length) in enumerate(runs):
        later.setdefault(length, []).append(index)
    spans = []
    index = 0
    while index < len(runs):
        start, length = runs[index]
        same = later[length]
        position = bisect_right(same, index)
        if position == len(same):
            index += 1  # nothing closes it: literal backticks
            continue
        close = same[position]
        spans.append((start + length, runs[close][0]))
        index = close + 1
    return spans


def _plain(source: str) -> str:
    return " ".join(_TARGET_RE.sub("] ", source).replace("[", " ").replace("]", " ").split())


def paragraph_mentions(doc: Page, para: Paragraph) -> list[Mention]:
    """The levels a paragraph gives, each with its subject (see the module's docstring)."""
    source = para.text
    masked = _masked(source)
    found: list[Mention] = []
    start = 0
    for end in [m.end() for m in _SENTENCE_END_RE.finditer(masked)] + [len(masked)]:
        tokens = list(_LEVEL_RE.finditer(masked, start, end))
        segment = start
        for token in tokens:
            before = masked[segment : token.start()]
            opening = _OPEN_PAREN_RE.search(before)
            if opening is not None:
                subject = _plain(source[segment : segment + opening.start()])
            elif len(tokens) == 1:
                subject = _plain(source[start : token.start()] + " " + source[token.end() : end])
            else:
                subject = ""
            close = masked.find(")", _after_link(masked, token.end()), end)
            segment = close + 1 if opening is not None and close >= 0 else token.end()
            if not subject:
                continue
            line, column = doc.paragraph_position(para, token.start())
            found.append(Mention(token.group(1), line, column, subject, _link(source, token)))
        start = end
    return found


def level_tokens(doc: Page, para: Paragraph) -> list[Mention]:
    """Every level a paragraph names, subject or not, with its link target."""
    masked = _masked(para.text)
    found = []
    for token in _LEVEL_RE.finditer(masked):
        line, column = doc.paragraph_position(para, token.start())
        found.append(Mention(token.group(1), line, column, "", _link(para.text, token)))
    return found


def _after_link(masked: str, end: int) -> int:
    """Past `](target)` when the level is a link's text."""
    if masked.startswith("](", end):
        close = masked.find(")", end + 2)
        return close + 1 if close >= 0 else end
    return end


def _link(source: str, token: re.Match[str]) -> str | None:
    if token.start() == 0 or source[token.start() - 1] != "[":
        return None
    target = _TARGET_RE.match(source, token.end())
    return target.group(1) if target else None


def mentions(doc: Page, skip: frozenset[int] = frozenset(), tables: bool = True) -> list[Mention]:
    """The levels the page gives in prose (but in the paragraphs starting on the lines in
    `skip`) and, with `tables`, in its tables other than definitions tables."""
    found: list[Mention] = []
    for para in doc.paragraphs:
        if para.line not in skip:
            found.extend(paragraph_mentions(doc, para))
    for table in doc.tables if tables else ():
        if is_definitions_table(table):
            continue
        for row in table.rows:
            for index, cell in enumerate(row):
                rest = _LEVEL_RE.sub(" ", cell.text).strip()
                subject = rest if words(rest) else (row[0].text if index else "")
                mention = _cell_mention(doc, cell, subject.strip())
                if mention is not None and mention.subject:
                    found.append(mention)
    return found


@dataclass(frozen=True)
class PageLevels:
    """What a runbook says about levels: its own severity (the At a glance part), the levels
    it gives in prose and tables, and where it defines levels in a table of its own."""

    severity: tuple[Mention, ...]  # the levels the At a glance severity names
    mentions: tuple[Mention, ...]
    definitions: tuple[tuple[int, int], ...]  # (line, column) of each definitions table

    @property
    def level(self) -> Mention | None:
        return self.severity[0] if self.severity else None


def page_levels(doc: Document, tables: bool = True) -> PageLevels:
    """What `doc` says about levels (without its tables: the index's are `index_levels`)."""
    found = glance(doc)
    part = found.part(SEVERITY) if found is not None else None
    severity = level_tokens(doc, part.paragraph) if part is not None else []
    skip = frozenset({part.paragraph.line}) if part is not None else frozenset()
    definitions = tuple((t.line, t.header[0].column) for t in doc.tables if is_definitions_table(t))
    return PageLevels(tuple(severity), tuple(mentions(doc, skip, tables)), definitions)
