"""A rule id or prefix that matches no catalogued rule never switches checking off: on the
command line and in the configuration it is a usage error, in a suppression comment an RB010
finding. And every id the tool reports is a rule of the catalogue."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from runbook_lint.cli import main
from runbook_lint.rules import all_rules

from .conftest import STORY, Runner, as_story, json_findings, write_files
from .test_rules_foundation import CONTACTS, GOOD

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "runbook_lint"
LIB = {
    **STORY,
    "runbooks/contacts.yaml": CONTACTS,
    "runbooks/backup.md": GOOD,
    "runbooks/index.md": "# Index\n\n- [Backup](backup.md)\n",
}
# A runbook with one finding (RB104: the Rollback section is empty).
EMPTY_ROLLBACK = GOOD.replace(
    "## Rollback\n\nNot applicable: a backup changes nothing that needs undoing.\n", "## Rollback\n"
)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--select", "RB999"), "--select: 'RB999' matches no catalogued rule (nearest: "),
        (("--select", "RB8"), "--select: 'RB8' matches no catalogued rule (nearest: RB0"),
        (
            ("--select", "RB1,RB1211"),
            "--select: 'RB1211' matches no catalogued rule (nearest: RB121",
        ),
        (("--ignore", "RB12X"), "--ignore: 'RB12X' matches no catalogued rule (nearest: RB120"),
        (("--ignore", "XX1"), "--ignore: 'XX1' matches no catalogued rule (nearest: MD0, RB0, RB1"),
    ],
)
def test_unknown_rule_on_the_command_line_is_a_usage_error(
    run: Runner, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(LIB, "check", *args, "runbooks/backup.md")
    assert (code, out) == (2, "")
    assert err.startswith(f"runbook-lint: error: {message}"), err
    assert "All checks passed" not in out + err


@pytest.mark.parametrize(
    ("table", "where"),
    [
        ('select = ["RB8"]', "'select': 'RB8'"),
        ('select = ["RB1", "rb2"]', "'select': 'rb2'"),
        ('ignore = ["RB999"]', "'ignore': 'RB999'"),
        ('severity = { RB1O4 = "warning" }', "'severity.RB1O4': 'RB1O4'"),
        ('per-path-ignores = { "runbooks/*" = ["RB3", "RB10x"] }', "'per-path-ignores.runbooks/*'"),
    ],
)
@pytest.mark.parametrize("file", ["pyproject.toml", "runbook-lint.toml"])
def test_unknown_rule_in_the_configuration_is_a_usage_error(
    run: Runner, table: str, where: str, file: str
) -> None:
    header = "[tool.runbook-lint]\n" if file == "pyproject.toml" else ""
    library = {k: v for k, v in LIB.items() if k not in STORY}
    files = {**library, file: header + 'profile = "story-8.9"\n' + table + "\n"}
    code, out, err = run(files, "check", "runbooks/backup.md")
    assert (code, out) == (2, "")
    assert f"{file}" in err and where in err and "matches no catalogued rule (nearest: " in err


def test_unknown_rule_in_the_configuration_fails_every_command_that_lints(run: Runner) -> None:
    files = {**LIB, "runbook-lint.toml": 'profile = "story-8.9"\nignore = ["RB999"]\n'}
    code, _, err = run(files, "audit")
    assert code == 2 and "'ignore': 'RB999' matches no catalogued rule" in err


def test_known_ids_and_prefixes_are_accepted(run: Runner) -> None:
    files = {
        **LIB,
        "runbooks/backup.md": EMPTY_ROLLBACK,
        "runbook-lint.toml": 'profile = "story-8.9"\nselect = ["RB1", "RB009"]\nignore = ["RB3"]\n'
        '[severity]\nRB104 = "warning"\n[per-path-ignores]\n"docs/*" = ["RB303"]\n',
    }
    code, out, err = run(files, "check", "--select", "rb10,RB104", "runbooks/backup.md")
    assert (code, err) == (0, ""), err
    assert "RB104 warning" in out


def rb010(run: Runner, comment: str, text: str = EMPTY_ROLLBACK) -> list[tuple[str, int, int, str]]:
    body = text.replace("## Rollback", f"{comment}\n## Rollback")
    found = json_findings(run, {**LIB, "runbooks/backup.md": body}, "runbooks/backup.md")
    return [(f["rule"], f["line"], f["column"], f["message"]) for f in found]


def test_unknown_rule_in_a_suppression_is_an_rb010_error_at_the_comment(run: Runner) -> None:
    found = rb010(run, "Text before <!-- runbook-lint: disable=RB999 -- reason: typo -->")
    line = EMPTY_ROLLBACK.split("\n").index("## Rollback") + 1
    assert [f[:3] for f in found] == [("RB010", line, 13), ("RB104", line + 1, 4)]
    assert found[0][3].startswith("suppression names 'RB999' matches no catalogued rule")
    code, _, _ = run({}, "check", "--select", "RB010", "runbooks/backup.md")
    assert code == 1  # an error: the comment excuses nothing, yet reads as if it did


def test_unknown_rule_in_disable_file_is_reported_and_known_ones_still_apply(run: Runner) -> None:
    found = rb010(run, "<!-- runbook-lint: disable-file=RB104, RB10Q -->")
    assert [f[0] for f in found] == ["RB010"]
    assert "'RB10Q' matches no catalogued rule (nearest: RB10" in found[0][3]


def test_prefix_and_case_in_a_suppression(run: Runner) -> None:
    assert rb010(run, "<!-- runbook-lint: disable=rb1 -->") == []
    assert [f[0] for f in rb010(run, "<!-- runbook-lint: disable=RB8 -->")] == ["RB010", "RB104"]


@pytest.mark.parametrize("rule_id", ["RB009", "RB010"])
def test_suppression_rules_are_catalogued(rule_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    rule = next(r for r in all_rules() if r.id == rule_id)
    assert rule.engine and rule.runnable_examples
    assert main(["explain", rule_id]) == 0
    assert capsys.readouterr().out.startswith(f"{rule_id} {rule.name} ")


def test_sarif_describes_the_suppression_rules(run: Runner) -> None:
    body = EMPTY_ROLLBACK.replace("## Purpose", "<!-- runbook-lint: disable=RB999 -->\n## Purpose")
    body = body.replace("## Trigger", "<!-- runbook-lint: disable=RB301 -->\n## Trigger")
    code, out, _ = run(
        {**LIB, "runbooks/backup.md": body}, "check", "--format", "sarif", "runbooks"
    )
    assert code == 1
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    described = {r["id"]: r for r in driver["rules"]}
    assert {"RB009", "RB010", "RB104"} <= set(described)
    assert described["RB010"]["name"] == "bad-directive"
    results = json.loads(out)["runs"][0]["results"]
    assert all("ruleIndex" in r for r in results)


# -- every id the tool reports is catalogued ------------------------------------------------


def _finding_sites() -> list[tuple[str, int, str]]:
    """(file, line, source of the rule argument) of every `Finding(...)` in the tool."""
    sites = []
    for path in sorted(TOOLS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Finding"):
                continue
            args = {kw.arg: kw.value for kw in node.keywords}
            rule = node.args[3] if len(node.args) > 3 else args.get("rule")
            assert rule is not None, f"{path}:{node.lineno}"
            sites.append((path.name, node.lineno, ast.unparse(rule)))
    return sites


def test_every_finding_takes_its_rule_id_from_a_rule_record() -> None:
    """A Finding's id is a catalogued record's `.id`, or the id of a finding it copies (a
    severity override, the cache): never a string written in the code."""
    sites = _finding_sites()
    assert len(sites) >= 5
    for name, line, source in sites:
        assert source.endswith(".id") or source in ("finding.rule", "_str(rule)"), (
            f"{name}:{line}: Finding(..., {source}, ...) does not take its id from a Rule record"
        )


def _emitted_ids(root: Path, monkeypatch: pytest.MonkeyPatch, *targets: str) -> set[str]:
    monkeypatch.chdir(root)
    from runbook_lint import settings
    from runbook_lint.engine import run as run_engine

    report = run_engine(list(targets), settings.load(start=root))
    return {f.rule for f in report.findings}


def test_every_id_emitted_on_the_suites_inputs_is_catalogued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every rule's bad and good example, the fixture and adversarial folders and the
    repository itself: whatever is reported there has a catalogue record."""
    catalogued = {r.id for r in all_rules()}
    emitted: set[str] = set()
    for number, rule in enumerate(all_rules()):
        for kind, files in (("bad", rule.bad_files), ("good", rule.good_files)):
            folder = tmp_path / f"{number}-{kind}"
            example = rule.bad if kind == "bad" else rule.good
            write_files(folder, as_story(dict(files) or {rule.example_path: example}))
            emitted |= _emitted_ids(folder, monkeypatch)
    repo = TOOLS.parents[1]
    for folder in ("tests/fixtures", "tests/adversarial"):
        emitted |= _emitted_ids(tmp_path, monkeypatch, str(repo / folder))
    emitted |= _emitted_ids(repo, monkeypatch)
    assert emitted - catalogued == set()
    assert {"RB009", "RB010", "RB101", "RB501"} <= emitted
