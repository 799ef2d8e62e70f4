from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from .harness import make_project

# A fixed budget keeps CI bounded and reproducible; RUNBOOK_LINT_FUZZ_SCALE=20 runs a deeper,
# still derandomized, search locally.
SCALE = max(1, int(os.environ.get("RUNBOOK_LINT_FUZZ_SCALE", "1") or 1))
# Shrinking a failure can take minutes; CI reports the failing example as found, and
# RUNBOOK_LINT_FUZZ_SHRINK=1 shrinks it to a minimal reproducer.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate) + (
    (Phase.shrink,) if os.environ.get("RUNBOOK_LINT_FUZZ_SHRINK") else ()
)


def budget(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        phases=PHASES,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
            HealthCheck.large_base_example,
        ],
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("fuzz"))


@contextlib.contextmanager
def placed(root: Path, files: dict[str, bytes]) -> Iterator[None]:
    """Put `files` into the project for one example, then restore what was there."""
    saved: dict[Path, bytes | None] = {}
    for rel, data in files.items():
        path = root / rel
        saved[path] = path.read_bytes() if path.is_file() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    try:
        yield
    finally:
        for path, old in saved.items():
            if old is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(old)
