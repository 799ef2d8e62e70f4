"""Every hostile file in tests/adversarial/ through the CLI, in every format.

Each file is a reproducer of a failure fuzzing found, or an input known to hurt Markdown and JSON
tools (see tests/adversarial/README.md). Pathological ones are generated, not committed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import placed
from .harness import FORMATS, REPO, lint, run_cli

ADVERSARIAL = REPO / "tests" / "adversarial"
MARKDOWN = sorted((ADVERSARIAL / "markdown").glob("*.md"))


@pytest.mark.parametrize("fixture", MARKDOWN, ids=[p.name for p in MARKDOWN])
def test_hostile_markdown(project: Path, fixture: Path) -> None:
    with placed(project, {"runbooks/hostile.md": fixture.read_bytes()}):
        for fmt in FORMATS:
            lint(project, fmt, "runbooks/hostile.md")


def test_invalid_utf8_after_a_carriage_return_is_placed_on_its_line(project: Path) -> None:
    data = (ADVERSARIAL / "markdown" / "invalid-utf8-after-cr.md").read_bytes()
    with placed(project, {"runbooks/hostile.md": data}):
        findings = lint(project, "json", "runbooks/hostile.md", extra=["--select", "RB001"])
    assert [(f["line"], f["column"]) for f in findings] == [(4, 10)]


SAMPLES = sorted((ADVERSARIAL / "json").glob("*.json*"))
SAMPLE_DIR = "runbooks/samples/dkt/stale-heartbeat/state"


@pytest.mark.parametrize("fixture", SAMPLES, ids=[p.name for p in SAMPLES])
def test_hostile_samples(project: Path, fixture: Path) -> None:
    jsonl = fixture.suffix == ".jsonl"
    target = f"{SAMPLE_DIR}/{'events.jsonl' if jsonl else 'heartbeat_status.json'}"
    with placed(project, {target: fixture.read_bytes()}):
        for fmt in FORMATS:
            findings = lint(project, fmt, target)
            assert findings, f"{fixture.name}: a broken sample gives no finding"


SCHEMAS = sorted((ADVERSARIAL / "schemas").glob("*.schema.json"))
SCHEMA_TARGET = "schemas/artifacts/dkt/state/heartbeat_status.schema.json"
CATALOG = "schemas/artifacts.yaml"  # names artifacts whose schemas the fuzz project leaves out


@pytest.mark.parametrize("fixture", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_hostile_schema_for_a_sample(project: Path, fixture: Path) -> None:
    # A runbook in scope makes a library rule's crash visible (it is reported on a document).
    files = {SCHEMA_TARGET: fixture.read_bytes(), "runbooks/r.md": b"# R\n"}
    with placed(project, files):
        for fmt in FORMATS:
            lint(project, fmt, "schemas", "runbooks/samples", "runbooks/r.md")


def test_a_remote_ref_is_reported_not_fetched_and_the_sample_is_not_validated(
    project: Path,
) -> None:
    files = {
        SCHEMA_TARGET: (ADVERSARIAL / "schemas" / "remote-ref.schema.json").read_bytes(),
        "runbooks/r.md": b"# R\n",
    }
    with placed(project, files):
        findings = lint(project, "json", "schemas", "runbooks/samples", "runbooks/r.md")
    shown = [(f["path"], f["line"], f["rule"]) for f in findings]
    assert [s for s in shown if s[0] not in (CATALOG, "runbooks/r.md")] == [
        (SCHEMA_TARGET, 4, "RB505")
    ]


def test_a_crashing_library_rule_is_reported_when_only_json_is_checked(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from runbook_lint import rules

    def boom(library: object, ctx: object) -> list[object]:
        raise RuntimeError("boom")

    broken = tuple(
        replace(r, check_library=boom) if r.id == "RB502" else r for r in rules.all_rules()
    )
    monkeypatch.setattr(rules, "all_rules", lambda: broken)
    result = run_cli(project, ["check", "--format", "json", "--no-cache", "runbooks/samples"])
    payload = json.loads(result.out)
    crashes = [f for f in payload["findings"] if f["rule"] == "RB000"]
    assert len(crashes) == 1 and "RB502" in crashes[0]["message"], payload
    assert crashes[0]["path"].startswith("runbooks/samples/")


CATALOGS = sorted((ADVERSARIAL / "catalog").glob("*.yaml"))


@pytest.mark.parametrize("fixture", CATALOGS, ids=[p.name for p in CATALOGS])
def test_hostile_artifact_catalog(project: Path, fixture: Path) -> None:
    files = {CATALOG: fixture.read_bytes(), "runbooks/r.md": b"# R\n"}
    with placed(project, files):
        for fmt in FORMATS:
            findings = lint(project, fmt, "schemas", "runbooks/samples", "runbooks/r.md")
            assert any(f["path"] == CATALOG for f in findings), fmt
