"""The audit report as Markdown (people, the site) and JSON (schemas/audit-report.schema.json)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from . import contacts
from .build import AuditReport, Row
from .evidence import REQUIREMENTS, Cell, Evidence

_MARK = {"pass": "✅ pass", "fail": "❌ FAIL", "deferred": "⏸ deferred", "n/a": "n/a"}

# (path, line) -> where a reader of the report finds that line (the site links to its page),
# or None to show the pointer as text.
Linker = Callable[[str, int | None], str | None]


def _cell_text(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _at(where: str, path: str | None, line: int | None, link: Linker | None) -> str:
    """An evidence pointer (`runbooks/x.md:350`), linked to its line when `link` can."""
    url = link(path, line) if link is not None and path else None
    return f"[`{where}`]({url})" if url else f"`{where}`"


def _line(e: Evidence, link: Linker | None) -> str:
    url = link(e.path, e.line) if link is not None and e.path else None
    return f"[{e.line}]({url})" if url else str(e.line)


def _lines(cell: Cell, check: str, link: Linker | None = None) -> str:
    items = [e for e in cell.evidence if e.check == check and e.passed and e.line]
    return ", ".join(_line(e, link) for e in items)


def _evidence_lines(row: Row, link: Linker | None = None) -> list[str]:
    out: list[str] = []
    if row.deferred:
        cell = row.cells[0]
        parts = [
            f"{e.detail} ({_at(e.where, e.path, e.line, link)})" if e.where else e.detail
            for e in cell.evidence
        ]
        return [f"- **FR145, FR146, FR147** {_MARK['deferred']}: " + "; ".join(parts)]
    for cell in row.cells:
        head = f"- **{cell.requirement}** {_MARK[cell.status]}"
        if cell.status == "n/a":
            out.append(f"{head}: " + "; ".join(e.detail for e in cell.evidence))
            continue
        parts = []
        for check in ("exists", "written", "indexed"):
            for e in cell.evidence:
                if e.check == check and e.passed:
                    parts.append(f"{check} {_at(e.where, e.path, e.line, link)}")
        verification = _lines(cell, "verification", link)
        if verification:
            parts.append(f"Verification at lines {verification}")
        for e in cell.evidence:
            if e.check == "escalation" and e.passed:
                parts.append(f"{e.detail} {_at(e.where, e.path, e.line, link)}")
        labels = [e for e in cell.evidence if e.check == "label" and e.passed]
        if labels:
            kinds = [e.detail.rsplit(": ", 1)[-1] for e in labels]
            counts = ", ".join(
                f"{kinds.count(k)} {k.lower()}" for k in ("OPERATIONAL", "CONSTITUTIONAL")
            )
            parts.append(f"labels at lines {_lines(cell, 'label', link)} ({counts})")
        governance = [e for e in cell.evidence if e.check == "governance" and e.passed]
        if governance:
            cited = ", ".join(
                f"{_line(e, link)} ({e.detail.rsplit('cites ', 1)[-1]})" for e in governance
            )
            parts.append(f"governance cited at lines {cited}")
        elif labels and cell.requirement == "FR147":
            parts.append("no constitutional steps")
        out.append(f"{head}: " + ("; ".join(parts) if parts else "no evidence"))
        for e in cell.failures:
            where = f" ({_at(e.where, e.path, e.line, link)})" if e.where else ""
            out.append(f"    - missing: {e.detail}{where}")
    return out


def render_markdown(report: AuditReport, link: Linker | None = None, figure: str = "") -> str:
    """The report as Markdown without a top-level title (callers add their own '#' heading).

    With `link`, every evidence pointer is a link to where it points; `figure` (HTML) goes
    under the verdict."""
    rev = report.revision
    if rev is None:
        where = "outside git (no revision)"
    else:
        state = "with uncommitted changes to the library" if rev.dirty else "clean"
        where = f"git revision `{rev.commit}` ({rev.date}, {state})"
    required = [r for r in report.rows if r.required and not r.deferred]
    deferred = [r for r in report.rows if r.deferred]
    extra = [r for r in report.rows if not r.required]
    procedures = f"{len(required)} required procedure{'' if len(required) == 1 else 's'}"
    verdict = (
        f"**Result: PASS**: every requirement holds for the {procedures}."
        if report.passed
        else f"**Result: FAIL**: {len(report.failures)} missing piece(s) of evidence; see Failures."
    )
    if deferred:
        verdict += " Deferred, with no runbook yet: " + "; ".join(
            f"**{r.title}**: {r.deferred}".rstrip(".") for r in deferred
        )
        verdict += "."
    out = [
        f"Generated {report.generated} by runbook-lint {report.tool_version} at {where}. "
        f"Required procedures are declared in `{report.requirements_file}`: "
        f"{len(required)} required, {len(deferred)} deferred; "
        f"{len(extra)} further runbook(s) in the library.",
        "",
        verdict,
        "",
        *([figure, ""] if figure else []),
        *([contacts.statement(report.contacts), ""] if report.contacts else []),
        "## Requirements",
        "",
        "| Requirement | Statement | Evidence checked | Runbooks passing | Result |",
        "|-------------|-----------|------------------|------------------|--------|",
    ]
    for rid, statement, checked in REQUIREMENTS:
        ok, bad = report.requirement_counts(rid)
        result = _MARK["fail" if bad else "pass"]
        out.append(f"| {rid} | {statement} | {checked} | {ok} of {ok + bad} | {result} |")
    out += [
        "",
        "## Coverage matrix",
        "",
        "| Procedure | Group | Runbook | FR145 | FR146 | FR147 |",
        "|-----------|-------|---------|-------|-------|-------|",
    ]
    for row in report.rows:
        path = _at(row.path, row.path, None, link) if row.path else "(deferred)"
        title = _cell_text(row.title) + ("" if row.required else " (not declared)")
        marks = " | ".join(_MARK[c.status] for c in row.cells)
        out.append(f"| {title} | {row.group or '-'} | {path} | {marks} |")
    if report.failures:
        out += ["", "## Failures", ""]
        for f in report.failures:
            text, url = f.text(), link(f.path, f.line) if link is not None and f.path else None
            where = f"{f.path}:{f.line}" if f.path and f.line else (f.path or "")
            if url and where:
                text = text.replace(where, f"[{where}]({url})", 1)
            out.append(f"- {_cell_text(text)}")
    if report.contacts is not None and contacts.section(report.contacts):
        out += ["", *contacts.section(report.contacts)]
    out += ["", "## Evidence", ""]
    out.append(
        "Line numbers point into the runbook (or the index) at the place that satisfies the "
        "requirement. The sha256 identifies the exact file content audited."
    )
    for row in report.rows:
        out += ["", f"### {row.title}", ""]
        if row.path:
            out.append(
                f"- Runbook: {_at(row.path, row.path, None, link)}"
                + (f", sha256 `{row.sha256}`" if row.sha256 else "")
            )
        if row.source:
            out.append(f"- Source: {row.source}")
        if row.line:
            declared = f"{report.requirements_file}:{row.line}"
            out.append(f"- Declared at {_at(declared, report.requirements_file, row.line, link)}")
        out += _evidence_lines(row, link)
    out += ["", "## Suppressions", ""]
    if report.suppressions:
        out += [
            "| File | Line | Rules | Scope | Reason | Matches a finding |",
            "|------|------|-------|-------|--------|-------------------|",
        ]
        for s in report.suppressions:
            scope = "whole file" if s.scope == "file" else f"lines {s.first}-{s.last}"
            reason = _cell_text(s.reason) if s.reason else "(no reason given)"
            out.append(
                f"| `{s.path}` | {s.line} | {', '.join(s.rules)} | {scope} | {reason} | "
                f"{'yes' if s.used else 'no'} |"
            )
    else:
        out.append("No suppressions: every rule applies to every runbook.")
    if report.lint is not None:
        lint = report.lint
        out += [
            "",
            "## Lint",
            "",
            f"`runbook-lint check` over the library: {lint.files} files, {lint.errors} errors, "
            f"{lint.warnings} warnings.",
        ]
    return "\n".join(out) + "\n"


def as_dict(report: AuditReport) -> dict[str, Any]:
    rev = report.revision
    return {
        "version": 1,
        "tool": {"name": "runbook-lint", "version": report.tool_version},
        "generated": report.generated,
        "revision": None
        if rev is None
        else {"commit": rev.commit, "date": rev.date, "dirty": rev.dirty},
        "requirements_file": report.requirements_file,
        "summary": {
            "status": "pass" if report.passed else "fail",
            "required": sum(1 for r in report.rows if r.required and not r.deferred),
            "deferred": sum(1 for r in report.rows if r.deferred),
            "undeclared": sum(1 for r in report.rows if not r.required),
            "failures": len(report.failures),
        },
        "requirements": [
            {
                "id": rid,
                "statement": statement,
                "checked": checked,
                "passed": report.requirement_counts(rid)[0],
                "failed": report.requirement_counts(rid)[1],
            }
            for rid, statement, checked in REQUIREMENTS
        ],
        "matrix": [
            {
                "id": row.id,
                "title": row.title,
                "group": row.group,
                "source": row.source,
                "path": row.path or None,
                "required": row.required,
                "deferred": row.deferred,
                "declared_at": row.line,
                "sha256": row.sha256,
                "status": row.status,
                "results": {
                    c.requirement: {
                        "status": c.status,
                        "evidence": [
                            {
                                "check": e.check,
                                "passed": e.passed,
                                "detail": e.detail,
                                "path": e.path,
                                "line": e.line,
                            }
                            for e in c.evidence
                        ],
                    }
                    for c in row.cells
                },
            }
            for row in report.rows
        ],
        "failures": [
            {
                "requirement": f.requirement,
                "procedure": f.procedure,
                "path": f.path,
                "line": f.line,
                "reason": f.reason,
            }
            for f in report.failures
        ],
        "suppressions": [
            {
                "path": s.path,
                "line": s.line,
                "rules": list(s.rules),
                "scope": s.scope,
                "first": s.first,
                "last": s.last,
                "reason": s.reason,
                "used": s.used,
            }
            for s in report.suppressions
        ],
        "contacts": None if report.contacts is None else contacts.as_dict(report.contacts),
        "lint": None
        if report.lint is None
        else {
            "files": report.lint.files,
            "errors": report.lint.errors,
            "warnings": report.lint.warnings,
        },
    }


def render_json(report: AuditReport) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"
