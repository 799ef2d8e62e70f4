"""`check --fix` and `check --diff` end to end on temporary git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_lint.findings import Edit, Finding, Fix
from runbook_lint.fixes.apply import apply_edits, plan, write_atomic
from runbook_lint.rule import Rule
from runbook_lint.rules import all_rules

from .conftest import STORY, Runner, as_story, write_files
from .test_audit import commit_all, git
from .test_rules_foundation import CONTACTS, GOOD

INDEX = "# Index\n\n| Runbook | Owner |\n|---|---|\n| [Backup](backup.md) | Ops |\n"
TAIL = (
    "## Rollback\n\nNot applicable: a backup changes nothing that needs undoing.\n\n"
    "## References\n\n- [Index](index.md)\n"
)
BROKEN = GOOD.replace(TAIL, "").replace("--format=custom", "\u2013format=custom")
SCALING = GOOD.replace("# Backup Procedures", "# Scaling Procedures")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_files(
        tmp_path,
        {
            **STORY,
            "runbooks/backup.md": BROKEN,
            "runbooks/index.md": INDEX,
            "runbooks/scaling.md": SCALING,
            "runbooks/contacts.yaml": CONTACTS,
        },
    )
    commit_all(tmp_path, "Add a library with fixable findings")
    return tmp_path


def test_diff_previews_and_changes_nothing(run: Runner, repo: Path) -> None:
    code, out, err = run({}, "check", "--diff")
    assert code == 1
    assert err == "4 fixable finding(s) in 2 file(s); apply with --fix\n"
    assert out == (
        "--- a/runbooks/backup.md\n"
        "+++ b/runbooks/backup.md\n"
        "@@ -22,7 +22,7 @@\n"
        " \n"
        " 🔵 **OPERATIONAL**\n"
        " \n"
        '-- [ ] Run `pg_dump \u2013format=custom --file=/backups/db.dump "$DATABASE_URL"`\n'
        '+- [ ] Run `pg_dump --format=custom --file=/backups/db.dump "$DATABASE_URL"`\n'
        " \n"
        " **Verification:**\n"
        " \n"
        "@@ -45,3 +45,10 @@\n"
        " |-----------|-------------|---------|\n"
        " | Dump fails twice | Database on-call | `database-on-call` |\n"
        " \n"
        "+## Rollback\n"
        "+\n"
        "+<!-- TODO: write the Rollback section (added by runbook-lint --fix) -->\n"
        "+\n"
        "+## References\n"
        "+\n"
        "+<!-- TODO: write the References section (added by runbook-lint --fix) -->\n"
        "--- a/runbooks/index.md\n"
        "+++ b/runbooks/index.md\n"
        "@@ -3,3 +3,4 @@\n"
        " | Runbook | Owner |\n"
        " |---|---|\n"
        " | [Backup](backup.md) | Ops |\n"
        "+| [Scaling Procedures](scaling.md) | Platform Operations |\n"
    )
    assert git(repo, "status", "--porcelain") == ""


def test_fix_applies_and_leaves_the_todo_findings(run: Runner, repo: Path) -> None:
    code, out, err = run({}, "check", "--fix")
    assert code == 1
    # the fixes change backup.md, so a second round bumps its Last Updated (RB701)
    assert err == "Fixed 5 finding(s) in 2 file(s): runbooks/backup.md, runbooks/index.md\n"
    todo = "RB135 error 'TODO' marker: the runbook is not finished here"
    assert out.splitlines() == [
        "runbooks/backup.md:48:4: RB104 error section 'Rollback' is empty: list the rollback "
        "steps, or say why none apply ('Not applicable: ...')",
        f"runbooks/backup.md:50:6: {todo}",
        "runbooks/backup.md:52:4: RB104 error section 'References' is empty",
        f"runbooks/backup.md:54:6: {todo}",
        "Found 4 errors, 0 warnings in 4 files.",
    ]
    text = (repo / "runbooks/backup.md").read_text(encoding="utf-8")
    assert "`pg_dump --format=custom" in text
    assert "Last Updated: 2026-11-23\n" in text
    assert text.endswith(
        "## References\n\n<!-- TODO: write the References section (added by runbook-lint "
        "--fix) -->\n"
    )
    assert git(repo, "status", "--porcelain").split() == [
        "M",
        "runbooks/backup.md",
        "M",
        "runbooks/index.md",
    ]
    # a second run has nothing left to fix
    code, out, err = run({}, "check", "--diff")
    assert (out, err) == ("", "0 fixable finding(s) in 0 file(s)\n")


def test_section_missing_in_the_middle_goes_before_the_next_one(run: Runner, repo: Path) -> None:
    text = GOOD.replace("## Purpose\n\nTake a consistent backup.\n\n", "")
    code, _, _ = run({"runbooks/backup.md": text}, "check", "--fix", "--select", "RB101")
    assert code == 0
    fixed = (repo / "runbooks/backup.md").read_text(encoding="utf-8")
    assert fixed.startswith(
        "# Backup Procedures\n\nLast Updated: 2026-11-02\nVersion: 1.0\nOwner: Platform "
        "Operations\n\n## Purpose\n\n<!-- TODO: write the Purpose section (added by "
        "runbook-lint --fix) -->\n\n## Prerequisites\n"
    )
    code, out, _ = run({}, "check", "--select", "RB1")
    assert out.splitlines()[0] == "runbooks/backup.md:7:4: RB104 error section 'Purpose' is empty"


def test_crlf_and_bom_are_kept(run: Runner, repo: Path) -> None:
    data = "\ufeff" + BROKEN.replace("\n", "\r\n")
    (repo / "runbooks/backup.md").write_bytes(data.encode("utf-8"))
    code, _, _ = run({}, "check", "--fix", "--select", "RB401,RB101")
    assert code == 0  # RB104 (the TODO sections are empty) is not selected
    raw = (repo / "runbooks/backup.md").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# Backup")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"`pg_dump --format=custom" in raw
    assert raw.endswith(b"--fix) -->\r\n")


def test_suppressed_findings_are_not_fixed(run: Runner, repo: Path) -> None:
    text = "<!-- runbook-lint: disable-file=RB101 -- reason: drafted elsewhere -->\n" + BROKEN
    code, _, _ = run({"runbooks/backup.md": text}, "check", "--fix", "--select", "RB101")
    assert code == 0
    assert "## Rollback" not in (repo / "runbooks/backup.md").read_text(encoding="utf-8")


def _finding(path: str, fix: Fix) -> Finding:
    return Finding(path, 1, 1, "RB401", "error", "x", fix)


def test_overlapping_edits_leave_the_file_untouched(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("abcdef\n", encoding="utf-8")
    one = Fix("one", (Edit(1, 2, 1, 4, "X"),))
    two = Fix("two", (Edit(1, 3, 1, 5, "Y"),))
    plans = plan([_finding("a.md", one), _finding("a.md", two)], tmp_path)
    assert [(p.path, p.fixed, p.problem) for p in plans] == [
        ("a.md", None, "two fixes change the same text")
    ]


def test_edit_that_does_not_fit_refuses_the_file(run: Runner, tmp_path: Path) -> None:
    assert apply_edits("abc\n", [Edit(1, 9, 1, 10, "x")]) == (
        None,
        "an edit at 1:9-1:10 does not fit the file as it is now",
    )
    assert apply_edits("abc\n", [Edit(3, 1, 3, 1, "x")])[0] is None
    assert apply_edits("abc", [Edit(1, 4, 1, 4, "\nd")]) == ("abc\nd", None)
    # adjacent edits and inserts at one point are fine, applied in order
    edits = [Edit(1, 1, 1, 2, "A"), Edit(1, 2, 1, 2, "1"), Edit(1, 2, 1, 2, "2")]
    assert apply_edits("abc\n", edits) == ("A12bc\n", None)


def test_unreadable_target_is_reported(run: Runner, tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe")
    fix = Fix("x", (Edit(1, 1, 1, 1, "y"),))
    plans = plan([_finding("bad.md", fix), _finding("gone.md", fix)], tmp_path)
    assert [p.problem for p in plans] == [
        "cannot read: not valid UTF-8",
        "cannot read: No such file or directory",
    ]


def test_fix_reports_a_refused_file_and_changes_nothing(
    run: Runner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import runbook_lint.fixes.apply as fix_mod

    real = fix_mod.plan

    def shifted(findings: object, cwd: Path | None = None) -> list[fix_mod.FilePlan]:
        moved = [
            Finding(
                f.path,
                f.line,
                f.column,
                f.rule,
                f.severity,
                f.message,
                Fix(f.fix.description, (Edit(999, 1, 999, 2, "x"),), f.fix.path)
                if f.fix and f.rule == "RB401"
                else f.fix,
            )
            for f in findings  # type: ignore[attr-defined]
        ]
        return real(moved, cwd)

    monkeypatch.setattr(fix_mod, "plan", shifted)
    code, _, err = run({}, "check", "--fix")
    assert code == 1
    assert err.splitlines() == [
        "runbook-lint: not fixed: runbooks/backup.md: an edit at 999:1-999:2 does not fit the "
        "file as it is now",
        "Fixed 1 finding(s) in 1 file(s): runbooks/index.md",
    ]
    assert (repo / "runbooks/backup.md").read_text(encoding="utf-8") == BROKEN


def test_write_atomic_keeps_mode_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "x.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    with pytest.raises(FileExistsError):
        write_atomic(target, "other", exclusive=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.md"]  # no temporary file left


def test_several_missing_index_entries_are_added_in_path_order(run: Runner, tmp_path: Path) -> None:
    index = (
        INDEX
        + "\n## Quick reference\n\n| Symptom | Go to |\n|---|---|\n"
        + "| x | [B](backup.md#procedure) |\n"
    )
    files = {
        "runbooks/index.md": index,
        "runbooks/backup.md": GOOD,
        "runbooks/zeta.md": GOOD.replace("# Backup Procedures", "# Zeta"),
        "runbooks/alpha.md": GOOD.replace("# Backup Procedures", "# Alpha"),
        "runbooks/drills/alpha-drill.md": GOOD.replace("# Backup Procedures", "# Alpha Drill"),
    }
    code, _, err = run(files, "check", "--fix", "--select", "RB301")
    assert (code, err) == (0, "Fixed 3 finding(s) in 1 file(s): runbooks/index.md\n")
    assert (tmp_path / "runbooks/index.md").read_text(encoding="utf-8") == index.replace(
        "| [Backup](backup.md) | Ops |\n",
        "| [Backup](backup.md) | Ops |\n"
        "| [Alpha](alpha.md) | Platform Operations |\n"
        "| [Alpha Drill](drills/alpha-drill.md) | Platform Operations |\n"
        "| [Zeta](zeta.md) | Platform Operations |\n",
    )


def test_mojibake_is_repaired(run: Runner, repo: Path) -> None:
    garbled = GOOD.replace("🔵 **OPERATIONAL**", "ðŸ”µ **OPERATIONAL**")
    code, out, _ = run({"runbooks/backup.md": garbled}, "check", "--diff", "--select", "RB002")
    assert code == 1
    assert "-ðŸ”µ **OPERATIONAL**\n+🔵 **OPERATIONAL**\n" in out
    code, _, err = run({}, "check", "--fix", "--select", "RB002")
    assert (code, err) == (0, "Fixed 1 finding(s) in 1 file(s): runbooks/backup.md\n")
    assert (repo / "runbooks/backup.md").read_text(encoding="utf-8") == GOOD


def test_write_atomic_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    def no_links(src: str, dst: Path) -> None:
        raise PermissionError("hard links are not supported")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "new.md"
    write_atomic(target, "one", exclusive=True)
    assert target.read_text(encoding="utf-8") == "one"
    with pytest.raises(FileExistsError):
        write_atomic(target, "two", exclusive=True)
    assert target.read_text(encoding="utf-8") == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md"]


# -- every fix is idempotent, and none writes into an unclosed code fence -------------------

FIXABLE = [r for r in all_rules() if r.fixable]
UNCLOSED = "\n```bash\nopsctl health --component all\n"


def _fixable_example(rule: Rule, root: Path) -> None:
    """Write the rule's bad example; one that a snippet cannot show is built here."""
    if rule.runnable_examples:
        write_files(root, as_story(dict(rule.bad_files) or {rule.example_path: rule.bad}))
    elif rule.id == "RB701":  # Last Updated older than the file's last commit
        write_files(root, as_story({"runbooks/backup.md": GOOD, "runbooks/index.md": INDEX}))
        commit_all(root, "Change the backup runbook", date="2026-11-20T10:00:00+00:00")
    else:  # pragma: no cover - a new fixable rule needs its example here
        raise AssertionError(f"{rule.id} is fixable but has no example the fix test can run")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and ".cache" not in p.parts
    }


@pytest.mark.parametrize(
    "fence", ["", "end", "top"], ids=["example", "fence-open-at-end", "fence-open-after-line-1"]
)
@pytest.mark.parametrize("rule", FIXABLE, ids=[r.id for r in FIXABLE])
def test_a_second_fix_changes_nothing(run: Runner, tmp_path: Path, rule: Rule, fence: str) -> None:
    _fixable_example(rule, tmp_path)
    for path in tmp_path.rglob("*.md") if fence else ():  # a code fence left open
        first, _, rest = path.read_text(encoding="utf-8").partition("\n")
        text = first + "\n" + rest + UNCLOSED if fence == "end" else first + UNCLOSED + rest
        path.write_text(text, encoding="utf-8")
    before = _snapshot(tmp_path)
    code, out, err = run({}, "check", "--fix", "--select", rule.id)
    assert code in (0, 1), err
    once = _snapshot(tmp_path)
    assert once != before or fence, f"{rule.id}: the fix changed nothing\n{out}{err}"
    code, out, err = run({}, "check", "--fix", "--select", rule.id)
    assert code in (0, 1), err
    assert _snapshot(tmp_path) == once, f"{rule.id}: a second --fix changed the files\n{err}"


def test_fix_is_refused_at_or_after_an_unclosed_fence(run: Runner, repo: Path) -> None:
    """RB101 would append the missing sections inside the open fence, again on every run."""
    text = BROKEN.replace("\u2013format", "--format") + UNCLOSED
    files = {"runbooks/backup.md": text}
    for _ in range(2):
        code, out, err = run(files, "check", "--fix", "--select", "RB007,RB101")
        assert (repo / "runbooks/backup.md").read_text(encoding="utf-8") == text
        assert err == (
            "runbook-lint: not fixed: runbooks/backup.md: the code fence opened at line 49 is "
            "never closed, so the rest of the file is read as code and a fix there would land "
            "inside it; close the fence (RB007) and run --fix again\n"
        )
        assert code == 1 and "runbooks/backup.md:49:1: RB007 error code fence '```'" in out
        files = {}
    # a fix before the fence is still made
    before = text.replace("--format=custom", "\u2013format=custom")
    code, _, err = run({"runbooks/backup.md": before}, "check", "--fix", "--select", "RB401")
    assert (repo / "runbooks/backup.md").read_text(encoding="utf-8") == text
