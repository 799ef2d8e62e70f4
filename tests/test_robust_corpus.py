"""Collections written elsewhere, in their own style: the linter reports what a maintainer of
that collection would fix (planted mistakes) and nothing else. False positives are bugs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fuzz.harness import check_output, run_cli, write_files

ALERT = """{front}# {name}

> [!WARNING]
> This alert pages. Read **Impact** first.

## Meaning

{name} fires when `{metric}` stays above {limit} for 15 minutes.

<details>
<summary>Full context</summary>

The exporter scrapes every 30 s; see [the overview]({up}README.md#{anchor}) and the
[upstream docs][docs].

</details>

## Impact

| Signal | Threshold | Effect |
|--------|-----------|--------|
| `{metric}` | > {limit} | requests queue :warning: |

## Diagnosis

Check the target:

```shell
kubectl -n monitoring get pods -l app={app}
kubectl -n monitoring logs deploy/{app} --since=15m | grep -i error
```

```promql
rate({metric}[5m]) > {limit}
```

!!! note
    Dashboards: {{{{ grafana_url }}}} (templated by the site generator).

## Mitigation

1. Scale up:

   ```console
   $ kubectl -n monitoring scale deploy/{app} --replicas=3
   ```

2. If it keeps firing, page the owning team via `#{app}-oncall`.
   - [ ] note the time
   - [x] acknowledged

[docs]: https://example.com/docs/{app}
"""

HUGO = "---\ntitle: {name}\nweight: {weight}\ntags: [alerts, {app}]\ndate: 2024-02-30\n---\n\n"


def collection(count: int = 40) -> dict[str, bytes]:
    """Alert runbooks in a deep tree, READMEs with many H1s, mixed line endings."""
    files: dict[str, bytes] = {}
    readme = ["# Alert runbooks", "", "# How to use", "", "Pick your alert.", ""]
    for index in range(count):
        group = ["kubernetes", "databases", "network", "storage"][index % 4]
        depth = "/".join(f"level{d}" for d in range(index % 9))
        folder = f"alerts/{group}/{depth}".rstrip("/")
        up = "../" * folder.count("/")  # back to alerts/
        name = f"Alert{index:03d}HighLatency"
        text = ALERT.format(
            front=HUGO.format(name=name, weight=index, app=f"app{index}") if index % 2 else "",
            name=name,
            metric=f"http_request_duration_seconds_{index}",
            limit=index * 10 + 1,
            up=up,
            anchor="how-to-use",
            app=f"app{index}",
        )
        ending = ["\n", "\r\n", "\r\n", "\n"][index % 4]
        data = text.replace("\n", ending).encode()
        if index % 5 == 0:  # some editors mix them in one file
            data = data.replace(b"\r\n## Impact", b"\n## Impact")
        files[f"{folder}/{name}.md"] = data
        readme.append(f"# {group.title()} {index}")
        readme.append(f"- [{name}]({folder[len('alerts/') :]}/{name}.md)".replace("//", "/"))
    files["alerts/README.md"] = "\r\n".join(readme).encode()
    files["README.md"] = b"# Project\n\n# Install\n\n# Alerts\n\nSee [alerts](alerts/README.md).\n"
    files["CONTRIBUTING.md"] = b"# Contributing\n\n# Style\n\nUse `make lint`.\n"
    return files


PLANTED = {
    "alerts/kubernetes/Broken.md": (
        b"# Broken\n\nSee [missing](no-such-file.md) and [bad](javascript:alert(1)).\n\n"
        b"```shell\nexport API_TOKEN=abcd1234efgh5678ijkl\n```\n",
        {("RB303", 3), ("RB306", 3), ("RB402", 6)},
    ),
}


def _run(root: Path, *args: str) -> list[dict[str, object]]:
    result = run_cli(root, ["check", "--format", "json", "--no-cache", *args])
    check_output(root, "json", result)
    return json.loads(result.out)["findings"]  # type: ignore[no-any-return]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the project root, as in a clone
    write_files(tmp_path, collection())
    return tmp_path


def test_a_foreign_alert_collection_has_no_findings(corpus: Path) -> None:
    assert _run(corpus) == []
    assert _run(corpus, "alerts", "README.md", "CONTRIBUTING.md") == []


def test_planted_mistakes_are_found_and_nothing_else(corpus: Path) -> None:
    for path, (data, _) in PLANTED.items():
        write_files(corpus, {path: data})
    found = {(f["path"], f["rule"], f["line"]) for f in _run(corpus)}
    expected = {(path, rule, line) for path, (_, rules) in PLANTED.items() for rule, line in rules}
    assert found == expected


def test_the_collection_with_its_own_template(corpus: Path) -> None:
    """The same alerts moved into the runbooks/ layout with a template in their own style."""
    template = ALERT.format(
        front="",
        name="Alert Name",
        metric="metric_name",
        limit=1,
        up="",
        anchor="alerts",
        app="app",
    ).replace("README.md#", "index.md#")
    files = {
        "runbooks/TEMPLATE.md": template.encode(),
        "runbooks/index.md": b"# Alerts\n\n| Alert | Team |\n|---|---|\n",
    }
    rows = []
    for index in range(12):
        name = f"Alert{index:03d}HighLatency"
        text = ALERT.format(
            front=HUGO.format(name=name, weight=index, app="x") if index % 2 else "",
            name=name,
            metric=f"m_{index}",
            limit=index,
            up="",
            anchor="alerts",
            app=f"app{index}",
        ).replace("README.md#", "index.md#")
        files[f"runbooks/{name}.md"] = text.replace("\n", "\r\n" if index % 2 else "\n").encode()
        rows.append(f"| [{name}]({name}.md) | SRE |")
    files["runbooks/index.md"] += ("\n".join(rows) + "\n").encode()
    write_files(corpus, files)
    findings = _run(corpus, "runbooks")
    assert [(f["path"], f["rule"], f["message"]) for f in findings] == []
    # the collection's own template is enforced: a runbook without its Impact section
    text = files["runbooks/Alert000HighLatency.md"].decode()
    start, end = text.index("## Impact"), text.index("## Diagnosis")
    write_files(corpus, {"runbooks/Alert000HighLatency.md": text[:start] + text[end:]})
    findings = _run(corpus, "runbooks")
    assert [(f["path"], f["rule"]) for f in findings] == [
        ("runbooks/Alert000HighLatency.md", "RB101")
    ], findings
