"""RB135: the runbook still holds text from its template, or a TODO-style marker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Hit
from ..rule import RUNBOOKS, Rule
from .rb1_common import GOOD

if TYPE_CHECKING:
    from ..context import Context
    from ..library import Library


def check_leftovers(library: Library, ctx: Context) -> Iterator[Hit]:
    # A library rule: telling a template's boilerplate (kept by most runbooks) from text left
    # over takes the other runbooks, read only when a runbook holds template text at all.
    for display in library.checked:
        path = library.absolute(display)
        if library.kind_of(path) not in RUNBOOKS:
            continue
        for left in library.leftovers(path):
            yield Hit(left.line, left.column, left.message, path=display)


# The library has no TEMPLATE.md here, so runbooks follow the built-in Story 8.9 template.
_BAD = GOOD.replace(
    "Take a consistent backup of the database and the event store.",
    "[When and why to use this runbook]",
).replace("Not applicable: taking a backup changes nothing that needs undoing.", "TBD")

RULES = (
    Rule(
        id="RB135",
        name="template-text-left",
        severity="error",
        summary="Text copied unchanged from the template, or a TODO / TBD / FIXME / XXX marker, "
        "is still in the runbook.",
        rationale=(
            "A runbook scaffolded from the template has every section, step, label and "
            "Verification block, so every structural check passes while the text is still the "
            "template's instructions ('One or two sentences: what this runbook restores...', "
            "'Owner: Owning Team or Role', the example commands). An operator who opens it "
            "during an outage finds no procedure, and an audit that counts sections would pass "
            "it. Paragraphs, list items, table rows, code blocks of two lines or more, the "
            "title and placeholder metadata that are the template's, after whitespace is "
            "normalised, are reported, and so are TODO, TBD, FIXME and XXX used as markers "
            "in prose or comments (not inside words, quotes, code or link targets). Headings, "
            "labels, lead-ins ending with a colon, short passages, link-only references, forms "
            "to fill in (a drill's sign-off rows) and the library's boilerplate (a passage most "
            "runbooks of the template keep) are not: a finished runbook shares them with its "
            "template."
        ),
        bad=_BAD,
        good=GOOD,
        check_library=check_leftovers,
    ),
)
