"""`runbook-lint new "Title" [--kind runbook|drill] [--owner TEAM]`: scaffold from the template.

The new file is the library's template (TEMPLATE.md, or the drill template) with the title,
today's date and the owner filled in, named after the title's slug in the runbooks or drills
folder. It is added to the index's runbook table. An existing file is never overwritten, and
both files are written atomically; if the index cannot be written, the new file is removed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .. import settings
from ..errors import UsageError
from .options import add_config_option


def register(sub: Any) -> None:
    parser = sub.add_parser("new", help="scaffold a runbook or drill and add it to the index")
    parser.add_argument(
        "title", metavar="TITLE", help='the runbook\'s title, e.g. "Redis Failover"'
    )
    parser.add_argument(
        "--kind",
        choices=("runbook", "drill"),
        default="runbook",
        help="scaffold a runbook (default) or a drill checklist",
    )
    parser.add_argument("--owner", metavar="TEAM", help="the Owner: line (default: the template's)")
    add_config_option(parser)
    parser.set_defaults(func=run)


def scaffold(template: str, title: str, today: str, owner: str | None) -> str:
    """The template's text with its title, Last Updated and (if given) Owner replaced."""
    from ..document import Document
    from ..findings import Edit
    from ..fixes.apply import apply_edits

    doc = Document.parse("<template>", template)
    edits = []
    if doc.title is not None:
        heading = doc.title
        raw = doc.line_text(heading.line)
        if raw.lstrip().startswith("#"):
            end = len(raw.rstrip().rstrip("#").rstrip()) + 1
            edits.append(Edit(heading.line, heading.column, heading.line, end, title))
    values = {"last_updated": today, "owner": owner}
    for key, value in values.items():
        field = doc.metadata.get(key)
        if field is None or value is None:
            continue
        raw = doc.line_text(field.line)
        start = field.column
        end = start + len(field.value) if raw[start - 1 :].startswith(field.value) else start
        edits.append(Edit(field.line, start, field.line, end, value))
    text, problem = apply_edits(doc.text, edits)
    if text is None:  # pragma: no cover - positions come from the same text
        raise UsageError(f"cannot fill in the template: {problem}")
    return text


def run(args: argparse.Namespace) -> int:
    from ..context import today
    from ..document import slugify
    from ..document.template import STORY_8_9_TEMPLATE
    from ..fixes.apply import apply_edits, write_atomic
    from ..fixes.index_row import index_row_fix
    from ..library import Library

    title = " ".join(args.title.split())
    slug = slugify(title)
    if not slug:
        raise UsageError(f"title {args.title!r} has no letters or digits to name the file after")
    owner = " ".join(args.owner.split()) if args.owner else None
    cfg = settings.load(args.config)
    library = Library(cfg)
    drill = args.kind == "drill"
    folder = library.drills_dir if drill else library.runbooks_dir
    template_path = library.drill_template_path if drill else library.template_path
    if template_path.is_file():
        template = template_path.read_text(encoding="utf-8")
        source = library.display(template_path)
    elif drill:
        raise UsageError(
            f"no drill template at {library.display(template_path)}; create it first "
            "(or set 'drill-template' in [tool.runbook-lint])"
        )
    else:
        template, source = STORY_8_9_TEMPLATE, "the Story 8.9 template"
    target = folder / f"{slug}.md"
    display = library.display(target)
    if target.exists():
        raise UsageError(f"{display} already exists; not overwriting it")

    text = scaffold(template, title, today().isoformat(), owner)
    fix = index_row_fix(library, target, title, owner or "")
    index_text = None
    if fix is not None:
        index_path = library.index_path
        index_text, problem = apply_edits(
            index_path.read_text(encoding="utf-8"), (e for e in fix.edits)
        )
        if index_text is None:  # pragma: no cover - the edit is built from the same file
            raise UsageError(f"cannot add the row to {library.display(index_path)}: {problem}")

    folder.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(target, text, exclusive=True)
    except FileExistsError as exc:
        raise UsageError(f"{display} already exists; not overwriting it") from exc
    if index_text is not None:
        try:
            write_atomic(library.index_path, index_text)
        except BaseException:  # a full disk or Ctrl-C: no runbook without its index row
            Path(target).unlink()
            raise
    print(f"Created {display} from {source}.")
    index_display = library.display(library.index_path)
    if index_text is not None:
        print(f"Added it to the table in {index_display}.")
    elif library.index_path.is_file():
        print(f"Add it to {index_display} by hand: no runbook table found there.", file=sys.stderr)
    else:
        print(f"No index at {index_display}: create one that lists every runbook.", file=sys.stderr)
    if owner is None:
        print("Fill in the 'Owner:' line (or pass --owner next time).", file=sys.stderr)
    return 0
