"""jq filters in runbooks and drills: field paths scoped the way jq scopes them (RB506, RB603)."""

from __future__ import annotations

import json

import pytest

from runbook_lint.artifacts.references import jq_paths

from .conftest import Runner

_CATALOG = """\
version: 1
systems:
  dkt:
    root: ""
artifacts:
  - path: state/process_leases.json
    system: dkt
  - path: reports/operator-recovery.json
    system: dkt
"""
_LEASES = {
    "type": "object",
    "properties": {
        "leases": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "run_id": {"type": "string"},
                    "thread_id": {"type": "string"},
                    "status": {"enum": ["ACTIVE", "TAKEN_OVER"]},
                },
            },
        }
    },
}
_REPORT = {
    "type": "object",
    "properties": {
        "continuity_assertion_results": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "single_lease_owner": {"type": "boolean"},
                "replay_consistent": {"type": "boolean"},
            },
        },
        "kpis": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"value": {"type": "number"}, "unit": {"type": "string"}},
            },
        },
        "evidence": {
            "type": "object",
            "patternProperties": {"^[a-z_]+$": {"type": "object", "properties": {"path": {}}}},
        },
    },
}
_FILES = {
    "schemas/artifacts.yaml": _CATALOG,
    "schemas/artifacts/dkt/state/process_leases.schema.json": json.dumps(_LEASES),
    "schemas/artifacts/dkt/reports/operator-recovery.schema.json": json.dumps(_REPORT),
    "runbooks/operator-recovery.md": "# Operator Recovery\n",
}


def _findings(run: Runner, path: str, text: str, rule: str) -> list[tuple[int, int, str]]:
    code, out, err = run(
        {**_FILES, path: text}, "check", "--format", "json", "--select", rule, path
    )
    assert code in (0, 1), out + err
    return [(f["line"], f["column"], f["message"]) for f in json.loads(out)["findings"]]


def rb506(run: Runner, *commands: str) -> list[tuple[int, int, str]]:
    text = "# R\n\n```bash\n" + "".join(c + "\n" for c in commands) + "```\n"
    return _findings(run, "runbooks/r.md", text, "RB506")


# -- array and object constructors keep the scope of the filter inside them ------------------

_BRACKETED = (
    'jq -e --arg r "$RUN_ID" \'[.leases[] | select(.run_id == $r and .status == "ACTIVE")]\' '
    "state/process_leases.json"
)


def test_array_constructor_resolves_inside_the_iterated_array(run: Runner) -> None:
    assert rb506(run, _BRACKETED) == []


def test_array_constructor_still_reports_an_unknown_field_at_its_column(run: Runner) -> None:
    got = rb506(run, _BRACKETED.replace(".status ==", ".state =="))
    assert [(line, col) for line, col, _ in got] == [(4, 64)]
    assert "field 'leases[].state'" in got[0][2]


def test_object_constructor_map_and_select_scopes(run: Runner) -> None:
    assert (
        rb506(
            run,
            "jq '{run: .leases[0].run_id, active: [.leases[] | select(.status == \"ACTIVE\")]}' "
            "state/process_leases.json",
            "jq '.leases | map(select(.thread_id != null) | .run_id)' state/process_leases.json",
            "jq '.leases | map({run_id, status})' state/process_leases.json",
        )
        == []
    )


def test_drill_assertion_with_an_array_constructor(run: Runner) -> None:
    drill = (
        "# Drill\n\nRunbook: [Operator Recovery](../operator-recovery.md)\n\n"
        "## Pass/Fail Assertions\n\n```bash\n" + _BRACKETED + "\n"
        "jq '[.leases[] | select(.run_id == $r)] | length' state/process_leases.json\n"
        "jq '[.leases[] | .owner]' state/process_leases.json\n```\n"
    )
    got = _findings(run, "runbooks/drills/d.md", drill, "RB603")
    assert [(line, col) for line, col, _ in got] == [(10, 18)]
    assert "leases[].owner" in got[0][2]


# -- `[]` on an object yields its values -----------------------------------------------------


def test_iterating_an_object_is_not_an_unknown_field(run: Runner) -> None:
    assert (
        rb506(
            run,
            "jq '.continuity_assertion_results[]' reports/operator-recovery.json",
            "jq -e '.continuity_assertion_results | all' reports/operator-recovery.json",
            "jq '.kpis[].value, .kpis[] | .unit' reports/operator-recovery.json",
            "jq '.evidence[].path' reports/operator-recovery.json",
        )
        == []
    )


def test_values_of_an_object_are_checked_against_their_schemas(run: Runner) -> None:
    got = rb506(
        run,
        "jq '.continuity_assertion_results[].passed' reports/operator-recovery.json",
        "jq '.kpis[].seconds' reports/operator-recovery.json",
        "jq '.evidence[].file' reports/operator-recovery.json",
    )
    assert [(line, col) for line, col, _ in got] == [(4, 5), (5, 5), (6, 5)]
    assert "field 'continuity_assertion_results[].passed'" in got[0][2]
    assert "field 'kpis[].seconds'" in got[1][2]


# -- the paths read by a filter --------------------------------------------------------------


@pytest.mark.parametrize(
    ("filter_text", "paths"),
    [
        (
            '[.leases[] | select(.run_id == $r and .status == "ACTIVE")]',
            [("leases", "[]"), ("leases", "[]", "run_id"), ("leases", "[]", "status")],
        ),
        ('.leases[] | select(.run_id == $r and .status == "ACTIVE")', None),  # same as above
        ("{id: .a.b, n: (.c | length)}", [("a", "b"), ("c",)]),
        ("{a, $x, b: .c}", [("a",), ("c",)]),
        ('{"k": .x, (.y): 1}', [("x",), ("y",)]),
        (
            '.a | map(select(.t == "x") | .u)',
            [("a",), ("a", "[]", "t"), ("a", "[]", "u")],
        ),
        (".a | to_entries | .[].value", [("a",)]),
        (".a | keys | .[0]", [("a",)]),
        (".a | length", [("a",)]),
        ('.a | select(has("x")) | .y', [("a",), ("a", "y")]),
        ("(.a | .b), .c", [("a",), ("a", "b"), ("c",)]),
        ("[.a[]] | .[0].b", [("a", "[]")]),
        (".x as $v | .y", [("x",), ("y",)]),
        ("$r | .x", []),
        ("if .a then .b else .c end | .d", [("a",), ("b",), ("c",)]),
        (".a // .b", [("a",), ("b",)]),
        (".a[]? | .b", [("a", "[]"), ("a", "[]", "b")]),
        ('.a."b-c".d', [("a", "b-c", "d")]),
        (
            ".items | sort_by(.ts) | .[0].id",
            [("items",), ("items", "[]", "ts"), ("items", "[0]", "id")],
        ),
        ("reduce .a[] as $x (0; . + $x.n)", [("a", "[]")]),
        ('select(.t == "a|b.c") | .u', [("t",), ("u",)]),
        (".a[.i]", [("a",), ("i",)]),
        ("..|.a?", []),
        ('"\\(.a) and \\(.b)"', []),
        (".a |", []),  # does not parse: nothing is guessed
        ("def f: .x; f", []),
        ("[[[[[[[[[[" * 20, []),
    ],
)
def test_jq_scopes(filter_text: str, paths: list[tuple[str, ...]] | None) -> None:
    if paths is None:
        paths = [("leases", "[]"), ("leases", "[]", "run_id"), ("leases", "[]", "status")]
    assert [p for p, _ in jq_paths(filter_text)] == paths


def test_offsets_point_at_the_start_of_each_path() -> None:
    text = '[.leases[] | select(.run_id == $r and .status == "ACTIVE")]'
    assert [(text[o : o + 7], p[-1]) for p, o in jq_paths(text)] == [
        (".leases", "[]"),
        (".run_id", "run_id"),
        (".status", "status"),
    ]
