"""The fix of RB101: the sections a runbook lacks, inserted empty where they belong."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..findings import Edit, Fix

if TYPE_CHECKING:
    from ..document import Document

TODO = "<!-- TODO: write the {title} section (added by runbook-lint --fix) -->"


def missing_sections_fix(doc: Document, line: int, titles: Sequence[str]) -> Fix:
    """Insert empty `## Title` sections (each with a TODO comment) before `line`.

    Past the last heading the sections go at the end of the file. The TODO keeps a finding
    (the section is empty) until an author writes the section.
    """
    blocks = [f"## {title}\n\n{TODO.format(title=title)}\n" for title in titles]
    if line <= len(doc.lines) and doc.line_text(line).lstrip().startswith("#"):
        return Fix(
            f"add the missing section(s) {', '.join(titles)}",
            (Edit(line, 1, line, 1, "\n".join(blocks) + "\n"),),
        )
    last = len(doc.lines)
    tail = doc.line_text(last)
    if tail:  # no newline at the end of the file
        text = "\n\n" + "\n".join(blocks)
    else:
        before = doc.line_text(last - 1) if last > 1 else ""
        text = ("\n" if before.strip() else "") + "\n".join(blocks)
    return Fix(
        f"add the missing section(s) {', '.join(titles)}",
        (Edit(last, len(tail) + 1, last, len(tail) + 1, text),),
    )
