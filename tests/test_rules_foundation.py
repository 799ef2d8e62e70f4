"""Each foundation rule on a failing and a passing snippet, asserting rule, line and column."""

from __future__ import annotations

import pytest

from runbook_lint.rules.rb1_contacts import EXAMPLE_CONTACTS

from .conftest import STORY, Runner, lines_of

GOOD = """\
# Backup Procedures

Last Updated: 2026-11-02
Version: 1.0
Owner: Platform Operations

## Purpose

Take a consistent backup.

## Prerequisites

- [ ] Write access to the backup bucket

## Trigger Conditions

- Nightly schedule

## Procedure

### Step 1: Dump the database

🔵 **OPERATIONAL**

- [ ] Run `pg_dump --format=custom --file=/backups/db.dump "$DATABASE_URL"`

**Verification:**

- Expected outcome: the dump exists
- Command to verify: `ls -l /backups/db.dump`

### Step 2: Record the snapshot

🔴 **CONSTITUTIONAL** (FR107: constitutional events are never shed)

- [ ] Record the snapshot hash in the event store

**Verification:**

- Expected outcome: the hash appears in the witness log

## Escalation

| Condition | Escalate To | Contact |
|-----------|-------------|---------|
| Dump fails twice | Database on-call | `database-on-call` |

## Rollback

Not applicable: a backup changes nothing that needs undoing.

## References

- [Index](index.md)
"""

INDEX = "# Index\n\n| Runbook | Owner |\n|---|---|\n| [Backup](backup.md) | Ops |\n"

# The escalation contacts the GOOD runbook's Escalation table names (RB132).
CONTACTS = EXAMPLE_CONTACTS


def lint(run: Runner, text: str, *args: str, extra: dict[str, str] | None = None) -> list[str]:
    files = {
        **STORY,
        "runbooks/backup.md": text,
        "runbooks/index.md": INDEX,
        "runbooks/contacts.yaml": CONTACTS,
        **(extra or {}),
    }
    code, out, err = run(files, "check", *args)
    assert err == ""
    assert code == (1 if " error " in out else 0), out
    return lines_of(out)


def test_good_runbook_is_clean(run: Runner) -> None:
    assert lint(run, GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "## Rollback\n\nNot applicable: a backup changes nothing that needs undoing.\n\n",
            "",
            "runbooks/backup.md:48:1: RB101 error missing required section 'Rollback'",
        ),
        (
            "## Purpose\n\nTake a consistent backup.\n\n",
            "",
            "runbooks/backup.md:7:1: RB101 error missing required section 'Purpose'",
        ),
        (
            "Not applicable: a backup changes nothing that needs undoing.\n",
            "",
            "runbooks/backup.md:48:4: RB104 error section 'Rollback' is empty: list the rollback "
            "steps, or say why none apply ('Not applicable: ...')",
        ),
        (
            "Owner: Platform Operations\n",
            "",
            "runbooks/backup.md:1:1: RB110 error missing 'Owner:' line under the title",
        ),
        (
            "2026-11-02",
            "2026-02-30",
            "runbooks/backup.md:3:15: RB111 error 'Last Updated: 2026-02-30' is not a real date",
        ),
        (
            "2026-11-02",
            "2027-01-01",
            "runbooks/backup.md:3:15: RB111 error 'Last Updated: 2027-01-01' is in the future "
            "(today is 2026-11-23)",
        ),
        (
            "2026-11-02",
            "02/11/2026",
            "runbooks/backup.md:3:15: RB111 error 'Last Updated: 02/11/2026' is not a date in "
            "YYYY-MM-DD form",
        ),
        (
            "Version: 1.0",
            "Version: latest",
            "runbooks/backup.md:4:10: RB112 error 'Version: latest' is not a version number such "
            "as 1.0 or 2.1.3",
        ),
        (
            "- [ ] Record the snapshot",
            "- Record the snapshot",
            "runbooks/backup.md:32:5: RB120 error step 'Step 2: Record the snapshot' has no "
            "checklist ('- [ ] action' items)",
        ),
        (
            "**Verification:**\n\n- Expected outcome: the hash",
            "Outcome: the hash",
            "runbooks/backup.md:32:5: RB121 error step 'Step 2: Record the snapshot' has no "
            "'**Verification:**' block",
        ),
        (
            "### Step 2:",
            "### Step 3:",
            "runbooks/backup.md:32:5: RB122 error step numbered 3, expected 2",
        ),
        (
            "| Condition | Escalate To | Contact |",
            "| Condition | Team | Contact |",
            "runbooks/backup.md:44:1: RB130 error table in 'Escalation' lacks column(s) Escalate "
            "To; expected Condition | Escalate To | Contact",
        ),
        (
            "| Database on-call | `database-on-call` |",
            "| Database on-call |   |",
            "runbooks/backup.md:46:41: RB131 error empty 'Contact' cell in the 'Escalation' table",
        ),
        (
            "🔵 **OPERATIONAL**\n\n",
            "",
            "runbooks/backup.md:21:5: RB201 error step 'Step 1: Dump the database' has no label: "
            "start it with '🔵 **OPERATIONAL**' or '🔴 **CONSTITUTIONAL**'",
        ),
        (
            " (FR107: constitutional events are never shed)",
            "",
            "runbooks/backup.md:34:1: RB203 error constitutional step 'Step 2: Record the "
            "snapshot' cites no governance requirement: name the ADR or FR it serves (e.g. "
            "ADR-10, FR21) or link the governance page",
        ),
        (
            "🔴 **CONSTITUTIONAL**",
            "🔵 **CONSTITUTIONAL**",
            "runbooks/backup.md:34:1: RB204 error label CONSTITUTIONAL is marked with the wrong "
            "emoji; use 🔴",
        ),
        (
            "[Index](index.md)",
            "[Index](index.md#contacts)",
            "runbooks/backup.md:54:11: RB304 error anchor '#contacts' does not exist in "
            "runbooks/index.md",
        ),
        (
            "[Index](index.md)",
            "[Index](indx.md)",
            "runbooks/backup.md:54:11: RB303 error link to 'indx.md': no such file "
            "(runbooks/indx.md)",
        ),
        (
            "--format=custom",
            "\u2013format=custom",
            "runbooks/backup.md:25:20: RB401 error en dash in code: a pasted command will fail; "
            "type the ASCII character instead",
        ),
    ],
)
def test_rule_fires_at_position(run: Runner, old: str, new: str, expected: str) -> None:
    assert old in GOOD
    assert lint(run, GOOD.replace(old, new, 1)) == [expected]


def test_section_order(run: Runner) -> None:
    text = GOOD.replace("## Purpose\n\nTake a consistent backup.\n\n", "").replace(
        "## Escalation", "## Purpose\n\nTake a consistent backup.\n\n## Escalation"
    )
    assert lint(run, text) == [
        "runbooks/backup.md:38:4: RB102 error section 'Purpose' is out of template order; "
        "it comes first"
    ]


def test_duplicate_and_title(run: Runner) -> None:
    text = GOOD.replace("# Backup Procedures", "Backup Procedures") + "\n## Rollback\n\n1. x\n"
    found = lint(run, text)
    assert (
        "runbooks/backup.md:1:1: RB105 error runbook has no title: start it with a '# Title' "
        "heading" in found
    )
    assert any(
        ":56:4: RB103 error section 'Rollback' appears again (first at line 48)" in f for f in found
    )


def test_unknown_label(run: Runner) -> None:
    text = GOOD.replace("🔵 **OPERATIONAL**", "🔵 **OPERATIONAL**\n\n🟡 **ADVISORY** heads-up")
    assert lint(run, text) == [
        "runbooks/backup.md:25:1: RB202 error unknown label '🟡 **ADVISORY': use 🔵 OPERATIONAL "
        "or 🔴 CONSTITUTIONAL"
    ]


def test_text_only_labels_are_accepted(run: Runner) -> None:
    text = GOOD.replace("🔵 **OPERATIONAL**", "[OPERATIONAL]").replace(
        "🔴 **CONSTITUTIONAL**", "[CONSTITUTIONAL]"
    )
    assert lint(run, text) == []


def test_label_in_heading_is_accepted(run: Runner) -> None:
    text = GOOD.replace(
        "### Step 1: Dump the database\n\n🔵 **OPERATIONAL**\n",
        "### Step 1: Dump the database (🔵 OPERATIONAL)\n",
    )
    assert lint(run, text) == []


def test_front_matter_metadata(run: Runner) -> None:
    text = GOOD.replace(
        "# Backup Procedures\n\nLast Updated: 2026-11-02\nVersion: 1.0\nOwner: Platform "
        "Operations\n",
        "---\nlast_updated: 2026-11-02\nversion: '1.0'\nowner: Platform Operations\n---\n\n"
        "# Backup Procedures\n",
    )
    assert lint(run, text) == []
    broken = text.replace("last_updated: 2026-11-02", "last_updated: 2026-99-02")
    assert lint(run, broken) == [
        "runbooks/backup.md:2:15: RB111 error 'Last Updated: 2026-99-02' is not a real date"
    ]


def test_not_in_index_and_missing_entry(run: Runner) -> None:
    extra = {"runbooks/index.md": "# Index\n\n- [Restore](restore.md)\n"}
    found = lint(run, GOOD, extra=extra)
    assert found == [
        "runbooks/backup.md:1:1: RB301 error not listed in the index (runbooks/index.md)",
        "runbooks/index.md:3:13: RB302 error index entry 'Restore' points to a missing file "
        "'runbooks/restore.md'",
    ]


def test_links_leaving_the_repository_and_unsafe(run: Runner) -> None:
    text = GOOD.replace(
        "- [Index](index.md)",
        "- [Hosts](../../../etc/x.md)\n- [Run](javascript:alert(1))\n"
        '- <iframe src="https://x.example"></iframe>',
    )
    found = lint(run, text, extra={".git/HEAD": "ref: refs/heads/main\n"})
    assert found == [
        "runbooks/backup.md:54:11: RB305 error link to '../../../etc/x.md' leaves the "
        "repository; it will break in the site and in any copy of the library",
        "runbooks/backup.md:55:9: RB306 error 'javascript:' link: runbooks link only to pages, "
        "files and web addresses",
        "runbooks/backup.md:56:3: RB310 error raw HTML <iframe> element: runbooks must not run "
        "code or embed remote content in the site",
    ]


@pytest.mark.parametrize(
    ("snippet", "kind"),
    [
        ('curl -H "Authorization: Bearer 8f3b2a9c7d1e4f6a0b5c8d2e7f9a1b3c" https://x', "bearer"),
        ("export AWS_ACCESS_KEY_ID=AKIA70TXSL8RHBPY0Q6U", "AWS access key id"),
        ("psql --password=hunter2secret", "literal value for '--password'"),
        ("DB_PASSWORD=s3cr3tvalue ./migrate", "literal value for 'DB_PASSWORD'"),
        ("git clone https://ghp_6wukvg6KLYrvadWwbDVrEOdUmtqeVT6FbNKH@github.com/x", "GitHub token"),
    ],
)
def test_inline_secret(run: Runner, snippet: str, kind: str) -> None:
    text = GOOD.replace("## Escalation", f"```bash\n{snippet}\n```\n\n## Escalation")
    found = lint(run, text)
    assert len(found) == 1 and " RB402 error " in found[0] and kind in found[0], found
    assert found[0].startswith("runbooks/backup.md:43:")
    assert "hunter2secret" not in found[0] and "8f3b2a9c" not in found[0]


@pytest.mark.parametrize(
    "snippet",
    [
        'curl -H "Authorization: Bearer $API_TOKEN" https://x',
        "psql --password=<db-password>",
        'scripts/ops-manager-control.sh --service-token "$OPS_MANAGER_SERVICE_TOKEN"',
        "DB_PASSWORD=${DB_PASSWORD:?} ./migrate",
        "export TOKEN_FILE=/run/secrets/token",
    ],
)
def test_secret_references_are_fine(run: Runner, snippet: str) -> None:
    text = GOOD.replace("## Escalation", f"```bash\n{snippet}\n```\n\n## Escalation")
    assert [f for f in lint(run, text) if "RB402" in f] == []


def test_mojibake_and_bidi_and_controls(run: Runner) -> None:
    text = GOOD.replace("🔵 **OPERATIONAL**", "ðŸ”µ **OPERATIONAL**").replace(
        "Take a consistent backup.", "Take a \u202econsistent backup.\x07"
    )
    found = lint(run, text)
    assert (
        "runbooks/backup.md:9:8: RB403 error bidirectional control character RIGHT-TO-LEFT "
        "OVERRIDE: it can make text display differently from what is copied; remove it" in found
    )
    assert (
        "runbooks/backup.md:9:27: RB006 error control character U+0007 in text; it is "
        "invisible and breaks copying" in found
    )
    assert any(f.startswith("runbooks/backup.md:23:1: RB002 error mojibake") for f in found)


def test_suppression_next_block_and_file(run: Runner) -> None:
    text = GOOD.replace(
        "## Rollback\n\nNot applicable: a backup changes nothing that needs undoing.\n",
        "## Rollback\n",
    )
    assert any("RB104" in f for f in lint(run, text))
    suppressed = text.replace(
        "## Rollback\n", "<!-- runbook-lint: disable=RB104 -- reason: drafted -->\n## Rollback\n"
    )
    assert lint(run, suppressed) == []
    whole = "<!-- runbook-lint: disable-file=RB1 -->\n" + text
    assert lint(run, whole) == []


def test_unused_and_bad_suppressions(run: Runner) -> None:
    text = GOOD.replace("## Purpose", "<!-- runbook-lint: disable=RB304 -->\n## Purpose").replace(
        "## Trigger", "<!-- runbook-lint: disabel=RB1 -->\n## Trigger"
    )
    assert lint(run, text) == [
        "runbooks/backup.md:7:1: RB009 warning suppression of RB304 matches no finding; remove it",
        "runbooks/backup.md:16:1: RB010 error unrecognised runbook-lint directive "
        "'disabel=RB1'; use disable=RBxxx or disable-file=RBxxx",
    ]
