"""What every MD rule shares: one pymarkdownlnt scan of a document, read by each MD rule.

The records themselves are in `md_headings`, `md_blocks` and `md_inline`. Each MD rule keeps
the findings with its own id from the scan of the document being checked, which is done once
for all of them (`markdown_style.scan`). When pymarkdownlnt cannot check a file, the first MD
rule that asks reports it (the engine makes it an RB000 finding on that file) and the others
stay silent, so one failure is one finding.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from ..findings import Hit
from ..markdown_style import KEY, Failure, ScanError, scan
from ..rule import DOC_KINDS, DocCheck, Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document


class _Scan:
    """The scan of the document being checked, kept until the next document."""

    def __init__(self) -> None:
        self.key: tuple[str, str] | None = None
        self.failures: list[Failure] = []
        self.error: ScanError | None = None
        self.reported = False


def _catalogued() -> list[str]:
    from . import all_rules

    return [r.id for r in all_rules() if r.switch == KEY]


def failures(doc: Document, ctx: Context) -> list[Failure]:
    """pymarkdownlnt's findings on `doc` for every MD rule; the scan runs once per document."""
    state = ctx.memo("markdown-style-scan", _Scan)
    key = (doc.path, doc.text)
    if state.key != key:
        state.key, state.failures, state.error, state.reported = key, [], None, False
        try:
            state.failures = scan(doc.text, ctx.config.markdown_style, _catalogued())
        except ScanError as exc:
            state.error = exc
    if state.error is not None and not state.reported:
        state.reported = True
        raise state.error
    return state.failures


def _warm_up(ctx: Context) -> None:
    """Import pymarkdownlnt and its rule plugins once, before the workers are forked."""
    scan("# Title\n", ctx.config.markdown_style, ["MD001"])


def _check(rule_id: str) -> DocCheck:
    def check(doc: Document, ctx: Context) -> Iterator[Hit]:
        for failure in failures(doc, ctx):
            if failure.rule == rule_id:
                yield Hit(failure.line, failure.column, failure.message)

    return check


def md_rule(
    rule_id: str,
    name: str,
    summary: str,
    rationale: str,
    bad: str,
    good: str,
    options: Mapping[str, str] | None = None,
) -> Rule:
    """An MD rule record: pymarkdownlnt's rule `rule_id`, with its markdownlint name."""
    return Rule(
        id=rule_id,
        name=name,
        severity="error",
        summary=summary,
        rationale=rationale,
        bad=bad,
        good=good,
        check=_check(rule_id),
        kinds=DOC_KINDS,
        options=options or {},
        switch=KEY,
        prepare=_warm_up,
    )
