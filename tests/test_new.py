"""`runbook-lint new`: scaffold from the template, add to the index, refuse to overwrite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Runner, write_files
from .test_audit import commit_all, git
from .test_rules_foundation import CONTACTS, GOOD

TEMPLATE = GOOD.replace("# Backup Procedures", "# Runbook Title").replace(
    "Last Updated: 2026-11-02", "Last Updated: 2026-01-01"
)
DRILL_TEMPLATE = """\
# Drill Title

Last Updated: 2026-01-01
Version: 1.0
Owner: Owning Team or Role

Runbook: [Backup](../backup.md)

## Procedure

### Step 1: Rehearse

🔵 **OPERATIONAL**

- [ ] Follow the runbook

**Verification:**

- Expected outcome: it worked
"""
INDEX = """\
# Index

| Runbook | Area | Owner |
|---------|------|-------|
| [Backup](backup.md) | Core | Ops |
| [Backup drill](drills/backup-drill.md) | Drill | Ops |

## Quick Reference

| Symptom | Go to |
|---------|-------|
| Dump failed | [Backup, step 1](backup.md#step-1-dump-the-database) |
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_files(
        tmp_path,
        {
            "runbooks/TEMPLATE.md": TEMPLATE,
            "runbooks/drills/TEMPLATE.md": DRILL_TEMPLATE,
            "runbooks/index.md": INDEX,
            "runbooks/backup.md": GOOD,
            "runbooks/drills/backup-drill.md": DRILL_TEMPLATE,
            "runbooks/contacts.yaml": CONTACTS,
        },
    )
    commit_all(tmp_path, "Add a library")
    return tmp_path


def test_new_runbook_from_the_template(run: Runner, repo: Path) -> None:
    code, out, err = run({}, "new", "Redis  Failover", "--owner", "Data Platform")
    assert (code, err) == (0, "")
    assert out == (
        "Created runbooks/redis-failover.md from runbooks/TEMPLATE.md.\n"
        "Added it to the table in runbooks/index.md.\n"
    )
    text = (repo / "runbooks/redis-failover.md").read_text(encoding="utf-8")
    assert text == TEMPLATE.replace("# Runbook Title", "# Redis Failover").replace(
        "Last Updated: 2026-01-01", "Last Updated: 2026-11-23"
    ).replace("Owner: Platform Operations", "Owner: Data Platform")
    index = (repo / "runbooks/index.md").read_text(encoding="utf-8")
    assert index == INDEX.replace(
        "| [Backup](backup.md) | Core | Ops |\n",
        "| [Backup](backup.md) | Core | Ops |\n"
        "| [Redis Failover](redis-failover.md) |  | Data Platform |\n",
    )
    assert git(repo, "status", "--porcelain").split() == [
        "M",
        "runbooks/index.md",
        "??",
        "runbooks/redis-failover.md",
    ]
    # the scaffold has every section, step and label, and fails until it is written
    code, out, _ = run({}, "check", "--format", "json", "runbooks/redis-failover.md")
    found = json.loads(out)["findings"]
    assert code == 1 and found and {f["rule"] for f in found} == {"RB135"}


def test_new_drill_goes_to_the_drills_folder(run: Runner, repo: Path) -> None:
    code, out, err = run({}, "new", "Redis Failover Drill", "--kind", "drill")
    assert code == 0
    assert out.splitlines()[0] == (
        "Created runbooks/drills/redis-failover-drill.md from runbooks/drills/TEMPLATE.md."
    )
    assert err == "Fill in the 'Owner:' line (or pass --owner next time).\n"
    text = (repo / "runbooks/drills/redis-failover-drill.md").read_text(encoding="utf-8")
    assert text.startswith("# Redis Failover Drill\n\nLast Updated: 2026-11-23\n")
    assert "Owner: Owning Team or Role" in text
    index = (repo / "runbooks/index.md").read_text(encoding="utf-8")
    assert (
        "| [Backup drill](drills/backup-drill.md) | Drill | Ops |\n"
        "| [Redis Failover Drill](drills/redis-failover-drill.md) | Drill |  |\n" in index
    )


def test_new_refuses_to_overwrite(run: Runner, repo: Path) -> None:
    code, out, err = run({}, "new", "Backup")
    assert (code, out) == (2, "")
    assert err == "runbook-lint: error: runbooks/backup.md already exists; not overwriting it\n"
    assert (repo / "runbooks/backup.md").read_text(encoding="utf-8") == GOOD
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("title", ["", "!!!", "   "])
def test_new_needs_a_title_with_letters(run: Runner, repo: Path, title: str) -> None:
    code, _, err = run({}, "new", title)
    assert code == 2
    assert "has no letters or digits" in err


def test_new_without_templates_or_index(run: Runner, tmp_path: Path) -> None:
    (tmp_path / "runbooks").mkdir()
    code, out, err = run({}, "new", "Cache Warmup", "--owner", "Ops")
    assert code == 0
    assert out == "Created runbooks/cache-warmup.md from the Story 8.9 template.\n"
    assert err == "No index at runbooks/index.md: create one that lists every runbook.\n"
    text = (tmp_path / "runbooks/cache-warmup.md").read_text(encoding="utf-8")
    assert text.startswith("# Cache Warmup\n\nLast Updated: 2026-11-23\nVersion: 1.0\nOwner: Ops\n")
    code, _, err = run({}, "new", "Cache Drill", "--kind", "drill")
    assert code == 2
    assert err.startswith("runbook-lint: error: no drill template at runbooks/drills/TEMPLATE.md")


def test_new_with_an_index_without_a_table(run: Runner, tmp_path: Path) -> None:
    write_files(tmp_path, {"runbooks/index.md": "# Index\n\n- [Backup](backup.md)\n"})
    code, _, err = run({}, "new", "Cache Warmup", "--owner", "Ops")
    assert code == 0
    assert err == "Add it to runbooks/index.md by hand: no runbook table found there.\n"


def test_new_with_front_matter_template(run: Runner, tmp_path: Path) -> None:
    template = (
        "---\nlast_updated: 2025-01-01\nversion: '1.0'\nowner: Someone\n---\n\n# Title\n\n"
        "## Purpose\n\nWhy.\n"
    )
    write_files(tmp_path, {"runbooks/TEMPLATE.md": template})
    code, _, _ = run({}, "new", "Queue Drain", "--owner", "Messaging")
    assert code == 0
    text = (tmp_path / "runbooks/queue-drain.md").read_text(encoding="utf-8")
    assert text == template.replace("2025-01-01", "2026-11-23").replace(
        "Someone", "Messaging"
    ).replace("# Title", "# Queue Drain")
