"""The library: which files are checked, what kind each is, and read access to every file.

Rules and the engine use `Library` (`library.py`); the other modules are its parts, each
readable alone: `discovery` (layout, walking, kinds, scope), `files` (reading and decoding, load
problems), `store` (parsed documents kept packed), `tracking` (reads logged for the cache),
`facts` (per-document values for library-wide rules), `templates` (the template a runbook
follows), `index` (the index's links, partly parsed) and `links` (where a link leads).
"""

from __future__ import annotations

from .library import Exported, Library

__all__ = ["Exported", "Library"]
