"""Incident mode, the build-time half: what the page script needs to know about a runbook page.

For each runbook and drill page this works out, from the linter's parsed Document:

- the placeholders the operator fills in, the variables the page sets itself and those read
  from the environment (`placeholders.py`, from the tree-sitter-bash syntax tree);
- the outline the operator works through: the sections whose checklists are ticked (steps with
  their number, scenario and label), each checklist item's exact Markdown text with its line
  and the nested criteria under it (`status == STALE` under "Read the heartbeat state:"), and
  each step's Verification block, whose outcome the operator marks passed or failed;
- where that text comes from: the git revision of the library and the sha256 of the page's
  source file (the same values the audit reports), so every tick in an evidence log is tied to
  the exact runbook text followed.

Section headings are marked with `data-rb-section` so the script finds them on the page and on
the print page (which renames heading ids). The data travels in one `data-rb-incident`
attribute (not a script: search must not index it); `docs/assets/incident/incident.js` builds
the panel, the checklists, the verification marks and the export from it, and
`schemas/evidence-log.schema.json` defines the log it exports.

It also builds the signal lookup page from the **Signals:** lines (see rules/rb3_signals.py).
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import Document, Heading, ListItem, slugify
from ..document.signals import declarations
from .placeholders import placeholders

if TYPE_CHECKING:
    from ..audit.build import Revision
    from .library import SiteLibrary

DATA_VERSION = 2
_HEADING_RE = re.compile(r"<h([2-6])((?:\s[^>]*?)?)\sid=\"([^\"]+)\"")
_META_DIV_RE = re.compile(r"<div class=\"rb-meta\">.*?</div>", re.DOTALL)
_GLANCE_RE = re.compile(r"<section class=\"rb-glance\b.*?</section>", re.DOTALL)
_H1_END_RE = re.compile(r"</h1>", re.IGNORECASE)
_CHECKBOX_RE = re.compile(r"^\[[ xX]\]\s*")


@dataclass(frozen=True)
class Source:
    """Where a page's text comes from: the library's revision and the file's sha256."""

    revision: str | None  # the commit (None outside a git checkout)
    committed: str | None  # the commit's date
    dirty: bool  # the library had local changes when the site was built
    sha256: str | None  # of the page's source file

    def as_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "committed": self.committed,
            "dirty": self.dirty,
            "sha256": self.sha256,
        }


def page_source(path: Path, revision: Revision | None) -> Source:
    from ..audit.build import sha256_file

    return Source(
        revision.commit if revision is not None else None,
        revision.date if revision is not None else None,
        revision.dirty if revision is not None else False,
        sha256_file(path),
    )


@dataclass(frozen=True)
class Check:
    line: int
    text: str  # the item's Markdown text, without its box
    criteria: tuple[str, ...]  # nested items that are not boxes of their own

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "criteria": list(self.criteria)}


@dataclass(frozen=True)
class SectionInfo:
    id: str  # the heading's anchor on the page
    title: str
    line: int  # the heading's line in the source
    level: int
    step: int | None  # the step number for `Step N:` headings
    group: str  # the scenario heading a step sits under ("" if none)
    label: str  # "operational" | "constitutional" | ""
    checks: tuple[Check, ...]  # checklist items in the section, in page order
    verification: tuple[int, tuple[str, ...]] | None  # line and items of the step's block

    def as_json(self) -> dict[str, Any]:
        verification = None
        if self.verification is not None:
            line, items = self.verification
            verification = {"line": line, "items": list(items)}
        return {
            "id": self.id,
            "title": self.title,
            "line": self.line,
            "step": self.step,
            "group": self.group,
            "label": self.label,
            "checks": [c.as_json() for c in self.checks],
            "verification": verification,
        }


# -- the outline: sections, checklist items and verifications ----------------------------------


def _criteria(items: tuple[ListItem, ...], index: int) -> tuple[str, ...]:
    """The items nested under item `index` that are not boxes themselves, depth first."""
    children: dict[int, list[int]] = {}
    for i, item in enumerate(items):
        if item.parent is not None:
            children.setdefault(item.parent, []).append(i)
    out: list[str] = []
    stack = list(reversed(children.get(index, [])))
    while stack:
        i = stack.pop()
        if items[i].checkbox:
            continue  # a box of its own: a check, not a criterion of this one
        out.append(items[i].text)
        stack.extend(reversed(children.get(i, [])))
    return tuple(out)


def sections(doc: Document) -> list[SectionInfo]:
    """Headings (level 2 and below) that are steps or hold checklist items directly."""
    steps = {s.heading.line: s for s in doc.steps}
    headings = [h for h in doc.headings if h.level >= 2]
    items = doc.list_items
    out: list[SectionInfo] = []
    for index, heading in enumerate(headings):
        nxt = headings[index + 1].line if index + 1 < len(headings) else len(doc.lines) + 1
        checks = tuple(
            Check(item.line, _CHECKBOX_RE.sub("", item.text, count=1), _criteria(items, i))
            for i, item in enumerate(items)
            if item.checkbox and heading.line < item.line < nxt
        )
        step = steps.get(heading.line)
        if step is None and not checks:
            continue
        verification = None
        if step is not None and step.verification is not None:
            verification = (step.verification.line, step.verification.items)
        out.append(
            SectionInfo(
                id=heading.slug,
                title=heading.text,
                line=heading.line,
                level=heading.level,
                step=step.number if step is not None else None,
                group=step.group.text if step is not None and step.group is not None else "",
                label=step.label.kind if step is not None and step.label is not None else "",
                checks=checks,
                verification=verification,
            )
        )
    return out


def page_data(doc: Document, uri: str, source: Source | None = None) -> dict[str, Any]:
    meta = {k: (m.value if m is not None else "") for k, m in _meta(doc).items()}
    found = placeholders(doc)
    return {
        "v": DATA_VERSION,
        "page": uri,
        "kind": doc.kind,
        "title": doc.title.text if doc.title is not None else posixpath.basename(uri),
        "version": meta["version"],
        "last_updated": meta["last_updated"],
        "owner": meta["owner"],
        "source": (source or Source(None, None, False, None)).as_json(),
        "placeholders": [p.as_json() for p in found.placeholders],
        "environment": found.environment,
        "assigned": found.assigned,
        "sections": [s.as_json() for s in sections(doc)],
    }


def _meta(doc: Document) -> dict[str, Any]:
    return {key: doc.metadata.get(key) for key in ("version", "last_updated", "owner")}


def decorate_page(page_html: str, doc: Document, uri: str, source: Source | None = None) -> str:
    """Mark the checklist sections' headings and add the (script-built) incident panel."""
    data = page_data(doc, uri, source)
    ids = {s["id"] for s in data["sections"]}

    def mark(match: re.Match[str]) -> str:
        if match.group(3) not in ids:
            return match.group(0)
        return f'{match.group(0)} data-rb-section="{html.escape(match.group(3))}"'

    page_html = _HEADING_RE.sub(mark, page_html)
    payload = html.escape(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    panel = f'<div class="rb-incident" data-rb-incident="{payload}" hidden></div>'
    # Below the At a glance block (sitegen/glance.py) when the page has one: the operator
    # reads the severity and the first command before the incident's fields.
    top = _GLANCE_RE.search(page_html) or _META_DIV_RE.search(page_html)
    if top is not None:
        return page_html[: top.end()] + panel + page_html[top.end() :]
    title = _H1_END_RE.search(page_html)
    if title is not None:
        return page_html[: title.end()] + panel + page_html[title.end() :]
    return panel + page_html


# -- the signal lookup page --------------------------------------------------------------------


@dataclass(frozen=True)
class SignalEntry:
    signal: str
    uri: str  # the runbook page (site path)
    anchor: str  # the section's heading anchor
    runbook: str  # the runbook's title
    section: str  # the section's heading text
    parent: str  # the scenario/section heading above it, when it is a step ("" otherwise)
    shared: str  # the reason it is shared with another section ("" if not)


def signal_entries(site: SiteLibrary) -> list[SignalEntry]:
    entries: list[SignalEntry] = []
    for uri, doc in sorted(site.documents.items()):
        if doc.kind not in ("runbook", "drill"):
            continue
        for decl in declarations(doc):
            if decl.heading is None:
                continue
            parent = _parent(doc, decl.heading)
            for signal in decl.signals:
                entries.append(
                    SignalEntry(
                        signal.text,
                        uri,
                        decl.heading.slug,
                        site.title(uri),
                        decl.heading.text,
                        parent,
                        decl.shared_reason,
                    )
                )
    entries.sort(key=lambda e: (e.signal.casefold(), e.signal, e.uri, e.anchor))
    return entries


def _parent(doc: Document, heading: Heading) -> str:
    current: Heading | None = None
    for other in doc.headings:
        if other.line >= heading.line:
            break
        if 2 <= other.level < heading.level:
            current = other
    return current.text if current is not None and current.level > 2 else ""


def _code(text: str) -> str:
    ticks = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _link_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def signals_page(site: SiteLibrary, page_uri: str) -> str:
    entries = signal_entries(site)
    lines = [
        "---",
        "hide:",
        "  - toc",
        "---",
        "",
        "# Signal lookup",
        "",
        "What you see on a screen, in a log or in a report (an error message, a reason code, "
        "a heartbeat or lease state) and the runbook section that handles it. Type part of it "
        "below, or use the site search.",
        "",
        '<div class="rb-signal-filter" hidden></div>',
        "",
    ]
    if not entries:
        lines.append(
            "*No runbook declares signals yet: see "
            f"[the convention]({posixpath.relpath('dev/conventions.md', _dir(page_uri))}"
            "#signals).*"
        )
        return "\n".join(lines) + "\n"
    used: set[str] = set()
    by_signal: dict[str, list[SignalEntry]] = {}
    for entry in entries:
        by_signal.setdefault(entry.signal, []).append(entry)
    for signal, handlers in by_signal.items():
        anchor = _unique("signal-" + (slugify(signal) or "x"), used)
        lines.append(f"## {_code(signal)} {{ #{anchor} .rb-signal }}")
        lines.append("")
        for entry in handlers:
            target = posixpath.relpath(entry.uri, _dir(page_uri)) + "#" + entry.anchor
            where = " › ".join(
                _link_text(part) for part in (entry.runbook, entry.parent, entry.section) if part
            )
            line = f"- [{where}]({target})"
            if entry.shared:
                line += f" (shared: {_link_text(entry.shared)})"
            lines.append(line)
        lines.append("")
    lines.append(
        f"*{len(by_signal)} signals from {len({e.uri for e in entries})} runbooks, read from "
        "their **Signals:** lines ([convention]("
        f"{posixpath.relpath('dev/conventions.md', _dir(page_uri))}#signals)).*\n"
        "{: .rb-signal-summary }"
    )
    return "\n".join(lines) + "\n"


def _dir(uri: str) -> str:
    return posixpath.dirname(uri) or "."


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 1
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    used.add(candidate)
    return candidate
