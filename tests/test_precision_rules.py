"""The false-positive patterns of issue 17 for RB402, RB401, RB303, RB304 and RB113, each as a
small case of our own, beside the true findings that must stay."""

from __future__ import annotations

import pytest

from runbook_lint.document.slugs import heading_ids
from runbook_lint.renderer import detect

from .conftest import Runner, json_findings

PEM_BODY = "EBBV3WIkNZAObehT/Z2HM5u1ByAUzDWj6zTq94lqE3YDZW/QEPXBw+b8m09mx+dH"


def found(run: Runner, page: str, select: str, files: dict[str, str] | None = None) -> list[str]:
    result = json_findings(run, {"docs/p.md": page, **(files or {})}, "--select", select, "docs")
    return [f"{f['rule']} {f['line']}:{f['column']}" for f in result]


NOT_SECRETS = [
    "```bash\noc serviceaccounts new-token builder -n ci\n```",
    "```bash\ngcloud compute reset-windows-password build-vm --user=<you>\n```",
    "```bash\nvault kv show-secret MOUNT PATH\n```",
    "```bash\nexport API_TOKEN=CHANGEME\nDEPLOY_TOKEN=fill-in-token ./deploy.sh\n```",
    "```bash\n$ oc describe sa builder\nTokens:              builder-token-x7k2p\n```",
    "```ruby\ncreds = Vault.read(node, 'path')\nuser.update(auth_token: SecureRandom.hex(8))\n```",
    "```ruby\ndigest = Gitlab::Hash.sha256(plain)\nrow = node['cookbook']['secrets']\n```",
    "```yaml\nbasic_auth:\n  username: user\n  password: wrong-password\n```",
    "```\nSECRET_KEY=YOURSECRETKEYGOESHERE\napi_key: super-secret-key\n```",
    "Post to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX.",
    "Paste the block that starts with `-----BEGIN PRIVATE KEY-----` into the form.",
    'The log shows `"uri":"/validate?token=[FILTERED]"`.',
    "Use AWS's documented key `AKIAIOSFODNN7EXAMPLE` in the test.",
    "```bash\ngit clone https://user:password@git.example.com/r.git\n```",
]


@pytest.mark.parametrize("body", NOT_SECRETS)
def test_words_references_and_dummies_are_not_secrets(run: Runner, body: str) -> None:
    assert found(run, f"# P\n\n{body}\n", "RB402") == []


SECRETS = [
    ("```bash\naws s3 ls --profile x # AKIA70TXSL8RHBPY0Q6U\n```", "4:"),
    ("Token `ghp_6wukvg6KLYrvadWwbDVrEOdUmtqeVT6FbNKH` for CI.", "3:8"),
    ("```bash\npsql --password=Qw8rT5yU2iO9pL\n```", "4:"),
    ("```bash\nDB_PASSWORD=h7Gk29xQpLm4 ./migrate\n```", "4:"),
    ("```bash\nmysql -u app --password 's3cr3tP4ssw0rd!'\n```", "4:"),
    (
        "```bash\ncurl -H 'Authorization: Bearer eyJGYKjYsfBCH5yXHMW5jQJ.eyJjkLI7uFZ34s97Ae"
        "Npk5TjXpB.JuIWCWGZis8pFqGmxaOhvFeBf4Gypk' x\n```",
        "4:",
    ),
    ("```bash\ngit clone https://deploy:Zr8qT2wLx9@git.example.com/r.git\n```", "4:"),
    ("```bash\nexport SLACK=xoxb-4550261446-EeIfIOpoI9qK\n```", "4:"),
    ("```bash\nexport GL=glpat-1p7F0sChqpeRAtRmExin\n```", "4:"),
    (
        f"```\n-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----\n```",
        "4:1",
    ),
    ("```yaml\ndb:\n  password: 'correct-horse-battery'\n```", "5:"),
]


@pytest.mark.parametrize(("body", "where"), SECRETS)
def test_real_token_shapes_and_literals_are_secrets(run: Runner, body: str, where: str) -> None:
    result = found(run, f"# P\n\n{body}\n", "RB402")
    assert len(result) == 1 and result[0].startswith(f"RB402 {where}"), result


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("The queue is `load_1m \u2013 vcpus`.", []),
        ("Name the column `total\u00a0time`.", []),
        ("```bash\n# Check it\u2019s the right disk\nlsblk\n```", []),
        ('```json\n{"placeholder": "\u2014"}\n```', []),
        ("```bash\n$ cat notes\nit\u2019s done\n```", []),
        ("```\nselector: \u2018job=\u201ddefault/app\"',\n```", ["RB401 4:11"]),
        ("```bash\n\u200b# optional\napt-get install -y jq\n```", ["RB401 4:1"]),
        ("Run `psql \u2013c 'select 1'`.", ["RB401 3:11"]),
        ("```bash\nkubectl get pods \u2013n web\n```", ["RB401 4:18"]),
    ],
)
def test_lookalikes_count_in_commands_only(run: Runner, body: str, expected: list[str]) -> None:
    assert found(run, f"# P\n\n{body}\n", "RB401") == expected


ANCHORS = """\
# Service

- [Grafana](#grafana)
- [Grafana again](#grafana-1)
- [Notes](#Notes)
- [Latency](#--latency)

## Grafana

## Grafana

## Notes

## --latency
"""


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ({}, []),  # GitHub: -1 suffixes, any case, no squeezing
        ({".gitlab-ci.yml": "x: 1\n"}, ["RB304 5:11", "RB304 6:13"]),
        ({"mkdocs.yml": "site_name: s\n"}, ["RB304 4:19", "RB304 5:11", "RB304 6:13"]),
    ],
)
def test_anchors_follow_the_renderer(
    run: Runner, marker: dict[str, str], expected: list[str]
) -> None:
    assert found(run, ANCHORS, "RB304", marker) == expected


def test_the_anchor_hint_uses_the_renderer(run: Runner) -> None:
    page = "# S\n\n[x](#grafana_1)\n\n## Grafana\n\n## Grafana\n"
    result = json_findings(run, {"docs/p.md": page}, "--select", "RB304", "docs")
    assert result[0]["message"].endswith("did you mean '#grafana-1'?")
    config = {"runbook-lint.toml": 'slugs = "python-markdown"\n'}
    page = page.replace("#grafana_1", "#grafana-1")
    result = json_findings(run, {**config, "docs/p.md": page}, "--select", "RB304", "docs")
    assert result[0]["message"].endswith("did you mean '#grafana_1'?")


def test_heading_ids_per_flavour() -> None:
    texts = ["Grafana", "Grafana", "Implement design & UI", "2024", "Caf\u00e9 menu"]
    assert heading_ids(texts, "github") == [
        "grafana", "grafana-1", "implement-design--ui", "2024", "caf\u00e9-menu"
    ]  # fmt: skip
    assert heading_ids(texts, "gitlab")[2:4] == ["implement-design-ui", "anchor-2024"]
    assert heading_ids(texts, "python-markdown") == [
        "grafana", "grafana_1", "implement-design-ui", "2024", "cafe-menu"
    ]  # fmt: skip
    assert heading_ids(texts, "python-markdown", "_")[2] == "implement_design_ui"
    assert heading_ids(["A b"], "pymdownx") == ["A-b"]


def test_mkdocs_toc_settings_choose_the_flavour(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    (tmp_path / "mkdocs.yml").write_text(
        "docs_dir: pages\nmarkdown_extensions:\n  - toc:\n      separator: _\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify\n"
        "        kwds: {case: lower}\n",
        encoding="utf-8",
    )
    found_ = detect(tmp_path)
    assert (found_.host, found_.slugs, found_.separator, found_.site_root) == (
        "mkdocs",
        "pymdownx-lower",
        "_",
        "pages",
    )


def test_site_links_resolve_where_the_site_serves_them(run: Runner) -> None:
    page = (
        "# Index\n\nSee [the incident page](/during/incident) and [roles](/before/roles/).\n"
        "Read [the load balancer docs](//cloud.example.com/lb/).\n"
        "Logs are in [/var/log/app](/var/log/app/current).\n"
    )
    files = {
        "docs/during/incident.md": "# Incident\n",
        "docs/before/roles/index.md": "# Roles\n",
    }
    site = {"mkdocs.yml": "site_name: s\n"}
    assert found(run, page, "RB303", {**files, **site}) == ["RB303 5:28"]


def test_plain_repository_resolves_slash_links_from_the_root(run: Runner) -> None:
    files = {"docs/during/incident.md": "# Incident\n", "during/incident.md": "# Root copy\n"}
    page = "# I\n\n[a](/during/incident.md) [b](/during/missing.md)\n"
    assert found(run, page, "RB303", files) == ["RB303 3:30"]


def test_template_front_matter_is_not_checked(run: Runner) -> None:
    page = '---\ntitle: "{{ replace .Name "-" " " | title }}"\ndate: {{ .Date }}\n---\n\n# X\n'
    assert found(run, page, "RB113") == []
    assert found(run, "---\na: &x 1\nb: *x\n---\n\n# X\n", "RB113") == ["RB113 1:1"]
