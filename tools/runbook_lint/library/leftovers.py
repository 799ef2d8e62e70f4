"""What of a runbook is still its template's text: the parts each runbook is read into (a fact,
computed where the file is parsed) and the passages a library means to repeat.

A template passage (or metadata value) that most of the other runbooks following the template
keep word for word (at least two, and more than half of them) is the library's boilerplate,
such as a standard warning, a footer or the team that owns every runbook, not text left to be
replaced; `Library.leftovers` leaves it out. In a large library the count is taken over an
evenly spread sample of those runbooks (`SAMPLE`, in the order of `spread`), the same whichever
files are checked, so that checking one file reads a few others rather than the whole library.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..document import Document
from ..document.leftovers import Leftover, Parts, Passage, TemplateText, meta_key, parts
from ..document.markdown import parse_tokens
from .facts import fact

PARTS = "leftover-parts"
# How many runbooks following a template are read to tell its boilerplate: enough that "more
# than half of them keep it" is not luck, few enough that one file's check stays quick.
SAMPLE = 25


def _parts_out(value: Parts | None) -> Any:
    if value is None:
        return None
    return [
        [[p.key, p.line, p.column, p.end_line] for p in value.passages],
        [list(m) for m in value.metadata],
        [[m.line, m.column, m.kind, m.text, m.end_line] for m in value.markers],
    ]


def _parts_in(value: Any) -> Parts | None:
    if value is None:
        return None
    passages, metadata, markers = value  # a wrong shape raises TypeError or ValueError
    return Parts(
        tuple(Passage(str(k), int(a), int(b), int(c)) for k, a, b, c in passages),
        tuple((str(k), str(v), int(a), int(b)) for k, v, a, b in metadata),
        tuple(Leftover(int(a), int(b), str(k), str(t), int(e)) for a, b, k, t, e in markers),
    )


# Read from a full parse, and kept by the content cache for the runbooks a run only samples.
@fact(PARTS, partial=parse_tokens, kept=(_parts_out, _parts_in))
def _parts(doc: Document) -> Parts:
    return parts(doc)


def _keys(item: Parts) -> set[str]:
    return {p.key for p in item.passages} | {meta_key(k, v) for k, v, _, _ in item.metadata}


@dataclass(frozen=True)
class Kept:
    """How many of the runbooks following a template keep each of its passages."""

    counts: Mapping[str, int]
    total: int

    def boilerplate(self, own: Parts) -> frozenset[str]:
        """The passages most runbooks other than the one read into `own` keep (at least two
        and more than half of them): the library's boilerplate, for that runbook."""
        mine, others = _keys(own), self.total - 1
        out = set()
        for key, count in self.counts.items():
            count -= key in mine
            if count >= 2 and 2 * count > others:
                out.add(key)
        return frozenset(out)


def kept(template: TemplateText, found: Iterable[Parts | None]) -> Kept:
    """Count the template's passages and metadata values among the runbooks in `found`."""
    wanted = template.passages | {meta_key(k, v) for k, v in template.metadata}
    counts: Counter[str] = Counter()
    total = 0
    for item in found:
        if item is not None:
            total += 1
            counts.update(_keys(item) & wanted)
    return Kept(dict(counts), total)


def spread(paths: Sequence[Path]) -> Iterator[Path]:
    """Every one of `paths`, in an order that covers them evenly early: the middle first, then
    the quarters, the eighths, and so on (a prefix of it is an even sample)."""
    count = len(paths)
    seen: set[int] = set()
    step = 1
    while step < 2 * count:
        for i in range(step):
            index = (2 * i + 1) * count // (2 * step)
            if index < count and index not in seen:
                seen.add(index)
                yield paths[index]
        step *= 2
    for index in range(count):
        if index not in seen:
            yield paths[index]
