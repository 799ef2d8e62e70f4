"""Precision and recall of runbook-lint on public runbook libraries.

A measurement, not a test: pytest never runs it and it never fetches anything. The libraries
are checked out beforehand under ``--corpus`` (one folder per repository, ``owner+name``; see
README.md). For each library listed in ``repos.toml`` this runs the installed ``runbook-lint``
as a new user would, matches every finding to the verdicts in ``verdicts/<owner>+<name>.jsonl``
by (path, rule, line), and prints per rule how many findings were judged and how many of those
are real problems, then the recall of the true findings: every true verdict must still be
reported.

    .venv/bin/python tests/corpus/precision.py --corpus /work/corpus
    .venv/bin/python tests/corpus/precision.py --corpus /work/corpus --config-from init
    .venv/bin/python tests/corpus/precision.py --corpus /work/corpus --from-dir OUT

Exit status: 0 after a report (also when repositories are missing), 1 with ``--require`` when
the targets of issue 17 are not met, 2 for bad arguments or unreadable corpus data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

HERE = Path(__file__).resolve().parent
REPOS_FILE = HERE / "repos.toml"
VERDICTS_DIR = HERE / "verdicts"
EXPECTED_FILE = HERE / "expected-template-counts.toml"

OVERALL_TARGET = 0.90
RULE_TARGET = 0.80
VERDICT_KEYS = frozenset(
    {"repo", "commit", "path", "line", "rule", "verdict", "category", "reason", "excerpt_sha256"}
)
OPTIONAL_KEYS = frozenset({"column", "source"})
MISSING_SECTION = "missing required section '"
# Template rules run only with a configuration that names the library's template or sections:
# with none, a foreign library gets the generic rules, so their true findings are not expected.
TEMPLATE_RULES = ("RB101", "RB102", "RB103", "RB104", "RB105")


class CorpusError(Exception):
    """Corpus data (repos.toml, a verdict file) that cannot be read; exit code 2."""


@dataclass(frozen=True)
class Repo:
    name: str
    commit: str
    kind: str
    runbooks: tuple[str, ...]

    @property
    def folder(self) -> str:
        return self.name.replace("/", "+", 1)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int
    rule: str
    message: str


@dataclass(frozen=True)
class Verdict:
    repo: str
    path: str
    line: int
    rule: str
    true: bool
    category: str
    reason: str
    column: int | None
    source: str
    excerpt_sha256: str

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.path, self.rule, self.line)


@dataclass
class Outcome:
    """What one library's run gave, after matching."""

    repo: Repo
    findings: list[Finding] = field(default_factory=list)
    judged: list[tuple[Finding, Verdict]] = field(default_factory=list)
    unjudged: list[Finding] = field(default_factory=list)
    lost: list[Verdict] = field(default_factory=list)
    out_of_scope: list[Verdict] = field(default_factory=list)
    needs_config: list[Verdict] = field(default_factory=list)
    true_total: int = 0
    drifted: int = 0
    notes: list[str] = field(default_factory=list)
    error: str | None = None


# -- reading the corpus data ---------------------------------------------------------------


def load_repos(path: Path = REPOS_FILE) -> list[Repo]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"{path}: {exc}") from exc
    repos: list[Repo] = []
    for i, entry in enumerate(data.get("repo", []), 1):
        try:
            repos.append(
                Repo(
                    name=str(entry["name"]),
                    commit=str(entry["commit"]),
                    kind=str(entry["kind"]),
                    runbooks=tuple(str(p) for p in entry["runbooks"]),
                )
            )
        except (KeyError, TypeError) as exc:
            raise CorpusError(f"{path}: [[repo]] number {i} lacks {exc}") from exc
    return repos


def _verdict(where: str, record: Any) -> Verdict:
    if not isinstance(record, dict):
        raise CorpusError(f"{where}: a verdict must be a JSON object")
    missing = VERDICT_KEYS - record.keys()
    unknown = record.keys() - VERDICT_KEYS - OPTIONAL_KEYS
    if missing or unknown:
        raise CorpusError(
            f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}"
        )
    if record["verdict"] not in ("true", "false"):
        raise CorpusError(f'{where}: verdict must be "true" or "false"')
    if not isinstance(record["line"], int) or record["line"] < 1:
        raise CorpusError(f"{where}: line must be a positive integer")
    column = record.get("column")
    return Verdict(
        repo=str(record["repo"]),
        path=str(record["path"]),
        line=record["line"],
        rule=str(record["rule"]),
        true=record["verdict"] == "true",
        category=str(record["category"]),
        reason=str(record["reason"]),
        column=column if isinstance(column, int) else None,
        source=str(record.get("source", "finding")),
        excerpt_sha256=str(record["excerpt_sha256"]),
    )


def load_verdicts(repo: Repo, folder: Path = VERDICTS_DIR) -> list[Verdict]:
    path = folder / f"{repo.folder}.jsonl"
    if not path.is_file():
        return []
    verdicts: list[Verdict] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where}: not JSON: {exc.msg}") from exc
        verdict = _verdict(where, record)
        if verdict.repo != repo.name:
            raise CorpusError(f"{where}: repo {verdict.repo!r} in the file of {repo.name!r}")
        verdicts.append(verdict)
    return verdicts


def load_expected(path: Path = EXPECTED_FILE) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path}: {exc}") from exc
    repos = data.get("repo", {})
    return {str(k): v for k, v in repos.items() if isinstance(v, dict)}


# -- running the linter ----------------------------------------------------------------------


def find_linter(explicit: str | None) -> str:
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "runbook-lint"
    if beside.is_file():
        return str(beside)
    found = shutil.which("runbook-lint")
    if found is None:
        raise CorpusError("runbook-lint is not installed here: run `make install` first")
    return found


def parse_report(text: str) -> list[Finding]:
    data = json.loads(text)
    return [
        Finding(f["path"], int(f["line"]), int(f["column"]), f["rule"], f["message"])
        for f in data["findings"]
    ]


def run_check(linter: str, checkout: Path, paths: Sequence[str]) -> tuple[str | None, str]:
    """(JSON report or None, error text) of `runbook-lint check` run from the checkout."""
    command = [linter, "check", "--format", "json", "--no-cache", *paths]
    done = subprocess.run(command, cwd=checkout, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        return None, f"exit {done.returncode}: {done.stderr.strip() or done.stdout.strip()}"
    return done.stdout, ""


def _dirty(checkout: Path) -> set[str]:
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    return {line[3:] for line in done.stdout.splitlines() if len(line) > 3}


def run_init(linter: str, checkout: Path) -> tuple[bool, str, set[str]]:
    """Run `runbook-lint init` in the checkout; (worked, its output, files it changed)."""
    before = _dirty(checkout)
    done = subprocess.run(
        [linter, "init"], cwd=checkout, capture_output=True, text=True, check=False
    )
    changed = _dirty(checkout) - before
    output = (done.stdout + done.stderr).strip()
    if done.returncode == 2 and "invalid choice: 'init'" in output:
        output = "this runbook-lint has no `init` command yet"
    return done.returncode in (0, 1), output, changed


def inferred_lines(output: str) -> list[str]:
    """What `init` says it inferred and wrote (its configuration lines), without the first
    run's summary: the report measures that run itself."""
    lines = []
    for line in output.splitlines():
        if line.startswith("first run:"):
            break
        if line.strip() and not line.startswith(("runbook-lint init inferred", "wrote ", "#")):
            lines.append(line)
    return lines


def restore(checkout: Path, changed: Iterable[str]) -> None:
    """Undo what `init` wrote: delete new files, check tracked ones out again."""
    for rel in sorted(changed):
        tracked = subprocess.run(
            ["git", "ls-files", "--error-unmatch", rel],
            cwd=checkout,
            capture_output=True,
            check=False,
        )
        if tracked.returncode == 0:
            subprocess.run(["git", "checkout", "--", rel], cwd=checkout, check=False)
        else:
            (checkout / rel).unlink(missing_ok=True)


def head_commit(checkout: Path) -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


def line_sha256(checkout: Path, path: str, line: int) -> str | None:
    try:
        lines = (checkout / path).read_bytes().split(b"\n")
    except OSError:
        return None
    if line > len(lines):
        return None
    return hashlib.sha256(lines[line - 1].rstrip(b"\r")).hexdigest()


# -- matching --------------------------------------------------------------------------------


def match(
    findings: Sequence[Finding], verdicts: Sequence[Verdict]
) -> tuple[list[tuple[Finding, Verdict]], list[Finding], list[Verdict]]:
    """Pair findings with verdicts by (path, rule, line); a verdict's column, when given,
    picks among several findings on one line. Returns (pairs, unjudged, unmatched verdicts)."""
    waiting: dict[tuple[str, str, int], list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        waiting[verdict.key].append(verdict)
    pairs: list[tuple[Finding, Verdict]] = []
    unjudged: list[Finding] = []
    by_key: dict[tuple[str, str, int], list[Finding]] = defaultdict(list)
    for finding in findings:
        by_key[(finding.path, finding.rule, finding.line)].append(finding)
    for key, group in by_key.items():
        pool = waiting.get(key, [])
        for finding in sorted(group, key=lambda f: f.column):
            chosen = next((v for v in pool if v.column == finding.column), None)
            if chosen is None:
                chosen = next((v for v in pool if v.column is None), None)
            if chosen is None and pool and all(v.column is not None for v in pool):
                chosen = pool[0]  # the column moved; the line and rule still match
            if chosen is None:
                unjudged.append(finding)
                continue
            pool.remove(chosen)
            pairs.append((finding, chosen))
    left = [v for pool in waiting.values() for v in pool]
    return pairs, unjudged, left


def in_scope(path: str, paths: Sequence[str]) -> bool:
    if not paths:
        return True
    target = PurePosixPath(path)
    return any(target == PurePosixPath(p) or PurePosixPath(p) in target.parents for p in paths)


# -- one library -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    corpus: Path
    linter: str | None
    config_from: str
    scope: str
    from_dir: Path | None
    save_dir: Path | None


def measure(repo: Repo, settings: Settings, expected: dict[str, Any] | None = None) -> Outcome:
    outcome = Outcome(repo)
    checkout = settings.corpus / repo.folder
    verdicts = load_verdicts(repo)
    paths = list(repo.runbooks) if settings.scope == "runbooks" else []
    head = head_commit(checkout)
    if head and head != repo.commit:
        outcome.notes.append(
            f"checkout is at {head[:12]}, verdicts were judged at {repo.commit[:12]}"
        )
    outcome.drifted = sum(
        1 for v in verdicts if line_sha256(checkout, v.path, v.line) != v.excerpt_sha256
    )
    if settings.from_dir is not None:
        saved = settings.from_dir / f"{repo.folder}.{settings.scope}.json"
        if not saved.is_file():
            outcome.error = f"no saved report {saved}"
            return outcome
        outcome.findings = parse_report(saved.read_text(encoding="utf-8"))
        _recall(outcome, verdicts, paths, None, checkout, settings.config_from)
        judge_template(outcome, expected, settings.config_from == "init")
        return outcome
    linter = find_linter(settings.linter)
    changed: set[str] = set()
    try:
        if settings.config_from == "init":
            worked, output, changed = run_init(linter, checkout)
            if not worked:
                outcome.error = f"init failed: {output}"
                return outcome
            outcome.notes.extend(f"init: {line.strip()}" for line in inferred_lines(output))
        report, error = run_check(linter, checkout, paths)
        if report is None:
            outcome.error = error
            return outcome
        if settings.save_dir is not None:
            settings.save_dir.mkdir(parents=True, exist_ok=True)
            target = settings.save_dir / f"{repo.folder}.{settings.scope}.json"
            target.write_text(report, encoding="utf-8")
        outcome.findings = parse_report(report)
        _recall(outcome, verdicts, paths, linter, checkout, settings.config_from)
        judge_template(outcome, expected, settings.config_from == "init")
    finally:
        restore(checkout, changed)
    return outcome


def _recall(
    outcome: Outcome,
    verdicts: Sequence[Verdict],
    paths: Sequence[str],
    linter: str | None,
    checkout: Path,
    config_from: str = "default",
) -> None:
    outcome.judged, outcome.unjudged, left = match(outcome.findings, verdicts)
    if config_from == "default":  # template findings need the configuration init writes
        outcome.needs_config = [v for v in left if v.true and v.rule in TEMPLATE_RULES]
        verdicts = [v for v in verdicts if v not in outcome.needs_config]
        left = [v for v in left if v not in outcome.needs_config]
    wanted = [v for v in verdicts if v.true and in_scope(v.path, paths)]
    outcome.true_total = len(wanted)
    lost = [v for v in left if v.true and in_scope(v.path, paths)]
    if lost and linter is not None:
        # A finding in a file the run did not check is a scope decision, not a lost finding:
        # check those files by name and see whether the finding comes back.
        files = sorted({v.path for v in lost})
        report, _ = run_check(linter, checkout, files)
        if report is not None:
            _, _, still = match(parse_report(report), lost)
            outcome.out_of_scope = [v for v in lost if v not in still]
            lost = still
    outcome.lost = lost


def missing_section(finding: Finding) -> str | None:
    if finding.rule != "RB101" or MISSING_SECTION not in finding.message:
        return None
    return finding.message.split(MISSING_SECTION, 1)[1].split("'", 1)[0]


def judge_template(outcome: Outcome, expected: dict[str, Any] | None, configured: bool) -> None:
    """Judge missing-section findings by the independent count in expected-template-counts:
    a finding is true when that file lacks that section there, and false otherwise (a helper
    page, a stub, or a section that is present). With the configuration `init` wrote, every
    counted gap must be reported: the ones that are not are lost."""
    if not expected:
        return
    want: dict[str, list[str]] = expected.get("missing_in", {})
    seen: set[tuple[str, str]] = set()
    still: list[Finding] = []
    for finding in outcome.unjudged:
        section = missing_section(finding)
        if section is None:
            still.append(finding)
            continue
        true = finding.path in want.get(section, [])
        seen.add((finding.path, section))
        reason = (
            "the independent count finds this section missing"
            if true
            else "not counted: the file is not a runbook or has this section"
        )
        outcome.judged.append((finding, _counted(outcome.repo, finding, true, reason)))
    outcome.unjudged = still
    if not configured or not expected.get("binding", True):
        return
    for section, files in want.items():
        for path in files:
            outcome.true_total += 1
            if (path, section) not in seen:
                gap = Finding(path, 1, 1, "RB101", f"{MISSING_SECTION}{section}'")
                outcome.lost.append(_counted(outcome.repo, gap, True, f"{section} is missing"))


def _counted(repo: Repo, finding: Finding, true: bool, reason: str) -> Verdict:
    return Verdict(
        repo=repo.name,
        path=finding.path,
        line=finding.line,
        rule=finding.rule,
        true=true,
        category="template count" if true else "template rule on a file it does not fit",
        reason=reason,
        column=None,
        source="expected-template-counts",
        excerpt_sha256="",
    )


# -- reporting -------------------------------------------------------------------------------


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


@dataclass
class Tally:
    findings: int = 0
    judged: int = 0
    true: int = 0
    false: int = 0
    unjudged: int = 0

    def add(self, outcome: Outcome, rule: str | None = None) -> None:
        def keep(found: Finding) -> bool:
            return rule is None or found.rule == rule

        self.findings += sum(1 for f in outcome.findings if keep(f))
        judged = [(f, v) for f, v in outcome.judged if keep(f)]
        self.judged += len(judged)
        self.true += sum(1 for _, v in judged if v.true)
        self.false += sum(1 for _, v in judged if not v.true)
        self.unjudged += sum(1 for f in outcome.unjudged if keep(f))

    @property
    def precision(self) -> float | None:
        return self.true / self.judged if self.judged else None


def template_lines(outcome: Outcome, expected: dict[str, Any]) -> list[str]:
    got: dict[str, set[str]] = defaultdict(set)
    for finding in outcome.findings:
        section = missing_section(finding)
        if section is not None:
            got[section].add(finding.path)
    want: dict[str, list[str]] = expected.get("missing_in", {})
    total = sum(len(v) for v in got.values())
    lines = [
        f"  {outcome.repo.name}: {total} missing-section findings, "
        f"expected {expected.get('missing_total', '?')}"
    ]
    for section in sorted(set(want) | set(got)):
        extra = sorted(got.get(section, set()) - set(want.get(section, [])))
        absent = sorted(set(want.get(section, [])) - got.get(section, set()))
        lines.append(
            f"    {section:<12} got {len(got.get(section, set())):3}  "
            f"expected {len(want.get(section, [])):3}"
        )
        lines += [f"      not expected: {p}" for p in extra]
        lines += [f"      not reported: {p}" for p in absent]
    return lines


def render(outcomes: Sequence[Outcome], categories: bool) -> list[str]:
    out: list[str] = []
    head = f"{'repository':<42} {'findings':>8} {'judged':>7} {'true':>5} {'false':>6} "
    out.append(head + f"{'precision':>9} {'unjudged':>8}")
    for outcome in outcomes:
        tally = Tally()
        tally.add(outcome)
        out.append(
            f"{outcome.repo.name:<42} {tally.findings:>8} {tally.judged:>7} {tally.true:>5} "
            f"{tally.false:>6} {percent(tally.true, tally.judged):>9} {tally.unjudged:>8}"
        )
    out.append("")
    rules = sorted({f.rule for o in outcomes for f in o.findings})
    out.append(
        f"{'rule':<8} {'findings':>8} {'judged':>7} {'true':>5} {'false':>6} "
        f"{'precision':>9} {'unjudged':>8}"
    )
    overall = Tally()
    for rule in rules:
        tally = Tally()
        for outcome in outcomes:
            tally.add(outcome, rule)
        out.append(
            f"{rule:<8} {tally.findings:>8} {tally.judged:>7} {tally.true:>5} {tally.false:>6} "
            f"{percent(tally.true, tally.judged):>9} {tally.unjudged:>8}"
        )
        if categories:
            counts = Counter(
                v.category for o in outcomes for f, v in o.judged if f.rule == rule and not v.true
            )
            out += [f"           {n:>4}  {name}" for name, n in counts.most_common()]
    for outcome in outcomes:
        overall.add(outcome)
    out.append(
        f"{'all':<8} {overall.findings:>8} {overall.judged:>7} {overall.true:>5} "
        f"{overall.false:>6} {percent(overall.true, overall.judged):>9} {overall.unjudged:>8}"
    )
    true_total = sum(o.true_total for o in outcomes)
    lost = [(o.repo, v) for o in outcomes for v in o.lost]
    outside = [(o.repo, v) for o in outcomes for v in o.out_of_scope]
    kept = true_total - len(lost) - len(outside)
    out.append("")
    out.append(
        f"recall: {kept} of {true_total} true findings still reported "
        f"({percent(kept, true_total).strip()}); lost {len(lost)}"
        + (f"; {len(outside)} in files this run does not check" if outside else "")
    )
    for repo, v in lost:
        out.append(f"  lost  {repo.name} {v.path}:{v.line} {v.rule} [{v.category}] {v.reason}")
    for repo, v in outside:
        out.append(f"  unchecked  {repo.name} {v.path}:{v.line} {v.rule} [{v.category}]")
    waiting = [(o.repo, v) for o in outcomes for v in o.needs_config]
    if waiting:
        out.append(
            f"{len(waiting)} true template findings are reported with the configuration of "
            "`init` only (--config-from init)"
        )
    return out


def verdict_of_targets(outcomes: Sequence[Outcome]) -> list[str]:
    """The issue's bar: >= 90% overall, >= 80% per rule that fires, nothing lost."""
    problems: list[str] = []
    overall = Tally()
    for outcome in outcomes:
        overall.add(outcome)
    if overall.precision is not None and overall.precision < OVERALL_TARGET:
        problems.append(f"overall precision {overall.precision:.1%} < {OVERALL_TARGET:.0%}")
    for rule in sorted({f.rule for o in outcomes for f in o.findings}):
        tally = Tally()
        for outcome in outcomes:
            tally.add(outcome, rule)
        if tally.precision is not None and tally.precision < RULE_TARGET:
            problems.append(f"{rule} precision {tally.precision:.1%} < {RULE_TARGET:.0%}")
    lost = sum(len(o.lost) for o in outcomes)
    if lost:
        problems.append(f"{lost} true findings lost")
    return problems


def missing_message(missing: Sequence[Repo], corpus: Path) -> list[str]:
    lines = [f"not checked out under {corpus} (verdicts exist for them):"]
    for repo in missing:
        folder = corpus / repo.folder
        lines.append(
            f"  {repo.name}: git clone https://github.com/{repo.name} {folder} && "
            f"git -C {folder} checkout --detach {repo.commit}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        required=True,
        help="folder holding one checkout per library, named owner+name",
    )
    parser.add_argument(
        "--config-from",
        choices=("default", "init"),
        default="default",
        help="default: no configuration; init: run `runbook-lint init` first "
        "(what it writes is removed afterwards)",
    )
    parser.add_argument(
        "--scope",
        choices=("root", "runbooks"),
        default="root",
        help="root: `check` with no paths; runbooks: `check` the runbook "
        "folders named in repos.toml",
    )
    parser.add_argument(
        "--linter",
        help="runbook-lint executable (default: the one beside this Python, else on PATH)",
    )
    parser.add_argument(
        "--from-dir",
        type=Path,
        help="read saved reports <owner>+<name>.<scope>.json instead of running",
    )
    parser.add_argument("--save-dir", type=Path, help="also save each raw JSON report here")
    parser.add_argument(
        "--repo", action="append", default=[], help="only this library (owner/name); repeatable"
    )
    parser.add_argument(
        "--categories",
        action="store_true",
        help="list the false-positive categories under each rule",
    )
    parser.add_argument(
        "--require",
        action="store_true",
        help="exit 1 unless precision >= 90%% overall and >= 80%% per rule "
        "with no true finding lost",
    )
    args = parser.parse_args(argv)
    settings = Settings(
        args.corpus, args.linter, args.config_from, args.scope, args.from_dir, args.save_dir
    )
    try:
        repos = [r for r in load_repos() if not args.repo or r.name in args.repo]
        expected = load_expected()
        present = [r for r in repos if (args.corpus / r.folder).is_dir()]
        missing = [r for r in repos if r not in present]
        if not present:
            print("\n".join(missing_message(missing, args.corpus)))
            print("nothing to measure; see tests/corpus/README.md")
            return 0
        linter = "saved reports" if args.from_dir else find_linter(args.linter)
        outcomes = [measure(r, settings, expected.get(r.name)) for r in present]
    except CorpusError as exc:
        print(f"precision: {exc}", file=sys.stderr)
        return 2
    print(
        f"corpus {args.corpus}  linter {linter}  configuration {args.config_from}  "
        f"scope {args.scope}"
    )
    for outcome in outcomes:
        for note in outcome.notes:
            print(f"note: {outcome.repo.name}: {note}")
        if outcome.drifted:
            print(
                f"note: {outcome.repo.name}: {outcome.drifted} verdict lines changed since "
                "they were judged"
            )
        if outcome.error:
            print(f"error: {outcome.repo.name}: {outcome.error}")
    print()
    measured = [o for o in outcomes if o.error is None]
    if measured:
        print("\n".join(render(measured, args.categories)))
    else:
        print("nothing was measured")
    shown = [o for o in measured if o.repo.name in expected]
    if shown and (
        args.config_from == "init" or any(f.rule == "RB101" for o in shown for f in o.findings)
    ):
        print("\ntemplate findings against expected-template-counts.toml:")
        for outcome in shown:
            print("\n".join(template_lines(outcome, expected[outcome.repo.name])))
    if missing:
        print()
        print("\n".join(missing_message(missing, args.corpus)))
    if args.require:
        problems = verdict_of_targets(measured)
        if missing or any(o.error for o in outcomes):
            problems.append("not every library was measured")
        print()
        print("targets: " + ("met" if not problems else "NOT met: " + "; ".join(problems)))
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
