"""What FR146 and FR147 ask of each procedure step, decided in one place.

Which headings are the procedure's steps, whether a step's Verification block is there and says
something, whether it carries a label, and whether a constitutional step cites governance: the
rules (RB121, RB201, RB203) report these gaps and the audit turns the same answers into its
evidence, so `check` and `audit` cannot disagree about a step.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .records import Step
from .runbook import Document
from .template import TemplateSpec

# A link into the governance pages (or an ADR) counts as a governance reference.
GOVERNANCE_LINK = re.compile(r"(governance|adr|decision)", re.IGNORECASE)


@dataclass(frozen=True)
class Gap:
    """What a step lacks, and where to put the cursor to add it."""

    line: int
    column: int
    message: str


def procedure_steps(doc: Document, spec: TemplateSpec | None) -> tuple[Step, ...]:
    """The steps: `Step N:` headings in the section that holds them in the template (none
    when the runbook follows no template or its template has no steps)."""
    if spec is None or spec.step_section is None:
        return ()
    return doc.steps_in(spec.step_section)


def verification_gap(step: Step) -> Gap | None:
    """None when the step has a Verification block that says something."""
    ver = step.verification
    if ver is None:
        heading = step.heading
        return Gap(
            heading.line,
            heading.column,
            f"step '{heading.text}' has no '**Verification:**' block",
        )
    if not ver.items:
        return Gap(
            ver.line,
            ver.column,
            f"step '{step.heading.text}' has an empty Verification block: say what the "
            "operator sees when the step worked and how to see it",
        )
    return None


def label_gap(step: Step) -> Gap | None:
    """None when the step is labelled 🔵 OPERATIONAL or 🔴 CONSTITUTIONAL."""
    if step.label is not None:
        return None
    return Gap(
        step.heading.line,
        step.heading.column,
        f"step '{step.heading.text}' has no label: start it with '🔵 **OPERATIONAL**' or "
        "'🔴 **CONSTITUTIONAL**'",
    )


def governance_citation(
    doc: Document, patterns: Sequence[re.Pattern[str]], first: int, last: int
) -> tuple[int, str] | None:
    """The first line from `first` to `last` that cites a governance requirement (a pattern
    of the `governance` setting, or a link to a governance page), with what it cites."""
    for line in range(first, last + 1):
        text = doc.line_text(line)
        for pattern in patterns:
            match = pattern.search(text)
            if match:
                return line, match.group(0)
    for link in doc.links:
        if first <= link.line <= last and GOVERNANCE_LINK.search(link.target):
            return link.line, link.target
    return None


def governance_gap(doc: Document, step: Step, patterns: Sequence[re.Pattern[str]]) -> Gap | None:
    """None unless the step is constitutional and cites no governance requirement."""
    label = step.label
    if label is None or label.kind != "constitutional":
        return None
    if governance_citation(doc, patterns, step.start_line, step.end_line) is not None:
        return None
    return Gap(
        label.line,
        label.column,
        f"constitutional step '{step.heading.text}' cites no governance requirement: name the "
        "ADR or FR it serves (e.g. ADR-10, FR21) or link the governance page",
    )
