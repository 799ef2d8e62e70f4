"""The audit report as a page of the site: a coverage picture at the top (procedures x FR145,
FR146, FR147, drawn as inline SVG when the site is built; no script), and every evidence
pointer (`runbooks/startup.md:65`) a link that lands on that line of its page."""

from __future__ import annotations

import html
import posixpath
from collections.abc import Mapping

from ..audit.build import AuditReport
from ..audit.evidence import REQUIREMENTS
from ..audit.render import render_markdown
from ..document import Document
from .anchors import line_anchor
from .library import SiteLibrary

_STATUS = {"pass": "pass", "fail": "FAIL", "deferred": "deferred", "n/a": "n/a"}


class EvidenceLinks:
    """Links from the audit page to lines of the library's pages, and the line anchors those
    pages need (`anchors`: page -> lines)."""

    def __init__(self, site: SiteLibrary, page_uri: str) -> None:
        self.site = site
        self.page_uri = page_uri
        self.anchors: dict[str, set[int]] = {}

    def __call__(self, path: str, line: int | None) -> str | None:
        site = self.site
        relative = posixpath.relpath(path, posixpath.dirname(self.page_uri) or ".")
        doc = site.documents.get(path)
        if doc is None:
            return relative if path in site.static else None
        if not line or line == 1:
            return relative
        anchor = line_anchor(doc, line)
        if anchor.column is not None:
            self.anchors.setdefault(path, set()).add(line)
        return f"{relative}#{anchor.fragment}" if anchor.fragment else relative


def _mark(status: str) -> str:
    """The symbol drawn in a cell (a check, a cross, a pause), as inline SVG."""
    path = {
        "pass": '<path d="M5 10.5l3.5 3.5 6.5-7" stroke-linejoin="round"/>',
        "fail": '<path d="M6 6l8 8M14 6l-8 8"/>',
        "deferred": '<path d="M7.5 6v8M12.5 6v8"/>',
    }.get(status, "")
    return (
        '<svg viewBox="0 0 20 20" aria-hidden="true" fill="none" stroke="currentColor" '
        f'stroke-width="2.4" stroke-linecap="round">{path}</svg>'
    )


def coverage_picture(report: AuditReport, sections: Mapping[str, str]) -> str:
    """Procedures down, requirements across, one coloured square per result (an HTML grid,
    drawn when the site is built); each procedure links to its evidence below (`sections`:
    title -> anchor)."""
    counts: dict[str, int] = {}
    out = [
        '<div class="rb-coverage" role="table" aria-label="Coverage: each procedure against '
        'FR145, FR146 and FR147">',
        '<div class="rb-coverage__row rb-coverage__row--head" role="row">'
        '<span role="columnheader">Procedure</span>'
        + "".join(
            f'<span role="columnheader" title="{html.escape(statement)}">{requirement}</span>'
            for requirement, statement, _ in REQUIREMENTS
        )
        + "</div>",
    ]
    group = None
    for row in report.rows:
        first = " rb-coverage__row--group" if group is not None and row.group != group else ""
        group = row.group
        name = html.escape(row.title + ("" if row.required else " (not declared)"))
        anchor = sections.get(row.title)
        label = f'<a href="#{anchor}">{name}</a>' if anchor else name
        cells = []
        for cell in row.cells:
            counts[cell.status] = counts.get(cell.status, 0) + 1
            status = _STATUS[cell.status]
            kind = cell.status.replace("/", "")
            cells.append(
                f'<span role="cell" class="rb-coverage__cell rb-coverage__cell--{kind}" '
                f'title="{html.escape(row.title)}: {cell.requirement} {status}">'
                f'{_mark(cell.status)}<span class="rb-coverage__text">{status}</span></span>'
            )
        out.append(
            f'<div class="rb-coverage__row{first}" role="row">'
            f'<span role="rowheader" class="rb-coverage__name">{label}</span>{"".join(cells)}'
            "</div>"
        )
    shown = ", ".join(f"{n} {_STATUS[s]}" for s, n in counts.items())
    out.append(
        f'<p class="rb-coverage__legend">{len(report.rows)} procedures × {len(REQUIREMENTS)} '
        f"requirements: {shown}. Each procedure links to its evidence below.</p>"
    )
    return "\n".join(out) + "\n</div>"


def audit_page(
    report: AuditReport, site: SiteLibrary, page_uri: str, title: str
) -> tuple[str, dict[str, set[int]]]:
    """The page's Markdown (under `title`, a '# ' heading) and the line anchors it links to."""
    links = EvidenceLinks(site, page_uri)
    plain = title + render_markdown(report, link=links)
    evidence = Document.parse(page_uri, plain, "other").headings
    sections = {h.text: h.slug for h in evidence if h.level == 3}  # '### <procedure>'
    figure = coverage_picture(report, sections)
    return title + render_markdown(report, link=links, figure=figure), links.anchors
