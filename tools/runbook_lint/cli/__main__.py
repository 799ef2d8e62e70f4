"""`python -m runbook_lint.cli`: the same command line as `runbook-lint`."""

from __future__ import annotations

from .main import main

raise SystemExit(main())
