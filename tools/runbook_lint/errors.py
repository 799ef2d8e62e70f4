"""The one error type the command line turns into exit code 2."""

from __future__ import annotations


class UsageError(Exception):
    """A usage or configuration problem: reported as one line, exit code 2."""
