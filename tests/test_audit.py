"""`runbook-lint audit` end to end on temporary git repositories: pass, precise failures, JSON."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from runbook_lint import settings
from runbook_lint.audit import build, render_markdown

from .conftest import STORY, Runner, write_files
from .test_rules_foundation import CONTACTS, GOOD

REQUIREMENTS = """\
version: 1
procedures:
  - id: backup
    title: Backup procedures
    group: core
    source: Story 8.9 AC1
    runbook: backup.md
  - id: recovery
    title: Recovery procedures
    group: core
    source: Story 8.9 AC1
    runbook: recovery.md
  - id: epic-9
    title: Emergence Audit Procedures
    group: epic
    deferred: Epic 9 is deferred to the backlog
  - id: backup-drill
    title: Backup drill
    group: drill
    runbook: drills/backup-drill.md
"""

INDEX = """\
# Runbook Index

| Runbook | Area | Owner |
|---------|------|-------|
| [Backup Procedures](backup.md) | Core | Ops |
| [Recovery Procedures](recovery.md) | Core | Ops |
| [Backup Drill](drills/backup-drill.md) | Drill | Ops |

Epic 9: Emergence Audit Procedures is deferred.
"""

DRILL = """\
# Backup Drill

Last Updated: 2026-11-02
Version: 1.0
Owner: Platform Operations

Runbook: [Backup Procedures](../backup.md)

## Procedure

### Step 1: Take the backup

🔵 **OPERATIONAL**

- [ ] Follow the backup runbook

**Verification:**

- Expected outcome: the dump exists
"""

RECOVERY = GOOD.replace("# Backup Procedures", "# Recovery Procedures")

LIBRARY: dict[str, str] = {
    **STORY,
    "runbooks/requirements.yaml": REQUIREMENTS,
    "runbooks/index.md": INDEX,
    "runbooks/backup.md": GOOD,
    "runbooks/recovery.md": RECOVERY,
    "runbooks/drills/backup-drill.md": DRILL,
    "runbooks/contacts.yaml": CONTACTS,
}


def git(root: Path, *args: str, date: str = "2026-11-02T10:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.invalid",
        "GIT_COMMITTER_NAME": "Test Author",
        "GIT_COMMITTER_EMAIL": "author@example.invalid",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-C", str(root), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit_all(root: Path, message: str, date: str = "2026-11-02T10:00:00+00:00") -> str:
    """Commit every file under `root` (a git repository is created the first time)."""
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_files(tmp_path, LIBRARY)
    commit_all(tmp_path, "Add the library")
    return tmp_path


def audit(run: Runner, files: Mapping[str, str] | None = None, *args: str) -> tuple[int, str, str]:
    return run(files or {}, "audit", *args)


def test_complete_library_passes(run: Runner, repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    code, out, err = audit(run)
    assert (code, err) == (0, "")
    assert out.startswith("# FR145–FR147 audit report\n\nGenerated 2026-11-23 by runbook-lint ")
    assert f"git revision `{head}` (2026-11-02T10:00:00+00:00, clean)" in out
    assert "**Result: PASS**: every requirement holds for the " in out
    assert (
        "| Backup procedures | core | `runbooks/backup.md` | ✅ pass | ✅ pass | ✅ pass |" in out
    )
    assert "| Emergence Audit Procedures | epic | (deferred) | ⏸ deferred |" in out
    # evidence lines: the title, the index row, the Verification blocks, labels, governance
    assert (
        "- **FR145** ✅ pass: exists `runbooks/backup.md:1`; written `runbooks/backup.md`; "
        "indexed `runbooks/index.md:5`" in out
    )
    assert (
        "- **FR146** ✅ pass: Verification at lines 27, 38; "
        "Escalation table, 1 row reaching database-on-call `runbooks/backup.md:44`"
    ) in out
    assert (
        "- **FR147** ✅ pass: labels at lines 23, 34 (1 operational, 1 constitutional); "
        "governance cited at lines 34 (FR107)"
    ) in out
    # a drill escalates through the runbook it rehearses
    assert (
        "drill escalates through its runbook: Escalation table, 1 row reaching "
        "database-on-call `runbooks/backup.md:44`" in out
    )
    sha = __import__("hashlib").sha256(GOOD.encode()).hexdigest()
    assert f"- Runbook: `runbooks/backup.md`, sha256 `{sha}`" in out


def test_deleted_required_runbook_fails_with_reason(run: Runner, repo: Path) -> None:
    (repo / "runbooks/recovery.md").unlink()
    code, out, err = audit(run)
    assert code == 1
    assert "**Result: FAIL**" in out
    assert "| Recovery procedures | core | `runbooks/recovery.md` | ❌ FAIL | n/a | n/a |" in out
    assert err == (
        "runbook-lint: audit: FR145 runbooks/recovery.md: the runbook does not exist "
        "(procedure 'recovery')\n"
    )
    assert "with uncommitted changes to the library" in out


def test_step_losing_verification_fails_naming_the_step(run: Runner, repo: Path) -> None:
    text = GOOD.replace(
        "**Verification:**\n\n- Expected outcome: the hash appears in the witness log\n", ""
    )
    code, out, err = audit(run, {"runbooks/recovery.md": text.replace("Backup", "Recovery")})
    assert code == 1
    assert err == (
        "runbook-lint: audit: FR146 runbooks/recovery.md:32: step 'Step 2: Record the snapshot' "
        "has no '**Verification:**' block (procedure 'recovery')\n"
    )
    assert (
        "| Recovery procedures | core | `runbooks/recovery.md` | ✅ pass | ❌ FAIL | ✅ pass |"
        in out
    )
    assert (
        "    - missing: step 'Step 2: Record the snapshot' has no '**Verification:**' block "
        "(`runbooks/recovery.md:32`)" in out
    )


@pytest.mark.parametrize(
    ("old", "new", "requirement", "reason"),
    [
        (
            "| Dump fails twice | Database on-call | `database-on-call` |\n",
            "",
            "FR146 runbooks/recovery.md:44",
            "the Escalation table has no rows",
        ),
        (
            "🔵 **OPERATIONAL**\n\n",
            "",
            "FR147 runbooks/recovery.md:21",
            "has no label: start it with",
        ),
        (
            " (FR107: constitutional events are never shed)",
            "",
            "FR147 runbooks/recovery.md:34",
            "constitutional step 'Step 2: Record the snapshot' cites no governance requirement",
        ),
    ],
)
def test_each_requirement_fails_precisely(
    run: Runner, repo: Path, old: str, new: str, requirement: str, reason: str
) -> None:
    code, _, err = audit(run, {"runbooks/recovery.md": RECOVERY.replace(old, new)})
    assert code == 1
    assert err.startswith(f"runbook-lint: audit: {requirement}: "), err
    assert reason in err


def test_runbook_missing_from_index_fails_fr145(run: Runner, repo: Path) -> None:
    index = INDEX.replace("| [Recovery Procedures](recovery.md) | Core | Ops |\n", "")
    code, _, err = audit(run, {"runbooks/index.md": index})
    assert code == 1
    assert err == (
        "runbook-lint: audit: FR145 runbooks/index.md: not listed in runbooks/index.md "
        "(procedure 'recovery')\n"
    )


def test_undeclared_runbook_is_audited_too(run: Runner, repo: Path) -> None:
    extra = GOOD.replace("# Backup Procedures", "# Scaling").replace("**Verification:**", "")
    code, out, err = audit(run, {"runbooks/scaling.md": extra}, "--format", "json")
    assert code == 1
    data = json.loads(out)
    row = next(r for r in data["matrix"] if r["path"] == "runbooks/scaling.md")
    assert (row["required"], row["status"]) == (False, "fail")
    assert row["results"]["FR145"]["status"] == "fail"  # not in the index
    assert data["summary"]["undeclared"] == 1
    assert "FR146 runbooks/scaling.md:21: step 'Step 1: Dump the database'" in err


def test_json_report_is_valid_against_its_schema(run: Runner, repo: Path) -> None:
    import jsonschema

    schema_path = Path(__file__).resolve().parents[1] / "schemas/audit-report.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    suppressed = RECOVERY.replace(
        "## Rollback", "<!-- runbook-lint: disable=RB104 -- reason: drafted later -->\n## Rollback"
    )
    for files in ({}, {"runbooks/recovery.md": suppressed}, {"runbooks/backup.md": "# Backup\n"}):
        code, out, _ = audit(run, files, "--format", "json")
        data = json.loads(out)
        errors = sorted(validator.iter_errors(data), key=str)
        assert errors == [], errors[0].message if errors else ""
        assert data["summary"]["status"] == ("pass" if code == 0 else "fail")
    assert data["revision"]["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert data["revision"]["dirty"] is True
    assert data["failures"][0] == {
        "requirement": "FR146",
        "procedure": "backup",
        "path": "runbooks/backup.md",
        "line": None,
        "reason": "no procedure steps ('Step N: Name')",
    }


def test_suppressions_are_listed_with_reasons(run: Runner, repo: Path) -> None:
    text = RECOVERY.replace(
        "## Rollback\n\nNot applicable: a backup changes nothing that needs undoing.\n",
        "<!-- runbook-lint: disable=RB104 -- reason: rollback is written by the DBA team -->\n"
        "## Rollback\n",
    ).replace("## Purpose", "<!-- runbook-lint: disable=RB303 -->\n## Purpose")
    code, out, _ = audit(run, {"runbooks/recovery.md": text})
    assert code == 0
    assert "| `runbooks/recovery.md` | 7 | RB303 | lines 8-10 | (no reason given) | no |" in out
    assert (
        "| `runbooks/recovery.md` | 49 | RB104 | lines 50-50 | rollback is written by the DBA "
        "team | yes |" in out
    )
    # the drill of this small library lacks drill sections, and recovery.md changed without a
    # new Last Updated (RB701): the lint totals say so
    assert "`runbook-lint check` over the library: 6 files, 9 errors, 1 warnings." in out


def test_outside_git_and_output_file(run: Runner, tmp_path: Path) -> None:
    code, _, err = run(LIBRARY, "audit", "--no-lint", "-o", "audit.md")
    assert (code, err) == (0, "")
    text = (tmp_path / "audit.md").read_text(encoding="utf-8")
    assert "at outside git (no revision)" in text
    assert "## Lint" not in text


@pytest.mark.parametrize(
    ("requirements", "message"),
    [
        (None, "runbooks/requirements.yaml: no requirements declaration"),
        (
            "version: 1\nprocedures: {}\n",
            "runbooks/requirements.yaml:2: 'procedures' must be a list",
        ),
        (
            "version: 1\nprocedures:\n  - id: a\n    runbook: a.md\n    owner: x\n",
            "runbooks/requirements.yaml:5: procedure 1: unknown key 'owner'",
        ),
        (
            "procedures:\n  - id: a\n    runbook: a.md\n  - id: a\n    deferred: later\n",
            "runbooks/requirements.yaml:4: procedure 'a' is declared twice (first at line 2)",
        ),
        (
            "procedures:\n  - id: a\n    title: A\n",
            "runbooks/requirements.yaml:2: procedure 'a': give either 'runbook'",
        ),
        ("procedures: [\n", "runbooks/requirements.yaml:2: not valid YAML"),
    ],
)
def test_bad_declaration_is_a_usage_error(
    run: Runner, tmp_path: Path, requirements: str | None, message: str
) -> None:
    files = dict(LIBRARY)
    del files["runbooks/requirements.yaml"]
    if requirements is not None:
        files["runbooks/requirements.yaml"] = requirements
    code, out, err = run(files, "audit")
    assert (code, out) == (2, "")
    assert err.startswith(f"runbook-lint: error: {message}"), err


def test_rb308_reports_a_missing_required_runbook(run: Runner, repo: Path) -> None:
    (repo / "runbooks/recovery.md").unlink()
    code, out, _ = run({}, "check", "--select", "RB308")
    assert code == 1
    assert out.splitlines()[0] == (
        "runbooks/requirements.yaml:12:14: RB308 error required runbook 'runbooks/recovery.md' "
        "(Recovery procedures) does not exist: write it (runbook-lint new) or mark the "
        "procedure deferred"
    )
    code, out, _ = run({}, "check", "--select", "RB308", "runbooks/backup.md")
    assert code == 0  # a single-file run reports only on that file


def test_rb308_reports_an_invalid_declaration(run: Runner, repo: Path) -> None:
    code, out, _ = run(
        {"runbooks/requirements.yaml": "procedures: 3\n"}, "check", "--select", "RB3"
    )
    assert code == 1
    assert out.splitlines()[0] == (
        "runbooks/requirements.yaml:1:1: RB308 error requirements declaration is invalid: "
        "'procedures' must be a list of entries"
    )


def test_build_and_render_for_the_site(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    config = settings.load(start=repo)  # as the site plugin reads it
    report = build(config, lint=False)
    assert report.passed and report.lint is None
    assert [r.id for r in report.rows] == ["backup", "recovery", "epic-9", "backup-drill"]
    page = render_markdown(config)
    assert not page.startswith("#")  # the site adds its own title
    assert "## Coverage matrix" in page and "## Suppressions" in page


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """This repository's runbook library and schemas, committed in a fresh repository."""
    import shutil

    for folder in ("runbooks", "schemas"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    commit_all(tmp_path, "Copy the library")
    return tmp_path


def test_the_library_passes_and_fails_precisely(run: Runner, library_copy: Path) -> None:
    from runbook_lint.document import Document

    code, out, err = run({}, "audit", "--no-lint")
    assert (code, err) == (0, ""), err
    assert "**Result: PASS**" in out
    import jsonschema

    schema = json.loads((REPO / "schemas/audit-report.schema.json").read_text(encoding="utf-8"))
    code, out, _ = run({}, "audit", "--format", "json", "--no-lint")
    assert code == 0
    data = json.loads(out)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["summary"]["required"] == 20 and data["summary"]["deferred"] == 1
    # a step loses its Verification block
    path = library_copy / "runbooks/startup.md"
    doc = Document.parse("runbooks/startup.md", path.read_text(encoding="utf-8"))
    step = doc.steps[0]
    assert step.verification is not None
    lines = doc.text.split("\n")
    del lines[step.verification.line - 1 : step.verification.end_line]
    path.write_text("\n".join(lines), encoding="utf-8")
    code, _, err = run({}, "audit", "--no-lint", "--quiet")
    assert code == 1
    assert err == (
        f"runbook-lint: audit: FR146 runbooks/startup.md:{step.heading.line}: step "
        f"'{step.heading.text}' has no '**Verification:**' block (procedure 'startup')\n"
    )
    # a required runbook is deleted
    (library_copy / "runbooks/epic-4-observer.md").unlink()
    code, _, err = run({}, "audit", "--no-lint", "--quiet")
    assert code == 1
    assert (
        "runbook-lint: audit: FR145 runbooks/epic-4-observer.md: the runbook does not exist "
        "(procedure 'epic-4')\n" in err
    )
