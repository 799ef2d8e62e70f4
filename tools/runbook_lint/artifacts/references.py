"""Field references in runbooks: which artifact field a runbook tells the operator to check.

Three notations are recognised (docs/dev/conventions.md, "Artifact field references"):

- a `jq` filter applied to a named artifact file, or to the output of the command that
  produces an artifact (`jq '.health.status, .health.reasonCodes' <...>/state.json`);
- a list item or paragraph naming one artifact in inline code, with field paths in inline code
  in the list items below it or after a colon on the same line;
- the explicit form `` `reports/operator-recovery.json#takeover.handoff_applied` ``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .catalog import Artifact, Catalog
from .jq import read_paths
from .schemas import ANY_ITEM, FieldPath

if TYPE_CHECKING:
    from ..document import Document, ListItem

SHELL_LANGS = frozenset({"bash", "sh", "shell", "console", "zsh", ""})
_IDENT = r"[A-Za-z_][A-Za-z0-9_-]*"
_FIELD_CODE = re.compile(
    rf"^\.?(?P<path>{_IDENT}(?:\.{_IDENT}|\[\d*\])*)"
    r"(?P<rest>\s*(?:==|!=|>=|<=|>|<|=|:|\bis\b|\bin\b).*)?$"
)
_EXPLICIT = re.compile(r"^(?P<file>[^\s#`]+\.jsonl?)#(?P<path>\.?[A-Za-z_][^\s]*)$")
_JQ_FILTER = re.compile(
    r"(?:\s+(?:--(?:arg|argjson|slurpfile|rawfile)\s+\S+\s+\S+|-[A-Za-z-]+))*\s+'([^']*)'"
)
_TAIL_PART = re.compile(rf"\.({_IDENT})|\[(\d*)\]|\[\"([^\"]*)\"\]")


@dataclass(frozen=True)
class FieldRef:
    artifacts: tuple[Artifact, ...]
    path: FieldPath
    text: str  # as written
    line: int
    column: int
    via: str  # "jq", "list", "explicit"


def _parts(first: str | None, tail: str) -> FieldPath:
    out: list[str] = [first] if first else []
    for m in _TAIL_PART.finditer(tail):
        if m.group(1) is not None:
            out.append(m.group(1))
        elif m.group(3) is not None:
            out.append(m.group(3))
        else:
            out.append(ANY_ITEM if m.group(2) == "" else f"[{m.group(2)}]")
    return tuple(out)


def jq_paths(filter_text: str) -> Iterator[tuple[FieldPath, int]]:
    """Field paths a jq filter reads from its input, with offsets into the filter."""
    return read_paths(filter_text)


def _code_lines(doc: Document) -> Iterator[tuple[str, int, int]]:
    """Command lines of shell blocks with their position; console output lines are skipped."""
    for block in doc.code_blocks:
        if block.lang not in SHELL_LANGS:
            continue
        continued = False
        for src in block.lines:
            text, column = src.text, src.column
            if block.lang == "console" and not continued:
                if not text.startswith("$ "):
                    continue
                text, column = text[2:], column + 2
            continued = text.rstrip().endswith("\\")
            yield text, src.line, column


def _jq_in_command(command: str, catalog: Catalog) -> Iterator[tuple[str, int, list[Artifact]]]:
    """(filter, offset of the filter's first character, artifacts) for each jq call."""
    for match in re.finditer(r"(?:^|[|;&]\s*|\s)jq\b", command):
        start = match.end()
        rest = command[start:]
        filt = _JQ_FILTER.match(rest)
        if filt is None:
            continue
        filter_offset = start + filt.start(1)
        after = rest[filt.end() :]
        end = re.search(r"[|;&]|\)", after)
        args = after[: end.start()] if end else after
        try:
            words = shlex.split(args, comments=True)
        except ValueError:
            words = args.split()
        found: list[Artifact] = []
        for word in words:
            if word.startswith("-") or word.startswith(">"):
                continue
            found.extend(catalog.named(word))
        if not found:
            upstream = command[: match.start() + 1]
            if "|" in upstream:
                previous = upstream[: upstream.rfind("|")]
                stage = re.split(r"[|;&]", previous)[-1].split()
                words = [w for w in stage if "=" not in w.split("/")[0]]
                if words:
                    found.extend(catalog.produced_by(words[0]))
                    if words[0] in ("cat", "tail", "head"):
                        for word in words[1:]:
                            found.extend(catalog.named(word))
        if found:
            yield filt.group(1), filter_offset, found


def _jq_refs(doc: Document, catalog: Catalog) -> Iterator[FieldRef]:
    lines = list(_code_lines(doc))
    i = 0
    while i < len(lines):
        group = [lines[i]]
        while group[-1][0].rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            group.append(lines[i])
        i += 1
        command, starts = "", []
        for text, line, col in group:
            starts.append((len(command), line, col))
            command += text.rstrip().removesuffix("\\") + " "
        for filt, offset, arts in _jq_in_command(command, catalog):
            for path, rel in jq_paths(filt):
                at = offset + rel
                base, line, col = max((s for s in starts if s[0] <= at), key=lambda s: s[0])
                yield FieldRef(tuple(arts), path, filt, line, col + at - base, "jq")
    for code in doc.inline_codes:
        for filt, offset, arts in _jq_in_command(" " + code.text, catalog):
            for path, rel in jq_paths(filt):
                yield FieldRef(
                    tuple(arts), path, filt, code.line, code.column + offset + rel - 1, "jq"
                )


def _field_of(code_text: str) -> FieldPath | None:
    m = _FIELD_CODE.match(code_text.strip())
    if m is None:
        return None
    path = m.group("path")
    parts = _parts(path.split(".")[0].split("[")[0], path[len(path.split(".")[0].split("[")[0]) :])
    return parts


def _named_artifacts(codes: list[tuple[str, int, int]], catalog: Catalog) -> list[Artifact]:
    found: list[Artifact] = []
    for text, _, _ in codes:
        if "#" in text:
            continue
        found.extend(catalog.named(text))
        words = text.split()
        if words:
            found.extend(catalog.produced_by(words[0]))
    return found


def _list_refs(doc: Document, catalog: Catalog) -> Iterator[FieldRef]:
    items = doc.list_items
    codes_by_line: dict[int, list[tuple[str, int, int]]] = {}
    for code in doc.inline_codes:
        codes_by_line.setdefault(code.line, []).append((code.text, code.line, code.column))

    def codes_in(first: int, last: int) -> list[tuple[str, int, int]]:
        return [c for line in range(first, last + 1) for c in codes_by_line.get(line, [])]

    first_child: dict[int, int] = {}
    for j, other in enumerate(items):
        if other.parent is not None:
            first_child.setdefault(other.parent, j)

    def item_codes(index: int) -> list[tuple[str, int, int]]:
        item = items[index]
        child = first_child.get(index)
        last = (items[child].line - 1) if child is not None else item.end_line
        return codes_in(item.line, last)

    def field_refs(
        arts: list[Artifact], codes: list[tuple[str, int, int]], item: ListItem | None
    ) -> Iterator[FieldRef]:
        for text, line, column in codes:
            path = _field_of(text)
            if (
                path is None
                or catalog.named(text)
                or (text.split()[0:1] and catalog.produced_by(text.split()[0]))
            ):
                continue
            if len(path) == 1:
                # a lone word is a field when a comparison follows it or the item starts with
                # it, and it is not a value written in capitals (`PASS`, `STALE`)
                match = _FIELD_CODE.match(text.strip())
                compared = match is not None and bool(match.group("rest"))
                starts = item is not None and item.line == line and item.column == column - 1
                if not (compared or starts) or path[0].isupper():
                    continue
            yield FieldRef(tuple(arts), path, text, line, column, "list")

    for index, item in enumerate(items):
        codes = item_codes(index)
        arts = _named_artifacts(codes, catalog)
        if not arts:
            continue
        # after a colon on the same line
        names = [c for c in codes if catalog.named(c[0])]
        after = [
            c
            for c in codes
            if names
            and c[2] > names[-1][2]
            and c[1] == names[-1][1]
            and ":" in doc.line_text(c[1])[names[-1][2] : c[2]]
        ]
        yield from field_refs(arts, after, None if not after else item)
        for j, child in enumerate(items):
            if child.parent == index:
                yield from field_refs(arts, item_codes(j), child)
    for heading in doc.headings:
        # a step or section whose heading names one artifact: its checklist items that start
        # with a field path are fields of that artifact
        arts = _named_artifacts(codes_in(heading.line, heading.line), catalog)
        if not arts:
            continue
        end = doc.section_end(heading)
        for j, item in enumerate(items):
            if item.depth == 0 and heading.line < item.line <= end:
                codes = item_codes(j)
                yield from field_refs(arts, codes[:1], item)
    for para in doc.paragraphs:
        if para.in_list or not para.text.rstrip().endswith(":"):
            continue
        codes = codes_in(para.line, para.end_line)
        arts = _named_artifacts(codes, catalog)
        if not arts:
            continue
        previous_end = para.end_line
        for j, item in enumerate(items):
            if item.depth == 0 and previous_end < item.line <= previous_end + 2:
                yield from field_refs(arts, item_codes(j), item)
                previous_end = item.end_line


def _explicit_refs(doc: Document, catalog: Catalog) -> Iterator[FieldRef]:
    for code in doc.inline_codes:
        m = _EXPLICIT.match(code.text.strip())
        if m is None:
            continue
        arts = catalog.named(m.group("file"))
        path = _field_of(m.group("path"))
        if path is None:
            continue
        column = code.column + code.text.find("#") + 1
        yield FieldRef(tuple(arts), path, code.text, code.line, column, "explicit")


def field_refs(doc: Document, catalog: Catalog) -> list[FieldRef]:
    refs = [*_jq_refs(doc, catalog), *_list_refs(doc, catalog), *_explicit_refs(doc, catalog)]
    unique = {(r.line, r.column, r.path): r for r in refs}
    return sorted(unique.values(), key=lambda r: (r.line, r.column))
