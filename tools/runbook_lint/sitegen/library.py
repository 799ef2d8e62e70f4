"""The runbook library as the site sees it: pages, the index's tables, navigation, page headers.

Everything here reads parsed Documents (the linter's own model); nothing re-parses Markdown.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..contacts import Contacts
from ..document import Document, Heading, Table
from ..document.escalation import EscalationRow
from ..document.index_tables import classify, tables_with_headings
from ..library import Library
from ..library.discovery import display_path
from ..library.files import MARKDOWN_SUFFIXES
from .markdown import is_local, source_lines

NavItem = str | dict[str, "str | list[NavItem]"]

_AREA = ("area", "category", "group", "type", "kind")
_LABEL_HTML_RE = re.compile(
    r"(?:(?P<e1>\U0001F535|\U0001F534)\uFE0F?\s*)?"
    r"(?:<strong>\s*(?P<e2>\U0001F535|\U0001F534)?\uFE0F?\s*(?P<w1>OPERATIONAL|CONSTITUTIONAL)"
    r"\s*</strong>|\[(?P<w2>OPERATIONAL|CONSTITUTIONAL)\])"
)
_CODE_HTML_RE = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>)", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    uri: str  # site path of the page, e.g. runbooks/startup.md
    title: str
    area: str


@dataclass
class SiteLibrary:
    """Every file under the runbooks folder, parsed once, with the index's structure."""

    root: Path
    runbooks_uri: str  # the runbooks folder as a site path ("runbooks")
    drills_uri: str
    index_uri: str
    template_uris: tuple[str, ...]
    documents: dict[str, Document] = field(default_factory=dict)  # site path -> Document
    static: list[str] = field(default_factory=list)  # non-Markdown files (samples...)
    entries: list[Entry] = field(default_factory=list)  # index order
    contacts: Contacts | None = None  # the escalation contacts the site is built with
    escalations: dict[str, tuple[EscalationRow, ...]] = field(default_factory=dict)  # by uri

    @property
    def index(self) -> Document | None:
        return self.documents.get(self.index_uri)

    def title(self, uri: str) -> str:
        doc = self.documents.get(uri)
        if doc is not None and doc.title is not None and doc.title.text:
            return doc.title.text
        return posixpath.splitext(posixpath.basename(uri))[0].replace("-", " ").capitalize()

    def is_runbook(self, uri: str) -> bool:
        doc = self.documents.get(uri)
        return doc is not None and doc.kind in ("runbook", "drill")

    # -- the index's tables ------------------------------------------------------------------

    def index_tables(self) -> Iterator[tuple[Table, Heading | None]]:
        index = self.index
        if index is not None:
            yield from tables_with_headings(index)

    def find_table(self, kind: str) -> Table | None:
        for table, heading in self.index_tables():
            if classify(table, heading) == kind:
                return table
        return None

    def table_markdown(self, table: Table, to_uri: str) -> str:
        """The index's table, verbatim, with its links working from page `to_uri`."""
        index = self.index
        assert index is not None
        links = [link for row in (table.header, *table.rows) for c in row for link in c.links]
        return "\n".join(
            source_lines(index, table.line, table.end_line, links, self.index_uri, to_uri)
        )


def load(config: Config) -> SiteLibrary:
    """Read the runbooks folder with the linter's Library and work out the index's entries."""
    library = Library(config, cwd=config.root)
    root = library.root

    def uri(path: Path) -> str:
        return display_path(path, root)

    site = SiteLibrary(
        root=root,
        runbooks_uri=uri(library.runbooks_dir),
        drills_uri=uri(library.drills_dir),
        index_uri=uri(library.index_path),
        template_uris=tuple(
            uri(p) for p in (library.template_path, library.drill_template_path) if p.is_file()
        ),
    )
    if not library.runbooks_dir.is_dir():
        return site
    for path in library.walk(library.runbooks_dir):
        if path.suffix.lower() in MARKDOWN_SUFFIXES:
            doc = library.document(path)
            if doc is not None:
                site.documents[uri(path)] = doc
                site.escalations[uri(path)] = library.escalation_rows(doc)
        else:
            site.static.append(uri(path))
    site.entries = list(_entries(site))
    site.contacts = library.contacts()
    return site


def _entries(site: SiteLibrary) -> Iterator[Entry]:
    seen: set[str] = set()
    for table, heading in site.index_tables():
        if classify(table, heading) != "runbooks":
            continue
        area_col = next(
            (i for i, c in enumerate(table.header) if c.text.strip().lower() in _AREA), None
        )
        for row in table.rows:
            for cell_ in row:
                target = next(
                    (
                        posixpath.normpath(
                            posixpath.join(
                                posixpath.dirname(site.index_uri), link.target.split("#", 1)[0]
                            )
                        )
                        for link in cell_.links
                        if is_local(link.target)
                    ),
                    None,
                )
                if target is None or target in seen or not site.is_runbook(target):
                    continue
                seen.add(target)
                area = (
                    row[area_col].text.strip()
                    if area_col is not None and area_col < len(row)
                    else ""
                )
                yield Entry(target, site.title(target), area)
                break


# -- navigation ------------------------------------------------------------------------------


def _group(entries: list[Entry]) -> list[NavItem]:
    """Entries as nav items, in sub-sections by area when areas actually group them."""
    areas: dict[str, list[Entry]] = {}
    for entry in entries:
        areas.setdefault(entry.area, []).append(entry)
    if len(areas) < 2 or len(areas) > max(2, len(entries) // 2):
        return [{e.title: e.uri} for e in entries]
    items: list[NavItem] = []
    for area, members in areas.items():
        children: list[NavItem] = [{e.title: e.uri} for e in members]
        items.append({area or "Other": children})
    return items


def nav_runbooks(site: SiteLibrary, exclude: Iterable[str] = ()) -> list[NavItem]:
    """The index page, then its runbooks in index order, then any page it does not list.

    Pages missing from the index still get a place, so that the linter (not a bare "omitted
    file" warning) is what reports them.
    """
    skip = set(exclude) | set(site.template_uris)
    listed = [e for e in site.entries if not _under(e.uri, site.drills_uri)]
    items: list[NavItem] = [site.index_uri] if site.index is not None else []
    items += _group(listed)
    known = {e.uri for e in site.entries} | {site.index_uri} | skip
    for uri in sorted(site.documents, key=site.title):
        if uri not in known and not _under(uri, site.drills_uri):
            items.append({site.title(uri): uri})
    return items


def nav_drills(site: SiteLibrary, exclude: Iterable[str] = ()) -> list[NavItem]:
    skip = set(exclude) | set(site.template_uris)
    listed = [e for e in site.entries if _under(e.uri, site.drills_uri)]
    items: list[NavItem] = [{e.title: e.uri} for e in listed]
    known = {e.uri for e in listed} | skip
    for uri in sorted(site.documents, key=site.title):
        if uri not in known and _under(uri, site.drills_uri):
            items.append({site.title(uri): uri})
    return items


def nav_templates(site: SiteLibrary) -> list[NavItem]:
    names = {0: "Runbook template", 1: "Drill template"}
    out: list[NavItem] = []
    for uri in site.template_uris:
        kind = 1 if _under(uri, site.drills_uri) else 0
        out.append({names[kind]: uri})
    return out


def _under(uri: str, folder: str) -> bool:
    return uri.startswith(folder.rstrip("/") + "/")


# -- runbook pages ---------------------------------------------------------------------------

_META_KEYS = (("last_updated", "Last Updated"), ("version", "Version"), ("owner", "Owner"))


def metadata_html(doc: Document) -> str:
    """The strip under a runbook's title: Last Updated, Version, Owner and its step labels."""
    parts = []
    for key, name in _META_KEYS:
        meta = doc.metadata.get(key)
        value = meta.value if meta is not None and meta.value else "not set"
        parts.append(
            f'<span class="rb-meta__item" data-meta="{key}"><span class="rb-meta__key">'
            f"{name}</span>{html.escape(value)}</span>"
        )
    operational = sum(1 for s in doc.steps if s.label and s.label.kind == "operational")
    constitutional = sum(1 for s in doc.steps if s.label and s.label.kind == "constitutional")
    badges = []
    if operational:
        badges.append(
            '<span class="rb-badge rb-badge--operational" title="operational steps">'
            f"OPERATIONAL × {operational}</span>"
        )
    if constitutional:
        badges.append(
            '<span class="rb-badge rb-badge--constitutional" title="constitutional steps">'
            f"CONSTITUTIONAL × {constitutional}</span>"
        )
    if badges:
        parts.append(f'<span class="rb-meta__badges">{"".join(badges)}</span>')
    return f'<div class="rb-meta">{"".join(parts)}</div>'


def decorate(markdown: str, doc: Document) -> str:
    """Put the metadata strip under the title, in place of the metadata lines it shows."""
    meta_lines = set()
    matter = doc.front_matter
    matter_range = range(0)
    if matter is not None:
        raw, first = matter
        matter_range = range(first - 1, first + raw.count("\n") + 2)
    for meta in doc.metadata.values():
        if meta.line not in matter_range:
            meta_lines.add(doc.line_text(meta.line))
    lines = markdown.split("\n")
    title = doc.line_text(doc.title.line) if doc.title is not None else None
    out: list[str] = []
    placed = False
    in_header = True
    for line in lines:
        if in_header and line.startswith("## "):
            in_header = False
        if in_header and line in meta_lines and line.strip():
            meta_lines.discard(line)
            continue
        out.append(line)
        if not placed and title is not None and line == title:
            out += ["", metadata_html(doc), ""]
            placed = True
    if not placed:
        out = [metadata_html(doc), "", *out]
    return "\n".join(out)


def label_badges(page_html: str) -> str:
    """Show 🔵 OPERATIONAL / 🔴 CONSTITUTIONAL labels as badges (never inside code)."""

    def badge(match: re.Match[str]) -> str:
        word = match.group("w1") or match.group("w2")
        kind = word.lower()
        return f'<span class="rb-label rb-label--{kind}" title="{kind} step">{word}</span>'

    pieces = _CODE_HTML_RE.split(page_html)
    return "".join(
        piece if index % 2 else _LABEL_HTML_RE.sub(badge, piece)
        for index, piece in enumerate(pieces)
    )
