"""Incident mode, the build-time half: what the page script needs to know about a runbook page.

For each runbook and drill page this works out, from the linter's parsed Document and the
command snippets it already extracts:

- the placeholders its commands use (`<run_id>`, `<loop-id>`), with the shell variables each
  one is assigned to (`RUN_ID=<run_id>` makes `$RUN_ID` stand for `<run_id>`), and the
  variables the commands read from the operator's environment (never filled in: they may be
  secrets);
- the sections whose checklists the operator ticks (steps with their number, scenario and
  label), marked on their headings with `data-rb-section` so the script finds them on the page
  and on the print page (which renames heading ids).

The data travels in one `data-rb-incident` attribute (not a script: search must not index it);
`docs/assets/incident/incident.js` builds the form, the checklists and the export from it.

It also builds the signal lookup page from the **Signals:** lines (see rules/rb3_signals.py).
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..document import Document, Heading, slugify
from ..document.signals import declarations
from ..shell.snippets import PLACEHOLDER, Snippet, from_block, from_inline, is_cued

if TYPE_CHECKING:
    from tree_sitter import Node

    from .library import SiteLibrary

DATA_VERSION = 1
_HEADING_RE = re.compile(r"<h([2-6])((?:\s[^>]*?)?)\sid=\"([^\"]+)\"")
_META_DIV_RE = re.compile(r"<div class=\"rb-meta\">.*?</div>", re.DOTALL)
_GLANCE_RE = re.compile(r"<section class=\"rb-glance\b.*?</section>", re.DOTALL)
_H1_END_RE = re.compile(r"</h1>", re.IGNORECASE)


@dataclass
class Placeholder:
    token: str  # as written: "<run_id>"
    name: str  # without the brackets: "run_id"
    variables: list[str] = field(default_factory=list)  # RUN_ID for RUN_ID=<run_id>
    uses: int = 0  # occurrences in the page's commands

    def as_json(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "name": self.name,
            "variables": self.variables,
            "uses": self.uses,
        }


@dataclass(frozen=True)
class SectionInfo:
    id: str  # the heading's anchor on the page
    title: str
    level: int
    step: int | None  # the step number for `Step N:` headings
    group: str  # the scenario heading a step sits under ("" if none)
    label: str  # "operational" | "constitutional" | ""
    checks: int  # checklist items directly in the section

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "step": self.step,
            "group": self.group,
            "label": self.label,
            "checks": self.checks,
        }


# -- placeholders from the command snippets ----------------------------------------------------


def _snippets(doc: Document) -> list[Snippet]:
    """The page's command snippets: shell blocks, then inline code presented as a command
    (after a cue such as "Command to verify:", or starting with a program the blocks run)."""
    blocks = [s for s in (from_block(b) for b in doc.code_blocks) if s is not None]
    programs = _programs(blocks)
    inline: list[Snippet] = []
    for code in doc.inline_codes:
        first = code.text.strip().split(" ", 1)[0]
        if is_cued(code) or (first and first in programs and " " in code.text.strip()):
            snippet = from_inline(code)
            if snippet is not None:
                inline.append(snippet)
    return blocks + inline


def _programs(blocks: Iterable[Snippet]) -> set[str]:
    from ..shell.syntax import parse

    names: set[str] = set()
    for snippet in blocks:
        parsed = parse(snippet)
        for invocation in parsed.invocations:
            word = invocation.words[0]
            if not word.dynamic:
                names.add(word.text)
    return names


def _original(doc: Document, snippet: Snippet, start: int, end: int) -> str:
    line, column = snippet.position(start)
    return doc.line_text(line)[column - 1 : column - 1 + (end - start)]


def _walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _span(node: Node, snippet: Snippet) -> tuple[int, int]:
    text = snippet.text
    if text.isascii():
        return node.start_byte, node.end_byte
    data = text.encode("utf-8")
    return (
        len(data[: node.start_byte].decode("utf-8", "replace")),
        len(data[: node.end_byte].decode("utf-8", "replace")),
    )


@dataclass
class PagePlaceholders:
    placeholders: list[Placeholder]
    environment: list[str]  # variables read but never assigned on the page


def placeholders(doc: Document) -> PagePlaceholders:
    from ..shell.syntax import syntax_tree

    found: dict[str, Placeholder] = {}
    assigned: set[str] = set()
    read: list[str] = []
    for snippet in _snippets(doc):
        tokens: dict[tuple[int, int], str] = {}
        for start, end in snippet.masked:
            token = _original(doc, snippet, start, end)
            if not PLACEHOLDER.fullmatch(token):
                continue
            tokens[(start, end)] = token
            entry = found.setdefault(token, Placeholder(token, token[1:-1]))
            entry.uses += 1
        for node in _walk(syntax_tree(snippet)):
            if node.type == "variable_assignment":
                name_node = node.child_by_field_name("name")
                value = node.child_by_field_name("value")
                if name_node is None or name_node.text is None:
                    continue
                name = name_node.text.decode("utf-8", "replace")
                assigned.add(name)
                if value is None:
                    continue
                span = _span(value, snippet)
                if value.type == "string" and len(value.named_children) == 1:
                    span = _span(value.named_children[0], snippet)
                bound = tokens.get(span)
                if bound is not None and name not in found[bound].variables:
                    found[bound].variables.append(name)
            elif node.type in ("simple_expansion", "expansion"):
                for child in node.named_children:
                    if child.type == "variable_name" and child.text is not None:
                        read.append(child.text.decode("utf-8", "replace"))
    environment = sorted({name for name in read if name not in assigned})
    return PagePlaceholders(list(found.values()), environment)


# -- sections with checklists ------------------------------------------------------------------


def sections(doc: Document) -> list[SectionInfo]:
    """Headings (level 2 and below) that are steps or hold checklist items directly."""
    steps = {s.heading.line: s for s in doc.steps}
    headings = [h for h in doc.headings if h.level >= 2]
    out: list[SectionInfo] = []
    for index, heading in enumerate(headings):
        nxt = headings[index + 1].line if index + 1 < len(headings) else len(doc.lines) + 1
        checks = sum(1 for i in doc.list_items if i.checkbox and heading.line < i.line < nxt)
        step = steps.get(heading.line)
        if step is None and not checks:
            continue
        out.append(
            SectionInfo(
                id=heading.slug,
                title=heading.text,
                level=heading.level,
                step=step.number if step is not None else None,
                group=step.group.text if step is not None and step.group is not None else "",
                label=step.label.kind if step is not None and step.label is not None else "",
                checks=checks,
            )
        )
    return out


def page_data(doc: Document, uri: str) -> dict[str, Any]:
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
        "placeholders": [p.as_json() for p in found.placeholders],
        "environment": found.environment,
        "sections": [s.as_json() for s in sections(doc)],
    }


def _meta(doc: Document) -> dict[str, Any]:
    return {key: doc.metadata.get(key) for key in ("version", "last_updated", "owner")}


def decorate_page(page_html: str, doc: Document, uri: str) -> str:
    """Mark the checklist sections' headings and add the (script-built) incident panel."""
    data = page_data(doc, uri)
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
