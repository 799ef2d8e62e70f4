"""The shortcuts of the secret scan, the bidi check and the command analysis never lose or move
a finding: anchors found case-insensitively as the patterns find them, repeated commands
reported at each place they appear, placeholders told apart from look-alike text."""

from __future__ import annotations

import json

import pytest

from runbook_lint.secrets import find_secrets, secret_candidates

from .conftest import Runner, json_findings

# Random values written for these tests (dummies such as "a" * 36 are not reported).
SECRET_LINES = [
    "key AKIA70TXSL8RHBPY0Q6U here",
    "aws_secret_access_key = ZrhrztAQpiN0k8s0Rc3VgTg9VaZEoBFUhIiJyqGN",
    "ghp_6wukvg6KLYrvadWwbDVrEOdUmtqeVT6FbNKH",
    "github_pat_RizFU89L0zlmq9jRh6nd1I",
    "xoxb-4550261446-EeIfIOpoI9qK",
    "https://hooks.slack.com/services/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",
    "-----BEGIN OPENSSH PRIVATE KEY-----\\nEBBV3WIkNZAObehT/Z2HM5u1ByAUzDWj6zTq94lqE3YDZW/QEPXBw",
    "sk-uxlWntBwCLfHgHam8K5TJWlCDC2GiIJE",
    "AIzaCasqla05DvWvndrgHQSabhET5tNnXgX601b",
    "rk_live_DI0W7o3Pb2zYhB9dVIdmIqrw",
    "Authorization: BEARER w8IL0Az6aHWvfWV1YcOU3suuhviI",
    "postgres://admin:hunter22@db.internal/app",
    "glpat-1p7F0sChqpeRAtRmExin",
    "eyJGYKjYsfBCH5yXHMW5jQJ.eyJjkLI7uFZ34s97AeNpk5TjXpB.JuIWCWGZis8pFqGmxaOhvFeBf4Gypk",
    "npm_e7sesv6WDuj9jVrty3u6KGOjBg80W4POX5Yq",
]
CODE_LINES = [
    "PASSWORD=hunter22xyz",
    "deploy --api-key=k3y-v4lue-123",
    "export DB_PASSWD='correct horse'",
    "ACCESS_KEY: abcd1234",
    # characters IGNORECASE matches to ASCII letters although str.lower() does not
    "PA\u017f\u017fWORD=hunter22xyz",
    "TO\u212aEN=h7Gk29xQpLm4",
    "\u0130_SECRET=h7Gk29xQpLm4",
    "api_\u212aey=h7Gk29xQpLm4",
]
CLEAN_LINES = [
    "",
    "plain prose",
    "kubectl get pods -n app",
    "Run `make gate`.",
    "caf\u00e9 \U0001f534",
]


@pytest.mark.parametrize("line", SECRET_LINES + CODE_LINES)
def test_every_pattern_has_an_example(line: str) -> None:
    assert list(find_secrets(line, code=True)), line


@pytest.mark.parametrize("code", [False, True])
def test_candidates_keep_every_line_with_a_secret(code: bool) -> None:
    lines = [*CLEAN_LINES, *SECRET_LINES, *CLEAN_LINES, *CODE_LINES, *CLEAN_LINES]
    expected = [i for i, line in enumerate(lines) if list(find_secrets(line, code=code))]
    candidates = secret_candidates(lines, code=code)
    assert set(expected) <= set(candidates)
    assert candidates == sorted(set(candidates))
    assert len(expected) >= len(SECRET_LINES) + (len(CODE_LINES) if code else 0)
    assert not set(candidates) & set(range(len(CLEAN_LINES)))


def test_candidates_of_texts_with_newlines_are_all_of_them() -> None:
    texts = ["a\nb", "c"]
    assert secret_candidates(texts, code=False) == [0, 1]
    assert secret_candidates([], code=True) == []


def _findings(run: Runner, markdown: str, *select: str) -> list[tuple[str, int, int, str]]:
    files = {"runbooks/s.md": markdown}
    found = json_findings(run, files, "--select", ",".join(select), "runbooks/s.md")
    return [(f["rule"], f["line"], f["column"], f["message"]) for f in found]


def test_a_key_spelt_with_a_long_s_is_found_in_code_and_prose(run: Runner) -> None:
    found = _findings(
        run,
        "# S\n\nThe hook is https://hooks.slack.com/services/TKSD5Z5O9/B072E3NO4/"
        "u0mxMb9VKKHBd51v9Lk79JoN here.\n\n"
        "```bash\nexport PA\u017f\u017fWORD=hunter22xyz\n```\n",
        "RB402",
    )
    assert [(rule, line, column) for rule, line, column, _ in found] == [
        ("RB402", 3, 13),
        ("RB402", 6, 17),
    ]
    assert "literal value for 'PA\u017f\u017fWORD'" in found[1][3]


def test_bidi_controls_are_reported_once_per_line_at_the_first(run: Runner) -> None:
    found = _findings(
        run,
        "# S\n\nCaf\u00e9 \U0001f534 clean line\n\nab\u202ecd\u2066ef\n\n`x \u200fy`\n",
        "RB403",
    )
    assert [(rule, line, column) for rule, line, column, _ in found] == [
        ("RB403", 5, 3),
        ("RB403", 7, 4),
    ]
    assert "RIGHT-TO-LEFT OVERRIDE" in found[0][3]


def test_a_repeated_command_is_reported_where_each_copy_is(run: Runner) -> None:
    found = _findings(
        run,
        "# S\n\n```bash\nrunbook-lint chek runbooks/\n```\n\n"
        "- Step:\n\n  ```bash\n  runbook-lint chek runbooks/\n  ```\n\n"
        "Command to run: `runbook-lint chek runbooks/`\n",
        "RB422",
    )
    assert [(rule, line, column) for rule, line, column, _ in found] == [
        ("RB422", 4, 14),
        ("RB422", 10, 16),
        ("RB422", 13, 31),
    ]


def test_a_placeholder_and_underscores_of_the_same_length_differ(run: Runner) -> None:
    # Both snippets are the same text once `<fmt>` is masked; only the real word is checked.
    found = _findings(
        run,
        "# S\n\n```bash\nrunbook-lint check --format <fmt>\n```\n\n"
        "```bash\nrunbook-lint check --format _____\n```\n",
        "RB426",
    )
    assert [(rule, line, column) for rule, line, column, _ in found] == [("RB426", 8, 29)]
    assert "'_____'" in found[0][3]


def test_the_same_arguments_are_checked_against_each_program(run: Runner) -> None:
    contract = {
        "opencli": "0.1",
        "info": {"title": "opsctl"},
        "commands": [
            {
                "name": "status",
                "options": [{"name": "--json"}, {"name": "--table"}],
                "exclusiveGroups": [{"options": ["--json", "--table"]}],
            }
        ],
    }
    code, out, err = run(
        {
            "schemas/cli/programs.yaml": "programs:\n  - invocation: opsctl\n"
            "    contract: opsctl.json\n",
            "schemas/cli/opsctl.json": json.dumps(contract),
            "runbooks/s.md": "# S\n\n```bash\nopsctl status --json --table\n"
            "runbook-lint status --json --table\nopsctl status --json --table\n```\n",
        },
        "check",
        "--format",
        "json",
        "--select",
        "RB422,RB423,RB433",
        "runbooks/s.md",
    )
    assert code == 1, err
    found = [(f["rule"], f["line"], f["column"]) for f in json.loads(out)["findings"]]
    assert found == [("RB433", 4, 22), ("RB422", 5, 14), ("RB433", 6, 22)]
