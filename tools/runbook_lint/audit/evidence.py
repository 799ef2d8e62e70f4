"""FR145-FR147 evidence read from parsed Documents: what holds, and on which line.

The checks read the same `Document` model the rules use (steps, labels, Verification blocks,
tables, links); they do not re-parse Markdown. Which headings are steps, and what a step lacks
for FR146 and FR147, come from `document.procedure`, the functions RB121, RB201 and RB203 call,
so the audit passes a step exactly when those rules do. Each piece of evidence names its file
and line, so an auditor can open the runbook at the place that satisfies (or fails) the
requirement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..document.leftovers import Leftover
from ..document.procedure import (
    governance_citation,
    governance_gap,
    label_gap,
    procedure_steps,
    verification_gap,
)
from ..library.links import listed_path

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..document import Document, Step
    from ..library import Library

Status = Literal["pass", "fail", "deferred", "n/a"]

REQUIREMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "FR145",
        "Operational runbooks exist for all critical procedures",
        "the runbook exists, holds no template text or TODO marker, and the index lists it",
    ),
    (
        "FR146",
        "Runbooks include verification steps and escalation paths",
        "every step has a Verification block; an Escalation table whose rows reach declared "
        "contact roles; both the runbook's own text, not the template's",
    ),
    (
        "FR147",
        "Constitutional and operational procedures are clearly distinguished",
        "every step carries a 🔵/🔴 label; constitutional steps cite governance",
    ),
)


@dataclass(frozen=True)
class Evidence:
    check: str  # exists | indexed | steps | verification | escalation | label | governance
    passed: bool
    detail: str
    path: str | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Cell:
    requirement: str
    status: Status
    evidence: tuple[Evidence, ...]

    @property
    def failures(self) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if not e.passed)


def cell(requirement: str, evidence: list[Evidence]) -> Cell:
    status: Status = "pass" if all(e.passed for e in evidence) else "fail"
    return Cell(requirement, status, tuple(evidence))


def steps_of(doc: Document, library: Library) -> tuple[Step, ...]:
    return procedure_steps(doc, library.template_for(doc))


def unfinished(doc: Document, library: Library) -> tuple[Leftover, ...]:
    """What RB135 reports in `doc`: its template's passages and TODO-style markers. Evidence
    among them is not the runbook's own, so it does not count."""
    return library.leftovers(library.absolute(doc.path))


def _unwritten(left: Sequence[Leftover], first: int, last: int) -> Leftover | None:
    return next((item for item in left if item.covers(first, last)), None)


def fr145(
    doc: Document | None,
    expected: str,
    index: Document | None,
    indexed: int | None,
    left: Sequence[Leftover] = (),
) -> Cell:
    if doc is None:
        return cell("FR145", [Evidence("exists", False, "the runbook does not exist", expected)])
    title = doc.title
    found = [
        Evidence(
            "exists",
            True,
            f"'{title.text}'" if title else "exists (no title)",
            doc.path,
            title.line if title else 1,
        )
    ]
    if left:
        count = f"{len(left)} passage{'s are' if len(left) != 1 else ' is'}"
        detail = f"not written yet: {count} template text or a TODO marker ({left[0].what} first)"
        found.append(Evidence("written", False, detail, doc.path, left[0].line))
    else:
        found.append(Evidence("written", True, "no template text or TODO marker", doc.path))
    if index is None:
        found.append(Evidence("indexed", False, "the library has no index"))
    elif indexed is None:
        found.append(Evidence("indexed", False, f"not listed in {index.path}", index.path))
    else:
        found.append(Evidence("indexed", True, "listed in the index", index.path, indexed))
    return cell("FR145", found)


def escalation_evidence(
    doc: Document, library: Library, left: Sequence[Leftover] = ()
) -> list[Evidence]:
    """FR146 escalation paths: an Escalation table with rows, each reaching declared contact
    roles (`contacts.row_problems`, as RB132 reports them), written for this runbook rather
    than kept from the template; with require-contacts, none of them a placeholder."""
    from ..contacts import row_problems
    from ..document.escalation import escalation_rows, escalation_table

    title = library.escalation_section(doc) or next(
        (s.title for s in doc.sections if "escalation" in s.title.lower()), None
    )
    section = doc.section(title) if title is not None else None
    if title is None or section is None:
        return [Evidence("escalation", False, "no Escalation section", doc.path, None)]
    table = escalation_table(doc, title)
    if table is None:
        return [
            Evidence(
                "escalation",
                False,
                "the Escalation section has no table",
                doc.path,
                section.start_line,
            )
        ]
    rows = escalation_rows(doc, title)
    if not rows:
        return [
            Evidence("escalation", False, "the Escalation table has no rows", doc.path, table.line)
        ]
    copied = _unwritten(left, table.line, table.end_line)
    if copied is not None:
        detail = f"the Escalation table still holds {copied.what}"
        return [Evidence("escalation", False, detail, doc.path, copied.line)]
    contacts = library.contacts()
    found = []
    for row in rows:
        if row.contact is None or not row.contact.text.strip():
            found.append(
                Evidence("escalation", False, "escalation row has no contact", doc.path, row.line)
            )
        for line, _, message in row_problems(row, contacts):
            found.append(Evidence("escalation", False, message, doc.path, line))
    if found:
        return found
    named = [ref.text.strip() for row in rows for ref in row.roles]
    roles = list(dict.fromkeys(named))
    waiting = [r for r in roles if contacts.roles[r].placeholder]
    if waiting and library.config.require_contacts:
        listed = ", ".join(f"{r} ({contacts.roles[r].contact})" for r in waiting)
        return [
            Evidence(
                "escalation",
                False,
                f"escalation reaches placeholder contacts: {listed} (require-contacts)",
                doc.path,
                table.line,
            )
        ]
    count = len(rows)
    return [
        Evidence(
            "escalation",
            True,
            f"Escalation table, {count} row{'s' * (count != 1)} reaching {', '.join(roles)}",
            doc.path,
            table.line,
        )
    ]


def _rehearsed(doc: Document, library: Library) -> Document | None:
    found = doc.declared_runbook
    if found is None or found.target is None:
        return None
    for candidate in library.declared_runbook_paths(doc, found.target):
        if candidate.is_file():
            return library.document(candidate)
    return None


def _where(doc: Document) -> int | None:
    """The line of the section that should hold the steps (None when there is none)."""
    for section in doc.sections:
        if section.title.strip().lower().startswith("procedure"):
            return section.start_line
    return None


def fr146(doc: Document, library: Library, left: Sequence[Leftover] = ()) -> Cell:
    steps = steps_of(doc, library)
    found: list[Evidence] = []
    if not steps:
        found.append(
            Evidence("steps", False, "no procedure steps ('Step N: Name')", doc.path, _where(doc))
        )
    for step in steps:
        gap = verification_gap(step)
        ver = step.verification
        copied = _unwritten(left, ver.line, ver.end_line) if ver is not None else None
        if gap is not None:
            found.append(Evidence("verification", False, gap.message, doc.path, gap.line))
        elif copied is not None:
            detail = f"step '{step.heading.text}' verifies with {copied.what}"
            found.append(Evidence("verification", False, detail, doc.path, copied.line))
        else:
            assert ver is not None
            found.append(Evidence("verification", True, step.heading.text, doc.path, ver.line))
    escalation = escalation_evidence(doc, library, left)
    if not all(e.passed for e in escalation) and doc.kind == "drill":
        rehearsed = _rehearsed(doc, library)
        if rehearsed is not None:
            escalation = [
                Evidence(
                    "escalation",
                    via.passed,
                    f"drill escalates through its runbook: {via.detail}",
                    via.path,
                    via.line,
                )
                for via in escalation_evidence(rehearsed, library, unfinished(rehearsed, library))
            ]
        else:
            escalation = [
                Evidence(
                    "escalation",
                    False,
                    "drill has no Escalation table and names no runbook that has one",
                    doc.path,
                )
            ]
    found.extend(escalation)
    return cell("FR146", found)


def fr147(
    doc: Document,
    library: Library,
    patterns: list[re.Pattern[str]],
    left: Sequence[Leftover] = (),
) -> Cell:
    steps = steps_of(doc, library)
    found: list[Evidence] = []
    if not steps:
        found.append(Evidence("steps", False, "no procedure steps to label", doc.path, _where(doc)))
    for step in steps:
        gap = label_gap(step)
        if gap is not None:
            found.append(Evidence("label", False, gap.message, doc.path, gap.line))
            continue
        name, label = step.heading.text, step.label
        assert label is not None
        found.append(Evidence("label", True, f"{name}: {label.kind.upper()}", doc.path, label.line))
        gap = governance_gap(doc, step, patterns)
        if gap is not None:
            found.append(Evidence("governance", False, gap.message, doc.path, gap.line))
        elif label.kind == "constitutional":
            cited = governance_citation(doc, patterns, step.start_line, step.end_line)
            assert cited is not None  # what governance_gap found
            copied = _unwritten(left, cited[0], cited[0])
            if copied is not None:
                detail = f"constitutional step '{name}' cites governance only in {copied.what}"
                found.append(Evidence("governance", False, detail, doc.path, cited[0]))
            else:
                found.append(
                    Evidence("governance", True, f"{name}: cites {cited[1]}", doc.path, cited[0])
                )
    return cell("FR147", found)


def index_lines(library: Library) -> dict[Path, int]:
    """Files the index lists (links to the whole file, as RB301 counts them), with the line of
    the first such link to each."""
    index = library.index
    if index is None:
        return {}
    found: dict[Path, int] = {}
    for link in index.links:
        listed = listed_path(link.target)  # what RB301 counts: a link to the whole file
        if listed is not None:
            found.setdefault(library.resolve(index, listed), link.line)
    return found
