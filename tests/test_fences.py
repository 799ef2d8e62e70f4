"""RB007 on fences that are never closed: what is hidden decides whether it is worth a finding.

Cases taken from the shapes met in public runbook libraries (tests/corpus): a fence left open at
the end of a file, a closer one backtick short inside a list item that turns a sentence into
code, and fences inside list items that the item's end closes with nothing but code in them.
"""

from __future__ import annotations

import pytest

from .conftest import Runner, json_findings

LIST_OF_CODE = """\
# Workloads

- Production:
  - Regional
    ```
      gitlab-kas
      gitlab-mailroom
  - Zonal
    ```
       gitlab-registry

- Staging: none yet
"""

SENTENCE_IN_CODE = """\
# Queue

1. **Check host CPU usage**
   ```promql
   rate(cpu_usage_seconds_total[2m])
   ``
   If the CPU usage is more than 90%, migrate other VMs.

2. **Inspect guest processes**
"""

HEADING_AFTER = """\
# Lookup errors

## Diagnosis

```shell
$ kubectl describe service -n kube-system

## Mitigation

Restart the operator.
"""

SHELL_COMMENT = """\
# Replication

```shell
# gitlab-psql -d template1
select * from pg_replication_slots;
"""


def _rb007(run: Runner, text: str) -> list[str]:
    found = json_findings(run, {"docs/page.md": text}, "--select", "RB007", "docs/page.md")
    return [f["message"] for f in found]


def test_fences_a_list_item_ends_with_only_code_in_them_are_not_reported(run: Runner) -> None:
    assert _rb007(run, LIST_OF_CODE) == []


def test_a_sentence_read_as_code_in_a_list_item_is_reported(run: Runner) -> None:
    [message] = _rb007(run, SENTENCE_IN_CODE)
    assert "to the end of the list item" in message
    assert "including the text 'If the CPU usage is more...' (line 7)" in message


def test_a_heading_swallowed_to_the_end_of_the_file_is_named(run: Runner) -> None:
    [message] = _rb007(run, HEADING_AFTER)
    assert "to the end of the file" in message and "hiding the heading 'Mitigation'" in message


@pytest.mark.parametrize("text", [SHELL_COMMENT])
def test_a_comment_right_under_code_is_no_hidden_heading(run: Runner, text: str) -> None:
    [message] = _rb007(run, text)  # still open at the end of the file: still a finding
    assert "to the end of the file" in message and "heading" not in message
