"""RB110-RB113: the metadata the template shows (Last Updated, Version, Owner) is there and
readable, and front matter loads safely."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Hit
from ..rule import DOC_KINDS, Rule
from .rb1_common import GOOD, template_rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document


_LABELS = {"last_updated": "Last Updated", "version": "Version", "owner": "Owner"}
_VERSION_RE = re.compile(r"^v?\d+(?:\.\d+){0,2}(?:[-+][0-9A-Za-z.-]+)?$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def check_metadata(doc: Document, ctx: Context) -> Iterator[Hit]:
    spec = ctx.library.template_for(doc)
    if spec is None:
        return
    anchor = doc.title.line if doc.title else 1
    for key in spec.metadata:
        name = _LABELS.get(key, key.replace("_", " ").title())
        field = doc.metadata.get(key)
        if field is None:
            yield Hit(anchor, 1, f"missing '{name}:' line under the title")
        elif not field.value:
            yield Hit(field.line, field.column, f"'{name}:' has no value")


RB110 = template_rule(
    "RB110",
    "missing-metadata",
    "A metadata line the template shows (Last Updated, Version, Owner) is missing or empty.",
    "During an incident the operator needs to know whether the runbook is current and who "
    "owns it. The template's 'Last Updated:', 'Version:' and 'Owner:' lines (or the same "
    "keys in YAML front matter) are required.",
    GOOD.replace("Owner: Platform Operations\n", ""),
    check_metadata,
)


def check_date(doc: Document, ctx: Context) -> Iterator[Hit]:
    field = doc.metadata.get("last_updated")
    if field is None or not field.value or ctx.library.template_for(doc) is None:
        return
    match = _DATE_RE.match(field.value)
    if not match:
        yield Hit(
            field.line,
            field.column,
            f"'Last Updated: {field.value}' is not a date in YYYY-MM-DD form",
        )
        return
    try:
        date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        yield Hit(field.line, field.column, f"'Last Updated: {field.value}' is not a real date")
        return
    if date > ctx.today:
        yield Hit(
            field.line,
            field.column,
            f"'Last Updated: {field.value}' is in the future (today is {ctx.today})",
        )


RB111 = template_rule(
    "RB111",
    "invalid-date",
    "'Last Updated' is not a real YYYY-MM-DD date, or it is in the future.",
    "A date that cannot be read, or one in the future, makes freshness impossible to judge "
    "and usually means a typo.",
    GOOD.replace("2026-11-02", "2026-13-02"),
    check_date,
)


def check_version(doc: Document, ctx: Context) -> Iterator[Hit]:
    field = doc.metadata.get("version")
    if field is None or not field.value or ctx.library.template_for(doc) is None:
        return
    if not _VERSION_RE.match(field.value):
        yield Hit(
            field.line,
            field.column,
            f"'Version: {field.value}' is not a version number such as 1.0 or 2.1.3",
        )


RB112 = template_rule(
    "RB112",
    "invalid-version",
    "'Version' is not a version number.",
    "The version tells the operator which edition of the procedure they followed; it is "
    "quoted in incident evidence, so it must be a plain number such as 1.0 or 2.1.3.",
    GOOD.replace("Version: 1.0", "Version: latest"),
    check_version,
)


def check_front_matter(doc: Document, ctx: Context) -> Iterator[Hit]:
    matter = doc.front_matter
    if matter is not None and "{{" in matter[0] and "}}" in matter[0]:
        return  # template code a site generator fills in (a Hugo archetype), not YAML yet
    error = doc.front_matter_error
    if error is not None:
        yield Hit(error[0], 1, f"front matter cannot be read: {error[1]}")


RB113 = Rule(
    id="RB113",
    name="invalid-front-matter",
    severity="error",
    summary="YAML front matter is not a plain mapping, or uses anchors, aliases or tags.",
    rationale=(
        "Front matter is loaded safely: plain keys and values only. Anchors and aliases "
        "(the 'billion laughs' expansion) and tags that construct objects are refused, and "
        "a mapping that cannot be read means the metadata it holds is lost. Front matter "
        "with '{{ }}' template code (a Hugo archetype) is a generator's template, not checked."
    ),
    bad="---\nowner: &o Platform\nreviewer: *o\n---\n\n# Backup\n",
    good="---\nowner: Platform\nreviewer: Platform\n---\n\n# Backup\n",
    check=check_front_matter,
    kinds=DOC_KINDS,
)


RULES = (RB110, RB111, RB112, RB113)
