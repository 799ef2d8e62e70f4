"""A row for a runbook in the index's runbook table: RB301's fix, and what `new` adds.

Everything here returns an `Edit` (or the row's text); `apply.py` writes files.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..findings import Edit, Fix

if TYPE_CHECKING:
    from ..document import Document, Table
    from ..library import Library


@dataclass(frozen=True)
class IndexRow:
    line: int  # line the row is inserted before (or appended after, see `append`)
    text: str
    append: bool  # the table ends the file without a newline


def _runbook_table(library: Library, index: Document) -> Table | None:
    """The index table that lists runbooks: the one with most links to runbooks or drills."""
    best, best_count = None, 0
    for table in index.tables:
        count = 0  # rows that start with a link to a whole runbook (no #section)
        for row in table.rows:
            links = row[0].links if row else ()
            for link in links[:1]:
                path = library.linked_file(index, link.target)
                if "#" in link.target or path is None:
                    continue
                if library.kind_of(path) in ("runbook", "drill"):
                    count += 1
        if count > best_count:
            best, best_count = table, count
    if best is None:
        for table in index.tables:
            if table.header and "runbook" in table.header[0].text.lower():
                return table
    return best


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def index_row(library: Library, target: Path, title: str, owner: str) -> IndexRow | None:
    """A row for `target` in the index's runbook table, after the last row of its kind."""
    index = library.index
    if index is None:
        return None
    table = _runbook_table(library, index)
    if table is None:
        return None
    kind = library.kind_of(target)
    rel = posixpath.normpath(
        os.path.relpath(target, library.index_path.parent).replace(os.sep, "/")
    )
    cells = []
    link_column = 0
    for row in table.rows:
        columns = [i for i, c in enumerate(row) if c.links]
        if columns:
            link_column = columns[0]
            break
    for number, head in enumerate(table.header):
        name = head.text.strip().lower()
        if number == link_column:
            cells.append(f"[{_cell(title)}]({rel})")
        elif "owner" in name:
            cells.append(_cell(owner))
        elif name in ("area", "group", "category", "type", "kind") and kind == "drill":
            cells.append("Drill")
        else:
            cells.append("")
    text = "| " + " | ".join(cells) + " |"
    after = table.rows[-1][0].line if table.rows and table.rows[-1] else table.line + 1
    for row in table.rows:
        for cell in row:
            for link in cell.links:
                path = library.linked_file(index, link.target)
                if path is not None and library.kind_of(path) == kind:
                    after = row[0].line
    if after >= len(index.lines):  # the row is the file's last line, with no newline after it
        return IndexRow(len(index.lines), text, append=True)
    return IndexRow(after + 1, text, append=False)


def index_row_fix(library: Library, target: Path, title: str, owner: str) -> Fix | None:
    row = index_row(library, target, title, owner)
    if row is None:
        return None
    index = library.index
    assert index is not None
    if row.append:
        end = len(index.line_text(row.line)) + 1
        edit = Edit(row.line, end, row.line, end, "\n" + row.text)
    else:
        edit = Edit(row.line, 1, row.line, 1, row.text + "\n")
    return Fix(
        f"add '{title}' to the index",
        (edit,),
        path=library.display(library.index_path),
    )
