"""The escalation table of a runbook: its rows, and the roles each row's Contact cell names.

A row names the roles it escalates to by id, as inline code in its Contact cell
(`` `database-on-call` ``, several separated by commas); the ids are declared in the contacts
file (`contacts.py`). Everything else in the cell is prose for the reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from .records import Cell, InlineCode, Table
from .runbook import Document
from .text import normalise_title

CONTACT_COLUMN = "contact"


@dataclass(frozen=True)
class EscalationRow:
    line: int
    cells: tuple[Cell, ...]
    contact: Cell | None  # None when the table has no Contact column or the row is short
    roles: tuple[InlineCode, ...]  # the role ids the Contact cell names, in order


def escalation_table(doc: Document, section_title: str) -> Table | None:
    """The first table of the section `section_title` (None without the section or a table)."""
    section = doc.section(section_title)
    if section is None:
        return None
    return next((t for t in doc.tables if section.start_line < t.line <= section.end_line), None)


def escalation_rows(doc: Document, section_title: str) -> tuple[EscalationRow, ...]:
    """The rows of the escalation table in `section_title`, with the roles each one names."""
    table = escalation_table(doc, section_title)
    if table is None:
        return ()
    header = [normalise_title(c.text) for c in table.header]
    index = header.index(CONTACT_COLUMN) if CONTACT_COLUMN in header else None
    out = []
    for row in table.rows:
        line = row[0].line if row and row[0].line else table.line
        contact = row[index] if index is not None and index < len(row) else None
        roles: tuple[InlineCode, ...] = ()
        if contact is not None and contact.line:
            following = row[index + 1].column if index is not None and index + 1 < len(row) else 0
            roles = tuple(
                code
                for code in doc.inline_codes
                if code.line == contact.line
                and code.column >= contact.column
                and (not following or code.column < following)
                and code.text.strip()
            )
        out.append(EscalationRow(line, row, contact, roles))
    return tuple(out)
