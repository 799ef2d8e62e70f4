"""The site's schema pages take artifact names and samples from the artifact catalog."""

from __future__ import annotations

import json
from pathlib import Path

from runbook_lint.sitegen import schemas as site_schemas

from .conftest import write_files

_CATALOG = """\
version: 1
systems:
  dkt:
    root: ""
  ops:
    root: .superloop/ops-manager/<loop>
artifacts:
  - path: state/events.jsonl
    system: dkt
  - path: .superloop/ops-manager/<loop>/telemetry/alerts.jsonl
    system: ops
  - path: status.json
    system: ops
    produced_by: scripts/ops-manager-status.sh
    schema: artifacts/ops/status-snapshot.schema.json
"""
_SCHEMA = json.dumps({"title": "Ledger line (one line)", "type": "object", "properties": {}})
_FILES = {
    "schemas/artifacts.yaml": _CATALOG,
    "schemas/artifacts/dkt/state/events.schema.json": _SCHEMA,
    "schemas/artifacts/ops/telemetry/alerts.schema.json": _SCHEMA,
    "schemas/artifacts/ops/status-snapshot.schema.json": _SCHEMA,
    "runbooks/samples/dkt/healthy/state/events.jsonl": "{}\n",
    "runbooks/samples/dkt/stale/state/events.jsonl": "{}\n",
    "runbooks/samples/ops/healthy/telemetry/alerts.jsonl": "{}\n",
    "runbooks/samples/ops/healthy/status.json": "{}\n",
    "runbooks/samples/ops/healthy/status-snapshot.json": "{}\n",
}


def _load(root: Path, catalog: bool = True) -> dict[str, site_schemas.Schema]:
    write_files(root, _FILES)
    found = site_schemas.load(
        root / "schemas" / "artifacts",
        root / "runbooks" / "samples",
        root,
        site_schemas.read_catalog(root / "schemas" / "artifacts.yaml") if catalog else None,
    )
    return {s.name: s for s in found}


def test_names_and_samples_come_from_the_catalog(tmp_path: Path) -> None:
    got = _load(tmp_path)
    events = got["dkt/state/events"]
    assert events.artifact == "state/events.jsonl"
    assert events.samples == [
        "runbooks/samples/dkt/healthy/state/events.jsonl",
        "runbooks/samples/dkt/stale/state/events.jsonl",
    ]
    alerts = got["ops/telemetry/alerts"]
    assert alerts.artifact == "telemetry/alerts.jsonl"
    assert alerts.samples == ["runbooks/samples/ops/healthy/telemetry/alerts.jsonl"]
    # an explicit `schema:` in the catalog: the samples are those of the artifact's path
    status = got["ops/status-snapshot"]
    assert status.artifact == "status.json"
    assert status.samples == ["runbooks/samples/ops/healthy/status.json"]


def test_schema_page_states_the_path_and_the_producing_command(tmp_path: Path) -> None:
    got = _load(tmp_path)
    resolver = site_schemas.Resolver(tmp_path / "schemas")
    page = site_schemas.schema_page(
        got["ops/telemetry/alerts"], "reference/schemas/ops/telemetry/alerts.md", resolver, tmp_path
    )
    assert page.startswith("# telemetry/alerts.jsonl\n")
    assert "`.superloop/ops-manager/<loop>/telemetry/alerts.jsonl`" in page
    assert "JSON Lines" in page
    status = site_schemas.schema_page(
        got["ops/status-snapshot"], "reference/schemas/ops/status-snapshot.md", resolver, tmp_path
    )
    assert "`scripts/ops-manager-status.sh`" in status


def test_without_a_catalog_the_convention_still_applies(tmp_path: Path) -> None:
    got = _load(tmp_path, catalog=False)
    assert got["dkt/state/events"].samples == [
        "runbooks/samples/dkt/healthy/state/events.jsonl",
        "runbooks/samples/dkt/stale/state/events.jsonl",
    ]
    assert got["ops/status-snapshot"].samples == [
        "runbooks/samples/ops/healthy/status-snapshot.json"
    ]


def test_a_broken_catalog_is_not_a_site_error(tmp_path: Path) -> None:
    (tmp_path / "artifacts.yaml").write_text("artifacts: [\n")
    assert site_schemas.read_catalog(tmp_path / "artifacts.yaml") is None
    assert site_schemas.read_catalog(tmp_path / "missing.yaml") is None
