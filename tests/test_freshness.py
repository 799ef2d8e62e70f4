"""RB701/RB702 on temporary git repositories with fixed commit dates."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from runbook_lint.rules import rb7_freshness

from .conftest import Runner, write_files
from .test_audit import commit_all, git
from .test_rules_foundation import GOOD, INDEX

# GOOD says "Last Updated: 2026-11-02"
LIB = {"runbooks/backup.md": GOOD, "runbooks/index.md": INDEX}


def freshness(run: Runner, *args: str) -> tuple[int, list[str]]:
    code, out, err = run({}, "check", "--select", "RB7", *args)
    assert err == ""
    return code, [line for line in out.splitlines() if not line.startswith(("Found", "All"))]


def test_commit_after_last_updated_is_reported(run: Runner, tmp_path: Path) -> None:
    write_files(tmp_path, LIB)
    commit_all(tmp_path, "Add backup", date="2026-11-02T09:00:00+00:00")
    assert freshness(run) == (0, [])
    (tmp_path / "runbooks/backup.md").write_text(GOOD + "\nA late change.\n", encoding="utf-8")
    commit_all(tmp_path, "Change backup without bumping", date="2026-11-20T09:00:00+00:00")
    assert freshness(run) == (
        1,
        [
            "runbooks/backup.md:3:15: RB701 error 'Last Updated: 2026-11-02' is older than the "
            "file's last commit (2026-11-20): bump it whenever the file changes"
        ],
    )
    bumped = GOOD.replace("2026-11-02", "2026-11-20") + "\nA late change.\n"
    (tmp_path / "runbooks/backup.md").write_text(bumped, encoding="utf-8")
    commit_all(tmp_path, "Bump the date", date="2026-11-20T18:00:00+00:00")
    assert freshness(run) == (0, [])


def test_author_date_in_the_authors_time_zone(run: Runner, tmp_path: Path) -> None:
    # 23:30 on Nov 2 in UTC-5 is Nov 3 in UTC; the author's calendar says Nov 2
    write_files(tmp_path, LIB)
    commit_all(tmp_path, "Add backup", date="2026-11-02T23:30:00-05:00")
    assert freshness(run) == (0, [])


def test_other_files_commits_do_not_count(run: Runner, tmp_path: Path) -> None:
    write_files(tmp_path, LIB)
    commit_all(tmp_path, "Add backup", date="2026-11-02T09:00:00+00:00")
    write_files(tmp_path, {"runbooks/index.md": INDEX + "\nMore.\n"})
    commit_all(tmp_path, "Change the index only", date="2026-11-21T09:00:00+00:00")
    assert freshness(run, "runbooks/backup.md") == (0, [])


def test_outside_git_and_before_the_first_commit_nothing_is_reported(
    run: Runner, tmp_path: Path
) -> None:
    write_files(tmp_path, LIB)
    assert freshness(run) == (0, [])  # not a repository
    git(tmp_path, "init", "-q")
    assert freshness(run) == (0, [])  # a repository without commits


def test_uncommitted_changes_are_dated_today(run: Runner, tmp_path: Path) -> None:
    write_files(tmp_path, LIB)
    commit_all(tmp_path, "Add backup", date="2026-11-02T09:00:00+00:00")
    write_files(tmp_path, {"runbooks/backup.md": GOOD + "\nAn edit.\n", "runbooks/new.md": GOOD})
    expected = (
        "RB701 error 'Last Updated: 2026-11-02' is older than the file's uncommitted changes "
        "(today is 2026-11-23): bump it whenever the file changes"
    )
    assert freshness(run) == (
        1,
        [f"runbooks/backup.md:3:15: {expected}", f"runbooks/new.md:3:15: {expected}"],
    )
    code, _, err = run({}, "check", "--fix", "--select", "RB701")
    assert (code, err) == (
        0,
        "Fixed 2 finding(s) in 2 file(s): runbooks/backup.md, runbooks/new.md\n",
    )
    text = (tmp_path / "runbooks/backup.md").read_text(encoding="utf-8")
    assert text == GOOD.replace("2026-11-02", "2026-11-23") + "\nAn edit.\n"


def test_fix_bumps_a_committed_file_to_today(run: Runner, tmp_path: Path) -> None:
    write_files(tmp_path, LIB)
    commit_all(tmp_path, "Add backup", date="2026-11-12T09:00:00+00:00")
    code, out, _ = run({}, "check", "--diff", "--select", "RB701")
    assert code == 1
    assert "-Last Updated: 2026-11-02\n+Last Updated: 2026-11-23\n" in out
    code, _, err = run({}, "check", "--fix", "--select", "RB701")
    assert (code, err) == (0, "Fixed 1 finding(s) in 1 file(s): runbooks/backup.md\n")


def test_shallow_clone_is_skipped(run: Runner, tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    write_files(origin, LIB)
    commit_all(origin, "Add backup", date="2026-11-02T09:00:00+00:00")
    write_files(origin, {"runbooks/index.md": INDEX + "\nMore.\n"})
    commit_all(origin, "Later", date="2026-11-21T09:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], check=True
    )
    assert rb7_freshness.last_commit_dates(clone) is None
    assert rb7_freshness.last_commit_dates(origin) == {
        (origin / "runbooks/index.md").resolve(): __import__("datetime").date(2026, 11, 21),
        (origin / "runbooks/backup.md").resolve(): __import__("datetime").date(2026, 11, 2),
    }


def test_one_git_log_and_status_per_run(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"runbooks/r{i}.md": GOOD for i in range(5)}
    write_files(tmp_path, {**files, "runbooks/index.md": INDEX})
    commit_all(tmp_path, "Add runbooks", date="2026-11-02T09:00:00+00:00")
    calls: list[tuple[str, ...]] = []
    real = rb7_freshness.git_output

    def counting(cwd: Path, *args: str) -> str | None:
        calls.append(args)
        return real(cwd, *args)

    monkeypatch.setattr(rb7_freshness, "git_output", counting)
    run({}, "check", "--select", "RB701")
    assert [c[0] for c in calls] == ["rev-parse", "log", "status"]


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ("Last Updated: 2026-05-27", []),  # 180 days before 2026-11-23
        (
            "Last Updated: 2026-05-26",
            [
                "runbooks/backup.md:3:15: RB702 warning not reviewed for 181 days ('Last "
                "Updated: 2026-05-26'; the review period is 180 days): review the runbook and "
                "update the date"
            ],
        ),
        ("Last Updated: 2025-01-01\nLast Reviewed: 2026-10-01", []),
        (
            "Last Updated: 2025-01-01\nLast Reviewed: 2025-02-01",
            [
                "runbooks/backup.md:4:16: RB702 warning not reviewed for 660 days ('Last "
                "Reviewed: 2025-02-01'; the review period is 180 days): review the runbook and "
                "update the date"
            ],
        ),
    ],
)
def test_review_overdue(run: Runner, tmp_path: Path, metadata: str, expected: list[str]) -> None:
    write_files(
        tmp_path,
        {"runbooks/backup.md": GOOD.replace("Last Updated: 2026-11-02", metadata)},
    )
    code, found = freshness(run, "--select", "RB702", "runbooks/backup.md")
    assert (code, found) == (0, expected)


def test_review_days_is_configurable(run: Runner, tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"runbooks/backup.md": GOOD, "runbook-lint.toml": "review-days = 14\n"},
    )
    code, found = freshness(run, "runbooks/backup.md")
    assert code == 0
    assert found == [
        "runbooks/backup.md:3:15: RB702 warning not reviewed for 21 days ('Last Updated: "
        "2026-11-02'; the review period is 14 days): review the runbook and update the date"
    ]
