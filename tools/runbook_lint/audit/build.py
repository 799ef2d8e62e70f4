"""Build the audit report: requirements x runbooks, with evidence, provenance and suppressions."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..config import Config
from ..context import today
from ..errors import UsageError
from ..git import git_output
from ..library import Library
from ..requirements import Procedure, RequirementsError
from ..requirements import load as load_requirements
from .evidence import REQUIREMENTS, Cell, Evidence, fr145, fr146, fr147, index_lines

if TYPE_CHECKING:
    from ..engine import Report


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    group: str
    source: str
    path: str  # display path of the runbook (expected path when missing)
    required: bool
    deferred: str | None
    line: int | None  # line of the entry in the requirements declaration
    sha256: str | None
    cells: tuple[Cell, ...]

    @property
    def status(self) -> str:
        if self.deferred:
            return "deferred"
        return "fail" if any(c.status == "fail" for c in self.cells) else "pass"


@dataclass(frozen=True)
class SuppressionEntry:
    path: str
    line: int
    rules: tuple[str, ...]
    scope: str  # block | file
    first: int
    last: int
    reason: str
    used: bool


@dataclass(frozen=True)
class Failure:
    requirement: str
    procedure: str
    path: str | None
    line: int | None
    reason: str

    def text(self) -> str:
        where = f"{self.path}:{self.line}" if self.path and self.line else (self.path or "")
        return f"{self.requirement} {where}: {self.reason} (procedure '{self.procedure}')"


@dataclass(frozen=True)
class Revision:
    commit: str
    date: str
    dirty: bool


@dataclass(frozen=True)
class LintSummary:
    files: int
    errors: int
    warnings: int


@dataclass(frozen=True)
class AuditReport:
    generated: str
    tool_version: str
    revision: Revision | None
    requirements_file: str
    rows: tuple[Row, ...]
    suppressions: tuple[SuppressionEntry, ...]
    lint: LintSummary | None
    failures: tuple[Failure, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return not self.failures

    def requirement_counts(self, requirement: str) -> tuple[int, int]:
        """(passed, failed) rows for one requirement."""
        statuses = [c.status for r in self.rows for c in r.cells if c.requirement == requirement]
        return statuses.count("pass"), statuses.count("fail")


def revision(root: Path, library_dir: Path) -> Revision | None:
    """The commit the library is at, its date, and whether the library has local changes."""
    head = git_output(root, "log", "-1", "--format=%H %cI", timeout=30)
    if not head or not head.strip():
        return None
    commit, _, date = head.strip().partition(" ")
    status = git_output(
        root, "status", "--porcelain", "--untracked-files=all", "--", str(library_dir), timeout=30
    )
    return Revision(commit, date, bool(status and status.strip()))


def sha256_file(path: Path) -> str | None:
    """The sha256 of a file's bytes (the audit's and the evidence log's fingerprint of a page)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _failures(row: Row) -> list[Failure]:
    out = []
    for c in row.cells:
        if c.status != "fail":
            continue
        for e in c.failures:
            out.append(Failure(c.requirement, row.id, e.path or row.path, e.line, e.detail))
    return out


def _row(
    library: Library,
    procedure: Procedure | None,
    path: Path,
    indexed: dict[Path, int],
    patterns: list[re.Pattern[str]],
) -> Row:
    display = library.display(path)
    doc = library.document(path) if path.is_file() else None
    index = library.index
    cells = [fr145(doc, display, index, indexed.get(path))]
    if doc is None:
        missing = Evidence("exists", False, "no runbook to check (see FR145)", display)
        cells += [Cell("FR146", "n/a", (missing,)), Cell("FR147", "n/a", (missing,))]
    else:
        cells += [fr146(doc, library), fr147(doc, library, patterns)]
    title = procedure.title if procedure else (doc.title.text if doc and doc.title else display)
    return Row(
        id=procedure.id if procedure else Path(display).stem,
        title=title,
        group=procedure.group if procedure else ("drill" if doc and doc.kind == "drill" else ""),
        source=procedure.source if procedure else "",
        path=display,
        required=procedure is not None,
        deferred=None,
        line=procedure.line if procedure else None,
        sha256=sha256_file(path) if doc is not None else None,
        cells=tuple(cells),
    )


def _deferred(library: Library, procedure: Procedure, req_display: str) -> Row:
    evidence = [Evidence("deferred", True, procedure.deferred or "", req_display, procedure.line)]
    index = library.index
    if index is not None:
        words = procedure.title.lower()
        for number, text in enumerate(index.lines, 1):
            if words in text.lower():
                evidence.append(Evidence("indexed", True, "listed as deferred", index.path, number))
                break
    cells = tuple(Cell(r, "deferred", tuple(evidence)) for r, _, _ in REQUIREMENTS)
    return Row(
        id=procedure.id,
        title=procedure.title,
        group=procedure.group,
        source=procedure.source,
        path="",
        required=True,
        deferred=procedure.deferred,
        line=procedure.line,
        sha256=None,
        cells=cells,
    )


def build(
    config: Config, *, cwd: Path | None = None, lint: bool = True, report: Report | None = None
) -> AuditReport:
    """Audit the library described by `config` against its requirements declaration.

    Raises UsageError when the declaration is missing or invalid. With `lint`, the linter runs
    once over the library: its totals and the suppressions it honoured go into the report.
    A caller that has just linted the whole library (the mkdocs plugin) passes its `report`
    instead of running the linter a second time.
    """
    library = Library(config, cwd)
    req_path = config.path(config.requirements)
    req_display = library.display(req_path)
    if not req_path.is_file():
        raise UsageError(
            f"{req_display}: no requirements declaration; list the required procedures there "
            "(or set 'requirements' in [tool.runbook-lint])"
        )
    try:
        requirements = load_requirements(req_path)
    except RequirementsError as exc:
        raise UsageError(f"{req_display}:{exc.line}: {exc}") from exc

    patterns = [re.compile(p) for p in config.governance]
    indexed = index_lines(library)
    rows: list[Row] = []
    covered: set[Path] = set()
    for procedure in requirements.procedures:
        path = requirements.runbook_path(procedure)
        if path is None:
            rows.append(_deferred(library, procedure, req_display))
            continue
        covered.add(path)
        rows.append(_row(library, procedure, path, indexed, patterns))
    for path in library.runbook_files():
        if path.resolve() not in covered:
            rows.append(_row(library, None, path.resolve(), indexed, patterns))

    failures = [f for row in rows for f in _failures(row)]
    suppressions: list[SuppressionEntry] = []
    summary = None
    if lint:
        summary, suppressions = _lint(config, library, report)
    return AuditReport(
        generated=today().isoformat(),
        tool_version=__version__,
        revision=revision(config.root, library.runbooks_dir),
        requirements_file=req_display,
        rows=tuple(rows),
        suppressions=tuple(suppressions),
        lint=summary,
        failures=tuple(failures),
    )


def _lint(
    config: Config, library: Library, report: Report | None = None
) -> tuple[LintSummary, list[SuppressionEntry]]:
    from ..engine import UNUSED_SUPPRESSION
    from ..engine import run as run_engine

    if report is None:
        report = run_engine(library.default_targets(), config, cwd=library.cwd)
    unused = {(f.path, f.line) for f in report.findings if f.rule == UNUSED_SUPPRESSION}
    entries = [
        SuppressionEntry(
            path=s.path,
            line=s.line,
            rules=s.rules,
            scope="file" if s.whole_file else "block",
            first=s.first,
            last=s.last,
            reason=s.reason,
            used=(s.path, s.line) not in unused,
        )
        for s in sorted(report.suppressions, key=lambda s: (s.path, s.line))
    ]
    return LintSummary(report.files, report.errors, report.warnings), entries
