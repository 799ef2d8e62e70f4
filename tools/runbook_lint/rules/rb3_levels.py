"""RB330-RB331: a severity or signal carries one level wherever it is named, and the levels are
defined once.

The index names the levels: its runbook table gives each runbook a level, its quick reference
gives each scenario one, and the examples of its severity definitions give some signals one.
Runbooks name levels too: their At a glance severity, and in prose ("A fork is detected
(severity [HIGH](index.md#severity-levels))"). The places are read by `document/levels.py`;
these rules compare them and report a disagreement at both places, each naming the other.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..document.levels import (
    RANK,
    IndexLevels,
    Mention,
    PageLevels,
    RunbookRow,
    Signal,
    index_levels,
    page_levels,
)
from ..document.markdown import parse_tokens
from ..findings import Hit
from ..library.facts import fact
from ..rule import Rule

if TYPE_CHECKING:
    from ..context import Context
    from ..document import Document
    from ..library import Library

fact("levels")(page_levels)

INDEX_LEVELS = "index-levels"


def _mention_out(m: Mention) -> list[Any]:
    return [m.level, m.line, m.column, m.subject, m.link]


def _mention_in(v: Any) -> Mention:
    level, line, column, subject, link = v
    return Mention(str(level), int(line), int(column), str(subject), link and str(link))


def _index_out(value: tuple[IndexLevels, PageLevels] | None) -> Any:
    if value is None:
        return None
    declared, page = value
    return [
        [[r.target, r.title, _mention_out(r.mention)] for r in declared.rows],
        [[s.name, _mention_out(s.mention), s.target] for s in declared.signals],
        declared.definitions,
        [[_mention_out(m) for m in page.severity], [_mention_out(m) for m in page.mentions]],
        [list(d) for d in page.definitions],
    ]


def _index_in(value: Any) -> tuple[IndexLevels, PageLevels] | None:
    if value is None:
        return None
    rows, signals, definitions, (severity, mentions), tables = value
    declared = IndexLevels(
        tuple(RunbookRow(str(t), str(title), _mention_in(m)) for t, title, m in rows),
        tuple(Signal(str(n), _mention_in(m), t and str(t)) for n, m, t in signals),
        definitions if definitions is None else int(definitions),
    )
    page = PageLevels(
        tuple(_mention_in(m) for m in severity),
        tuple(_mention_in(m) for m in mentions),
        tuple((int(line), int(column)) for line, column in tables),
    )
    return declared, page


# The index's levels, read from a full parse; the content cache keeps them while the index's
# bytes do not change, so a one-file check does not parse a long index again.
@fact(INDEX_LEVELS, partial=parse_tokens, kept=(_index_out, _index_in))
def index_facts(index: Document) -> tuple[IndexLevels, PageLevels]:
    return index_levels(index), page_levels(index, tables=False)


@dataclass(frozen=True)
class _Place:
    path: str
    mention: Mention

    @property
    def where(self) -> str:
        return f"{self.path}:{self.mention.line}"


@dataclass(frozen=True)
class _Levels:
    index: str  # the index's display path
    declared: IndexLevels
    pages: dict[str, PageLevels]  # display path -> what the runbook says


def _read(library: Library) -> _Levels | None:
    """What the index and the runbooks say about levels (every runbook when the index is
    checked, else the checked ones: a finding elsewhere would be dropped)."""
    if not library.index_path.is_file():
        return None
    display = library.display(library.index_path)
    checked = library.in_scope(display)
    paths = library.runbook_files() if checked else library.runbook_files_in_scope()
    pages = {library.display(p): library.fact(p, "levels") for p in paths}
    pages = {path: levels for path, levels in pages.items() if levels is not None}
    if not checked and not any(
        page.severity or page.mentions or page.definitions for page in pages.values()
    ):
        return None  # the checked runbooks name no level: nothing in the index can disagree
    found = library.fact(library.index_path, INDEX_LEVELS)
    if found is None:
        return None
    declared, pages[display] = found
    return _Levels(display, declared, pages)


def _file(index: str, target: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(index), target.split("#", 1)[0]))


def _both(one: _Place, other: _Place, say: str, say_other: str) -> Iterator[Hit]:
    yield Hit(one.mention.line, one.mention.column, say, path=one.path)
    yield Hit(other.mention.line, other.mention.column, say_other, path=other.path)


def check_levels(library: Library, ctx: Context) -> Iterator[Hit]:
    levels = _read(library)
    if levels is None:
        return
    index, declared = levels.index, levels.declared
    own: dict[str, _Place] = {}  # runbook -> the place that gives its level
    for row in declared.rows:
        path = _file(index, row.target)
        listed = _Place(index, row.mention)
        page = levels.pages.get(path)
        severity = page.level if page is not None else None
        own[path] = _Place(path, severity) if severity is not None else listed
        if severity is None or severity.level == row.mention.level:
            continue
        here = _Place(path, severity)
        yield from _both(
            listed,
            here,
            f"the index gives '{row.title}' {row.mention.level}, but its At a glance says "
            f"{severity.level} ({here.where}): a runbook has one severity",
            f"At a glance says {severity.level}, but the index's runbook table gives this "
            f"runbook {row.mention.level} ({listed.where}): a runbook has one severity",
        )
    for path, page in levels.pages.items():
        if path not in own and page.level is not None and path != index:
            own[path] = _Place(path, page.level)
    for signal in declared.signals:
        if signal.target is None:
            continue
        target = own.get(_file(index, signal.target))
        scenario = _Place(index, signal.mention)
        if target is None or RANK[signal.mention.level] <= RANK[target.mention.level]:
            continue
        yield from _both(
            scenario,
            target,
            f"'{signal.name}' is {signal.mention.level}, above the {target.mention.level} of "
            f"the runbook it points into ({target.where}): a runbook's severity is the highest "
            "level it handles; raise the runbook or lower the scenario",
            f"this runbook's severity {target.mention.level} is below the "
            f"{signal.mention.level} the index gives '{signal.name}' ({scenario.where}), which "
            "points here: a runbook's severity is the highest level it handles",
        )
    yield from _signals(levels)


def _signals(levels: _Levels) -> Iterator[Hit]:
    """Each signal the index names with a level against every other place naming it."""
    index = levels.index
    signals = levels.declared.signals
    for i, signal in enumerate(signals):
        for other in signals[i + 1 :]:
            if other.mention.line == signal.mention.line:
                continue  # two signals of one row
            if signal.words <= other.words or other.words <= signal.words:
                yield from _disagree(
                    signal, _Place(index, signal.mention), _Place(index, other.mention)
                )
    for path, page in sorted(levels.pages.items()):
        for mention in page.mentions:
            named = [s for s in signals if s.words <= mention.words]
            if not named:
                continue
            for signal in () if _one_reading_agrees(named, mention) else named:
                yield from _disagree(signal, _Place(index, signal.mention), _Place(path, mention))
            own = page.level
            if path == index or own is None or RANK[mention.level] <= RANK[own.level]:
                continue
            here, runbook = _Place(path, mention), _Place(path, own)
            yield from _both(
                here,
                runbook,
                f"'{mention.subject}' is {mention.level}, above this runbook's severity "
                f"{own.level} ({runbook.where}): a runbook's severity is the highest level it "
                "handles",
                f"this runbook's severity {own.level} is below the {mention.level} it gives "
                f"'{mention.subject}' ({here.where}): a runbook's severity is the highest level "
                "it handles",
            )


def _one_reading_agrees(named: list[Signal], mention: Mention) -> bool:
    """Whether the mention gives the level that every place of one of the signals it names
    gives ("a capacity warning early alert" is a capacity warning, LOW, though an early
    warning alert is MEDIUM)."""
    groups: dict[frozenset[str], set[str]] = {}
    for signal in named:
        groups.setdefault(signal.words, set()).add(signal.mention.level)
    return any(found == {mention.level} for found in groups.values())


def _disagree(signal: Signal, one: _Place, other: _Place) -> Iterator[Hit]:
    if one.mention.level == other.mention.level:
        return
    name = signal.name
    yield from _both(
        one,
        other,
        f"'{name}' is {one.mention.level} here but {other.mention.level} at {other.where} "
        f"('{other.mention.subject}'): a signal has one level; make them agree",
        f"'{other.mention.subject}' is {other.mention.level} here but the index gives "
        f"'{name}' {one.mention.level} ({one.where}): a signal has one level; make them agree",
    )


def check_defined_twice(library: Library, ctx: Context) -> Iterator[Hit]:
    levels = _read(library)
    if levels is None:
        return
    owner: tuple[str, int] | None = None
    definitions = levels.declared.definitions
    if definitions is not None:
        owner = (levels.index, definitions)
    for path, page in sorted(levels.pages.items(), key=lambda item: item[0] != levels.index):
        for line, column in page.definitions:
            if owner is None:
                owner = (path, line)
            if (path, line) == owner:
                continue
            yield Hit(
                line,
                column,
                f"severity levels are defined here and in {owner[0]}:{owner[1]}: define them "
                "once, in the index, and link to its severity levels from here",
                path=path,
            )


# -- the catalogue -----------------------------------------------------------------------------

_INDEX = """\
# Runbook Index

## Runbooks

| Runbook | Severity |
|---------|----------|
| [Halt and Fork Recovery](halt.md) | CRITICAL |

## Quick Reference by Scenario

| Symptom | Severity | Go to |
|---------|----------|-------|
| Halt channels disagree | {level} | [Halt](halt.md#procedure) |

## Severity Levels

| Severity | What it means | What you do | Examples |
|----------|---------------|-------------|----------|
| CRITICAL | A halt is in force or must be | Page now | Halt signal |
| HIGH | A guarantee is failing | Page the owner | Fork detected |
"""

_RUNBOOK = """\
# Halt and Fork Recovery

## At a glance

**Severity:** [CRITICAL](index.md#severity-levels)

## Trigger Conditions

- The two halt channels disagree (severity [CRITICAL](index.md#severity-levels))

## Procedure

Read both channels.
"""

_DEFINED_AGAIN = """

## Severity

| Severity | Response |
|----------|----------|
| CRITICAL | Immediately, system is halted |
| HIGH | Within 15 minutes |
"""

RULES = (
    Rule(
        id="RB330",
        name="severity-level-disagrees",
        severity="error",
        summary="A runbook or signal is given different levels in different places.",
        rationale=(
            "An operator sets the incident's severity from the first page they read. When "
            "the index calls a signal HIGH and its runbook calls it CRITICAL, the page that "
            "happens to be open decides who is woken up. A runbook's row in the index's "
            "runbook table must equal its At a glance severity; a quick reference row cannot "
            "be above the severity of the runbook it points into; and a signal the index "
            "names with a level (a quick reference row, a definitions example) carries the "
            "same level wherever a page names it with one. Signals are matched on all of "
            "their words ('backup job failed' is not 'scheduled backup'). Each finding names "
            "both places."
        ),
        bad="runbooks/index.md gives 'Halt channels disagree' HIGH; runbooks/halt.md says CRITICAL",
        good="runbooks/index.md and runbooks/halt.md both give it CRITICAL",
        check_library=check_levels,
        bad_files={
            "runbooks/index.md": _INDEX.format(level="HIGH"),
            "runbooks/halt.md": _RUNBOOK,
        },
        good_files={
            "runbooks/index.md": _INDEX.format(level="CRITICAL"),
            "runbooks/halt.md": _RUNBOOK,
        },
    ),
    Rule(
        id="RB331",
        name="severity-defined-twice",
        severity="error",
        summary="Severity levels are defined in a second table besides the index's.",
        rationale=(
            "Two definitions drift apart: one page says CRITICAL means 'page immediately and "
            "halt the system', another 'immediately, system is halted'. The index's Severity "
            "Levels table is the one definition; every other page links to it."
        ),
        bad="runbooks/halt.md has its own Severity table besides the index's",
        good="runbooks/halt.md links to the index's Severity Levels",
        check_library=check_defined_twice,
        bad_files={
            "runbooks/index.md": _INDEX.format(level="CRITICAL"),
            "runbooks/halt.md": _RUNBOOK + _DEFINED_AGAIN,
        },
        good_files={
            "runbooks/index.md": _INDEX.format(level="CRITICAL"),
            "runbooks/halt.md": _RUNBOOK,
        },
    ),
)
