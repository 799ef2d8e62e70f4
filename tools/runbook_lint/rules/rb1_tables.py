"""RB130-RB131: a section the template gives a table (Escalation) has it, with its columns and
no empty cell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..document import normalise_title
from ..findings import Hit
from .rb1_common import GOOD, template_rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document, Section, Table
    from ..document.template import TemplateSection


def _tabled_sections(
    doc: Document, ctx: Context
) -> Iterator[tuple[TemplateSection, Section, Table | None]]:
    """Each section the template gives a table, as present in `doc`, with its first table."""
    spec = ctx.library.template_for(doc)
    if spec is None:
        return
    for tsec in spec.sections:
        if not tsec.table_columns:
            continue
        sec = doc.section(tsec.title)
        if sec is None:
            continue
        table = next((t for t in doc.tables if sec.start_line < t.line <= sec.end_line), None)
        yield tsec, sec, table


def check_tables(doc: Document, ctx: Context) -> Iterator[Hit]:
    for tsec, sec, table in _tabled_sections(doc, ctx):
        columns = " | ".join(tsec.table_columns)
        if table is None:
            yield Hit(
                sec.heading.line,
                sec.heading.column,
                f"section '{sec.title}' needs a table with columns {columns}",
            )
            continue
        have = [normalise_title(c.text) for c in table.header]
        missing = [c for c in tsec.table_columns if normalise_title(c) not in have]
        if missing:
            yield Hit(
                table.line,
                1,
                f"table in '{sec.title}' lacks column(s) {', '.join(missing)}; expected {columns}",
            )
        if not table.rows:
            yield Hit(table.line, 1, f"table in '{sec.title}' has no rows")


RB130 = template_rule(
    "RB130",
    "table-columns",
    "A section the template gives a table (Escalation) lacks it or its columns.",
    "FR146: runbooks include escalation paths. The escalation table's Condition | "
    "Escalate To | Contact columns answer, at a glance, who to call and when.",
    GOOD.replace("| Condition | Escalate To | Contact |", "| Condition | Team | Contact |"),
    check_tables,
)


def check_table_cells(doc: Document, ctx: Context) -> Iterator[Hit]:
    for _, sec, table in _tabled_sections(doc, ctx):
        if table is None:
            continue
        header = [c.text for c in table.header]
        for row in table.rows:
            for index, cell in enumerate(row):
                if not cell.text.strip():
                    name = header[index] if index < len(header) else f"column {index + 1}"
                    yield Hit(
                        cell.line or table.line,
                        cell.column or 1,
                        f"empty '{name}' cell in the '{sec.title}' table",
                    )


RB131 = template_rule(
    "RB131",
    "empty-table-cell",
    "A row of the escalation table has an empty cell.",
    "An escalation row without a contact or a role is a dead end in the middle of an "
    "incident. The Contact cell names the role's id from the contacts file (RB132).",
    GOOD.replace("| Database on-call | `database-on-call` |", "| Database on-call |  |"),
    check_table_cells,
)


RULES = (RB130, RB131)
