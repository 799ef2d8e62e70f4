"""A parsed Markdown file read as a runbook: sections, metadata, procedure steps and labels.

`Document` is the model every rule, the audit and the site read. Sections are the level-2
headings (the template's sections); metadata comes from YAML front matter or the `Key: value`
lines under the title; a step is a `Step N: Name` heading with its label (🔵 OPERATIONAL /
🔴 CONSTITUTIONAL), its checklist and its Verification block. Lookups memoise per document and
stay logarithmic in documents with thousands of steps.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from .page import Page
from .records import (
    Heading,
    Label,
    LabelKind,
    ListItem,
    MetaField,
    Paragraph,
    RunbookDeclaration,
    Section,
    Step,
    UnknownLabel,
    Verification,
)
from .text import normalise_title

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
_DECLARATION_RE = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*)?Runbook(?:\*\*)?\s*:(?:\*\*)?\s*(?P<rest>.*)$", re.IGNORECASE
)
_DECLARED_LINK_RE = re.compile(r"\]\((?P<target>[^)#\s]+)(?:#[^)]*)?\)|`(?P<code>[^`]+\.md)`")
_DECLARED_KEY_RE = re.compile(r"^runbook\s*:\s*['\"]?([^'\"\s]+)")

# number, name, end line, label, checklist, verification
_StepParts = tuple[int, str, int, Label | None, tuple[ListItem, ...], Verification | None]


def meta_key(name: str) -> str:
    return re.sub(r"[\s_-]+", "_", name.strip().lower())


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


@dataclass(frozen=True)
class Document(Page):
    """One parsed Markdown file with its runbook meaning."""

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

    @cached_property
    def declared_runbook(self) -> RunbookDeclaration | None:
        """The runbook a drill declares it rehearses (`runbook:` in front matter first, then
        the first `Runbook:` line outside code blocks); None when there is no declaration."""
        front = self.front_matter
        if front is not None:
            text, first = front
            for offset, raw in enumerate(text.split("\n")):
                m = _DECLARED_KEY_RE.match(raw)
                if m:
                    return RunbookDeclaration(first + offset, m.start(1) + 1, m.group(1))
        in_code = {
            line for block in self.code_blocks for line in range(block.line, block.end_line + 1)
        }
        for number, raw in enumerate(self.lines, 1):
            if number in in_code:
                continue
            m = _DECLARATION_RE.match(raw)
            if m is None:
                continue
            link = _DECLARED_LINK_RE.search(m.group("rest"))
            if link is None:
                return RunbookDeclaration(number, m.start("rest") + 1, None)
            target = link.group("target") or link.group("code")
            start = link.start("target") if link.group("target") else link.start("code")
            return RunbookDeclaration(number, m.start("rest") + start + 1, target)
        return None
