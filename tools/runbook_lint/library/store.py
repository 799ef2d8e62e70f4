"""Parsed documents kept for the rest of a run, in little memory.

Documents outside the checked set (the index, the target of a link) are read and parsed once
and kept. A kept document has no token stream: every property is computed from the extracted
model. The most recent are kept as objects; older ones are pickled and compressed (about 5 KB
for a 160-line runbook, a tenth of the cost of parsing again), so memory stays flat however
large the library.
"""

from __future__ import annotations

import pickle
import zlib
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from ..document import Document
from .files import Loaded

T = TypeVar("T")

RETAIN = 64  # parsed documents kept as objects; older ones are kept packed (a few KB each)


def slim(doc: Document) -> Document:
    """The same document without its token stream: every property is computed from the
    extracted model, which is built here once."""
    return Document.from_extracted(doc.path, doc.text, doc.kind, doc.extracted)


def pack(doc: Document) -> bytes:
    """A slim document as compressed bytes (this process's own data: never read from disk)."""
    return zlib.compress(pickle.dumps((doc.path, doc.text, doc.kind, doc.extracted), 5), 1)


def unpack(data: bytes) -> Document:
    path, text, kind, extracted = pickle.loads(zlib.decompress(data))
    return Document.from_extracted(path, text, kind, extracted)


class DocumentStore:
    """Loaded files by key: the last `RETAIN` as objects, older parsed ones packed. The
    `pinned` files (the index and the templates, asked for again and again) stay objects."""

    def __init__(self, pinned: Collection[Path]) -> None:
        self._loaded: OrderedDict[Path, Loaded] = OrderedDict()
        self._packed: dict[Path, tuple[Loaded, bytes]] = {}
        self._pinned = frozenset(pinned)
        # Values computed from a kept document (`Library.derived`, facts), by key and name.
        self.facts: dict[Path, dict[str, Any]] = {}
        # Facts read from part of a file that is not kept (`Library.fact`), by key and name,
        # with the digest of the bytes they were read from: a store that outlives a run (the
        # language server's) answers them again while the bytes are the same.
        self.partial: dict[tuple[Path, str], tuple[Any, str]] = {}

    def held(self, key: tuple[Path, str], state: str, compute: Callable[[], T]) -> T:
        """`compute()` for the file and name of `key`, computed again only when `state` (the
        digest of what it was read from) differs from the last time."""
        found = self.partial.get(key)
        if found is None or found[1] != state:
            found = (compute(), state)
            self.partial[key] = found
        value: T = found[0]
        return value

    def __contains__(self, key: Path) -> bool:
        return key in self._loaded or key in self._packed

    def buffer(self, key: Path) -> bytes | None:
        """Bytes that stand for the file at `key` instead of the disk's (none here; see
        `LastingStore`)."""
        return None

    def reading(self, key: Path) -> None:
        """The file at `key` is about to be read (see `LastingStore`)."""

    def get(self, key: Path) -> Loaded | None:
        """The file kept under `key`, unpacked if need be; None if it was never kept."""
        loaded = self._loaded.get(key)
        if loaded is None and key in self._packed:
            bare, data = self._packed[key]  # kept: evicting the object again costs nothing
            loaded = replace(bare, document=unpack(data))
            self.keep(key, loaded)
        elif loaded is not None:
            self._loaded.move_to_end(key)
        return loaded

    def bare(self, key: Path) -> Loaded | None:
        """What is known of the file without its document (nothing is unpacked)."""
        return self._loaded.get(key) or self._packed.get(key, (None,))[0]

    def keep(self, key: Path, loaded: Loaded) -> None:
        if loaded.document is not None:
            loaded = replace(loaded, document=slim(loaded.document), data=None)
        self._loaded[key] = loaded
        excess = len(self._loaded) - RETAIN
        if excess <= 0:
            return
        pinned = self._pinned
        for oldest in list(islice((k for k in self._loaded if k not in pinned), excess)):
            old = self._loaded.pop(oldest)
            if old.document is not None and oldest not in self._packed:
                self._packed[oldest] = (replace(old, document=None), pack(old.document))

    def adopt(self, key: Path, bare: Loaded, packed: bytes | None) -> None:
        """Keep a file parsed in another process (`packed` None: it has no document)."""
        if packed is None:
            self._loaded[key] = bare
        else:
            self._loaded.pop(key, None)
            self._packed[key] = (bare, packed)
