"""`runbook-lint init`: the configuration it infers and writes, and what it refuses."""

from __future__ import annotations

from pathlib import Path

from .conftest import Runner, json_findings
from .test_foreign_library import TEMPLATE

ALERT = "# {name}\n\n## Meaning\n\nm\n\n## Impact\n\ni\n\n## Diagnosis\n\nd\n\n## Mitigation\n\nx\n"


def alert(name: str, drop: str = "") -> str:
    text = ALERT.format(name=name)
    return text.replace(f"## {drop}\n\n{drop[0].lower()}\n\n", "") if drop else text


def alert_library() -> dict[str, str]:
    files = {f"alerts/disk/Disk{n}.md": alert(f"Disk{n}") for n in range(4)}
    files.update({f"alerts/net/Net{n}.md": alert(f"Net{n}") for n in range(4)})
    files.update({f"alerts/cpu/Cpu{n}.md": alert(f"Cpu{n}") for n in range(3)})
    files.update({f"alerts/mem/Mem{n}.md": alert(f"Mem{n}") for n in range(3)})
    files.update(
        {
            "example.md": TEMPLATE,
            "README.md": "# Runbooks\n\nSee [the template](example.md).\n",
            "alerts/disk/Disk1.md": alert("Disk1", "Impact"),
            "alerts/disk/helpers/inspect.md": "# Inspecting disks\n\n## Tools\n\nx\n",
            "alerts/disk/helpers/cleanup.md": "# Cleaning up\n\nSteps.\n",
            "alerts/net/NetOld.md": "# NetOld [Deprecated]\n\nThis alert is deprecated.\n",
            "alerts/net/Naming.md": "# How names are made\n\n### Outputs\n\nx\n",
            "alerts/net/NetOwnWords.md": "# NetOwnWords\n\n## Description\n\nd\n",
        }
    )
    return files


def test_init_configures_an_alert_library_with_its_template(run: Runner, tmp_path: Path) -> None:
    code, out, err = run(alert_library(), "init")
    assert (code, err) == (0, "")
    written = (tmp_path / "runbook-lint.toml").read_text(encoding="utf-8")
    assert 'profile = "alert-runbook"' in written and 'template = "example.md"' in written
    assert 'runbook-files = ["alerts/**/*.md"]' in written
    assert '"alerts/disk/helpers/**"' in written and '"alerts/net/Naming.md"' in written
    assert "template: example.md" in out and "runbooks: 15 pages" in out
    assert "RB101 missing-section" in out
    found = json_findings(run, {}, "--select", "RB1")
    messages = {(f["path"], f["message"].split(" (")[0]) for f in found}
    assert messages == {
        ("alerts/disk/Disk1.md", "missing required section 'Impact'"),
        *(
            ("alerts/net/NetOwnWords.md", f"missing required section '{s}'")
            for s in ("Meaning", "Impact", "Diagnosis", "Mitigation")
        ),
    }


def test_init_finds_the_sections_without_a_template(run: Runner, tmp_path: Path) -> None:
    files = {f"docs/runbooks/Alert{n}.md": alert(f"Alert{n}") for n in range(10)}
    files["docs/runbooks/Alert5.md"] = alert("Alert5", "Diagnosis")  # 9 of 10 have it
    files["docs/guide.md"] = "# Guide\n\n## Writing\n\nx\n"
    code, out, _ = run(files, "init")
    assert code == 0
    written = (tmp_path / "runbook-lint.toml").read_text(encoding="utf-8")
    assert written.splitlines()[1:] == [
        'profile = "alert-runbook"',
        'runbook-files = ["docs/runbooks/*.md"]',
    ]
    assert "sections shared by the runbooks: Meaning, Impact, Diagnosis, Mitigation" in out
    found = json_findings(run, {})
    assert [(f["path"], f["rule"]) for f in found] == [("docs/runbooks/Alert5.md", "RB101")]


def test_init_keeps_a_free_form_library_generic(run: Runner, tmp_path: Path) -> None:
    files = {
        ".gitlab-ci.yml": "test:\n  script: [true]\n",
        "docs/redis.md": "# Redis\n\n## Failover\n\nx\n",
        "docs/pg.md": "# Postgres\n\n## Backups\n\nx\n\n## Grafana\n\n## Grafana\n",
        "docs/index.md": "[second](pg.md#grafana-1)\n",
    }
    code, out, _ = run(files, "init")
    assert code == 0 and "heading ids gitlab" in out
    assert (tmp_path / "runbook-lint.toml").read_text(encoding="utf-8").splitlines()[1:] == [
        'profile = "generic"'
    ]
    assert "first run: 0 findings" in out


def test_init_reads_an_mkdocs_site(run: Runner) -> None:
    files = {
        "mkdocs.yml": "site_name: x\ndocs_dir: site-src\nmarkdown_extensions:\n"
        "  - toc:\n      separator: _\n",
        "site-src/during/incident.md": "# During an incident\n\n## First steps\n",
        "site-src/index.md": "[go](/during/incident) and [there](during/incident.md#first_steps)\n",
    }
    code, out, _ = run(files, "init", "--dry-run")
    assert code == 0
    assert "rendered by mkdocs (mkdocs.yml): heading ids python-markdown" in out
    assert "'/page' links from site-src/" in out and "first run: 0 findings" in out


def test_init_recognises_our_own_library(run: Runner, tmp_path: Path) -> None:
    from runbook_lint.document.template import STORY_8_9_TEMPLATE

    code, out, _ = run({"runbooks/TEMPLATE.md": STORY_8_9_TEMPLATE}, "init")
    assert code == 0 and "profile: story-8.9" in out
    assert (tmp_path / "runbook-lint.toml").read_text(encoding="utf-8").splitlines()[1:] == [
        'profile = "story-8.9"'
    ]


def test_init_never_replaces_a_configuration_unasked(run: Runner, tmp_path: Path) -> None:
    files = {**alert_library(), "pyproject.toml": '[tool.runbook-lint]\nprofile = "generic"\n'}
    code, out, err = run(files, "init")
    assert code == 2 and "pyproject.toml already configures runbook-lint" in err
    assert not (tmp_path / "runbook-lint.toml").exists()
    code, out, _ = run({}, "init", "--dry-run")
    assert code == 0 and "+++ b/runbook-lint.toml" in out and '+profile = "alert-runbook"' in out
    assert not (tmp_path / "runbook-lint.toml").exists()
    code, out, _ = run({}, "init", "--force")
    assert code == 0 and "takes precedence" in out
    assert (tmp_path / "runbook-lint.toml").is_file()
    code, _, err = run({}, "init")
    assert code == 2 and "runbook-lint.toml already configures" in err
