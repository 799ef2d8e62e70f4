"""Worker processes: the report is the same byte for byte whatever the number of workers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runbook_lint import engine
from runbook_lint.cli import main
from tests.bench.corpus import generate

SUPPRESSED = "<!-- runbook-lint: disable=RB303 -- reason: the page moves next week -->\n"
UNUSED = "<!-- runbook-lint: disable=RB121 -- reason: nothing to suppress here -->\n"


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Enough runbooks for several workers, with findings from per-document and library rules,
    a used and an unused suppression, and a bad directive."""
    generate(tmp_path, files=3 * engine.MIN_PARALLEL, seed=5)
    books = sorted((tmp_path / "runbooks").rglob("runbook-*.md"))
    for n, path in enumerate(books[::7]):
        text = path.read_text(encoding="utf-8")
        text = text.replace("## Rollback\n", f"## Rollback\n\n{SUPPRESSED}See [a](gone-{n}.md).\n")
        text = text.replace("**Verification:**", "Check it.", 1)
        text = text.replace("## References\n", f"## References\n\n{UNUSED}")
        path.write_text(text + "<!-- runbook-lint: frobnicate -->\n", encoding="utf-8")
    books[3].unlink()  # listed in the index, now a broken index entry
    with books[5].open("a", encoding="utf-8") as handle:  # the copy below claims it again
        handle.write("\n## Stage conflicts\n\n**Signals:** `stage_conflict`\n")
    (tmp_path / "runbooks" / "db" / "unlisted.md").write_text(
        books[5].read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["check", "--no-cache", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["json", "text", "sarif"])
def test_one_and_several_workers_report_the_same_bytes(
    library: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    one = lint(capsys, "--format", fmt, "-j", "1")
    assert one[0] == 1
    for jobs in ("2", "3", "5"):
        assert lint(capsys, "--format", fmt, "-j", jobs) == one
    assert lint(capsys, "--format", fmt) == one  # the default: one worker per core


def test_the_report_has_findings_of_every_kind(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = json.loads(lint(capsys, "--format", "json", "-j", "2")[1])["findings"]
    rules = {f["rule"] for f in findings}
    assert {"RB009", "RB010", "RB121", "RB301", "RB302", "RB321"} <= rules
    # the copy claims the signals of its original: found from the facts the workers sent
    claimed = [f["path"] for f in findings if f["rule"] == "RB321"]
    assert len(claimed) == 1 and "stage_conflict" in json.dumps(findings)
    assert not [f for f in findings if "gone-" in f["message"]]  # suppressed in every file


def test_workers_are_used_and_the_cache_matches_them(
    library: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    pools: list[int] = []
    real_get_context = multiprocessing.get_context

    def spying(method: str | None = None):  # type: ignore[no-untyped-def]
        ctx = real_get_context(method)
        pool = ctx.Pool

        def counted(processes: int):  # type: ignore[no-untyped-def]
            pools.append(processes)
            return pool(processes)

        ctx.Pool = counted  # type: ignore[method-assign]
        return ctx

    monkeypatch.setattr(multiprocessing, "get_context", spying)
    capsys.readouterr()
    assert main(["check", "--format", "json", "-j", "2"]) == 1
    parallel = capsys.readouterr().out
    assert pools and set(pools) == {2}
    used = len(pools)
    assert main(["check", "--format", "json", "-j", "1"]) == 1
    assert capsys.readouterr().out == parallel  # warm, from what the workers computed
    assert len(pools) == used


def test_a_broken_contract_in_a_worker_is_a_usage_error(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    contract = library / "schemas" / "cli" / "opsctl.json"
    data = json.loads(contract.read_text(encoding="utf-8"))
    data["commands"][0]["options"][0]["arguments"] = "none"
    contract.write_text(json.dumps(data), encoding="utf-8")
    one = lint(capsys, "-j", "1")
    assert one[0] == 2 and "opsctl.json" in one[2] and "Traceback" not in one[2]
    assert lint(capsys, "-j", "2") == one


def test_jobs_must_be_positive(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = lint(capsys, "-j", "0")
    assert code == 2 and "--jobs must be at least 1" in err
