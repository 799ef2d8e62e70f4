"""Incident mode at build time: placeholders from the parsed commands, checklist sections, the
page data, the signal lookup page, and the evidence log's schema."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from runbook_lint.document import Document
from runbook_lint.sitegen import incident
from runbook_lint.sitegen.placeholders import placeholders

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schemas" / "evidence-log.schema.json"

RUNBOOK = """# Operator Recovery

Last Updated: 2026-11-20
Version: 1.3
Owner: Pipeline Runtime Operations

## Prerequisites

- [ ] Shell on the operations host

## Procedure

### Case A: Stale heartbeat triage

**Signals:** `STALE`

#### Step 1: Confirm the heartbeat is stale

🔵 **OPERATIONAL**

- [ ] Read the heartbeat state
- [ ] Note the silence in the ticket

```bash
RUN_ROOT=<run_root>
RUN_ID="<run_id>"
cd "$RUN_ROOT" && jq '.status' state/heartbeat_status.json
opsctl lease show --run "$RUN_ID" --loop <loop-id> > "$RUN_ROOT/lease-<loop-id>.json"
curl -H "Authorization: Bearer $OPS_TOKEN" "$API_URL/health"
```

**Verification:**

- Expected outcome: `"STALE"`.
- Command to verify: `opsctl lease show --run <run_id> --strict`

## Escalation

Not a checklist: `<not_a_command>` is only prose.
"""


def _doc(text: str = RUNBOOK) -> Document:
    return Document.parse("runbooks/operator-recovery.md", text)


def test_placeholders_come_from_the_commands_with_their_variables() -> None:
    found = placeholders(_doc())
    assert [(p.token, p.variables, p.uses) for p in found.placeholders] == [
        ("<run_root>", ["RUN_ROOT"], 1),
        ("<run_id>", ["RUN_ID"], 2),
        ("<loop-id>", [], 2),
    ]
    assert found.environment == ["API_URL", "OPS_TOKEN"]


def test_sections_are_the_steps_and_the_checklists() -> None:
    sections = incident.sections(_doc())
    assert [(s.id, s.step, s.group, s.label, len(s.checks)) for s in sections] == [
        ("prerequisites", None, "", "", 1),
        (
            "step-1-confirm-the-heartbeat-is-stale",
            1,
            "Case A: Stale heartbeat triage",
            "operational",
            2,
        ),
    ]
    step = sections[1]
    assert (step.checks[0].line, step.checks[0].text) == (21, "Read the heartbeat state")
    assert step.verification == (
        32,
        (
            'Expected outcome: `"STALE"`.',
            "Command to verify: `opsctl lease show --run <run_id> --strict`",
        ),
    )
    assert step.as_json()["verification"] == {"line": 32, "items": list(step.verification[1])}


NESTED = """# T

## Procedure

### Step 1: Read the state

- [ ] Read the heartbeat state:
  - `state/heartbeat_status.json`: `status == STALE`
    - `silence_seconds` above `stale_after_seconds`
  - [ ] Note the thread id
- [ ] Next
"""


def test_nested_criteria_stay_with_their_check() -> None:
    (step,) = incident.sections(Document.parse("runbooks/t.md", NESTED))
    assert [(c.text, c.criteria) for c in step.checks] == [
        (
            "Read the heartbeat state:",
            (
                "`state/heartbeat_status.json`: `status == STALE`",
                "`silence_seconds` above `stale_after_seconds`",
            ),
        ),
        ("Note the thread id", ()),
        ("Next", ()),
    ]


def test_the_page_source_is_the_audit_revision_and_sha256(tmp_path: Path) -> None:
    import hashlib

    from runbook_lint.audit.build import Revision

    page = tmp_path / "x.md"
    page.write_bytes(b"# X\n")
    source = incident.page_source(page, Revision("a" * 40, "2026-11-20T10:00:00+00:00", True))
    assert source.as_json() == {
        "revision": "a" * 40,
        "committed": "2026-11-20T10:00:00+00:00",
        "dirty": True,
        "sha256": hashlib.sha256(b"# X\n").hexdigest(),
    }
    assert incident.page_source(tmp_path / "missing.md", None).sha256 is None


def test_the_page_carries_its_data_in_one_attribute_and_marks_its_sections() -> None:
    page = (
        '<h1 id="operator-recovery">Operator Recovery</h1>\n'
        '<div class="rb-meta"><span>Version</span></div>\n'
        '<h2 id="prerequisites">Prerequisites</h2>\n'
        '<h3 id="case-a-stale-heartbeat-triage">Case A</h3>\n'
        '<h4 id="step-1-confirm-the-heartbeat-is-stale">Step 1</h4>\n'
    )
    out = incident.decorate_page(page, _doc(), "runbooks/operator-recovery.md")
    assert '<h2 id="prerequisites" data-rb-section="prerequisites">' in out
    assert '<h3 id="case-a-stale-heartbeat-triage">' in out  # no checklist of its own
    assert out.index('class="rb-incident"') > out.index('class="rb-meta"')
    assert "<script" not in out  # search indexes text: the data stays in an attribute
    match = re.search(r'data-rb-incident="([^"]*)"', out)
    assert match is not None
    data = json.loads(html.unescape(match.group(1)))
    assert data["page"] == "runbooks/operator-recovery.md"
    assert (data["title"], data["version"], data["last_updated"]) == (
        "Operator Recovery",
        "1.3",
        "2026-11-20",
    )
    assert [p["token"] for p in data["placeholders"]] == ["<run_root>", "<run_id>", "<loop-id>"]


def test_a_page_without_metadata_strip_gets_the_panel_under_its_title() -> None:
    out = incident.decorate_page("<h1>T</h1><p>x</p>", _doc(), "runbooks/x.md")
    assert out.startswith('<h1>T</h1><div class="rb-incident"')


def test_signals_page_links_each_signal_to_its_section(tmp_path: Path) -> None:
    from runbook_lint.sitegen.library import SiteLibrary

    other = RUNBOOK.replace("# Operator Recovery", "# Ops Manager").replace(
        "**Signals:** `STALE`", "**Signals:** `divergence_detected`, `STALE`"
    )
    site = SiteLibrary(
        root=tmp_path,
        runbooks_uri="runbooks",
        drills_uri="runbooks/drills",
        index_uri="runbooks/index.md",
        template_uris=(),
        documents={
            "runbooks/operator-recovery.md": _doc(),
            "runbooks/ops-manager.md": Document.parse("runbooks/ops-manager.md", other),
        },
    )
    page = incident.signals_page(site, "signals.md")
    assert page.startswith("---\nhide:\n  - toc\n---\n")
    assert "## `divergence_detected` { #signal-divergence_detected .rb-signal }" in page
    stale = page[page.index("## `STALE`") :].split("\n## ", 1)[0]
    assert (
        "- [Operator Recovery › Case A: Stale heartbeat triage]"
        "(runbooks/operator-recovery.md#case-a-stale-heartbeat-triage)" in stale
    )
    assert "(runbooks/ops-manager.md#case-a-stale-heartbeat-triage)" in stale
    assert "*2 signals from 2 runbooks" in page


def test_signals_page_without_declarations(tmp_path: Path) -> None:
    from runbook_lint.sitegen.library import SiteLibrary

    site = SiteLibrary(tmp_path, "runbooks", "runbooks/drills", "runbooks/index.md", ())
    assert "No runbook declares signals yet" in incident.signals_page(site, "signals.md")


def _log() -> dict[str, object]:
    sha = "b66b8bab4a41e7b11ae9522aa41f5cd4d26b703b59f43edc2b94b65919574c04"
    return {
        "format": "runbook-evidence-log",
        "format_version": 2,
        "incident": {
            "id": "INC-2041",
            "operator": "jdoe",
            "started_at": "2026-11-23T19:52:04Z",
            "ended_at": None,
        },
        "exported_at": "2026-11-23T20:31:00Z",
        "values": [
            {
                "placeholder": "<run_id>",
                "value": "run-7f3a",
                "set_at": "2026-11-23T19:52:30Z",
                "page": "runbooks/operator-recovery.md",
            }
        ],
        "pages": [
            {
                "path": "runbooks/operator-recovery.md",
                "title": "Operator Recovery",
                "kind": "runbook",
                "version": "1.3",
                "last_updated": "2026-11-20",
                "owner": "Pipeline Runtime Operations",
                "visited_at": "2026-11-23T19:52:04Z",
                "sources": [
                    {
                        "revision": "528e177932daee9ddae85e8d9929b650c2212afb",
                        "committed": "2026-11-20T10:00:00+00:00",
                        "dirty": False,
                        "sha256": sha,
                        "first_seen": "2026-11-23T19:52:04Z",
                    }
                ],
                "progress": {"done": 1, "total": 2},
                "verifications": {"passed": 1, "failed": 0, "unmarked": 0},
                "steps": [
                    {
                        "id": "step-1-confirm-the-heartbeat-is-stale",
                        "title": "Step 1: Confirm the heartbeat is stale",
                        "group": "Case A: Stale heartbeat triage",
                        "step": 1,
                        "label": "operational",
                        "line": 17,
                        "checks": [
                            {
                                "id": "step-1-confirm-the-heartbeat-is-stale#1",
                                "line": 21,
                                "text": "Read the heartbeat state:",
                                "criteria": ["`status == STALE`"],
                                "done": True,
                                "done_at": "2026-11-23T19:53:10Z",
                                "source": 0,
                            },
                            {
                                "id": "step-1-confirm-the-heartbeat-is-stale#2",
                                "line": 22,
                                "text": "Note the silence",
                                "criteria": [],
                                "done": False,
                                "done_at": None,
                                "source": None,
                            },
                        ],
                        "verification": {
                            "line": 33,
                            "items": ['Expected outcome: `"STALE"`.'],
                            "result": "pass",
                            "marked_at": "2026-11-23T19:54:00Z",
                            "source": 0,
                        },
                        "note": "status STALE for 412 s",
                    }
                ],
            }
        ],
        "timeline": [
            {
                "at": "2026-11-23T19:53:10Z",
                "page": "runbooks/operator-recovery.md",
                "section": "Step 1",
                "event": "check",
                "text": "Read the heartbeat state:",
            }
        ],
    }


def _errors(log: object) -> list[str]:
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(log)]


def test_the_evidence_log_schema_is_valid_and_accepts_a_log() -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert _errors(_log()) == []


STEP = ("pages", 0, "steps", 0)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("exported_at",), "2026-11-23 20:31"),
        (("incident", "operator"), ""),
        (("incident", "id"), "   "),
        (("values", 0, "placeholder"), "run_id"),
        (("values", 0, "value"), ""),
        (("pages", 0, "last_updated"), "23/11/2026"),
        (("pages", 0, "sources", 0, "sha256"), "not-a-digest"),
        (("pages", 0, "sources", 0, "revision"), "HEAD"),
        (("pages", 0, "sources"), []),
        ((*STEP, "checks", 0, "done_at"), "yesterday"),
        ((*STEP, "checks", 0, "done_at"), None),  # ticked, but when?
        ((*STEP, "checks", 0, "source"), None),  # ticked, but on which text?
        ((*STEP, "checks", 1, "done_at"), "2026-11-23T19:53:10Z"),  # a time for no tick
        ((*STEP, "checks", 0, "criteria"), "status == STALE"),
        ((*STEP, "verification", "result"), "ok"),
        ((*STEP, "verification", "marked_at"), None),
        ((*STEP, "label"), "urgent"),
        (("timeline", 0, "event"), "coffee"),
        (("format",), "notes"),
        (("format_version",), 1),
    ],
)
def test_the_evidence_log_schema_rejects(path: tuple[object, ...], value: object) -> None:
    log = _log()
    target: object = log
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    assert _errors(log)


def test_the_evidence_log_schema_requires_who_and_which_incident() -> None:
    for key in ("id", "operator"):
        log = _log()
        del log["incident"][key]  # type: ignore[attr-defined]
        assert _errors(log), key
