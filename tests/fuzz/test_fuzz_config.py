"""Configuration files: anything in `runbook-lint.toml` or `[tool.runbook-lint]` is either a
working configuration or exit 2 with one line naming the file (and the key when one is at
fault), never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from .conftest import budget, placed
from .harness import check_output, run_cli
from .strategies import toml_config


def _usage_error(err: str, where: str) -> str:
    lines = err.strip().split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("runbook-lint: error: "), err
    assert "internal error" not in err and "Traceback" not in err, err
    assert where in lines[0], f"the message does not name {where}: {lines[0]}"
    return lines[0]


@budget(60)
@given(body=toml_config(), in_pyproject=st.booleans())
@example(body="review-days = 0\n", in_pyproject=False)
@example(body='governance = ["(unclosed"]\n', in_pyproject=True)
@example(body="max-file-bytes = 9223372036854775807\n", in_pyproject=False)
@example(body='"" = 1\n', in_pyproject=True)
@example(body="[unclosed\n", in_pyproject=False)
@example(body='runbooks = "/"\n', in_pyproject=False)
@example(body='programs = "runbooks"\nartifacts = "runbooks"\n', in_pyproject=False)
def test_hostile_configuration(project: Path, body: str, in_pyproject: bool) -> None:
    if in_pyproject:
        name = "pyproject.toml"
        files = {name: ('[project]\nname = "fuzz"\n\n[tool.runbook-lint]\n' + body).encode()}
    else:
        name = "runbook-lint.toml"
        files = {name: body.encode()}
    with placed(project, files):
        result = run_cli(project, ["check", "--format", "json", "runbooks/operator-recovery.md"])
    if result.code == 2:
        line = _usage_error(result.err, name)
        key = re.search(r"'([^']*)'", line)
        if "unknown key" in line or " must " in line:
            assert key is not None, line
        assert result.out == ""
    else:
        (project / name).write_bytes(files[name])  # bounds are checked against the files
        try:
            check_output(project, "json", result)
        finally:
            (project / name).unlink() if not in_pyproject else None


def test_configuration_that_is_not_utf8_or_not_a_table(project: Path) -> None:
    cases = {
        "runbook-lint.toml": b'runbooks = "\xff"\n',
        "pyproject.toml": b'[project]\nname = "x"\n[tool]\nrunbook-lint = 3\n',
    }
    for name, data in cases.items():
        with placed(project, {name: data}):
            result = run_cli(project, ["check", "runbooks/operator-recovery.md"])
        assert result.code == 2, result
        _usage_error(result.err, name)


def test_an_explicit_configuration_file_that_is_a_folder_or_missing(project: Path) -> None:
    for target in ("runbooks", "missing.toml"):
        result = run_cli(project, ["check", "--config", target])
        assert result.code == 2
        _usage_error(result.err, target)


ADVERSARIAL = Path(__file__).resolve().parents[1] / "adversarial" / "config"
# fixture -> what the message must name
EXPECTED = {
    "runbooks-root.toml": "'runbooks' must be a relative path inside the project",
    "schemas-outside.toml": "'schemas' must be a relative path inside the project",
    "nul-path.toml": "'programs' must be a relative path inside the project",
    "not-utf8.toml": "invalid TOML: not UTF-8",
    "pyproject-zero-days.toml": "'review-days' must be a positive integer",
    "bad-regex.toml": "'governance' pattern '(unclosed'",
    "bad-severity.toml": "'severity.RB101'",
    "broken.toml": "invalid TOML",
    "file-key-is-folder.toml": "'programs' must name a file, but 'runbooks' is a folder",
}


def test_adversarial_configuration_files(project: Path) -> None:
    assert sorted(p.name for p in ADVERSARIAL.iterdir()) == sorted(EXPECTED)
    for fixture, expected in EXPECTED.items():
        name = "pyproject.toml" if fixture.startswith("pyproject") else "runbook-lint.toml"
        with placed(project, {name: (ADVERSARIAL / fixture).read_bytes()}):
            result = run_cli(project, ["check", "runbooks/operator-recovery.md"])
        assert result.code == 2, (fixture, result)
        assert expected in _usage_error(result.err, name), (fixture, result.err)


def test_hostile_program_maps_are_one_line_errors(project: Path) -> None:
    for fixture in sorted((ADVERSARIAL.parent / "catalog").glob("*.yaml")):
        with placed(project, {"schemas/cli/programs.yaml": fixture.read_bytes()}):
            result = run_cli(project, ["check", "runbooks/operator-recovery.md"])
        assert result.code == 2, (fixture.name, result)
        _usage_error(result.err, "programs.yaml")
