"""What each table of the index is for: the runbook table, the quick reference by scenario,
the severity levels, the emergency contacts. The site builds its pages from them and the
RB33x rules compare the levels they give."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from .page import Page
from .records import Heading, Table

TableKind = Literal["quick", "severity", "contacts", "runbooks"]

_QUICK = ("quick reference", "scenario", "symptom", "signal")
_SEVERITY = ("severity",)
_CONTACTS = ("contact",)


def may_be_severity(heading: str, first: str) -> bool:
    """Whether a table under the heading `heading`, whose first header cell is `first`, can be
    the severity table (`classify` says "severity"), from the text as written."""
    return any(word in heading.lower() for word in _SEVERITY) or first.strip().lower().startswith(
        "severity"
    )


def tables_with_headings(doc: Page) -> Iterator[tuple[Table, Heading | None]]:
    """Each table of `doc` with the nearest heading above it."""
    for table in doc.tables:
        heading = None
        for candidate in doc.headings:
            if candidate.line < table.line:
                heading = candidate
        yield table, heading


def classify(table: Table, heading: Heading | None) -> TableKind:
    """quick | severity | contacts | runbooks: what one of the index's tables is for."""
    title = (heading.text if heading else "").lower()
    first = table.header[0].text.lower() if table.header else ""
    if may_be_severity(title, first):
        return "severity"
    if any(word in title for word in _QUICK) or any(word in first for word in _QUICK):
        return "quick"
    if any(word in title for word in _CONTACTS):
        return "contacts"
    return "runbooks"
