"""The real library, broken one way at a time: every defect class the tool claims to catch
makes `check` fail on the right file with the right rule (and the audit, where the defect is
one an auditor must see). A PASS of the unbroken library means something only while each of
these still fails.

Each case copies runbooks/, schemas/, pyproject.toml and the Makefile into its own folder,
applies one defect and runs the CLI in this process on the files the defect is in (library
rules still see the whole library).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from runbook_lint.document import Document

from .conftest import Runner
from .test_audit_agrees import drop_governance, drop_label, drop_verification

REPO = Path(__file__).resolve().parents[1]
BACKUP = "runbooks/backup.md"
HALT = "runbooks/epic-3-halt-fork.md"
HEARTBEAT = "runbooks/samples/dkt/stale-heartbeat/state/heartbeat_status.json"
HEARTBEAT_SCHEMA = "schemas/artifacts/dkt/state/heartbeat_status.schema.json"
EVENTS = "runbooks/samples/dkt/stale-heartbeat/state/events.jsonl"
RECOVERY = "runbooks/operator-recovery.md"


def _edit(root: Path, path: str, change: Callable[[str], str]) -> None:
    file = root / path
    before = file.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the defect did not apply to {path}"
    file.write_text(after, encoding="utf-8")


def _replace(path: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        _edit(root, path, lambda text: text.replace(old, new, count))

    return apply


def _lines(
    path: str, mutate: Callable[[Document], tuple[list[str], int]]
) -> Callable[[Path], None]:
    """A defect written as a change to a parsed document's lines (shared with the test that
    check and audit agree)."""

    def apply(root: Path) -> None:
        def change(text: str) -> str:
            return "\n".join(mutate(Document.parse(path, text))[0])

        _edit(root, path, change)

    return apply


def _template_text(root: Path) -> None:
    """The first paragraph of backup.md's Purpose is the template's instruction again."""
    template = Document.parse("runbooks/TEMPLATE.md", (root / "runbooks/TEMPLATE.md").read_text())
    purpose = next(p for p in template.paragraphs if p.text.startswith("One or two sentences"))
    doc = Document.parse(BACKUP, (root / BACKUP).read_text(encoding="utf-8"))
    section = doc.section("Purpose")
    assert section is not None
    first = next(p for p in doc.paragraphs if p.line > section.start_line)
    lines = list(doc.lines)
    lines[first.line - 1 : first.end_line] = purpose.text.split("\n")
    (root / BACKUP).write_text("\n".join(lines), encoding="utf-8")


def _drop_required_field(root: Path) -> None:
    data = json.loads((root / HEARTBEAT).read_text(encoding="utf-8"))
    del data["thread_id"]
    (root / HEARTBEAT).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _remote_ref_and_missing_field(root: Path) -> None:
    schema = json.loads((root / HEARTBEAT_SCHEMA).read_text(encoding="utf-8"))
    schema["properties"]["owner"] = {"$ref": "https://example.com/owner.schema.json"}
    (root / HEARTBEAT_SCHEMA).write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    _drop_required_field(root)


def _unclose_last_fence(root: Path) -> None:
    doc = Document.parse(BACKUP, (root / BACKUP).read_text(encoding="utf-8"))
    block = [b for b in doc.code_blocks if b.fenced][-1]
    lines = list(doc.lines)
    del lines[block.end_line - 1]  # its closing fence
    (root / BACKUP).write_text("\n".join(lines), encoding="utf-8")


def _unknown_select(root: Path) -> None:
    _edit(
        root,
        "pyproject.toml",
        lambda text: text.replace(
            "[tool.runbook-lint]\n", '[tool.runbook-lint]\nselect = ["RB999"]\n'
        ),
    )


@dataclass(frozen=True)
class Defect:
    id: str
    apply: Callable[[Path], None]
    targets: tuple[str, ...]  # what `check` is run on
    check: frozenset[tuple[str, str]]  # (path, rule) errors that must be reported
    audit: frozenset[tuple[str, str]] = frozenset()  # (requirement, path) that must fail
    also: frozenset[str] = frozenset()  # other rules the same defect may set off
    usage: str = ""  # a usage error (exit 2) that must name this instead

    @property
    def files(self) -> set[str]:
        return {path for path, _ in self.check}


DEFECTS = (
    Defect(
        "verification-block-removed",
        _lines("runbooks/startup.md", drop_verification),
        ("runbooks/startup.md",),
        frozenset({("runbooks/startup.md", "RB121")}),
        frozenset({("FR146", "runbooks/startup.md")}),
    ),
    Defect(
        "governance-reference-removed",
        _lines(HALT, drop_governance),
        (HALT,),
        frozenset({(HALT, "RB203")}),
        frozenset({("FR147", HALT)}),
    ),
    Defect(
        "step-label-removed",
        _lines(HALT, drop_label),
        (HALT,),
        frozenset({(HALT, "RB201")}),
        frozenset({("FR147", HALT)}),
    ),
    Defect(
        "index-row-removed",
        _replace(
            "runbooks/index.md",
            "| [Backup Procedures](backup.md) | Core | MEDIUM | Platform Operations |\n",
            "",
        ),
        (BACKUP, "runbooks/index.md"),
        frozenset({(BACKUP, "RB301")}),
        frozenset({("FR145", "runbooks/index.md")}),  # "not listed in runbooks/index.md"
    ),
    Defect(
        "required-runbook-removed",
        lambda root: (root / "runbooks/epic-4-observer.md").unlink(),
        ("runbooks/index.md", "runbooks/requirements.yaml"),
        frozenset({("runbooks/index.md", "RB302"), ("runbooks/requirements.yaml", "RB308")}),
        frozenset({("FR145", "runbooks/epic-4-observer.md")}),
        also=frozenset({"RB303"}),  # the index's quick-reference links to its sections
    ),
    Defect(
        "sample-required-field-removed",
        _drop_required_field,
        (HEARTBEAT,),
        frozenset({(HEARTBEAT, "RB501")}),
    ),
    Defect(
        "jq-field-renamed",
        _replace(RECOVERY, "jq '.takeover, .continuity_outcome'", "jq '.takeover, .continuity'"),
        (RECOVERY,),
        frozenset({(RECOVERY, "RB506")}),
    ),
    Defect(
        "jsonl-line-broken",
        _replace(EVENTS, '"seq": 2,', '"seq": 2'),
        (EVENTS,),
        frozenset({(EVENTS, "RB502")}),
    ),
    Defect(
        "command-option-mistyped",
        _replace(
            "runbooks/startup.md",
            "opsctl health --component all |",
            "opsctl health --componnet all |",
        ),
        ("runbooks/startup.md",),
        frozenset({("runbooks/startup.md", "RB423")}),
    ),
    Defect(
        "template-text-left",
        _template_text,
        (BACKUP,),
        frozenset({(BACKUP, "RB135")}),
        frozenset({("FR145", BACKUP)}),
    ),
    Defect(
        "todo-left",
        _replace(
            BACKUP,
            "\n## Rollback\n",
            "\nTODO: say how long the dumps are kept.\n\n## Rollback\n",
        ),
        (BACKUP,),
        frozenset({(BACKUP, "RB135")}),
        frozenset({("FR145", BACKUP)}),
    ),
    Defect(
        "code-fence-left-open",
        _unclose_last_fence,
        (BACKUP,),
        frozenset({(BACKUP, "RB007")}),
        also=frozenset({"RB101", "RB104", "RB121", "RB130", "RB304", "RB420", "RB421", "MD051"}),
    ),
    Defect(
        "unknown-rule-in-suppression",
        _replace(
            BACKUP, "\n## Rollback\n", "\n<!-- runbook-lint: disable=RB999 -->\n\n## Rollback\n"
        ),
        (BACKUP,),
        frozenset({(BACKUP, "RB010")}),
    ),
    Defect(
        "unknown-rule-in-config-select",
        _unknown_select,
        (BACKUP,),
        frozenset(),
        usage="pyproject.toml [tool.runbook-lint]: 'select': 'RB999' matches no catalogued rule",
    ),
    Defect(
        "remote-ref-hides-a-missing-field",
        _remote_ref_and_missing_field,
        (HEARTBEAT_SCHEMA, HEARTBEAT),
        frozenset({(HEARTBEAT_SCHEMA, "RB505"), (HEARTBEAT, "RB501")}),
    ),
)


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Today is the newest 'Last Updated' of the library, so no date is in the future.
    dates = re.findall(r"^Last Updated: (\d{4}-\d\d-\d\d)", _all_markdown(), re.MULTILINE)
    monkeypatch.setenv("RUNBOOK_LINT_TODAY", max(dates))
    for folder in ("runbooks", "schemas"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    for name in ("pyproject.toml", "Makefile"):
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path


def _all_markdown() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "runbooks").rglob("*.md"))


def _errors(run: Runner, *targets: str) -> set[tuple[str, str]]:
    code, out, err = run({}, "check", "--format", "json", "--no-cache", "-j", "1", *targets)
    assert code in (0, 1), err
    found = {
        (f["path"], f["rule"]) for f in json.loads(out)["findings"] if f["severity"] == "error"
    }
    assert (code == 1) == bool(found)
    return found


def _audit_failures(run: Runner) -> set[tuple[str, str]]:
    code, out, err = run({}, "audit", "--no-lint", "--format", "json")
    assert code in (0, 1), err
    failures = {(f["requirement"], f["path"]) for f in json.loads(out)["failures"]}
    assert (code == 1) == bool(failures)
    return failures


def test_the_unbroken_library_passes(run: Runner, library: Path) -> None:
    """What every case below starts from: no error on the files they break, audit PASS."""
    targets = sorted({t for d in DEFECTS for t in d.targets})
    assert _errors(run, *targets) == set()
    assert _audit_failures(run) == set()


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.id for d in DEFECTS])
def test_each_defect_fails_on_the_right_file_with_the_right_rule(
    run: Runner, library: Path, defect: Defect
) -> None:
    defect.apply(library)
    if defect.usage:
        code, out, err = run({}, "check", *defect.targets)
        assert (code, out) == (2, "")
        assert defect.usage in err and "nearest:" in err
        return
    found = _errors(run, *defect.targets)
    assert defect.check <= found, f"missing {defect.check - found}; found {found}"
    unexpected = {
        (path, rule)
        for path, rule in found - defect.check
        if path not in defect.files or rule not in defect.also
    }
    assert unexpected == set(), "the defect was reported elsewhere or as something else"
    if defect.audit:
        failures = _audit_failures(run)
        assert defect.audit <= failures, f"the audit passed: {failures}"
        assert {path for _, path in failures} == {path for _, path in defect.audit}


def test_at_least_twelve_defect_classes() -> None:
    assert len({d.id for d in DEFECTS}) == len(DEFECTS) >= 12
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", d.id) for d in DEFECTS)
