"""`runbook-lint check` on a plain folder of runbooks that follows its own template."""

from __future__ import annotations

from .conftest import Runner, lines_of

TEMPLATE = """\
# AlertName

## Meaning

What the alert means.

## Impact

Who is affected.

## Diagnosis

How to find the cause.

## Mitigation

What to do.
"""

GOOD = """\
# KubePodCrashLooping

## Meaning

A pod restarts repeatedly.

## Impact

The service may be degraded.

## Diagnosis

```console
$ kubectl -n <namespace> describe pod <pod>
$ kubectl -n <namespace> logs <pod> --previous
```

## Mitigation

Fix the configuration; see [the deployment guide](../../guides/deploy.md).
"""

README = "# Alert runbooks\n\nIndex.\n\n# Contributing\n\nSend a PR.\n\n# License\n\nMIT\n"


def test_foreign_template_is_the_reference(run: Runner) -> None:
    files = {
        "runbook-lint.toml": 'runbooks = "alerts"\ntemplate = "alerts/TEMPLATE.md"\n',
        "alerts/TEMPLATE.md": TEMPLATE,
        "alerts/README.md": README,
        "alerts/kubernetes/KubePodCrashLooping.md": GOOD,
        "alerts/kubernetes/KubeNodeNotReady.md": GOOD.replace(
            "KubePodCrashLooping", "KubeNodeNotReady"
        ).replace("## Impact\n\nThe service may be degraded.\n\n", ""),
        "guides/deploy.md": "# Deploy\n",
    }
    code, out, _ = run(files, "check", "alerts")
    assert code == 1
    assert lines_of(out) == [
        "alerts/kubernetes/KubeNodeNotReady.md:7:1: RB101 error missing required section "
        "'Impact' (template: alerts/TEMPLATE.md)",
    ]


def test_plain_folder_without_template_only_gets_generic_checks(run: Runner) -> None:
    files = {
        "notes/README.md": README,
        "notes/db.md": "# DB\n\nRun `psql \u2013c 'select 1'` and see [x](missing.md).\n",
        "notes/win.md": "# Windows\r\n\r\nLine endings\r\n",
    }
    code, out, _ = run(files, "check", "notes")
    assert code == 1
    assert lines_of(out) == [
        "notes/db.md:3:11: RB401 error en dash in code: a pasted command will fail; type the "
        "ASCII character instead",
        "notes/db.md:3:38: RB303 error link to 'missing.md': no such file (notes/missing.md)",
    ]
