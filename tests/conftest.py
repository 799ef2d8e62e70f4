from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from runbook_lint.cli import main

TODAY = "2026-11-23"
# Most tests build a small Story 8.9 library without a TEMPLATE.md of its own. A library without
# our template is checked with the generic profile, so these libraries say which they are.
STORY = {"runbook-lint.toml": 'profile = "story-8.9"\n'}


def as_story(files: Mapping[str, str]) -> dict[str, str]:
    """`files` as a Story 8.9 library (STORY added) when they hold runbooks; an example of
    another kind (a schema, a site page) as it is, since that profile needs a runbooks folder."""
    runbooks = any(path.startswith("runbooks/") for path in files)
    return {**STORY, **files} if runbooks else dict(files)


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RUNBOOK_LINT_TODAY", TODAY)
    yield


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


Runner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Runner:
    """Write `files` into a fresh folder, chdir there and run `runbook-lint ARGS`."""

    def _run(files: Mapping[str, str | bytes], *args: str) -> tuple[int, str, str]:
        write_files(tmp_path, files)
        monkeypatch.chdir(tmp_path)
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def json_findings(run: Runner, files: Mapping[str, str | bytes], *args: str) -> list[Any]:
    """`runbook-lint check --format json ARGS` over `files`: its findings (exit 0 or 1)."""
    code, out, err = run(files, "check", "--format", "json", *args)
    assert code in (0, 1), err
    findings: list[Any] = json.loads(out)["findings"]
    return findings


def lines_of(out: str) -> list[str]:
    return [line for line in out.splitlines() if line and not line.startswith(("Found ", "All "))]


@pytest.hookimpl(trylast=True)  # after tests/browser/conftest.py marks its tests
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("RUNBOOK_LINT_SKIP_BROWSER"):
        from tests.site_helpers import in_ci

        if in_ci():
            raise pytest.UsageError("RUNBOOK_LINT_SKIP_BROWSER is set, but CI=true runs every test")
        skip = pytest.mark.skip(reason="RUNBOOK_LINT_SKIP_BROWSER is set")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


def record_connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every attempt to open a connection (or look up a host), recorded and refused.

    Recorded rather than raised as a test failure: `referencing` wraps whatever a retrieval
    raises into `Unresolvable`, so an AssertionError raised here would pass for a refusal."""
    import socket

    attempts: list[Any] = []

    def record(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", record)
    monkeypatch.setattr(socket, "getaddrinfo", record)
    monkeypatch.setattr(socket, "create_connection", record)
    return attempts
