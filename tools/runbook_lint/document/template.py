"""The template is data: required sections and step conventions come from TEMPLATE.md."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .leftovers import TemplateText, template_text
from .runbook import Document, find_label
from .text import normalise_title

OPTIONAL_MARK = "runbook-lint: optional"

# The Story 8.9 standard template, used when a library has no TEMPLATE.md of its own.
STORY_8_9_TEMPLATE = """\
# [Runbook Title]

Last Updated: YYYY-MM-DD
Version: 1.0
Owner: [Team/Role]

## Purpose

[When and why to use this runbook]

## Prerequisites

- [ ] Prerequisite

## Trigger Conditions

- Condition

## Procedure

### Step 1: [Step Name]

🔵 **OPERATIONAL**

- [ ] Action

**Verification:**

- Expected outcome: [description]
- Command to verify: `[command]`

## Escalation

| Condition | Escalate To | Contact |
|-----------|-------------|---------|
| [condition] | [role] | [contact] |

## Rollback

1. [Step]

## References

- [Related documentation]
"""


@dataclass(frozen=True)
class TemplateSection:
    title: str
    key: str  # normalised title used for matching
    optional: bool
    table_columns: tuple[str, ...]  # header of a table the section must carry, if any


@dataclass(frozen=True)
class TemplateSpec:
    path: str | None  # None for the built-in Story 8.9 template
    sections: tuple[TemplateSection, ...]
    metadata: tuple[str, ...]  # metadata keys the template shows
    step_section: str | None  # title of the section that holds `Step N:` steps
    labels: bool  # steps carry 🔵/🔴 labels
    checklists: bool  # steps carry checklists
    verification: bool  # steps carry a Verification block
    text: TemplateText = field(default_factory=TemplateText)  # passages to be replaced

    def section_for(self, title: str) -> TemplateSection | None:
        key = normalise_title(title)
        for section in self.sections:
            if section.key == key:
                return section
        return None


def spec_from_document(doc: Document, path: str | None) -> TemplateSpec:
    sections: list[TemplateSection] = []
    optional_lines = {
        c.line
        for c in doc.comments
        if c.text.lower().replace(" ", "") == OPTIONAL_MARK.replace(" ", "")
    }
    for section in doc.sections:
        next_lines = {section.start_line + 1, section.start_line + 2}
        columns: tuple[str, ...] = ()
        for table in doc.tables:
            if section.start_line < table.line <= section.end_line:
                columns = tuple(cell.text for cell in table.header)
                break
        sections.append(
            TemplateSection(
                title=section.title,
                key=normalise_title(section.title),
                optional=bool(optional_lines & next_lines)
                or section.title.lower().rstrip().endswith("(optional)"),
                table_columns=columns,
            )
        )
    steps = doc.steps
    step_section = None
    if steps:
        for section in doc.sections:
            if section.start_line < steps[0].start_line <= section.end_line:
                step_section = section.title
    text = doc.text
    return TemplateSpec(
        path=path,
        sections=tuple(sections),
        metadata=tuple(sorted(doc.metadata)),
        step_section=step_section,
        labels=any(find_label(line) for line in doc.lines),
        checklists=any(step.checklist for step in steps),
        verification=any(step.verification for step in steps) or "**Verification" in text,
        text=template_text(doc, path),
    )


def default_spec() -> TemplateSpec:
    return spec_from_document(Document.parse("<story-8.9 template>", STORY_8_9_TEMPLATE), None)


def sections_spec(titles: Sequence[str], path: str | None = None) -> TemplateSpec:
    """A template that is only a list of sections (a profile's, or the configured `sections`)."""
    return TemplateSpec(
        path=path,
        sections=tuple(TemplateSection(t, normalise_title(t), False, ()) for t in titles),
        metadata=(),
        step_section=None,
        labels=False,
        checklists=False,
        verification=False,
    )


# A page that only says where the content went, or that it is gone.
_STUB_RE = re.compile(
    r"\b(?:deprecated|moved|obsolete|retired|superseded|replaced by|has been removed|"
    r"no longer (?:used|exists|fires|maintained|applies|relevant))\b",
    re.IGNORECASE,
)
_POINTER_RE = re.compile(r"\s*(?:please )?(?:see|refer to|go to)\b", re.IGNORECASE)
STUB_MAX_LINES = 3


def is_stub(doc: Document) -> bool:
    """A page kept for an alert or a link that is gone: no section at all, and a few lines that
    say it is deprecated or moved, or that only point to another page. Template rules skip it."""
    if any(h.level > 1 for h in doc.headings):
        return False
    start = doc.title.line if doc.title is not None else 0
    if doc.front_matter is not None and start == 0:
        start = doc.front_matter[1] + doc.front_matter[0].count("\n") + 1
    body = [line for line in doc.lines[start:] if line.strip()]
    if len(body) > STUB_MAX_LINES:
        return False
    title = doc.title.text if doc.title is not None else ""
    if _STUB_RE.search(title) or _STUB_RE.search(" ".join(body)):
        return True
    return len(body) == 1 and (bool(doc.links) or bool(_POINTER_RE.match(body[0])))
