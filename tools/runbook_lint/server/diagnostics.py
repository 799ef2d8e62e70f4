"""Findings as diagnostics, and their safe fixes as code actions.

A diagnostic starts where the finding points and runs to the end of the word there; its `code`
is the rule id and its `codeDescription` links the rule's page in the built site (or under the
base address the editor configures). A finding's fix becomes a quick fix; all the safe fixes of
a file together become one `source.fixAll` action, offered when they apply together as
`check --fix` would apply them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from lsprotocol import types as lsp

from ..findings import Finding, Fix
from ..fixes.apply import apply_edits
from .positions import LineIndex

SOURCE = "runbook-lint"
FIX_ALL = f"{lsp.CodeActionKind.SourceFixAll.value}.runbook-lint"
SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}


def diagnostic(finding: Finding, lines: LineIndex, href: str | None) -> lsp.Diagnostic:
    start = lines.position(finding.line, finding.column)
    end = lines.word_end(finding.line, finding.column)
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(*start), lsp.Position(*end)),
        message=finding.message,
        severity=SEVERITY[finding.severity],
        code=finding.rule,
        code_description=lsp.CodeDescription(href=href) if href else None,
        source=SOURCE,
    )


def problem(message: str) -> lsp.Diagnostic:
    """A check that could not run (an invalid configuration or contract): said at the top of
    the file, where the author is looking."""
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        message=f"runbook-lint could not check this file: {message}",
        severity=lsp.DiagnosticSeverity.Error,
        source=SOURCE,
    )


def _edits(fix: Fix, lines: LineIndex) -> list[lsp.TextEdit]:
    out = []
    for edit in fix.edits:
        start = lines.position(edit.line, edit.column)
        end = lines.position(edit.end_line, edit.end_column)
        out.append(
            lsp.TextEdit(
                range=lsp.Range(lsp.Position(*start), lsp.Position(*end)),
                new_text=lines.replacement(edit.replacement),
            )
        )
    return out


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    def key(p: lsp.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def code_actions(
    findings: Sequence[Finding],
    uri: str,
    lines: LineIndex,
    wanted: lsp.Range,
    texts: Callable[[str], tuple[str, str] | None],
    href: Callable[[str], str | None],
) -> list[lsp.CodeAction]:
    """A quick fix for each finding with a safe fix whose diagnostic touches `wanted`, and one
    action applying every safe fix of the file. `texts(path)` gives the URI and current text of
    another file a fix changes (the index, say), or None when it cannot be read."""
    actions: list[lsp.CodeAction] = []
    fixable = [f for f in findings if f.fix is not None and f.fix.edits]
    for finding in fixable:
        diag = diagnostic(finding, lines, href(finding.rule))
        if not _overlaps(diag.range, wanted):
            continue
        assert finding.fix is not None
        edit = _workspace_edit([finding.fix], uri, lines, texts)
        if edit is None:
            continue
        actions.append(
            lsp.CodeAction(
                title=f"{finding.fix.description} ({finding.rule})",
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diag],
                edit=edit,
                is_preferred=True,
            )
        )
    if fixable:
        fixes = list({(f.fix.path, f.fix.edits): f.fix for f in fixable if f.fix}.values())
        edit = _workspace_edit(fixes, uri, lines, texts)
        if edit is not None:
            actions.append(
                lsp.CodeAction(title="Apply every safe runbook-lint fix", kind=FIX_ALL, edit=edit)
            )
    return actions


def _workspace_edit(
    fixes: Iterable[Fix],
    uri: str,
    lines: LineIndex,
    texts: Callable[[str], tuple[str, str] | None],
) -> lsp.WorkspaceEdit | None:
    """The fixes as one edit, or None when they do not apply together to the files as they
    are now (the same test `check --fix` makes before it writes)."""
    by_file: dict[str | None, list[Fix]] = {}
    for fix in fixes:
        by_file.setdefault(fix.path, []).append(fix)
    changes: dict[str, list[lsp.TextEdit]] = {}
    for path, group in by_file.items():
        if path is None:
            target_uri, target_lines, text = uri, lines, None
        else:
            found = texts(path)
            if found is None:
                return None
            target_uri, text = found
            target_lines = LineIndex(text, lines.encoding)
        edits = [e for fix in group for e in fix.edits]
        if apply_edits(text if text is not None else lines.text, edits)[0] is None:
            return None
        changes[target_uri] = [e for fix in group for e in _edits(fix, target_lines)]
    return lsp.WorkspaceEdit(changes=changes)
