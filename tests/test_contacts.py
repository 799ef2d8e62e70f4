"""Escalation contacts: every escalation row reaches a declared role (RB132), the contacts file
is valid (RB133), placeholders are stated by the audit and refused on request (RB134,
`--require-contacts`), a deployment supplies its own file, and the site shows what resolved."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from runbook_lint.cli import main

from .conftest import STORY, Runner, json_findings, write_files
from .site_helpers import assets_problem, build, library_files, project
from .test_audit import LIBRARY, commit_all
from .test_rules_foundation import CONTACTS, GOOD, INDEX

REPO = Path(__file__).resolve().parents[1]
ROW = "| Dump fails twice | Database on-call | `database-on-call` |"
ROW_LINE = GOOD.split("\n").index(ROW) + 1
ID_COLUMN = ROW.index("database-on-call") + 1  # after the opening backtick
FILLED = CONTACTS.replace("<database-rotation>", "https://pager.example.invalid/dba")


def library(text: str = GOOD, contacts: str | None = CONTACTS) -> dict[str, str]:
    files = {**STORY, "runbooks/backup.md": text, "runbooks/index.md": INDEX}
    if contacts is not None:
        files["runbooks/contacts.yaml"] = contacts
    return files


def rule_lines(findings: list[Any], rule: str) -> list[str]:
    return [
        f"{f['path']}:{f['line']}:{f['column']}: {f['message']}"
        for f in findings
        if f["rule"] == rule
    ]


# -- RB132: every row names declared roles ------------------------------------------------------


def test_a_declared_role_resolves(run: Runner) -> None:
    assert json_findings(run, library()) == []


def test_an_unknown_role_is_a_finding_at_the_id(run: Runner) -> None:
    text = GOOD.replace("`database-on-call`", "`database-oncall`")
    assert rule_lines(json_findings(run, library(text)), "RB132") == [
        f"runbooks/backup.md:{ROW_LINE}:{ID_COLUMN}: role 'database-oncall' is not declared in "
        "runbooks/contacts.yaml; did you mean 'database-on-call'?"
    ]


def test_each_role_of_a_row_is_resolved(run: Runner) -> None:
    text = GOOD.replace("`database-on-call` |", "`database-on-call`, `keepers` |")
    found = rule_lines(json_findings(run, library(text)), "RB132")
    assert found == [
        f"runbooks/backup.md:{ROW_LINE}:{ID_COLUMN + 20}: role 'keepers' is not declared in "
        "runbooks/contacts.yaml"
    ]


@pytest.mark.parametrize("cell", ["pager (see index)", "`<database-rotation>`"])
def test_a_row_that_names_no_role_or_a_placeholder_is_a_finding(run: Runner, cell: str) -> None:
    text = GOOD.replace("`database-on-call`", cell)
    found = rule_lines(json_findings(run, library(text)), "RB132")
    assert len(found) == 1
    assert found[0].startswith(f"runbooks/backup.md:{ROW_LINE}:")
    if cell.startswith("`"):
        assert "role '<database-rotation>' is not declared in runbooks/contacts.yaml" in found[0]
    else:
        assert "escalation row names no role" in found[0] and "'pager (see index)'" in found[0]


def test_without_a_contacts_file_no_row_resolves(run: Runner) -> None:
    found = rule_lines(json_findings(run, library(contacts=None)), "RB132")
    assert found == [
        f"runbooks/backup.md:{ROW_LINE}:{ID_COLUMN}: role 'database-on-call' is not declared: "
        "there is no contacts file runbooks/contacts.yaml (declare each role there with its "
        "name, contact and hours)"
    ]


# -- RB133: a broken contacts file is a finding at its line -------------------------------------

BROKEN = [
    ("version: 1\nroles: [\n", 3, "not valid YAML"),
    (CONTACTS.replace("    hours: 24x7\n", ""), 3, "'hours' is a required property"),
    (CONTACTS + "    phone: 555\n", 7, "('phone' was unexpected)"),
    (CONTACTS.replace("database-on-call:", "Database_On_Call:"), 3, "does not match"),
    (CONTACTS.replace("version: 1", "version: 2"), 1, "1 was expected"),
    (CONTACTS + CONTACTS.split("roles:\n")[1], 7, "declared twice (first at line 3)"),
    ("", 1, "empty"),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN)
def test_a_broken_contacts_file_is_a_finding_at_its_line(
    run: Runner, text: str, line: int, message: str
) -> None:
    code, out, err = run(library(contacts=text), "check", "--format", "json")
    assert (code, err) == (1, "")
    findings = json.loads(out)["findings"]
    broken = [f for f in findings if f["rule"] == "RB133"]
    assert [(f["path"], f["line"]) for f in broken] == [("runbooks/contacts.yaml", line)]
    assert message in broken[0]["message"]
    # the rows cannot resolve either, and say where the file is broken
    rows = rule_lines(findings, "RB132")
    assert len(rows) == 1
    assert f"runbooks/contacts.yaml:{line} is invalid" in rows[0] or "empty" in message


def test_a_contacts_file_that_is_not_utf8_is_a_finding(run: Runner) -> None:
    files: dict[str, str | bytes] = {**library(contacts=None)}
    files["runbooks/contacts.yaml"] = CONTACTS.encode("utf-8").replace(b"24x7", b"24\xff7")
    code, out, err = run(files, "check")
    assert (code, err) == (1, "")
    assert "runbooks/contacts.yaml:6:1: RB133 error not UTF-8" in out
    assert "Traceback" not in out


# -- a deployment's own file --------------------------------------------------------------------


@pytest.fixture
def deployment(tmp_path: Path) -> Path:
    """A contacts file outside the project (the project is written to tmp_path)."""
    folder = tmp_path.parent / f"{tmp_path.name}-deploy"
    folder.mkdir()
    path = folder / "contacts.yaml"
    path.write_text(FILLED, encoding="utf-8")
    return path


def test_a_deployment_file_replaces_the_repository_file(
    run: Runner, deployment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = GOOD.replace("`database-on-call`", "`dba`")
    deployment.write_text(FILLED.replace("database-on-call:", "dba:"), encoding="utf-8")
    assert rule_lines(json_findings(run, library(text)), "RB132") != []
    assert json_findings(run, {}, "--contacts", str(deployment)) == []
    monkeypatch.setenv("RUNBOOK_LINT_CONTACTS", str(deployment))
    assert json_findings(run, {}) == []
    # the option wins over the variable
    code, out, _ = run({}, "check", "--contacts", "runbooks/contacts.yaml")
    assert code == 1 and "role 'dba' is not declared in runbooks/contacts.yaml" in out


def test_a_broken_deployment_file_is_reported_where_it_is(run: Runner, deployment: Path) -> None:
    deployment.write_text(CONTACTS.replace("    hours: 24x7\n", ""), encoding="utf-8")
    code, out, err = run(library(), "check", "--contacts", str(deployment), "runbooks/backup.md")
    assert (code, err) == (1, "")
    shown = f"../{deployment.parent.name}/contacts.yaml"
    assert f"{shown}:3:3: RB133 error not valid against contacts.schema.json" in out
    assert f"the contacts file {shown}:3 is invalid" in out


@pytest.mark.parametrize("how", ["option", "variable"])
def test_a_missing_deployment_file_is_a_usage_error(
    run: Runner, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["--contacts", "/nonexistent/contacts.yaml"] if how == "option" else []
    if how == "variable":
        monkeypatch.setenv("RUNBOOK_LINT_CONTACTS", "/nonexistent/contacts.yaml")
    code, out, err = run(library(), "check", *args)
    assert (code, out) == (2, "")
    where = "--contacts" if how == "option" else "RUNBOOK_LINT_CONTACTS"
    assert err == (
        f"runbook-lint: error: {where}: contacts file '/nonexistent/contacts.yaml' not found "
        "(or not a file)\n"
    )


def test_the_cache_depends_on_the_contacts_file(run: Runner, deployment: Path) -> None:
    """A cached result is not reused after the contacts file (the repository's or the
    deployment's) changed: the file is read through the library."""
    assert json_findings(run, library()) == []
    assert json_findings(run, {"runbooks/contacts.yaml": FILLED}) == []  # cached, still clean
    code, out, _ = run(
        {"runbooks/contacts.yaml": FILLED.replace("database-on-call", "dba")}, "check"
    )
    assert code == 1 and "role 'database-on-call' is not declared" in out
    assert json_findings(run, {}, "--contacts", str(deployment)) == []
    deployment.write_text(FILLED.replace("database-on-call", "dba"), encoding="utf-8")
    code, out, _ = run({}, "check", "--contacts", str(deployment))
    assert code == 1 and "role 'database-on-call' is not declared" in out


# -- the audit ----------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_files(tmp_path, LIBRARY)
    commit_all(tmp_path, "Add the library")
    return tmp_path


def audit_json(run: Runner, *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run({}, "audit", "--format", "json", *args)
    report: dict[str, Any] = json.loads(out)
    from jsonschema import Draft202012Validator

    schema = json.loads((REPO / "schemas" / "audit-report.schema.json").read_text("utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(report)) == []
    return code, report


def test_the_audit_says_the_contacts_are_placeholders(run: Runner, repo: Path) -> None:
    code, out, err = run({}, "audit")
    assert (code, err) == (0, "")
    assert (
        "**Escalation contacts:** 0 of 1 role in use have real contacts in the repository's "
        "`runbooks/contacts.yaml`; 1 is a placeholder (database-on-call). FR146 escalation "
        "paths resolve to declared roles, but the contacts are not filled in" in out
    )
    code, report = audit_json(run)
    assert report["contacts"] == {
        "file": "runbooks/contacts.yaml",
        "source": "repository",
        "status": "placeholders",
        "problem": None,
        "declared": 1,
        "in_use": ["database-on-call"],
        "filled": 0,
        "placeholders": ["database-on-call"],
        "required": False,
    }


def test_require_contacts_fails_while_a_contact_is_a_placeholder(run: Runner, repo: Path) -> None:
    code, _, err = run({}, "audit", "--require-contacts", "--quiet")
    assert code == 1
    assert (
        "runbook-lint: audit: FR146 runbooks/backup.md:44: escalation reaches placeholder "
        "contacts: database-on-call (<database-rotation>) (require-contacts) (procedure 'backup')"
    ) in err.splitlines()
    # the configuration key does the same, and makes `check` fail on each such row (RB134)
    code, _, _ = run(
        {"runbook-lint.toml": STORY["runbook-lint.toml"] + "require-contacts = true\n"},
        "audit",
        "-q",
    )
    assert code == 1
    code, out, _ = run({}, "check", "runbooks/backup.md")
    assert code == 1
    assert (
        f"runbooks/backup.md:{ROW_LINE}:{ID_COLUMN}: RB134 error role 'database-on-call' reaches "
        "a placeholder contact '<database-rotation>'"
    ) in out


@pytest.mark.parametrize("how", ["option", "variable"])
def test_a_deployment_file_changes_the_audit_verdict(
    run: Runner, repo: Path, deployment: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run({}, "audit", "--require-contacts", "-q")[0] == 1
    args = ["--contacts", str(deployment)] if how == "option" else []
    if how == "variable":
        monkeypatch.setenv("RUNBOOK_LINT_CONTACTS", str(deployment))
    code, out, err = run({}, "audit", "--require-contacts", *args)
    assert (code, err) == (0, "")
    shown = f"../{deployment.parent.name}/contacts.yaml"
    assert (
        f"**Escalation contacts:** 1 of 1 role in use has real contacts in the deployment's "
        f"`{shown}`; FR146 escalation paths resolve to declared roles with real contacts." in out
    )
    code, report = audit_json(run, "--require-contacts", *args)
    assert code == 0
    assert report["contacts"]["source"] == "deployment"
    assert report["contacts"]["status"] == "filled"


def test_rows_that_resolve_to_nothing_fail_fr146(run: Runner, repo: Path) -> None:
    text = GOOD.replace("`database-on-call`", "`dba-pager`")
    code, _, err = run({"runbooks/recovery.md": text}, "audit", "-q")
    assert code == 1
    assert err.splitlines() == [
        "runbook-lint: audit: FR146 runbooks/recovery.md:46: role 'dba-pager' is not declared in "
        "runbooks/contacts.yaml (procedure 'recovery')"
    ]
    code, report = audit_json(run)
    assert report["requirements"][1]["failed"] == 1


def test_an_invalid_contacts_file_fails_the_audit_and_says_why(run: Runner, repo: Path) -> None:
    code, out, _ = run({"runbooks/contacts.yaml": "version: 1\nroles: [\n"}, "audit")
    assert code == 1
    assert (
        "**Escalation contacts:** the contacts file is invalid (`runbooks/contacts.yaml:3: not "
        "valid YAML" in out
    )
    assert "| FR146 | Runbooks include verification steps and escalation paths" in out
    assert re.search(r"\| FR146 \|[^\n]*\| 0 of 3 \| ❌ FAIL \|", out)


# -- the site -----------------------------------------------------------------------------------


def test_the_site_shows_the_contacts_it_was_built_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = assets_problem()
    assert problem is None, problem
    files = library_files()
    drill = files["runbooks/drills/stale-heartbeat.md"].replace(
        "Owner: Site Reliability\n",
        "Owner: Site Reliability\n\nRunbook: [Operator recovery](../operator-recovery.md)\n",
        1,
    )
    files["runbooks/drills/stale-heartbeat.md"] = drill + "\n## Sign-off\n\n- [ ] Run by: <x>\n"
    root = project(tmp_path / "project", files)  # lint-clean: the strict build gates on it
    placeholder = build(root, tmp_path / "site-repo")
    assert placeholder.returncode == 0, placeholder.log
    page = (placeholder.site / "runbooks" / "startup.html").read_text(encoding="utf-8")
    cell = re.search(
        r'<span class="rb-contact[^"]*" data-role="secondary-on-call">.*?</span>', page
    )
    assert cell is not None
    assert "<code>&lt;pager-rotation&gt;</code>" in cell.group(0)
    assert "rb-contact--placeholder" in cell.group(0)
    index = (placeholder.site / "runbooks" / "index.html").read_text(encoding="utf-8")
    assert "Contacts not filled in" in index and "&lt;pager-rotation&gt;" in index

    deployed = tmp_path / "deploy" / "contacts.yaml"
    deployed.parent.mkdir()
    deployed.write_text(
        files["runbooks/contacts.yaml"].replace("<pager-rotation>", "tel:+10000000000"),
        encoding="utf-8",
    )
    monkeypatch.setenv("RUNBOOK_LINT_CONTACTS", str(deployed))
    real = build(root, tmp_path / "site-deploy")
    assert real.returncode == 0, real.log
    page = (real.site / "runbooks" / "startup.html").read_text(encoding="utf-8")
    assert (
        '<span class="rb-contact" data-role="secondary-on-call"><strong>Secondary on-call'
        '</strong>: <a href="tel:+10000000000">tel:+10000000000</a>'
    ) in page
    assert "pager-rotation" not in page
    index = (real.site / "runbooks" / "index.html").read_text(encoding="utf-8")
    assert "Contacts not filled in" not in index and 'href="tel:+10000000000"' in index


# -- the real library, mutated ------------------------------------------------------------------


@pytest.fixture
def real_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this repository's library (runbooks, schemas, configuration, Makefile)."""
    for folder in ("runbooks", "schemas"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    for name in ("pyproject.toml", "Makefile"):
        shutil.copy(REPO / name, tmp_path / name)
    dates = re.findall(
        r"^Last Updated: (\d{4}-\d{2}-\d{2})$",
        "\n".join(p.read_text("utf-8") for p in (tmp_path / "runbooks").rglob("*.md")),
        re.MULTILINE,
    )
    monkeypatch.setenv("RUNBOOK_LINT_TODAY", max(dates))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _escalation_row(path: Path, role: str) -> tuple[int, str]:
    """The first escalation row of `path` that names `role`: (line, text)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index("## Escalation")
    for number, line in enumerate(lines[start:], start + 1):
        if f"`{role}`" in line:
            return number, line
    raise AssertionError(f"no escalation row names {role} in {path}")


@pytest.mark.parametrize(
    "replacement",
    ["`database-pager`", "`<database-rotation>`", "database pager (see index)"],
    ids=["unknown-role", "placeholder-in-row", "prose"],
)
def test_a_broken_escalation_row_in_the_real_library_fails_check_and_audit(
    real_library: Path, capsys: pytest.CaptureFixture[str], replacement: str
) -> None:
    assert main(["check", "--no-cache", "runbooks", "schemas"]) == 0
    assert main(["audit", "--no-lint", "-q"]) == 0
    capsys.readouterr()
    backup = real_library / "runbooks" / "backup.md"
    line, row = _escalation_row(backup, "database-on-call")
    text = backup.read_text(encoding="utf-8")
    backup.write_text(text.replace(row, row.replace("`database-on-call`", replacement)), "utf-8")

    assert main(["check", "--no-cache", "runbooks", "schemas"]) == 1
    out = capsys.readouterr().out
    found = [x for x in out.splitlines() if " RB132 " in x]
    assert len(found) == 1 and found[0].startswith(f"runbooks/backup.md:{line}:"), out
    assert main(["audit", "--no-lint", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"runbook-lint: audit: FR146 runbooks/backup.md:{line}: "), err
    assert err.count("\n") == 1 and "(procedure 'backup')" in err


def test_a_placeholder_in_the_real_contacts_file_fails_a_deployment_that_requires_contacts(
    real_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The repository's placeholders pass by default and fail with require-contacts; a
    deployment file with one placeholder left fails on exactly the runbooks that reach it."""
    assert main(["audit", "--no-lint", "-q", "--require-contacts"]) == 1
    capsys.readouterr()
    real = re.sub(
        r"contact: <([^>]+)>",
        r"contact: https://pager.example.invalid/\1",
        (real_library / "runbooks" / "contacts.yaml").read_text(encoding="utf-8"),
    )
    deployment = real_library / "deploy.yaml"
    deployment.write_text(real, encoding="utf-8")
    args = ["audit", "--no-lint", "-q", "--require-contacts", "--contacts", str(deployment)]
    assert main(args) == 0
    deployment.write_text(
        real.replace("https://pager.example.invalid/legal-contact", "<legal-contact>"), "utf-8"
    )
    assert main(args) == 1
    failures = capsys.readouterr().err.splitlines()
    assert failures == [
        "runbook-lint: audit: FR146 runbooks/epic-7-cessation.md:197: escalation reaches "
        "placeholder contacts: legal-counsel (<legal-contact>) (require-contacts) "
        "(procedure 'epic-7')"
    ]
