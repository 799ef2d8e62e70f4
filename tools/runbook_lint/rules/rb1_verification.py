"""RB124: a step's verification checks the outcome; it does not repeat the step's command.

The commands are read by the shell layer (`shell/syntax.py`: tree-sitter statements, as
written, with whitespace and line continuations normalised). A step's commands are its shell
blocks and the inline code presented as a command ("Run `...`") before its Verification block,
with every list, pipeline and simple command inside them; a verification's commands are the
statements of the blocks and of the cued inline code ("Command to verify: `...`") in the
Verification block. Setting the shell up (an assignment, `export`, `cd`) is no action, so a
verification may repeat it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Hit
from ..shell.snippets import Snippet, from_block, from_inline, is_cued
from .rb1_common import GOOD, template_rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document, Step


def _snippets(doc: Document, first: int, last: int) -> Iterator[Snippet]:
    """The shell blocks and the cued inline commands that start on lines first..last."""
    for block in doc.code_blocks:
        if first <= block.line <= last:
            snippet = from_block(block)
            if snippet is not None:
                yield snippet
    for code in doc.inline_codes:
        if first <= code.line <= last and is_cued(code):
            snippet = from_inline(code)
            if snippet is not None:
                yield snippet


def _step_commands(doc: Document, step: Step, before: int) -> dict[str, int]:
    """Every command of the step above line `before`, normalised, with the line it is on."""
    from ..shell.syntax import statements

    found: dict[str, int] = {}
    for snippet in _snippets(doc, step.start_line + 1, before - 1):
        tops, inner = statements(snippet)
        for statement in (*tops, *inner):
            if not statement.setup:
                found.setdefault(statement.text, snippet.position(statement.start)[0])
    return found


def check_circular(doc: Document, ctx: Context) -> Iterator[Hit]:
    from ..shell.syntax import statements

    for step in doc.steps:
        verification = step.verification
        if verification is None:
            continue
        checks = list(_snippets(doc, verification.line, verification.end_line))
        if not checks:
            continue
        repeated = _step_commands(doc, step, verification.line)
        for snippet in checks:
            for statement in statements(snippet)[0]:
                if statement.setup or statement.text not in repeated:
                    continue
                line, column = snippet.position(statement.start)
                yield Hit(
                    line,
                    column,
                    f"the verification repeats the step's command `{statement.text}` (line "
                    f"{repeated[statement.text]}): check the outcome the step produced, not "
                    "the action",
                )


RB124 = template_rule(
    "RB124",
    "circular-verification",
    "A step's verification command repeats a command of the step it verifies.",
    "Running the action again proves nothing about its outcome: it may fail the same way, or "
    "succeed a second time where it must run once. A verification reads the state the step "
    "produced (a file, a status, a field) and names the value the operator should see. The "
    "check compares commands after whitespace normalisation, including every command inside "
    "the step's pipelines; repeating an assignment or a `cd` to set the shell up is fine.",
    GOOD.replace(
        "- Command to verify: `ls -l /backups/db.dump`",
        '- Command to verify: `pg_dump --format=custom --file=/backups/db.dump "$DATABASE_URL"`',
    ),
    check_circular,
)

RULES = (RB124,)
