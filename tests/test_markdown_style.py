"""Generic Markdown style: pymarkdownlnt's findings as the MD rules of `runbook-lint check`.

The MD rules are switched on by `[tool.runbook-lint.markdown-style]` (or named in a selection),
report like every other rule (formats, positions in the .md file, suppressions, the cache,
SARIF), are configured and validated in the same table, and import pymarkdownlnt only when they
run. This repository switches them on, and its library passes them.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from runbook_lint import markdown_style
from runbook_lint.config import Config, load
from runbook_lint.fingerprint import dependency_versions, fingerprint, inputs, tree_listing
from runbook_lint.rule import validate_rules
from runbook_lint.rules import all_rules, by_id
from runbook_lint.sitegen.rules import catalog_page, rule_page

from .conftest import Runner, json_findings, lines_of, write_files

ROOT = Path(__file__).resolve().parents[1]
ON = "[markdown-style]\nenabled = true\n"
LONG = "word " * 20 + "end\n"  # 103 characters
# Two top-level headings (MD025) and a line of 104 characters (MD013).
SLOPPY = "# Backup\n\n# Restore\n\n" + LONG


def _ids(findings: list[Any]) -> list[tuple[str, int, int]]:
    return [(f["rule"], f["line"], f["column"]) for f in findings]


# -- switched on, off, and by a selection ----------------------------------------------------


def test_off_by_default_on_when_configured(run: Runner) -> None:
    files = {"runbooks/notes.md": SLOPPY}
    assert [f for f in json_findings(run, files) if f["rule"].startswith("MD")] == []
    found = json_findings(run, {"runbook-lint.toml": ON})
    assert [(r, line, col) for r, line, col in _ids(found) if r.startswith("MD")] == [
        ("MD025", 3, 1),
        ("MD013", 5, 1),
    ]


def test_a_selection_naming_an_md_rule_runs_it_when_the_family_is_off(run: Runner) -> None:
    found = json_findings(run, {"runbooks/notes.md": SLOPPY}, "--select", "MD025")
    assert _ids(found) == [("MD025", 3, 1)]
    found = json_findings(run, {"runbook-lint.toml": 'select = ["MD01"]\n'})
    assert _ids(found) == [("MD013", 5, 1)]


def test_ignore_and_per_path_ignores_apply(run: Runner) -> None:
    config = ON + '[per-path-ignores]\n"runbooks/*" = ["MD013"]\n'
    found = json_findings(run, {"runbook-lint.toml": config, "runbooks/notes.md": SLOPPY})
    assert "MD013" not in {f["rule"] for f in found} and "MD025" in {f["rule"] for f in found}
    found = json_findings(run, {}, "--ignore", "MD")
    assert not [f for f in found if f["rule"].startswith("MD")]


# -- the same report as every other rule -----------------------------------------------------


def test_every_format_reports_md_findings(run: Runner) -> None:
    files = {"runbook-lint.toml": ON, "runbooks/notes.md": SLOPPY}
    code, out, _ = run(files, "check", "--select", "MD", "runbooks/notes.md")
    assert code == 1
    assert lines_of(out) == [
        "runbooks/notes.md:3:1: MD025 error Multiple top-level headings in the same document",
        "runbooks/notes.md:5:1: MD013 error Line length [Expected: 80, Actual: 103]",
    ]
    code, out, _ = run({}, "check", "--format", "github", "--select", "MD025")
    assert out.startswith("::error file=runbooks/notes.md,line=3,col=1,title=MD025::MD025 ")
    code, out, _ = run({}, "check", "--format", "sarif", "--select", "MD")
    sarif = json.loads(out)["runs"][0]
    rules = {r["id"]: r for r in sarif["tool"]["driver"]["rules"]}
    assert rules["MD013"]["name"] == "line-length"
    assert rules["MD025"]["shortDescription"]["text"] == by_id()["MD025"].summary
    located = [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]) for r in sarif["results"]
    ]
    assert ("MD025", {"startLine": 3, "startColumn": 1}) in located


def test_positions_are_in_the_markdown_file(run: Runner) -> None:
    # A byte order mark, front matter and CRLF line endings; a tab in the middle of a line.
    text = "\ufeff---\r\nowner: x\r\n---\r\n# Title\r\n\r\nStop\tthe workers.\r\n## Next\r\n"
    found = json_findings(run, {"runbook-lint.toml": ON, "runbooks/t.md": text}, "--select", "MD")
    assert ("MD010", 6, 5) in _ids(found)  # the tab: line 6, column 5 of the file
    assert ("MD022", 7, 1) in _ids(found)  # the heading glued to the paragraph
    assert "MD041" not in {f["rule"] for f in found}  # front matter is not the first line


def test_rules_explain_and_site_pages_list_md_rules(
    run: Runner, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run({}, "rules")
    assert "MD013  line-length" in out
    code, out, _ = run({}, "explain", "line-length")
    assert code == 0 and out.startswith("MD013 line-length (error)")
    assert "- line-length: " in out and "- tables: " in out
    md = [r for r in all_rules() if r.id.startswith("MD")]
    assert "## MD0xx: Markdown style (pymarkdownlnt)" in catalog_page(md)
    assert "<!-- runbook-lint: disable=MD033 -- reason:" in rule_page(by_id()["MD033"])


def test_the_catalogue_accepts_md_ids_and_nothing_else() -> None:
    rule = by_id()["MD013"]
    assert validate_rules([rule])
    with pytest.raises(ValueError, match="id must look like"):
        validate_rules([replace(rule, id="MX013")])


# -- suppressions ----------------------------------------------------------------------------


def test_suppressions_cover_md_rules_and_unused_ones_are_reported(run: Runner) -> None:
    text = (
        "# Backup\n\n<!-- runbook-lint: disable=MD013 -- reason: a quoted log line -->\n\n"
        + LONG
        + "\n<!-- runbook-lint: disable=MD033 -- reason: nothing to hide -->\n\nPlain text.\n"
    )
    found = json_findings(run, {"runbook-lint.toml": ON, "runbooks/t.md": text}, "--select", "MD")
    assert found == []  # RB009 (unused suppression) is not selected
    found = json_findings(run, {}, "--select", "MD,RB009")
    assert _ids(found) == [("RB009", 7, 1)]
    found = json_findings(
        run, {"runbooks/t.md": "<!-- runbook-lint: disable-file=MD0 -->\n" + SLOPPY}
    )
    assert not [f for f in found if f["rule"].startswith("MD")]


def test_pymarkdown_pragmas_are_not_a_second_way_to_suppress(run: Runner) -> None:
    text = "# Backup\n\n<!-- pyml disable-next-line md013-->\n" + LONG
    found = json_findings(run, {"runbook-lint.toml": ON, "runbooks/t.md": text}, "--select", "MD")
    assert ("MD013", 4, 1) in _ids(found)


# -- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("enable = true", "unknown key 'markdown-style.enable' (known keys: allowed-html,"),
        ('enabled = "yes"', "'markdown-style.enabled' must be true or false, got str 'yes'"),
        ("line-length = 0", "'markdown-style.line-length' must be an integer of at least 1"),
        ("line-length = true", "'markdown-style.line-length' must be an integer of at least 1"),
        ("code-block-line-length = -1", "'markdown-style.code-block-line-length' must be"),
        ("tables = 1", "'markdown-style.tables' must be true or false, got int 1"),
        ("max-lines = 0", "'markdown-style.max-lines' must be an integer of at least 1"),
        ('allowed-html = "kbd"', "'markdown-style.allowed-html' must be a list of HTML element"),
        ('allowed-html = ["<b>"]', "'markdown-style.allowed-html' must be a list of HTML element"),
    ],
)
def test_every_key_is_validated(run: Runner, table: str, message: str) -> None:
    code, out, err = run({"runbook-lint.toml": f"[markdown-style]\n{table}\n"}, "check")
    assert (code, out) == (2, "")
    assert "runbook-lint.toml: " + message in err
    assert "Traceback" not in err


def test_markdown_style_must_be_a_table(run: Runner) -> None:
    code, _, err = run({"runbook-lint.toml": "markdown-style = true\n"}, "check")
    assert code == 2 and "'markdown-style' must be a table, got bool" in err


def test_options_reach_pymarkdown(run: Runner) -> None:
    code_line = "echo" + " x" * 43  # 90 characters, with spaces beyond 80
    text = (
        "# Backup\n\n"
        + LONG
        + f"\n```text\n{code_line}\n```\n\n| a | b |\n| - | - |\n| {'y' * 90} | z |\n\n"
        + "Press <kbd>S</kbd> or <b>B</b>.\n"
    )
    files = {"runbook-lint.toml": ON, "runbooks/t.md": text}
    found = _ids(json_findings(run, files, "--select", "MD013,MD033"))
    assert found == [
        ("MD013", 3, 1),
        ("MD013", 6, 1),
        ("MD013", 11, 1),
        ("MD033", 13, 7),
        ("MD033", 13, 23),
    ]
    config = ON + 'line-length = 110\ncode-block-line-length = 80\nallowed-html = ["kbd"]\n'
    found = _ids(json_findings(run, {"runbook-lint.toml": config}, "--select", "MD013,MD033"))
    assert found == [("MD013", 6, 1), ("MD033", 13, 23)]
    config = ON + "code-blocks = false\ntables = false\n"
    found = _ids(json_findings(run, {"runbook-lint.toml": config}, "--select", "MD013"))
    assert found == [("MD013", 3, 1)]


def test_pymarkdowns_own_configuration_does_not_change_the_verdict(run: Runner) -> None:
    files = {"runbook-lint.toml": ON, "runbooks/t.md": "Intro\n\n# Backup\n\nShort line here.\n"}
    before = json_findings(run, files, "--no-cache", "--select", "MD")
    own = '{"plugins": {"md013": {"line_length": 10}, "md041": {"enabled": false}}}'
    after = json_findings(run, {".pymarkdown": own}, "--no-cache", "--select", "MD")
    assert after == before and _ids(before) == [("MD041", 1, 1)]


# -- pymarkdownlnt failing on a file ---------------------------------------------------------

CRASH = "# Nested\n\n- > - > ```\n- > - > x\n"  # pymarkdownlnt raises BadTokenizationError


def test_a_file_pymarkdown_cannot_parse_is_one_finding(run: Runner) -> None:
    files = {
        "runbook-lint.toml": 'profile = "story-8.9"\n' + ON,
        "runbooks/crash.md": CRASH,
        "runbooks/ok.md": SLOPPY,
    }
    code, out, err = run(files, "check", "--format", "json", "runbooks")
    assert code == 1 and "Traceback" not in err
    found = json.loads(out)["findings"]
    crash = [f for f in found if f["path"] == "runbooks/crash.md"]
    internal = [f for f in crash if f["rule"] == "RB000"]
    assert len(internal) == 1
    assert "pymarkdownlnt could not check this file" in internal[0]["message"]
    assert not [f for f in crash if f["rule"].startswith("MD")]
    assert {"RB101", "RB110"} <= {f["rule"] for f in crash}  # the other rules still ran
    assert {"MD025", "MD013"} <= {f["rule"] for f in found if f["path"] == "runbooks/ok.md"}
    # Selecting one MD rule does not hide that it could not run on the file.
    found = json_findings(run, {}, "--select", "MD013", "runbooks/crash.md")
    assert [f["rule"] for f in found] == ["RB000"]


def test_a_file_longer_than_max_lines_is_reported_not_scanned(run: Runner) -> None:
    files = {"runbook-lint.toml": ON + "max-lines = 4\n", "runbooks/t.md": SLOPPY}
    found = json_findings(run, files, "--select", "MD")
    assert [(f["rule"], f["line"]) for f in found] == [("RB000", 1)]
    assert "it has 5 lines, more than markdown-style.max-lines (4)" in found[0]["message"]
    found = json_findings(run, {"runbook-lint.toml": ON + "max-lines = 5\n"}, "--select", "MD")
    assert {f["rule"] for f in found} == {"MD025", "MD013"}


# -- the cache -------------------------------------------------------------------------------


def test_cached_findings_are_reused_and_the_settings_key_the_cache(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import runbook_lint.rules.md_common as md_common

    scanned: list[str] = []
    real = md_common.scan

    def counting(text: str, *args: Any) -> list[markdown_style.Failure]:
        scanned.append(text)
        return real(text, *args)

    monkeypatch.setattr(md_common, "scan", counting)
    files = {"runbook-lint.toml": ON, "runbooks/t.md": SLOPPY}
    first = json_findings(run, files, "--select", "MD")
    assert len(scanned) == 1
    assert json_findings(run, {}, "--select", "MD") == first and len(scanned) == 1
    wider = json_findings(run, {"runbook-lint.toml": ON + "line-length = 120\n"}, "--select", "MD")
    assert len(scanned) == 2 and _ids(wider) == [("MD025", 3, 1)]


def test_the_fingerprint_covers_pymarkdown_and_its_own_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert [d for d in dependency_versions() if d.startswith("pymarkdownlnt 0.")]
    write_files(tmp_path, {"runbook-lint.toml": ON, "runbooks/t.md": SLOPPY})
    monkeypatch.chdir(tmp_path)
    config = load()
    assert ".pymarkdown" not in inputs(config, tree_listing(tmp_path, None))

    def digest(cfg: Config = config) -> str:
        return fingerprint(cfg, ["MD013"], dt.date(2026, 1, 1), tmp_path / ".cache")

    before = digest()
    (tmp_path / ".pymarkdown").write_text('{"plugins": {}}', encoding="utf-8")
    assert ".pymarkdown" in inputs(config, tree_listing(tmp_path, None))
    assert digest() != before
    wider = replace(config, markdown_style=replace(config.markdown_style, line_length=99))
    assert digest(wider) != digest()


# -- cost: pymarkdownlnt is imported only when an MD rule runs -------------------------------

_PROBE = (
    "import sys\n"
    "from runbook_lint.cli import main\n"
    "code = main(['check', '--no-cache', 'runbooks/t.md'])\n"
    "print(code, 'pymarkdown' in sys.modules)\n"
)


@pytest.mark.parametrize(("config", "loaded"), [("", "False"), (ON, "True")])
def test_pymarkdown_is_imported_only_when_the_family_runs(
    tmp_path: Path, config: str, loaded: str
) -> None:
    story = 'profile = "story-8.9"\n'  # SLOPPY breaks the template's rules: exit 1 either way
    write_files(tmp_path, {"runbook-lint.toml": story + config, "runbooks/t.md": SLOPPY})
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.stdout.splitlines()[-1] == f"1 {loaded}", done.stderr


# -- this repository -------------------------------------------------------------------------


def test_this_repository_switches_markdown_style_on() -> None:
    table = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    style = table["tool"]["runbook-lint"]["markdown-style"]
    assert style["enabled"] is True and style["line-length"] == 100


def test_the_site_start_page_would_fail_md025_with_a_title_in_front_matter(run: Runner) -> None:
    # docs/index.md had both a front-matter title and a `#` title: two titles (MD025).
    start = (ROOT / "docs/index.md").read_text(encoding="utf-8")
    assert start.startswith("---\nhide:")
    files = {
        "pyproject.toml": (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
        "docs/index.md": start.replace("---\n", "---\ntitle: In an incident? Start here\n", 1),
        "runbooks/index.md": "# Runbook Index\n",  # the profile in pyproject.toml needs runbooks
    }
    found = json_findings(run, files, "--select", "MD", "docs/index.md")
    assert [f["rule"] for f in found] == ["MD025"]
    found = json_findings(run, {"docs/index.md": start}, "--select", "MD", "docs/index.md")
    assert found == []
