"""RB5xx: samples against schemas (JSON and JSONL positions), schemas, and field references."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook_lint.artifacts.positions import format_path, parse

from .conftest import Runner, record_connections

FIXTURES = Path(__file__).parent / "fixtures" / "artifacts"
REPO = Path(__file__).resolve().parents[1]


def library(**extra: str) -> dict[str, str]:
    """The fixture catalog and schemas laid out as a library, plus `extra` files."""
    files = {"schemas/artifacts.yaml": (FIXTURES / "artifacts.yaml").read_text()}
    for path in FIXTURES.rglob("*.schema.json"):
        files[f"schemas/artifacts/{path.relative_to(FIXTURES).as_posix()}"] = path.read_text()
    files["runbooks/.keep.md"] = ""
    files.update({k.replace("__", "/"): v for k, v in extra.items()})
    return files


def findings(run: Runner, files: dict[str, str], rule: str, *targets: str) -> list[tuple]:
    code, out, err = run(
        files, "check", "--format", "json", "--select", rule, *(targets or ("runbooks", "schemas"))
    )
    assert code in (0, 1), out + err
    return [
        (f["path"], f["line"], f["column"], f["message"])
        for f in json.loads(out)["findings"]
        if f["rule"] == rule
    ]


HB = "runbooks/samples/dkt/stale/state/heartbeat_status.json"
EV = "runbooks/samples/dkt/stale/state/events.jsonl"


# -- positions -----------------------------------------------------------------------------


def test_positions_of_values_and_keys() -> None:
    doc = parse('{\n  "a": [1, {"b" :  true}],\n  "c": "x"\n}')
    assert doc.value == {"a": [1, {"b": True}], "c": "x"}
    assert doc.value_position(("a", 1, "b")) == doc.position(doc.values[("a", 1, "b")])
    pos = doc.value_position(("a", 1, "b"))
    assert (pos.line, pos.column) == (2, 20)
    key = doc.key_position(("a", 1, "b"))
    assert (key.line, key.column) == (2, 13)
    assert (doc.value_position(("c",)).line, doc.value_position(("c",)).column) == (3, 8)
    # an absent path falls back to the nearest enclosing value
    assert doc.value_position(("a", 1, "zzz")) == doc.value_position(("a", 1))


def test_positions_with_escaped_keys_duplicates_and_line_offset() -> None:
    doc = parse('{"q\\"k": 1, "d": 1, "d": [2]}', line_offset=6)
    assert doc.value == {'q"k': 1, "d": [2]}
    assert doc.key_position(('q"k',)).column == 2
    assert doc.value_position(("d", 0)).column == 27
    assert doc.value_position(("d",)).line == 7


def test_decode_error_is_the_standard_error() -> None:
    with pytest.raises(json.JSONDecodeError) as info:
        parse('{\n  "a": 1,\n}')
    assert (info.value.lineno, info.value.colno) == (3, 1)


def test_format_path() -> None:
    assert format_path(("leases", 0, "status")) == "$.leases[0].status"
    assert format_path(("sinks", "slack-default")) == '$.sinks["slack-default"]'


# -- RB501 sample against schema -----------------------------------------------------------


def test_rb501_points_at_the_offending_value(run: Runner) -> None:
    sample = '{\n  "status": "stale",\n  "checked_at": "2026-11-20T05:09:11"\n}\n'
    got = findings(run, library(**{HB: sample}), "RB501")
    assert [(g[1], g[2]) for g in got] == [(2, 13), (3, 17)]
    assert got[0][3].startswith("$.status: 'stale' is not one of ['HEALTHY', 'STALE']")
    assert got[1][3].startswith("$.checked_at: ")  # through a local $ref to common.schema.json


def test_rb501_points_at_an_unexpected_key(run: Runner) -> None:
    sample = '{"status": "STALE",\n   "stauts": "STALE"}\n'
    got = findings(run, library(**{HB: sample}), "RB501")
    assert [(g[1], g[2]) for g in got] == [(2, 4)]
    assert got[0][3].startswith("$.stauts: Additional properties are not allowed")


def test_rb501_jsonl_line_and_column(run: Runner) -> None:
    sample = (
        '{"seq": 1, "type": "heartbeat_stale"}\n'
        '{"seq": 2, "type": "takeover_applied"}\n'
        '{"seq": 0, "type": "takeover_applied"}\n'
    )
    got = findings(run, library(**{EV: sample}), "RB501")
    assert [(g[0], g[1], g[2]) for g in got] == [(EV, 3, 9)]
    assert "$.seq: 0 is less than the minimum of 1" in got[0][3]


def test_rb501_valid_samples_are_clean(run: Runner) -> None:
    files = library(
        **{
            HB: '{"status": "STALE", "checked_at": "2026-11-20T05:09:11Z"}\n',
            EV: '{"seq": 1, "type": "heartbeat_stale"}\n',
        }
    )
    assert findings(run, files, "RB501") == []


# -- RB502 not JSON ---------------------------------------------------------------------------


def test_rb502_jsonl_line_that_is_not_json(run: Runner) -> None:
    sample = '{"seq": 1, "type": "heartbeat_stale"}\n{"seq": 2, "type": \n\n'
    got = findings(run, library(**{EV: sample}), "RB502")
    assert [(g[1], g[2]) for g in got] == [(2, 20), (3, 1)]
    assert got[0][3].startswith("line 2 is not JSON: Expecting value")
    assert "empty line" in got[1][3]


def test_rb502_json_file_position(run: Runner) -> None:
    got = findings(run, library(**{HB: '{\n  "status": "STALE",\n}\n'}), "RB502")
    assert [(g[1], g[2]) for g in got] == [(3, 1)]
    assert got[0][3].startswith("not valid JSON: Expecting property name")


def test_rb502_clean(run: Runner) -> None:
    assert findings(run, library(**{EV: '{"seq": 1, "type": "heartbeat_stale"}\n'}), "RB502") == []


# -- RB503 sample without schema ---------------------------------------------------------------


def test_rb503_sample_that_matches_no_artifact(run: Runner) -> None:
    got = findings(
        run, library(**{"runbooks/samples/dkt/stale/state/heartbeat.json": "{}"}), "RB503"
    )
    assert [(g[0], g[1], g[2]) for g in got] == [
        ("runbooks/samples/dkt/stale/state/heartbeat.json", 1, 1)
    ]
    assert "matches no artifact of system 'dkt'" in got[0][3]


def test_rb503_artifact_without_schema_file(run: Runner) -> None:
    files = library(**{"runbooks/samples/ops-manager/x/state.json": "{}"})
    del files["schemas/artifacts/ops-manager/state.schema.json"]
    got = findings(run, files, "RB503")
    assert len(got) == 1 and "artifacts/ops-manager/state.schema.json" in got[0][3]


def test_rb503_clean(run: Runner) -> None:
    assert findings(run, library(**{HB: '{"status": "STALE"}'}), "RB503") == []


# -- RB504 invalid schema -------------------------------------------------------------------


def test_rb504_schema_keyword_with_bad_value(run: Runner) -> None:
    files = library(**{"schemas/artifacts/x.schema.json": '{\n  "type": "objet"\n}\n'})
    got = findings(run, files, "RB504", "schemas")
    assert [(g[0], g[1], g[2]) for g in got] == [("schemas/artifacts/x.schema.json", 2, 11)]
    assert got[0][3].startswith("not a valid draft 2020-12 schema at $.type")


def test_rb504_schema_not_json_and_unresolved_ref(run: Runner) -> None:
    files = library(
        **{
            "schemas/artifacts/x.schema.json": '{"type": "object",}',
            "schemas/artifacts/y.schema.json": '{\n  "$ref": "missing.schema.json"\n}',
        }
    )
    got = findings(run, files, "RB504", "schemas")
    assert [(g[0], g[1], g[2]) for g in got] == [
        ("schemas/artifacts/x.schema.json", 1, 19),
        ("schemas/artifacts/y.schema.json", 2, 11),
    ]
    assert "does not resolve to a local schema" in got[1][3]


def test_rb504_catalog_entry_without_schema(run: Runner) -> None:
    files = library()
    del files["schemas/artifacts/dkt/state/events.schema.json"]
    got = findings(run, files, "RB504", "schemas")
    assert [(g[0], g[1]) for g in got] == [("schemas/artifacts.yaml", 10)]


def test_rb504_catalog_error(run: Runner) -> None:
    files = library(**{"schemas/artifacts.yaml": "artifacts:\n  - path: a.json\n    system: x\n"})
    got = findings(run, files, "RB504", "schemas")
    assert len(got) == 1 and "system 'x' is not declared" in got[0][3]


def test_rb504_clean(run: Runner) -> None:
    assert findings(run, library(), "RB504", "schemas") == []


# -- RB505 remote $ref ------------------------------------------------------------------------


def test_rb505_remote_reference(run: Runner) -> None:
    files = library(
        **{
            "schemas/artifacts/x.schema.json": '{"properties": {"a": {"$ref": "https://example.com/t.json#/x"}}}'
        }
    )
    got = findings(run, files, "RB505", "schemas")
    assert [(g[0], g[1], g[2]) for g in got] == [("schemas/artifacts/x.schema.json", 1, 31)]
    assert "uses the https: scheme" in got[0][3]


def test_rb505_clean(run: Runner) -> None:
    assert findings(run, library(), "RB505", "schemas") == []


def test_remote_reference_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    from jsonschema import Draft202012Validator
    from referencing.exceptions import Unresolvable

    from runbook_lint.artifacts.schemas import SchemaStore

    attempts = record_connections(monkeypatch)
    schema = {"$ref": "https://example.com/remote.schema.json"}
    validator = Draft202012Validator(schema, registry=SchemaStore().registry())
    with pytest.raises(Unresolvable):
        validator.validate({})
    assert attempts == []


REMOTE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["status"],
    "properties": {
        "status": {"enum": ["HEALTHY", "STALE"]},
        "checked_at": {"$ref": "https://example.com/common.schema.json#/$defs/timestamp"},
        "owner": {"$ref": "missing.schema.json"},
    },
}


def test_broken_refs_do_not_hide_the_samples_violations(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remote $ref (RB505) and a local one that leads nowhere (RB504) are reported on the
    schema, and the sample is still validated against the rest of it (RB501)."""
    attempts = record_connections(monkeypatch)
    files = library(
        **{
            "schemas/artifacts/dkt/state/heartbeat_status.schema.json": json.dumps(
                REMOTE, indent=2
            ),
            HB: '{\n  "checked_at": "yesterday",\n  "owner": 7,\n  "stauts": "STALE"\n}\n',
        }
    )
    code, out, err = run(files, "check", "--format", "json", "runbooks", "schemas")
    assert code == 1, err
    found = [(f["rule"], f["path"], f["line"]) for f in json.loads(out)["findings"]]
    schema = "schemas/artifacts/dkt/state/heartbeat_status.schema.json"
    assert ("RB505", schema, 16) in found and ("RB504", schema, 19) in found
    violations = [f for f in json.loads(out)["findings"] if f["rule"] == "RB501"]
    assert [(f["path"], f["line"], f["column"]) for f in violations] == [(HB, 1, 1), (HB, 4, 3)]
    assert "'status' is a required property" in violations[0]["message"]
    assert "Additional properties are not allowed ('stauts'" in violations[1]["message"]
    assert attempts == []


def test_every_jsonl_line_is_validated_after_one_that_cannot_be(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line the validator fails on (here a RecursionError, as a deeply recursive schema
    gives) is reported, and the lines after it are still validated."""
    from jsonschema import Draft202012Validator

    iter_errors = Draft202012Validator.iter_errors

    def failing(self: Any, instance: Any, *args: Any) -> Any:
        if isinstance(instance, dict) and instance.get("type") == "deep":
            raise RecursionError("maximum recursion depth exceeded")
        return iter_errors(self, instance, *args)

    monkeypatch.setattr(Draft202012Validator, "iter_errors", failing)
    sample = '{"seq": 1, "type": "deep"}\n{"seq": 0, "type": "heartbeat_stale"}\n'
    got = findings(run, library(**{EV: sample}), "RB501")
    assert [(g[1], g[2]) for g in got] == [(1, 1), (2, 9)]
    assert "cannot be validated against schema" in got[0][3] and "RecursionError" in got[0][3]
    assert "$.seq: 0 is less than the minimum of 1" in got[1][3]


def test_a_schema_that_cannot_be_applied_leaves_its_samples_reported(run: Runner) -> None:
    files = library(
        **{
            "schemas/artifacts/dkt/state/heartbeat_status.schema.json": '{"type": "objet"}',
            HB: '{"status": "STALE"}\n',
        }
    )
    got = findings(run, files, "RB503")
    assert [(g[0], g[1]) for g in got] == [(HB, 1)]
    assert "sample not validated: its schema" in got[0][3] and "see RB504" in got[0][3]


# -- RB506 field references ------------------------------------------------------------------


def rb506(run: Runner, markdown: str) -> list[tuple]:
    return findings(run, library(**{"runbooks/r.md": markdown}), "RB506", "runbooks/r.md")


def test_rb506_jq_filters(run: Runner) -> None:
    md = (
        "# R\n\n```bash\n"
        "jq '.health.status, .health.reasonCode' .superloop/ops-manager/<loop>/state.json\n"
        "jq '.divergence.flags.cursorRegresion' \"$REPO/.superloop/ops-manager/demo/state.json\"\n"
        "jq '.timeline[].when' reports/operator-recovery.json\n"
        "jq '.timeline[0].at, .takeover | .handoff_applied' reports/operator-recovery.json\n"
        "jq -s '.[0].type' state/events.jsonl\n"
        "jq -s '.[0].kind' state/events.jsonl\n"
        "jq --arg t x -r '.takeover.applied' reports/operator-recovery.json\n"
        "```\n"
    )
    got = rb506(run, md)
    assert [(g[1], g[2]) for g in got] == [(4, 21), (5, 5), (6, 5), (9, 8), (10, 18)]
    assert (
        "field 'health.reasonCode' is not defined in the schema of "
        ".superloop/ops-manager/<loop>/state.json" in got[0][3]
    )
    assert "divergence.flags.cursorRegresion" in got[1][3]
    assert "(no 'timeline[].when')" not in got[2][3] and "timeline[].when" in got[2][3]


def test_rb506_jq_continuation_and_command_output(run: Runner) -> None:
    md = (
        "# R\n\n```bash\n"
        "scripts/ops-manager-status.sh --repo /path/to/repo --loop <loop-id> --pretty \\\n"
        "  | jq '.visibility.heartbeat.freshness'\n"
        "```\n"
    )
    got = rb506(run, md)
    assert [(g[1], g[2]) for g in got] == [(5, 9)]
    assert "status.json" in got[0][3]


def test_rb506_list_under_a_line_naming_the_artifact(run: Runner) -> None:
    md = (
        "# R\n\n"
        "- [ ] Validate the takeover in `reports/operator-recovery.json`:\n"
        "  - `takeover.handoff_applied == true`\n"
        "  - `takeover.taken_at` is present\n"
        "  - `continuity_assertion_results` entries are `true`\n"
        "  - Continuity outcome is `PASS`\n"
        "- `state/heartbeat_status.json`: `state == STALE`\n"
    )
    got = rb506(run, md)
    assert [(g[1], g[2]) for g in got] == [(5, 6), (8, 35)]
    assert "field 'takeover.taken_at'" in got[0][3]
    assert "field 'state'" in got[1][3]


def test_rb506_paragraph_then_list_and_explicit_form(run: Runner) -> None:
    md = (
        "# R\n\nCheck `reports/operator-recovery.json`:\n\n"
        "- `takeover.handoff_applied`\n- `takeover.applied`\n\n"
        "See `reports/operator-recovery.json#takeover.takeover_time` and "
        "`reports/unknown.json#a.b`.\n"
    )
    got = rb506(run, md)
    assert [(g[1], g[2]) for g in got] == [(6, 4), (8, 37), (8, 87)]
    assert "is not an artifact" in got[2][3]


def test_rb506_scripted_status_fields(run: Runner) -> None:
    md = (
        "# R\n\n- Read `scripts/ops-manager-status.sh`:\n"
        "  - `visibility.heartbeat.freshnessStatus`: `fresh|degraded|critical`\n"
        "  - `visibility.heartbeat.lastSeen`\n"
    )
    got = rb506(run, md)
    assert [(g[1], g[2]) for g in got] == [(5, 6)]


def test_rb506_clean(run: Runner) -> None:
    md = (
        "# R\n\n```bash\n"
        "jq '.health.status, .health.reasonCodes' .superloop/ops-manager/<loop>/state.json\n"
        "jq '.divergence' .superloop/ops-manager/<loop>/state.json\n"
        "jq '.timeline[] | select(.at != null) | .at' reports/operator-recovery.json\n"
        "jq -r '.takeover.handoff_applied' reports/operator-recovery.md\n"
        "```\n\n"
        "- [ ] Validate `reports/operator-recovery.json`:\n"
        "  - `takeover.handoff_applied == true`\n"
        "  - `takeover.takeover_at` exists\n"
        "- `reports/operator-recovery.json#continuity_assertion_results.replay_consistent`\n"
    )
    assert rb506(run, md) == []


# -- the repository's own artifacts ----------------------------------------------------------


def test_repository_samples_schemas_and_runbooks_are_clean(
    run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    from runbook_lint.cli import main

    code = main(["check", "--format", "json", "--select", "RB5,RB6", "runbooks", "schemas"])
    assert code == 0


def _properties(node: object, path: str = "$") -> list[tuple[str, dict[str, object]]]:
    out: list[tuple[str, dict[str, object]]] = []
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            out.append((f"{path}.{name}", sub))
        for key, value in node.items():
            if key != "if":  # conditions name fields, they do not define them
                out.extend(_properties(value, f"{path}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.extend(_properties(value, f"{path}[{index}]"))
    return out


def test_every_artifact_field_has_a_description() -> None:
    missing = []
    schemas = sorted((REPO / "schemas" / "artifacts").rglob("*.schema.json"))
    assert len(schemas) >= 25
    for path in schemas:
        for where, sub in _properties(json.loads(path.read_text())):
            if isinstance(sub, dict) and "description" not in sub and "$ref" not in sub:
                missing.append(f"{path.name}:{where}")
            elif isinstance(sub, dict) and "$ref" in sub and "description" not in sub:
                ref = str(sub["$ref"])
                if "#/$defs/" not in ref:
                    missing.append(f"{path.name}:{where}")
    assert missing == []


def test_every_sample_scenario_has_a_schema_and_no_secret_values() -> None:
    samples = sorted((REPO / "runbooks" / "samples").rglob("*.json*"))
    assert len(samples) >= 40
    text = "\n".join(p.read_text() for p in samples)
    for marker in ("hooks.slack.com", "Bearer ", "xoxb-", 'routing_key":'):
        assert marker not in text


def test_jsonschema_is_not_imported_for_runbooks_only() -> None:
    code = (
        "import sys, os\n"
        f"os.chdir({str(REPO)!r})\n"
        "from runbook_lint.cli import main\n"
        "main(['check', '--select', 'RB506', 'runbooks/operator-recovery.md'])\n"
        "print('jsonschema' in sys.modules, 'referencing' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    ).stdout
    assert out.strip().splitlines()[-1] == "False False"


# -- the position index agrees with the decoder on any document ------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_json, st.sampled_from([None, 0, 2]))
@settings(max_examples=200, deadline=None)
def test_every_value_starts_where_the_index_says(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    doc = parse(text)
    decoder = json.JSONDecoder()
    for path, offset in doc.values.items():
        node = value
        for part in path:
            node = node[part]  # type: ignore[index]
        assert decoder.raw_decode(text, offset)[0] == node
        if path and isinstance(path[-1], str):
            assert decoder.raw_decode(text, doc.keys[path])[0] == path[-1]


@pytest.mark.parametrize(
    ("filter_text", "paths"),
    [
        (".a.b", [("a", "b")]),
        (".a[]", [("a", "[]")]),
        (".a, .b.c", [("a",), ("b", "c")]),
        (".[0].x", [("[0]", "x")]),
        (".a[] | .b", [("a", "[]"), ("a", "[]", "b")]),
        ('.a[] | select(.t == "x.y") | .u', [("a", "[]"), ("a", "[]", "t"), ("a", "[]", "u")]),
        (".a | map(.b)", [("a",), ("a", "[]", "b")]),
        ('.["odd key"].x', [("odd key", "x")]),
        ("length", []),
        (". | keys", []),
        (".a + 1 | .b", [("a",)]),
    ],
)
def test_jq_paths(filter_text: str, paths: list[tuple[str, ...]]) -> None:
    from runbook_lint.artifacts.references import jq_paths

    assert [p for p, _ in jq_paths(filter_text)] == paths


def test_console_output_lines_are_not_commands(run: Runner) -> None:
    md = (
        "# R\n\n```console\n$ jq '.takeover.handoff_applied' reports/operator-recovery.json\n"
        "jq '.not.a.field' reports/operator-recovery.json\n```\n"
    )
    assert rb506(run, md) == []


def test_rb506_step_heading_naming_the_artifact(run: Runner) -> None:
    md = (
        "# R\n\n## Procedure\n\n### Step 1: Check `reports/operator-recovery.json`\n\n"
        "- [ ] `takeover.handoff_applied` is true\n"
        "- [ ] `takeover.handoff` is true\n"
        "- [ ] Keep `state/heartbeat_status.json` as evidence\n"
        "- [ ] Note `PASS` or `REQUIRES_REVIEW`\n\n"
        "### Step 2: Other\n\n- [ ] `takeover.nothing` is not checked here\n"
    )
    got = rb506(run, md)
    assert [(g[1], g[2]) for g in got] == [(8, 8)]
