"""The same input gives byte-identical output: run after run, with and without the cache, with
one or several workers, and whatever order the files were created in."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from runbook_lint.cli import build_parser
from tests.fuzz.harness import FORMATS, make_project, run_cli, seed_documents, write_files


def _options() -> set[str]:
    check = build_parser()._subparsers._group_actions[0].choices["check"]  # type: ignore[union-attr]
    return {s for action in check._actions for s in action.option_strings}


OPTIONS = _options()


def test_the_options_these_tests_vary_exist() -> None:
    # The cache and worker tests below need them; without them they must fail, not pass.
    assert {"--no-cache", "--jobs"} <= OPTIONS


def _extra_files() -> dict[str, bytes]:
    """Messy files that give findings of many rules, on several paths."""
    seeds = seed_documents()
    files: dict[str, bytes] = {}
    for index, data in enumerate(seeds[:4]):
        crlf = data.replace(b"\n", b"\r\n") if index % 3 == 0 else data
        files[f"runbooks/copy-{index:02d}.md"] = crlf[: len(crlf) - index * 97]
        files[f"runbooks/drills/drill-{index:02d}.md"] = data[: len(data) // 2]
        files[f"runbooks/zz/nested/{index}/deep.md"] = b"# Deep\n\n[x](../../missing.md#a)\n"
    files["runbooks/Upper.md"] = b"# Upper\n\nOwner: x\n"
    files["runbooks/lower.md"] = b"# lower\n\n```bash\nopsctl nope --x\n```\n"
    files["runbooks/été.md"] = b"# Ete\n"
    return files


def _library(root: Path, order: str) -> Path:
    """The same library; files (and folders) created in `order`."""
    make_project(root)
    files = _extra_files()
    names = sorted(files)
    if order == "reverse":
        names.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(names)
    for name in names:
        write_files(root, {name: files[name]})
    return root


def _outputs(root: Path, *extra: str) -> dict[str, str]:
    out = {}
    for fmt in FORMATS:
        result = run_cli(root, ["check", "--format", fmt, *extra])
        assert result.code == 1, result.err
        out[fmt] = result.out
    return out


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _library(tmp_path_factory.mktemp("det"), "sorted")


def test_two_runs_give_the_same_bytes(library: Path) -> None:
    first = _outputs(library, "--no-cache")
    assert _outputs(library, "--no-cache") == first
    assert first["json"].count('"rule"') > 20  # a report with something in it


def test_creation_order_does_not_change_the_output(tmp_path: Path, library: Path) -> None:
    expected = _outputs(library, "--no-cache")
    for order in ("reverse", "shuffled"):
        other = _library(tmp_path / order, order)
        assert _outputs(other, "--no-cache") == expected, order


def test_cold_warm_and_uncached_runs_agree(tmp_path: Path, library: Path) -> None:
    root = tmp_path / "cached"
    shutil.copytree(library, root)
    uncached = _outputs(root, "--no-cache")
    cold = _outputs(root)  # fills the cache (each format after the first reads it)
    warm = _outputs(root)
    assert cold == uncached
    assert warm == uncached
    # a changed file is checked again, and only its findings change
    target = root / "runbooks/lower.md"
    target.write_bytes(b"# lower\n\nOwner: y\n")
    assert _outputs(root) == _outputs(root, "--no-cache")


def test_one_or_several_workers_agree(library: Path) -> None:
    one = _outputs(library, "--jobs", "1", "--no-cache")
    assert _outputs(library, "--jobs", "2", "--no-cache") == one
    assert _outputs(library, "--jobs", "3", "--no-cache") == one


def test_a_corrupt_cache_is_ignored(tmp_path: Path, library: Path) -> None:
    root = tmp_path / "corrupt"
    shutil.copytree(library, root)
    expected = _outputs(root, "--no-cache")
    _outputs(root, "--jobs", "2")
    caches = [p for p in (root / ".cache").rglob("*") if p.is_file()]
    assert caches, "the cache wrote nothing"
    for path in caches:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] + b"\x00garbage")
    assert _outputs(root, "--jobs", "2") == expected
