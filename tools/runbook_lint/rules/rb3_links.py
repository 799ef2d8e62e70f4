"""RB3xx: the index, links and anchors, and what links may point at."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..document.markdown import anchor_tokens
from ..findings import Fix, Hit
from ..library.facts import ANCHORS, fact
from ..library.links import SCHEME_RE, listed_path, split_target
from ..rule import DOC_KINDS, Rule

if TYPE_CHECKING:
    from ..config import Config
    from ..context import Context
    from ..document import Document, Link
    from ..library import Library

UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript"})
_ID_ATTR_RE = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)

_RUNBOOK = """\
# Scaling Procedures

Last Updated: 2026-11-02
Version: 1.0
Owner: Platform Operations

## References

- [Recovery](recovery.md#procedure)
"""
_RECOVERY = "# Recovery\n\n## Procedure\n\nSteps.\n"


@fact("anchors", partial=anchor_tokens, kept=ANCHORS)
def anchors_of(doc: Document) -> tuple[tuple[str, ...], frozenset[str]]:
    """The page's heading texts (the renderer makes their ids) and its explicit HTML ids."""
    ids = {m.group(1) for frag in doc.html for m in _ID_ATTR_RE.finditer(frag.html)}
    return tuple(h.text for h in doc.headings), frozenset(ids)


def _anchor_ids(found: tuple[tuple[str, ...], frozenset[str]], config: Config) -> list[str]:
    """Every id a fragment may name on a page, as the library's renderer makes them."""
    from ..document.slugs import heading_ids

    texts, ids = found
    return [*heading_ids(texts, config.slugs, config.slug_separator), *sorted(ids)]


def _relative_links(doc: Document) -> Iterator[tuple[Link, str | None, str | None]]:
    for link in doc.links:
        scheme, path, fragment = split_target(link.target.strip())
        if scheme:
            continue
        yield link, path, fragment


def check_broken_link(doc: Document, ctx: Context) -> Iterator[Hit]:
    if doc.kind == "index":
        return
    library = ctx.library
    for link, path, _ in _relative_links(doc):
        if not path:
            continue
        target = library.resolve(doc, path)
        if not (target == library.root or library.root in target.parents):
            continue  # RB305 reports it
        if not target.exists():
            yield Hit(
                link.line,
                link.column,
                f"link to '{path}': no such file ({library.display(target)})",
            )


def check_index_entries(doc: Document, ctx: Context) -> Iterator[Hit]:
    library = ctx.library
    for link, path, _ in _relative_links(doc):
        if not path:
            continue
        target = library.resolve(doc, path)
        if not target.exists():
            yield Hit(
                link.line,
                link.column,
                f"index entry '{link.text or path}' points to a missing file "
                f"'{library.display(target)}'",
            )


def check_anchor(doc: Document, ctx: Context) -> Iterator[Hit]:
    from ..document.slugs import fold

    library, flavour = ctx.library, ctx.library.config.slugs
    for link, path, fragment in _relative_links(doc):
        if not fragment:
            continue
        if path:
            target = library.resolve(doc, path)
            if target.suffix.lower() not in (".md", ".markdown") or not target.is_file():
                continue
            found = library.fact(target, "anchors")
            if found is None:
                continue
            where = library.display(target)
        else:
            found, where = anchors_of(doc), "this page"
        anchors = _anchor_ids(found, library.config)
        if fold(fragment, flavour) in {fold(a, flavour) for a in anchors}:
            continue
        import difflib

        close = difflib.get_close_matches(fragment, anchors, n=1, cutoff=0.6)
        hint = f"; did you mean '#{close[0]}'?" if close else ""
        yield Hit(link.line, link.column, f"anchor '#{fragment}' does not exist in {where}{hint}")


def check_outside(doc: Document, ctx: Context) -> Iterator[Hit]:
    library = ctx.library
    for link, path, _ in _relative_links(doc):
        if not path:
            continue
        target = library.resolve(doc, path)
        if not (target == library.root or library.root in target.parents):
            yield Hit(
                link.line,
                link.column,
                f"link to '{path}' leaves the repository; it will break in the site "
                "and in any copy of the library",
            )


def _as_browser_reads(link: Link) -> str:
    """The target as a browser parses it: entities decoded in raw HTML (`jav&#x61;script:`),
    tabs and newlines removed, leading spaces and control characters dropped."""
    target = html.unescape(link.target) if link.raw else link.target
    return re.sub(r"[\t\n\r]", "", target).lstrip("".join(map(chr, range(33))))


def check_scheme(doc: Document, ctx: Context) -> Iterator[Hit]:
    for link in doc.links:
        match = SCHEME_RE.match(_as_browser_reads(link))
        if match and match.group(1).lower() in UNSAFE_SCHEMES:
            yield Hit(
                link.line,
                link.column,
                f"'{match.group(1).lower()}:' link: runbooks link only to pages, files "
                "and web addresses",
            )


_UNSAFE_TAG_RE = re.compile(
    r"<\s*(script|iframe|object|embed|frame|frameset|base|meta|form)\b", re.IGNORECASE
)
_HANDLER_RE = re.compile(r"<[^>]*?[\s/](on[a-z]+)\s*=", re.IGNORECASE | re.DOTALL)


_CODE_SPAN_RE = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")


def _prose_html(doc: Document) -> Iterator[tuple[int, int, str]]:
    """(line, column, text) of tags in paragraphs that CommonMark reads as text but the site's
    Python-Markdown passes through as HTML, such as `<svg/onload=...>`; code spans masked."""
    for para in doc.paragraphs:
        text = _CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), para.text)
        for pattern in (_UNSAFE_TAG_RE, _HANDLER_RE):
            for match in pattern.finditer(text):
                start = text.rfind("<", 0, match.start(1))
                row = text.count("\n", 0, start)
                line = para.line + row
                tag = text[start : text.find("\n", start) if "\n" in text[start:] else None]
                yield line, doc.locate(line, tag[:40]), text[start : match.end()]


def check_html(doc: Document, ctx: Context) -> Iterator[Hit]:
    for line, column, text in _prose_html(doc):
        for pattern, what in ((_UNSAFE_TAG_RE, "<{}> element"), (_HANDLER_RE, "'{}' handler")):
            match = pattern.search(text)
            if match:
                yield Hit(
                    line,
                    column,
                    f"raw HTML {what.format(match.group(1).lower())}: runbooks must not "
                    "run code or embed remote content in the site",
                )
    for frag in doc.html:
        for pattern, what in ((_UNSAFE_TAG_RE, "<{}> element"), (_HANDLER_RE, "'{}' handler")):
            for match in pattern.finditer(frag.html):
                before = frag.html[: match.start()]
                row = before.count("\n")
                column = (frag.column if row == 0 else 1) + match.start() - (before.rfind("\n") + 1)
                yield Hit(
                    frag.line + row,
                    column,
                    f"raw HTML {what.format(match.group(1).lower())}: runbooks must not "
                    "run code or embed remote content in the site",
                )


def _link_paths(links: Iterable[Link]) -> list[str]:
    return [path for link in links if (path := listed_path(link.target)) is not None]


def _lexical(base: Path, links: Iterable[str]) -> set[str]:
    return {os.path.normpath(os.path.join(base, link.lstrip("/"))) for link in links}


def _listed(library: Library, base: Path) -> tuple[list[str], set[str]]:
    """The paths of every link of the index, and the files they name lexically: computed once
    per parsed index (a language server keeps it while the index is unchanged)."""

    def compute(index: Document) -> tuple[list[str], set[str]]:
        links = _link_paths(index.links)
        return links, _lexical(base, links)

    found = library.derived(library.index_path, "rb301.listed", compute)
    return found if found is not None else ([], set())


def check_not_in_index(library: Library, ctx: Context) -> Iterator[Hit]:
    files = library.runbook_files_in_scope()
    found = library.index_links({path.name for path in files}) if files else None
    if found is None:
        return
    base = library.index_path.resolve().parent
    # Lexical resolution first (cheap); symbolic links are resolved only for the files that
    # do not match lexically, and then against every link of the index.
    complete = found[1]
    if complete:
        links, listed = _listed(library, base)
    else:
        links = _link_paths(found[0])
        listed = _lexical(base, links)
    resolved: set[Path] | None = None
    for path in files:
        if os.path.normpath(path) in listed:
            continue
        if not complete:
            if library.index is None:
                return
            links, listed = _listed(library, base)
            complete = True
            if os.path.normpath(path) in listed:
                continue
        if resolved is None:
            resolved = {library.resolve_from(base, link) for link in links}
        if path.resolve() in resolved:
            continue
        yield Hit(
            1,
            1,
            f"not listed in the index ({library.display(library.index_path)})",
            path=library.display(path),
            fix=_index_fix(library, path),
        )


def _index_fix(library: Library, path: Path) -> Fix | None:
    from ..fixes.index_row import index_row_fix

    doc = library.document(path)
    title = doc.title.text if doc is not None and doc.title else path.stem
    owner = doc.metadata["owner"].value if doc is not None and "owner" in doc.metadata else ""
    return index_row_fix(library, path, title, owner)


def check_index_exists(library: Library, ctx: Context) -> Iterator[Hit]:
    if library.is_library_layout() and not library.index_path.is_file() and library.runbook_files():
        yield Hit(
            1,
            1,
            "the library has no index: create it with a table of every runbook",
            path=library.display(library.index_path),
        )


# The fix adds a row to the index's runbook table.
_INDEX_TABLE = "# Index\n\n| Runbook | Owner |\n|---|---|\n| [Backup](backup.md) | Ops |\n"
_FILES_OK = {
    "runbooks/index.md": "# Index\n\n- [Scaling](scaling.md)\n",
    "runbooks/scaling.md": "# Scaling\n",
}

RULES = (
    Rule(
        id="RB301",
        name="not-in-index",
        severity="error",
        fixable=True,
        summary="A runbook or drill is not listed in the index.",
        rationale=(
            "Story 8.9 AC5: an index provides quick navigation. During an outage operators "
            "find runbooks through the index and the site navigation built from it; a runbook "
            "missing from it might as well not exist. A runbook is listed by a link to the file "
            "itself; a quick-reference link to one of its sections ('backup.md#procedure') "
            "does not list it."
        ),
        bad="runbooks/index.md lists backup.md only; runbooks/scaling.md exists",
        good="runbooks/index.md lists backup.md and scaling.md",
        check_library=check_not_in_index,
        bad_files={
            "runbooks/index.md": _INDEX_TABLE,
            "runbooks/backup.md": "# Backup\n",
            "runbooks/scaling.md": "# Scaling\n",
        },
        good_files={
            "runbooks/index.md": _INDEX_TABLE + "| [Scaling](scaling.md) | Ops |\n",
            "runbooks/backup.md": "# Backup\n",
            "runbooks/scaling.md": "# Scaling\n",
        },
    ),
    Rule(
        id="RB302",
        name="index-entry-missing-file",
        severity="error",
        summary="The index links to a runbook file that does not exist.",
        rationale=(
            "A dead entry in the index sends the operator to a 404 at the worst moment. Remove "
            "the entry or restore the runbook."
        ),
        bad="- [Scaling](scaling.md)   (runbooks/scaling.md does not exist)",
        good="- [Scaling](scaling.md)   (runbooks/scaling.md exists)",
        check=check_index_entries,
        kinds=frozenset({"index"}),
        bad_files={"runbooks/index.md": "# Index\n\n- [Scaling](scaling.md)\n"},
        good_files=_FILES_OK,
        example_path="runbooks/index.md",
    ),
    Rule(
        id="RB303",
        name="broken-link",
        severity="error",
        summary="A relative link points to a file that does not exist.",
        rationale=(
            "Runbooks send operators to each other ('continue in Recovery'). A broken link "
            "stops them cold; the offline site cannot fall back to a search engine."
        ),
        bad=_RUNBOOK,
        good=_RUNBOOK,
        check=check_broken_link,
        kinds=DOC_KINDS,
        bad_files={"runbooks/scaling.md": _RUNBOOK},
        good_files={"runbooks/scaling.md": _RUNBOOK, "runbooks/recovery.md": _RECOVERY},
        example_path="runbooks/scaling.md",
    ),
    Rule(
        id="RB304",
        name="broken-anchor",
        severity="error",
        summary="A link's '#anchor' matches no heading of the target page.",
        rationale=(
            "Anchors are computed from headings the way the site computes them (lowercase, "
            "punctuation and emoji dropped, spaces to hyphens, '_1' for repeats). Renaming a "
            "heading silently breaks every deep link into it; this rule catches it."
        ),
        bad=_RUNBOOK,
        good=_RUNBOOK,
        check=check_anchor,
        kinds=DOC_KINDS,
        bad_files={
            "runbooks/scaling.md": _RUNBOOK,
            "runbooks/recovery.md": "# Recovery\n\n## Steps\n",
        },
        good_files={"runbooks/scaling.md": _RUNBOOK, "runbooks/recovery.md": _RECOVERY},
        example_path="runbooks/scaling.md",
    ),
    Rule(
        id="RB305",
        name="link-outside-repository",
        severity="error",
        summary="A relative link climbs out of the repository.",
        rationale=(
            "'../../other-repo/doc.md' works on one laptop and nowhere else: not in the site, "
            "not in an archive of the library. Link to a web address instead."
        ),
        bad="See [the host notes](../../../../etc/hosts-notes.md).",
        good="See [the host notes](https://wiki.example.org/hosts).",
        check=check_outside,
        kinds=DOC_KINDS,
    ),
    Rule(
        id="RB306",
        name="unsafe-link-scheme",
        severity="error",
        summary="A 'javascript:', 'data:' or 'vbscript:' link.",
        rationale=(
            "Such links run code or smuggle content into the site an operator trusts during an "
            "incident. Runbooks link to pages, files and web addresses only."
        ),
        bad="[Reset](javascript:alert(1))",
        good="[Reset](recovery.md)",
        check=check_scheme,
        kinds=DOC_KINDS,
    ),
    Rule(
        id="RB307",
        name="missing-index",
        severity="error",
        summary="The library has runbooks but no index.",
        rationale=(
            "Story 8.9 AC5: an index provides quick navigation, and the site's navigation is "
            "built from it."
        ),
        bad="runbooks/ holds backup.md but no index.md",
        good="runbooks/index.md lists backup.md",
        check_library=check_index_exists,
        bad_files={"runbooks/backup.md": "# Backup\n"},
        good_files={
            "runbooks/backup.md": "# Backup\n",
            "runbooks/index.md": "# Index\n\n- [Backup](backup.md)\n",
        },
    ),
    Rule(
        id="RB310",
        name="unsafe-html",
        severity="error",
        summary="Raw <script>, <iframe>, <object>, <form> or an on*= event handler in a runbook.",
        rationale=(
            "The site is opened from laptops during incidents, often offline. Embedded scripts "
            "and frames either fail there or fetch remote content; both are a supply-chain "
            "risk in the one place operators must be able to trust."
        ),
        bad='<iframe src="https://dashboards.example.org/embed"></iframe>',
        good="[Open the dashboard](https://dashboards.example.org/)",
        check=check_html,
        kinds=DOC_KINDS,
    ),
)
