"""Coverage-guided fuzzing of the whole pipeline with atheris (libFuzzer).

    .venv/bin/python -m tests.fuzz.atheris_markdown -runs=20000 -max_len=20000 [CORPUS_DIR]

Each input is written as a runbook into a small library (or, when it starts with `{` or `[`,
as a JSON sample) and checked in JSON format; any failed property aborts with the input saved
by libFuzzer as `crash-*`. Add a reproducer to tests/adversarial/ after fixing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import runbook_lint.engine
    import runbook_lint.rules  # noqa: F401

from tests.fuzz.harness import check_output, make_project, run_cli, seed_documents

ROOT = make_project(Path(tempfile.mkdtemp(prefix="atheris-")))
RUNBOOK = "runbooks/fuzz.md"
SAMPLE = "runbooks/samples/dkt/stale-heartbeat/state/heartbeat_status.json"


def test_one_input(data: bytes) -> None:
    target = SAMPLE if data[:1] in (b"{", b"[") else RUNBOOK
    path = ROOT / target
    original = path.read_bytes() if path.is_file() else None
    path.write_bytes(data)
    try:
        check_output(ROOT, "json", run_cli(ROOT, ["check", "--format", "json", target]))
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


def main(argv: list[str]) -> None:
    if not any(not a.startswith("-") for a in argv[1:]):  # no corpus folder: seed one
        corpus = Path(tempfile.mkdtemp(prefix="atheris-corpus-"))
        for index, seed in enumerate(seed_documents()):
            (corpus / f"seed-{index}").write_bytes(seed)
        argv = [*argv, str(corpus)]
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
