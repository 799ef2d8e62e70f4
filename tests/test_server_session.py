"""The language server's session: which open files an edit or a change on disk checks again,
and that unsaved buffers are what every check reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_lint.server.session import Workspace

from .conftest import write_files

A = "# A\n\nSee [the steps](b.md#steps).\n"
B = "# B\n\n## Steps\n\nDo it.\n"


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Workspace, Path, Path]:
    write_files(
        tmp_path,
        {
            "runbook-lint.toml": 'select = ["RB303", "RB304"]\n',
            "runbooks/a.md": A,
            "runbooks/b.md": B,
            "runbooks/c.md": "# C\n",
        },
    )
    ws = Workspace([tmp_path])
    a, b = (tmp_path / "runbooks/a.md").resolve(), (tmp_path / "runbooks/b.md").resolve()
    return ws, a, b


def test_an_unsaved_edit_of_a_link_target_checks_the_linking_file_again(
    workspace: tuple[Workspace, Path, Path],
) -> None:
    ws, a, b = workspace
    ws.open(a, A)
    ws.open(b, B)
    assert ws.check(a).findings == ()
    assert b in ws.check(a).reads
    ws.check(b)
    ws.open(b, B.replace("## Steps", "## Stages"))  # not saved
    assert ws.edited(b) == [b, a]
    assert [f.rule for f in ws.check(a).findings] == ["RB304"]
    ws.close(b)  # the disk's text again
    assert ws.check(a).findings == ()


def test_changes_on_disk_check_again_what_depends_on_them(
    workspace: tuple[Workspace, Path, Path], tmp_path: Path
) -> None:
    ws, a, b = workspace
    ws.open(a, A)
    ws.check(a)
    c = (tmp_path / "runbooks/c.md").resolve()
    assert ws.changed([c]) == []  # nothing open read it
    assert ws.changed([b]) == [a]  # a's check read it
    assert ws.changed([c], created_or_deleted=True) == [a]  # links check that files exist
    template = (tmp_path / "runbooks/TEMPLATE.md").resolve()
    assert ws.changed([template]) == [a]  # an input of the session
    ws.check(a)
    ws.sessions[tmp_path.resolve()].lasting["kept"] = 1
    assert ws.changed([(tmp_path / "runbook-lint.toml").resolve()]) == [a]
    assert ws.sessions == {}  # the configuration is read again


def test_a_file_is_checked_as_check_in_its_workspace_folder(tmp_path: Path) -> None:
    write_files(tmp_path, {"lib/runbooks/x.md": "# X\n", "lib/runbook-lint.toml": ""})
    ws = Workspace([tmp_path / "lib"])
    checked = ws.check((tmp_path / "lib/runbooks/x.md").resolve())
    assert checked.display == "runbooks/x.md"
    alone = ws.check((tmp_path / "elsewhere.md").resolve())
    assert alone.error is not None and "no such file" in alone.error
