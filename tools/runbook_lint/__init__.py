"""runbook-lint: a linter for operational runbooks."""

__version__ = "0.1.0"
