"""Profiles, and the configurations that cannot take effect (issue 17)."""

from __future__ import annotations

import pytest

from runbook_lint.profiles import FAMILIES, PROFILES, profile
from runbook_lint.rules import all_rules

from .conftest import STORY, Runner, json_findings
from .test_foreign_library import TEMPLATE
from .test_rules_foundation import GOOD

ALERT = "# DiskFull\n\n## Meaning\n\nFull.\n\n## Impact\n\nWrites fail.\n\n## Diagnosis\n\nLook.\n"


def rules_of(findings: list[dict[str, object]]) -> list[str]:
    return sorted({str(f["rule"]) for f in findings})


def test_every_family_names_catalogued_rules_and_story_runs_them_all() -> None:
    ids = [r.id for r in all_rules()]
    for family, prefixes in FAMILIES.items():
        for prefix in prefixes:
            assert any(i.startswith(prefix) for i in ids), (family, prefix)
    assert all(profile("story-8.9").enables(i) for i in ids)
    generic = {i for i in ids if profile("generic").enables(i)}
    alert = {i for i in ids if profile("alert-runbook").enables(i)}
    assert generic < alert < set(ids)
    assert "RB101" in alert and "RB121" not in alert and "RB310" not in generic
    assert profile("") is PROFILES["generic"]


def test_a_library_without_our_template_gets_the_generic_rules(run: Runner) -> None:
    text = GOOD.replace("## Purpose", "See [gone](gone.md).\n\n## Purpose").replace(
        "Version: 1.0\n", ""
    )
    found = json_findings(run, {"runbooks/backup.md": text.replace("## Rollback", "## Undo")})
    assert rules_of(found) == ["RB303"]


def test_a_story_template_selects_the_story_profile(run: Runner) -> None:
    from runbook_lint.document.template import STORY_8_9_TEMPLATE

    files = {
        "runbooks/TEMPLATE.md": STORY_8_9_TEMPLATE,
        "runbooks/backup.md": GOOD.replace("Version: 1.0\n", ""),
    }
    assert "RB110" in rules_of(json_findings(run, files, "runbooks/backup.md"))


def test_the_story_profile_keeps_its_offline_html_rule(run: Runner) -> None:
    page = '# Video\n\n<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>\n'
    assert json_findings(run, {"docs/video.md": page}) == []
    found = json_findings(run, {**STORY, "runbooks/video.md": page}, "runbooks/video.md")
    assert "RB310" in rules_of(found)
    # a rule named on the command line runs whatever the profile
    assert rules_of(json_findings(run, {}, "--select", "RB310", "docs")) == ["RB310"]


@pytest.mark.parametrize(
    ("config", "key", "why"),
    [
        ('template = "example.md"\n', "'template'", "no file is a runbook"),
        ('profile = "generic"\ntemplate = "example.md"\n', "'template'", "checks no sections"),
        ('runbooks = "alerts"\ntemplate = "missing.md"\n', "'template'", "does not exist"),
        ('runbooks = "nowhere"\n', "'runbooks'", "is not a folder"),
        ('runbook-files = ["nowhere/*.md"]\n', "'runbook-files'", "matches no Markdown"),
        ('profile = "alert-runbook"\n', "'profile'", "no file is a runbook"),
        ('profile = "story-8.9"\nsections = ["A", "B"]\n', "'sections'", "has no effect"),
        ('profile = "strict"\n', "'profile'", "must be one of story-8.9, alert-runbook"),
        ('slugs = "markdown"\n', "'slugs'", "must be one of python-markdown"),
        ('slug-separator = "ab"\n', "'slug-separator'", "one punctuation character"),
    ],
)
def test_a_configuration_that_cannot_take_effect_is_an_error(
    run: Runner, config: str, key: str, why: str
) -> None:
    files = {"runbook-lint.toml": config, "example.md": TEMPLATE, "alerts/DiskFull.md": ALERT}
    code, out, err = run(files, "check")
    assert code == 2 and out == ""
    assert key in err and why in err and "runbook-lint.toml" in err


def test_runbooks_alone_no_longer_applies_our_template(run: Runner) -> None:
    files = {"runbook-lint.toml": 'runbooks = "alerts"\n', "alerts/DiskFull.md": ALERT}
    code, out, err = run(files, "check")
    assert (code, err) == (0, "") and out.startswith("All checks passed")


def test_the_alert_profile_holds_only_runbooks_to_the_sections(run: Runner) -> None:
    files = {
        "runbook-lint.toml": 'profile = "alert-runbook"\nrunbook-files = ["alerts/**/*.md"]\n'
        'not-runbooks = ["alerts/*/helpers/**"]\n',
        "alerts/disk/DiskFull.md": ALERT,  # no Mitigation
        "alerts/disk/helpers/howto.md": "# How to look at disks\n\nSteps.\n",
        "alerts/disk/README.md": "# Disk alerts\n",
        "alerts/_index.md": "---\ntitle: Alerts\n---\n",
        "alerts/disk/DiskGone.md": "# DiskGone [Deprecated]\n\nThis alert was removed.\n",
        "alerts/disk/Pointer.md": "# Pointer\n\nSee [DiskFull](DiskFull.md).\n",
        "notes.md": "# Notes\n",
    }
    found = json_findings(run, files)
    assert [(f["path"], f["rule"], f["message"]) for f in found] == [
        ("alerts/disk/DiskFull.md", "RB101", "missing required section 'Mitigation'")
    ]


def test_configured_sections_replace_the_profile_sections(run: Runner) -> None:
    files = {
        "runbook-lint.toml": 'profile = "alert-runbook"\nrunbook-files = ["ops/*.md"]\n'
        'sections = ["Summary", "Fix"]\n',
        "ops/a.md": "# A\n\n## Summary\n\nx\n",
    }
    found = json_findings(run, files)
    assert [f["message"] for f in found] == ["missing required section 'Fix'"]
