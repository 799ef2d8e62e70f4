"""Hostile links, raw HTML and secrets in runbooks are findings; schemas never go online."""

from __future__ import annotations

import json

import pytest

from .conftest import STORY, Runner, json_findings, record_connections


def _findings(run: Runner, body: str, *select: str) -> list[tuple[str, int, int]]:
    files = {"runbooks/s.md": "# S\n\n" + body + "\n"}
    found = json_findings(run, files, "--select", ",".join(select), "runbooks/s.md")
    return [(f["rule"], f["line"], f["column"]) for f in found]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[x](javascript:alert(1))", ("RB306", 3, 5)),
        ("[x](JaVaScRiPt:alert(1))", ("RB306", 3, 5)),
        ("[x](java&#x73;cript:alert(1))", ("RB306", 3, 1)),
        ("[x](<javascript:alert(1)>)", ("RB306", 3, 6)),
        ("[x]( \tjavascript:alert(1) )", ("RB306", 3, 7)),
        ("[x][r]\n\n[r]: javascript:alert(1)", ("RB306", 3, 1)),
        ("![i](data:image/svg+xml;base64,AAAA)", ("RB306", 3, 6)),
        ("[x](vbscript:msgbox)", ("RB306", 3, 5)),
        ('<a href="jav&#x61;script:alert(1)">x</a>', ("RB306", 3, 4)),
        ("<a href='java&#x09;script:alert(1)'>x</a>", ("RB306", 3, 4)),
        ('<a href=" &#14; javascript:alert(1)">x</a>', ("RB306", 3, 4)),
        ('<a href="&#106;avascript:alert(1)">x</a>', ("RB306", 3, 4)),
        ('<a href="javascript&colon;alert(1)">x</a>', ("RB306", 3, 4)),
        ("<a HREF=JaVaScRiPt:alert(1)>x</a>", ("RB306", 3, 4)),
        ("<svg/onload=alert(1)>", ("RB310", 3, 1)),
        ("Before <img/src=x/onerror=alert(1)> after", ("RB310", 3, 8)),
        ("<img src=x onerror=alert(1)>", ("RB310", 3, 1)),
        ("<img\nsrc=x\nonerror=alert(1)>", ("RB310", 3, 1)),
        ("<div onmouseover\n=alert(1)>x</div>", ("RB310", 3, 1)),
        ("<IFRAME SRC=x></IFRAME>", ("RB310", 3, 1)),
        ("<scRipt >alert(1)</script>", ("RB310", 3, 1)),
        ("<object data=x></object>", ("RB310", 3, 1)),
        ('<meta http-equiv="refresh" content="0;url=x">', ("RB310", 3, 1)),
    ],
)
def test_hostile_links_and_html_are_findings(
    run: Runner, body: str, expected: tuple[str, int, int]
) -> None:
    assert expected in _findings(run, body, "RB306", "RB310")


@pytest.mark.parametrize(
    "body",
    [
        "Run `<script>` only in `javascript:` examples",
        '```html\n<script>x</script>\n<a href="javascript:x">y</a>\n```',
        "<!-- <script>alert(1)</script> -->",
        "[docs](https://example.com/javascript:guide) and [local](page.md#data:x)",
        "A <run_id> placeholder, an <on-call> role and 5 < 6 > 4",
        "<img src=x onerror&#x3d;alert(1)>",  # an entity is no '=' in an attribute name
    ],
)
def test_safe_text_that_looks_hostile_is_not_a_finding(run: Runner, body: str) -> None:
    assert _findings(run, body, "RB306", "RB310") == []


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("```bash\nexport PASSWORD=hunter2hunter2\n```", 4),
        ("```bash\ncurl -H 'Authorization: Bearer w8IL0Az6aHWvfWV1YcOU3suuhviI' x\n```", 4),
        ("```bash\ngit clone https://deploy:s3cr3tvalue@git.example.com/r.git\n```", 4),
        ("Use the key AKIA70TXSL8RHBPY0Q6U for the bucket.", 3),
        ("> - Token: `ghp_6wukvg6KLYrvadWwbDVrEOdUmtqeVT6FbNKH`", 3),
        ("```console\n$ opsctl login --password 'correct-horse-battery'\n```", 4),
    ],
)
def test_secrets_in_runbooks_are_findings(run: Runner, body: str, line: int) -> None:
    assert [f[:2] for f in _findings(run, body, "RB402")] == [("RB402", line)]


@pytest.mark.parametrize(
    "body",
    [
        '```bash\nexport PASSWORD="$OPS_PASSWORD"\nopsctl login --token "${TOKEN}"\n```',
        "```bash\nopsctl login --password <password> --api-key <key>\n```",
        "```bash\nTOKEN_FILE=/run/secrets/token opsctl x\n```",
        "Rotate the token when it leaks.",
    ],
)
def test_placeholders_are_not_secrets(run: Runner, body: str) -> None:
    assert _findings(run, body, "RB402") == []


def test_schemas_never_resolve_refs_over_the_network(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts = record_connections(monkeypatch)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "a": {"$ref": "https://example.com/a.schema.json"},
            "b": {"$ref": "http://169.254.169.254/latest/meta-data"},
            "c": {"$ref": "//example.com/c.json"},
            "d": {"$ref": "file://example.com/d.json"},
        },
    }
    files = {
        **STORY,
        "schemas/artifacts.yaml": (
            "version: 1\nsystems:\n  dkt:\n    root: ''\nartifacts:\n"
            "  - path: state/heartbeat_status.json\n    system: dkt\n"
        ),
        "schemas/artifacts/dkt/state/heartbeat_status.schema.json": json.dumps(schema, indent=1),
        "runbooks/samples/dkt/x/state/heartbeat_status.json": '{"a": 1, "b": 2}\n',
    }
    code, out, err = run(files, "check", "--format", "json", "schemas", "runbooks/samples")
    assert code == 1, err
    remote = [f for f in json.loads(out)["findings"] if f["rule"] == "RB505"]
    assert [f["line"] for f in remote] == [6, 9, 12, 15]
    assert attempts == []


def test_secrets_in_samples_are_findings(run: Runner) -> None:
    sample = "runbooks/samples/dkt/x/state/heartbeat_status.json"
    jsonl = "runbooks/samples/dkt/x/state/events.jsonl"
    files = {
        sample: '{\r\n  "status": "STALE",\r\n  "key": "AKIA70TXSL8RHBPY0Q6U"\r\n}\r\n',
        jsonl: '{"seq": 1}\n{"seq": 2, "auth": "Bearer w8IL0Az6aHWvfWV1YcOU3suuhviI"}\n'
        '{"hook": "https://hooks.slack.com/services/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"}\n',
        "runbooks/samples/dkt/y/state/heartbeat_status.json": (
            '{"status": "STALE", "token": "<token>", "key": "$AWS_ACCESS_KEY_ID"}\n'
        ),
    }
    code, out, _ = run(files, "check", "--format", "json", "--select", "RB507", "runbooks")
    found = [(f["path"], f["line"], f["column"]) for f in json.loads(out)["findings"]]
    assert found == [(jsonl, 2, 21), (jsonl, 3, 11), (sample, 3, 11)]
    assert code == 1
