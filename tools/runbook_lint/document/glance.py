"""The "At a glance" section: what an operator reads first on a runbook page.

The section is the template's (`## At a glance`, the first section); it holds four parts, each
a paragraph that starts with its label in bold, in this order:

    **Use it when:** the trigger the operator recognises
    **Severity:** [HIGH](index.md#severity-levels)
    **First safe command** (read-only, changes nothing):   followed by one shell block
    **Escalate:** [Escalation](#escalation): the first condition, and to whom

`glance(doc)` reads it once; the RB14x rules check it and the site styles it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import CodeBlock, Link, Paragraph, Section
from .runbook import Document
from .text import normalise_title

TITLE = "At a glance"
USE = "use it when"
SEVERITY = "severity"
FIRST_COMMAND = "first safe command"
ESCALATE = "escalate"
PARTS = (USE, SEVERITY, FIRST_COMMAND, ESCALATE)
LABELS = {USE: "Use it when:", SEVERITY: "Severity:", FIRST_COMMAND: "First safe command",
          ESCALATE: "Escalate:"}  # fmt: skip

# `**Label:**`, `**Label**:`, `**Label**` at the start of a paragraph.
_LABEL_RE = re.compile(r"^(?:\*\*|__)(?P<label>[^*_\n]+?)(?:\*\*|__)\s*:?")


@dataclass(frozen=True)
class Part:
    name: str  # one of PARTS
    paragraph: Paragraph
    rest: str  # the paragraph's source after the bold label
    rest_offset: int  # where `rest` starts in the paragraph's source
    links: tuple[Link, ...]  # the links of the paragraph

    @property
    def line(self) -> int:
        return self.paragraph.line

    @property
    def column(self) -> int:
        return self.paragraph.column


@dataclass(frozen=True)
class Glance:
    section: Section
    parts: tuple[Part, ...]  # the parts found, in document order
    blocks: tuple[CodeBlock, ...]  # the code blocks of the section

    def part(self, name: str) -> Part | None:
        return next((p for p in self.parts if p.name == name), None)

    def blocks_of(self, part: Part) -> tuple[CodeBlock, ...]:
        """The code blocks after `part` and before the next part (or the section's end)."""
        later = [p.line for p in self.parts if p.line > part.line]
        end = min(later) if later else self.section.end_line + 1
        return tuple(b for b in self.blocks if part.paragraph.end_line < b.line < end)


def part_name(label: str) -> str | None:
    key = normalise_title(label.rstrip(": "))
    return key if key in PARTS else None


def glance(doc: Document) -> Glance | None:
    """The page's At a glance section, or None when it has none."""
    section = doc.section(TITLE)
    if section is None:
        return None
    first, last = section.start_line, section.end_line
    parts: list[Part] = []
    for para in doc.paragraphs:
        if not first < para.line <= last or para.in_list or para.in_quote:
            continue
        match = _LABEL_RE.match(para.text)
        name = part_name(match.group("label")) if match else None
        if match is None or name is None:
            continue
        links = tuple(link for link in doc.links if para.line <= link.line <= para.end_line)
        parts.append(Part(name, para, para.text[match.end() :], match.end(), links))
    blocks = tuple(b for b in doc.code_blocks if first < b.line <= last)
    return Glance(section, tuple(parts), blocks)
