"""Run the rules: files -> Documents -> rules -> suppressions and selection -> sorted Findings.

Per-document results come from the content cache when the file and everything the rules read
are unchanged (`cache.py`); the others are computed in this process or, for many files, in
worker processes that each check a contiguous share of the files. Results are put back in path
order before suppressions, selection and sorting apply, so the report is the same byte for byte
whatever the number of workers and whatever came from the cache.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .cache import Cache, DocResult
from .config import Config
from .context import Context
from .document import Document
from .errors import UsageError
from .findings import Finding, Hit
from .library import Exported, Library
from .rule import Rule
from .rules.rb0_file import INTERNAL_ERROR
from .rules.rb0_suppressions import BAD_DIRECTIVE, UNUSED_SUPPRESSION
from .selection import catalogue_ids, check_config
from .suppressions import Suppression
from .suppressions import parse as parse_suppressions

T = TypeVar("T")


@dataclass
class Report:
    findings: list[Finding]
    files: int
    suppressions: list[Suppression] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def enabled(rule_id: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    if select and not any(rule_id.startswith(s) for s in select):
        return False
    return not any(rule_id.startswith(i) for i in ignore)


def select_rules(rules: Iterable[Rule], select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    return [r for r in rules if enabled(r.id, select, ignore)]


def switched_on(rule: Rule, config: Config, select: Sequence[str]) -> bool:
    """A rule of a family the configuration switches (`Rule.switch`) runs when it is switched
    on, or when a selection names it (`--select MD013` runs MD013 whatever the switch)."""
    if not rule.switch or config.switched_on(rule.switch):
        return True
    return any(rule.id.startswith(s) for s in select)


def _internal(rule: Rule, path: str, exc: BaseException) -> Finding:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return Finding(
        path,
        1,
        1,
        INTERNAL_ERROR.id,
        INTERNAL_ERROR.severity,
        f"rule {rule.id} ({rule.name}) failed on this file: {type(exc).__name__}: {exc}{where}; "
        "the other rules still ran",
    )


def _findings(rule: Rule, hits: Iterable[Hit], default_path: str | None) -> list[Finding]:
    out = []
    for hit in hits:
        path = hit.path or default_path
        if path is None:
            raise ValueError(f"rule {rule.id} reported a library finding without a path")
        out.append(
            Finding(
                path,
                max(hit.line, 1),
                max(hit.column, 1),
                rule.id,
                rule.severity,
                hit.message,
                hit.fix,
            )
        )
    return out


def check_document(doc: Document, ctx: Context, rules: Sequence[Rule]) -> list[Finding]:
    """Every per-document rule on one document; a failing rule becomes an RB000 finding."""
    findings: list[Finding] = []
    for rule in rules:
        if rule.check is None or doc.kind not in rule.kinds:
            continue
        try:
            findings.extend(_findings(rule, rule.check(doc, ctx), doc.path))
        except UsageError:  # a broken configuration (e.g. an invalid CLI contract): exit 2
            raise
        except RecursionError as exc:
            findings.append(_internal(rule, doc.path, exc))
        except Exception as exc:  # a rule bug must not stop the run
            findings.append(_internal(rule, doc.path, exc))
    return findings


def check_library(library: Library, ctx: Context, rules: Sequence[Rule]) -> list[Finding]:
    findings: list[Finding] = []
    for rule in rules:
        if rule.check_library is None:
            continue
        try:
            findings.extend(_findings(rule, rule.check_library(library, ctx), None))
        except Exception as exc:
            anchor = (
                next(iter(library.checked), None)
                or next(iter(library.other_files), None)  # only samples or schemas checked
                or library.display(library.root)
            )
            findings.append(_internal(rule, anchor, exc))
    return findings


class Filter:
    """Suppressions, per-path ignores, selection and severity overrides."""

    def __init__(
        self, config: Config, library: Library, select: Sequence[str], ignore: Sequence[str]
    ) -> None:
        self.config = config
        self.library = library
        self.select = select
        self.ignore = ignore
        self.suppressions: dict[str, list[Suppression]] = {}
        self.used: set[Suppression] = set()

    def add_suppressions(self, path: str, found: Iterable[Suppression]) -> None:
        self.suppressions[path] = list(found)

    def _path_ignored(self, finding: Finding) -> bool:
        path = self.library.absolute(finding.path)
        root = self.library.root
        rel = path.relative_to(root).as_posix() if root in path.parents else finding.path
        for pattern, rules in self.config.per_path_ignores.items():
            if fnmatch.fnmatch(rel, pattern) and any(finding.rule.startswith(r) for r in rules):
                return True
        return False

    def keep(self, finding: Finding) -> bool:
        # A rule that failed on a file is reported under any selection: the rules selected
        # may be the ones that did not run. Only an `ignore` naming RB000 drops it.
        internal = finding.rule == INTERNAL_ERROR.id
        if not enabled(finding.rule, () if internal else self.select, self.ignore):
            return False
        if finding.rule != INTERNAL_ERROR.id and self._path_ignored(finding):
            return False
        for suppression in self.suppressions.get(finding.path, ()):
            if suppression.covers(finding.rule, finding.line):
                self.used.add(suppression)
                return False
        return True

    def unused(self, rules_run: set[str]) -> list[Finding]:
        out = []
        for path, items in self.suppressions.items():
            for s in items:
                if s in self.used:
                    continue
                if not any(r.startswith(prefix) for r in rules_run for prefix in s.rules):
                    continue  # the rule did not run (deselected): no verdict on its suppressions
                out.append(
                    Finding(
                        path,
                        s.line,
                        s.column,
                        UNUSED_SUPPRESSION.id,
                        UNUSED_SUPPRESSION.severity,
                        f"suppression of {', '.join(s.rules)} matches no finding; remove it",
                    )
                )
        return out

    def severity(self, finding: Finding) -> Finding:
        override = self.config.severity.get(finding.rule)
        if override and override != finding.severity:
            return Finding(
                finding.path,
                finding.line,
                finding.column,
                finding.rule,
                override,
                finding.message,
                finding.fix,
            )
        return finding


def check_path(library: Library, ctx: Context, rules: Sequence[Rule], path: Path) -> DocResult:
    """Parse and check one checked Markdown file, recording the other files the rules read."""
    library.track()
    try:
        doc = library.load(path).document
        assert doc is not None
        found, bad = parse_suppressions(doc, catalogue_ids())
        findings = [
            Finding(doc.path, b.line, b.column, BAD_DIRECTIVE.id, BAD_DIRECTIVE.severity, b.message)
            for b in bad
        ]
        findings.extend(check_document(doc, ctx, rules))
    finally:
        reads = library.tracked()
    own = str(library.absolute(doc.path))
    deps = tuple(sorted((p, d) for p, d in reads.items() if p != own))
    return DocResult(doc.path, tuple(findings), tuple(found), deps)


def default_jobs() -> int:
    return os.cpu_count() or 1


MIN_PARALLEL = 32  # fewer files than this are checked in this process
_WORKER: tuple[Library, Context, Sequence[Rule]] | None = None


def _parse(chunk: list[Path]) -> list[Exported]:
    assert _WORKER is not None
    return [_WORKER[0].export(path) for path in chunk]


def _work(chunk: list[Path]) -> list[DocResult]:
    assert _WORKER is not None
    library, ctx, rules = _WORKER
    return [check_path(library, ctx, rules, path) for path in chunk]


def _prepare(ctx: Context, rules: Sequence[Rule]) -> None:
    """The rules' shared preparation, once. A failure (an invalid contract) is left to the
    workers, which meet it again only if a file needs what failed, as a single process does."""
    for prepare in dict.fromkeys(r.prepare for r in rules if r.prepare is not None):
        with contextlib.suppress(Exception):
            prepare(ctx)


def check_paths(
    library: Library,
    ctx: Context,
    rules: Sequence[Rule],
    paths: Sequence[Path],
    jobs: int,
    meanwhile: Callable[[], T],
) -> tuple[list[DocResult], T]:
    """Check files in order, in `jobs` worker processes when there are enough of them, and
    compute `meanwhile()` (the library-wide rules) in this process while the workers run."""
    jobs = min(jobs, len(paths) // (MIN_PARALLEL // 2) or 1)
    if jobs > 1:
        import multiprocessing  # not for a small run: a few milliseconds of a one-file check

        if "fork" not in multiprocessing.get_all_start_methods():
            jobs = 1
    if jobs <= 1:
        results = [check_path(library, ctx, rules, path) for path in paths]
        return results, meanwhile()
    global _WORKER
    # Workers are forked, so they share the configuration, templates and rule modules with
    # this process. First they parse the files and send them back packed (a few KB each);
    # then a second set of workers, forked with every document at hand, runs the rules: a
    # link's target or a library rule's input is unpacked, never parsed twice.
    size = max(1, len(paths) // (jobs * 8))
    chunks = [list(paths[i : i + size]) for i in range(0, len(paths), size)]
    fork = multiprocessing.get_context("fork")
    _WORKER = (library, ctx, rules)
    try:
        with fork.Pool(jobs) as pool:
            for part in pool.imap(_parse, chunks):
                library.adopt(part)
        _prepare(ctx, rules)
        with fork.Pool(jobs) as pool:
            parts = pool.imap(_work, chunks)
            other = meanwhile()
            return [result for part in parts for result in part], other
    finally:
        _WORKER = None


def run(
    targets: Sequence[str],
    config: Config,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    cwd: Path | None = None,
    rules: Sequence[Rule] | None = None,
    cache: bool = False,
    jobs: int = 1,
    library: Library | None = None,
    lasting: dict[str, object] | None = None,
) -> Report:
    """Check `targets` (default: the library). A process that stays alive (the language
    server) passes the `library` to check with (its parsed files and editor buffers kept) and
    the `lasting` values of `Context.lasting` kept from its earlier runs."""
    from .rules import all_rules
    from .settings import enables, settle

    check_config(config)
    config = settle(config)
    library = library or Library(config, cwd)
    paths = library.collect(targets or library.default_targets())
    ctx = Context(config, library, lasting)
    chosen_select = tuple(select) if select else config.select
    chosen_ignore = tuple(config.ignore) + tuple(ignore)
    if rules is None:  # the profile's rules, unless a selection names its own
        rules = [r for r in all_rules() if chosen_select or r.switch or enables(config, r.id)]
    active = [
        r
        for r in select_rules(rules, chosen_select, chosen_ignore)
        if switched_on(r, config, chosen_select)
    ]
    filt = Filter(config, library, chosen_select, chosen_ignore)
    store = None
    if cache:
        from .cache import open_cache

        store = open_cache(config, [r.id for r in active], ctx.today)
        ctx.verified = store.verified
        library.remembered = store.facts

    from .cache import entry_key

    results: dict[str, DocResult | None] = {}
    keys: dict[str, str] = {}
    todo: list[Path] = []
    for path in paths:
        loaded = library.read(path)
        library.problems.extend(loaded.problems)
        if not loaded.parsable:
            continue
        display = library.display(path)
        library.checked.append(display)
        hit = None
        if store is not None:
            keys[display] = entry_key(display, loaded.digest)
            hit = store.document(library, display, keys[display])
        results[display] = hit
        if hit is None:
            todo.append(path)
    checked, library_findings = check_paths(
        library, ctx, active, todo, jobs, lambda: _library_findings(library, ctx, active, store)
    )
    for result in checked:
        results[result.path] = result
        if store is not None:
            store.put_document(result, keys[result.path])

    raw: list[Finding] = []
    for display, done in results.items():
        assert done is not None
        filt.add_suppressions(display, done.suppressions)
        raw.extend(done.findings)
    raw.extend(library_findings)
    if store is not None:
        store.put_facts(library.learned)
        store.save()

    kept = [filt.severity(f) for f in raw if library.in_scope(f.path) and filt.keep(f)]
    if enabled(UNUSED_SUPPRESSION.id, chosen_select, chosen_ignore):
        kept.extend(
            filt.severity(f) for f in filt.unused({r.id for r in active} | {INTERNAL_ERROR.id})
        )
    unique = {(f.sort_key(), f.severity): f for f in kept}
    findings = sorted(unique.values(), key=Finding.sort_key)
    suppressions = [s for items in filt.suppressions.values() for s in items]
    return Report(findings, len(paths) + len(library.other_files), suppressions)


def _library_findings(
    library: Library, ctx: Context, rules: Sequence[Rule], store: Cache | None
) -> list[Finding]:
    """The library-wide rules, each from the cache when nothing it read changed: editing one
    runbook re-runs the rules that read it, not the index check that did not."""
    if not any(r.check_library is not None for r in rules):
        return []
    if store is None:
        return check_library(library, ctx, rules)
    from .cache import scope_key

    scope = scope_key(library)
    findings: list[Finding] = []
    for rule in rules:
        if rule.check_library is None:
            continue
        key = f"{scope}:{rule.id}"
        cached = store.library_findings(library, key)
        if cached is not None:
            findings.extend(cached)
            continue
        library.track()
        try:
            found = check_library(library, ctx, [rule])
        finally:
            reads = library.tracked()
        store.put_library(key, found, reads)
        findings.extend(found)
    return findings
