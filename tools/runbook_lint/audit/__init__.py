"""FR145-FR147 coverage audit: required procedures x requirements, with the evidence's lines.

    report = build(config)          # AuditReport
    render_markdown(report)         # Markdown without a '#' title (the site adds its own)
    render_json(report)             # JSON valid against schemas/audit-report.schema.json

`render_markdown` also accepts a Config and builds the report itself, which is how the mkdocs
plugin renders the audit page.
"""

from __future__ import annotations

from ..config import Config
from .build import AuditReport, Failure, Row, SuppressionEntry, build
from .evidence import REQUIREMENTS, Cell, Evidence
from .render import as_dict, render_json
from .render import render_markdown as _render_markdown

__all__ = [
    "REQUIREMENTS",
    "AuditReport",
    "Cell",
    "Evidence",
    "Failure",
    "Row",
    "SuppressionEntry",
    "as_dict",
    "build",
    "render_json",
    "render_markdown",
]


def render_markdown(report: AuditReport | Config) -> str:
    if isinstance(report, Config):
        report = build(report, cwd=report.root)
    return _render_markdown(report)
