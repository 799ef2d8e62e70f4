"""Shared fixtures of the browser tests: one site build and one Chromium per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.site_helpers import (
    CHROMIUM_ARGS,
    REPO,
    Build,
    build,
    chromium,
    chromium_problem,
    require_assets,
    unavailable,
)

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    """Without Chromium: skipped on a developer's machine, failed under CI=true."""
    problem = chromium_problem()
    if problem is not None:
        unavailable(problem)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The site built once ($RUNBOOK_SITE_PROJECT builds another project folder)."""
    require_assets()
    project = Path(os.environ.get("RUNBOOK_SITE_PROJECT", REPO))
    result = build(project, tmp_path_factory.mktemp("site") / "site")
    assert result.returncode == 0, result.log
    return result


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(chromium()), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
