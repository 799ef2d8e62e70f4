"""The At a glance block at the top of a runbook page: its section drawn as one card, with the
severity as a coloured badge, above the incident panel and the rest of the page."""

from __future__ import annotations

import re

from ..document import Document
from ..document.glance import SEVERITY, TITLE, glance
from ..document.levels import LEVELS, level_tokens

_NEXT_SECTION_RE = re.compile(r"<h[12][\s>]", re.IGNORECASE)
_LEVEL_LINK_RE = re.compile(r"<a\b([^>]*)>(" + "|".join(LEVELS) + r")</a>")


def severity(doc: Document) -> str | None:
    """The page's severity as its At a glance names it (the first level), or None."""
    found = glance(doc)
    part = found.part(SEVERITY) if found is not None else None
    levels = level_tokens(doc, part.paragraph) if part is not None else []
    return levels[0].level if levels else None


def glance_block(page_html: str, doc: Document) -> str:
    """Wrap the page's At a glance section in `<section class="rb-glance">`; its severity
    links become badges. A page without the section is returned unchanged."""
    section = doc.section(TITLE)
    if section is None:
        return page_html
    start = page_html.find(f'<h2 id="{section.heading.slug}"')
    if start < 0:
        return page_html
    head_end = page_html.find("</h2>", start)
    after = _NEXT_SECTION_RE.search(page_html, head_end if head_end >= 0 else start + 1)
    end = after.start() if after is not None else len(page_html)
    body = _LEVEL_LINK_RE.sub(_badge, page_html[start:end].rstrip())
    level = severity(doc)
    kind = f" rb-glance--{level.lower()}" if level else ""
    block = f'<section class="rb-glance{kind}" aria-label="{TITLE}">\n{body}\n</section>\n'
    return page_html[:start] + block + page_html[end:]


def _badge(match: re.Match[str]) -> str:
    attributes, level = match.group(1), match.group(2)
    return (
        f'<a{attributes} class="rb-severity rb-severity--{level.lower()}" '
        f'title="Severity {level}: what it means and what to do">{level}</a>'
    )
