"""JSON and JSONL samples, JSON Schemas and CLI contracts: hostile content never crashes a run,
never leaves the machine, and every finding points inside the file."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from .conftest import budget, placed
from .harness import check_output, lint, run_cli
from .strategies import json_text, json_values

SAMPLE = "runbooks/samples/dkt/stale-heartbeat/state/heartbeat_status.json"
JSONL = "runbooks/samples/dkt/stale-heartbeat/state/events.jsonl"
SCHEMA = "schemas/artifacts/dkt/state/heartbeat_status.schema.json"
CONTRACT = "schemas/cli/opsctl.json"


class NetworkUsed(BaseException):
    pass


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any attempt to open a connection fails the test (and is never silently retried)."""
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args)[:200])
        raise NetworkUsed(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == []


@budget(40)
@given(text=json_text(), jsonl=st.booleans(), fmt=st.sampled_from(("json", "sarif", "text")))
@example(text="[" * 100_000, jsonl=False, fmt="json")
@example(text='{"status": 1e999999}', jsonl=False, fmt="sarif")
@example(text='{"status": ' + "1" * 5000 + "}", jsonl=True, fmt="json")
@example(text='{"status": "STALE", "status": 1}\n\n{"a": [}\r\n', jsonl=True, fmt="text")
def test_hostile_samples(project: Path, text: str, jsonl: bool, fmt: str) -> None:
    target = JSONL if jsonl else SAMPLE
    if jsonl:
        text = text.replace("\n", " ") + "\n" + text
    with placed(project, {target: text.encode("utf-8", "surrogatepass")}):
        lint(project, fmt, target)


REFS = (
    "#",
    "#/$defs/missing",
    "#/properties/status",
    "#/%zz/~2",
    "../common.schema.json#/$defs/taskId",
    "../../common.schema.json#/$defs/nope",
    "common.schema.json",
    "https://example.com/remote.schema.json",
    "http://169.254.169.254/latest/meta-data",
    "//example.com/x.json",
    "file:///etc/passwd",
    "file://example.com/x.json",
    "urn:uuid:00000000-0000-0000-0000-000000000000",
    "ftp://example.com/s.json",
    "\x00",
    "",
    "https://runbook-lint.local/schemas/artifacts/dkt/state/heartbeat_status.schema.json",
)


@st.composite
def schemas(draw: st.DrawFn) -> str:
    """A schema-shaped document with `$ref`s to local, missing, remote and odd targets."""
    ref = st.builds(lambda r: {"$ref": r}, st.sampled_from(REFS))
    subschema = st.one_of(ref, st.just({"type": "string"}), st.booleans(), json_values(6))
    props = st.dictionaries(st.sampled_from(("status", "run_id", "x")), subschema, max_size=3)
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": draw(st.sampled_from(("object", "array", "nope", 7))),
        "properties": draw(props),
    }
    if draw(st.booleans()):
        schema["$defs"] = {"loop": {"$ref": "#/$defs/loop"}, "self": {"$ref": "#"}}
        schema["allOf"] = [{"$ref": "#/$defs/loop"}]
    if draw(st.booleans()):
        schema["$id"] = draw(st.sampled_from(REFS))
    if draw(st.booleans()):
        schema["required"] = draw(st.sampled_from((["status"], "status", [1], [])))
    text = json.dumps(schema, indent=2)
    if draw(st.integers(0, 4)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text


@budget(40)
@given(schema=schemas(), fmt=st.sampled_from(("json", "sarif", "github")))
@example(schema='{"$ref": "https://example.com/s.json"}', fmt="json")
@example(schema='{"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}', fmt="json")
def test_hostile_schemas(project: Path, schema: str, fmt: str) -> None:
    runbook = (
        "# R\n\n## Procedure\n\n- Command to verify: "
        "`jq '.status.deep[0].x' state/heartbeat_status.json`\n"
    )
    files = {SCHEMA: schema.encode("utf-8", "surrogatepass"), "runbooks/r.md": runbook.encode()}
    with placed(project, files):
        lint(project, fmt, "schemas", "runbooks/samples", "runbooks/r.md")


def _contract_case(project: Path, data: bytes) -> None:
    with placed(project, {CONTRACT: data}):
        result = run_cli(project, ["check", "--format", "json", "runbooks/operator-recovery.md"])
        if result.code == 2:  # a broken contract is a configuration error: one clear line
            assert "Traceback" not in result.err
            assert result.out == ""
            lines = result.err.strip().split("\n")
            assert len(lines) == 1 and lines[0].startswith("runbook-lint: error: "), result.err
            assert "internal error" not in result.err, result.err
            assert "opsctl.json" in lines[0], lines[0]
        else:
            check_output(project, "json", result)


@st.composite
def contracts(draw: st.DrawFn) -> bytes:
    base = json.loads((Path(__file__).resolve().parents[2] / CONTRACT).read_text("utf-8"))
    node: Any = base
    for _ in range(draw(st.integers(0, 3))):  # walk somewhere into the contract
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], dict | list) or draw(st.booleans()):
                node[key] = draw(json_values(4))
                break
            node = node[key]
        elif isinstance(node, list) and node:
            index = draw(st.integers(0, len(node) - 1))
            if draw(st.booleans()):
                node[index] = draw(json_values(4))
                break
            node = node[index]
    text = json.dumps(base)
    if draw(st.integers(0, 5)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text.encode()


@budget(20)
@given(data=contracts())
@example(data=b"[" * 100_000)
@example(data=b'{"opencli": "0.1", "info": {"title": "opsctl", "version": "1"}, "commands": 7}')
@example(data=b"\xff\xfe{}")
@example(data=b'{"opencli": "0.1", "info": {"title": "opsctl", "version": ' + b"1" * 5000 + b"}}")
def test_hostile_contracts(project: Path, data: bytes) -> None:
    _contract_case(project, data)
