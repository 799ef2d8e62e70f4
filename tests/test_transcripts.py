"""What in a shell block is a command (RB420, RB423, RB436): each pattern of issue 17 written as
a small case of our own."""

from __future__ import annotations

import pytest

from runbook_lint.shell.transcripts import other_language, read_block

from .conftest import Runner, json_findings


def fence(lang: str, body: str) -> str:
    return f"# Page\n\n```{lang}\n{body}\n```\n"


def commands(found: list[dict[str, object]]) -> list[tuple[str, int, int]]:
    return [(str(f["rule"]), int(str(f["line"])), int(str(f["column"]))) for f in found]


NOT_ERRORS = [
    # a transcript: the table under the prompted command is its output
    fence(
        "bash",
        "$ kubectl get nodes\nNAME      STATUS   ROLES    AGE\n"
        "worker-1  Ready    <none>   12d\nworker-2  Ready    infra    (3 restarts)",
    ),
    # a prompt with user, host and path
    fence("shell", "ops@jump-2:~/work$ kubectl get cm app -o jsonpath='{.data}'\nmap[a:b c:d]"),
    fence("bash", "[ops@jump-2 tmp]$ ls -l\ntotal 0"),
    fence("sh", "sh-5.2$ ceph df\n  pools:\n    name: rbd (id 1)"),
    # `$> ` prompts and a subshell after the prompt
    fence("bash", "$> make deploy\ndeployed (2 hosts)"),
    fence("shell", "$ ( for n in 1 2 ; do echo $n ; done )"),
    # placeholders with spaces
    fence("bash", "ping -c 3 <address of the first node>\nNODE=<node named in the alert>"),
    # another program's session
    fence("shell", "# psql -d orders\norders=# select count(*) from jobs;\n count\n-------\n 42"),
    fence("shell", "> info replication\n1) role:master\n2) connected_slaves:1"),
    fence("bash", "gpg> trust\nYour decision? (1) I do not know"),
    # output pasted under a command without a prompt
    fence(
        "bash", "systemctl status app\n  Active: failed (Result: exit-code)\n  Main PID: 12 (code)"
    ),
    fence("bash", "curl -v https://app.internal/\n* Trying 10.1.2.3:443...\n< HTTP/2 503"),
    fence("shell", 'WARN[0001] retrying    attempt=2 err="timeout (after 5s)"'),
    # a heredoc and a secondary prompt in a transcript
    fence(
        "console",
        "$ cat <<EOF > /tmp/x.conf\n> [main]\n> level = (high)\n> EOF\n$ wc -l /tmp/x.conf",
    ),
    # a console block without prompts is output
    fence("console", "Status: (degraded) [2 of 3]"),
]


@pytest.mark.parametrize("page", NOT_ERRORS)
def test_output_sessions_and_prompts_are_not_broken_commands(run: Runner, page: str) -> None:
    assert json_findings(run, {"docs/p.md": page}, "--select", "RB42,RB43") == []


def test_a_query_in_a_shell_fence_is_named_not_failed(run: Runner) -> None:
    page = fence("sh", 'topk(3, sum by (pod) (rate(cpu_seconds_total{ns="web"}[5m])))')
    code, out, _ = run({"docs/p.md": page}, "check", "docs")
    assert code == 0
    assert out.splitlines()[0] == (
        "docs/p.md:4:1: RB436 info this block reads as PromQL, not shell: label the fence with "
        "its language so that readers and the checker do not take it for a command"
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ('rate(jobs_failed_total{queue="mail"}[10m]) > 1', "PromQL"),
        ("// busiest pods\ntopk(3,\n  sum by (pod) (x)\n)", "PromQL"),
        ("SELECT state, count(*) FROM pg_stat_activity GROUP BY 1;", "SQL"),
        ("Project.find_by_full_path('a/b').update!(archived: true)\nputs 'done'", "Ruby"),
        ("kubectl get pods (", None),
    ],
)
def test_other_languages_are_recognised(text: str, language: str | None) -> None:
    assert other_language(text) == language


def test_inline_sql_after_run_is_not_a_shell_command(run: Runner) -> None:
    page = "# P\n\nCheck writes. Run `select pg_current_wal_lsn()` in psql.\n"
    assert json_findings(run, {"docs/p.md": page}, "--select", "RB4") == []


def test_real_breakage_is_still_reported(run: Runner) -> None:
    files = {
        "docs/tick.md": fence("bash", "du -sh /var/lib/app`"),
        "docs/space.md": fence("bash", "$ kubectl delete pod \\ \n    app-7f9c"),
        "docs/quote.md": fence("console", "$ echo 'unfinished"),
    }
    found = json_findings(run, files, "--select", "RB420", "docs")
    assert commands(found) == [("RB420", 4, 8), ("RB420", 4, 22), ("RB420", 4, 20)]
    assert "followed by blanks" in str(found[1]["message"])


def test_a_prompted_command_in_a_bash_fence_is_checked_against_its_contract(
    run: Runner,
) -> None:
    page = fence("bash", "$ runbook-lint check --formt\nerror: unrecognized arguments")
    found = json_findings(run, {"docs/p.md": page}, "--select", "RB4")
    assert commands(found) == [("RB423", 4, 22)]


def test_read_block_keeps_continuations_and_drops_output() -> None:
    from runbook_lint.document import Document

    doc = Document.parse(
        "x.md",
        fence(
            "bash",
            "$ helm upgrade app ./chart \\\n    --set image.tag=2.1\nRelease upgraded.\n"
            "$ kubectl rollout status deploy/app\nsuccessfully rolled out",
        ),
    )
    block = doc.code_blocks[0]
    reading = read_block(block.lang, block.lines)
    assert reading.kind == "transcript"
    assert [(p.line, p.column, p.text) for p in reading.pieces] == [
        (4, 3, "helm upgrade app ./chart \\"),
        (5, 1, "    --set image.tag=2.1"),
        (7, 3, "kubectl rollout status deploy/app"),
    ]
