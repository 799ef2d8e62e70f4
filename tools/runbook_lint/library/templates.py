"""Which template a runbook follows, and what each template requires (read once per run)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..document import Document
from ..document.template import (
    TemplateSpec,
    default_spec,
    is_stub,
    sections_spec,
    spec_from_document,
)
from ..profiles import STORY, profile
from .discovery import TEMPLATE_NAMES, Discovery


class Templates:
    def __init__(
        self,
        layout: Discovery,
        derived: Callable[[Path, str, Callable[[Document], TemplateSpec]], TemplateSpec | None],
    ) -> None:
        """`derived` is `Library.derived`: a template's requirements are read once per parse."""
        self.layout = layout
        self._derived = derived
        self._templates: dict[Path, TemplateSpec | None] = {}
        self._template_of: dict[tuple[str, str], TemplateSpec | None] = {}
        self._template_at: dict[tuple[str, str], TemplateSpec | None] = {}

    def template_for(self, doc: Document) -> TemplateSpec | None:
        """The template `doc` follows; looked up once per document (every template and label
        rule asks, and the lookup stats files)."""
        key = (doc.path, doc.kind)
        if key not in self._template_of:
            self._template_of[key] = self._find_template(doc.path, doc.kind, lambda: is_stub(doc))
        return self._template_of[key]

    def template_at(self, display: str, kind: str) -> TemplateSpec | None:
        """The template the file `display` of kind `kind` follows, without its document (a
        stub, see `is_stub`, is taken for a runbook)."""
        key = (display, kind)
        if key not in self._template_at:
            self._template_at[key] = self._find_template(display, kind, lambda: False)
        return self._template_at[key]

    def _find_template(
        self, display: str, kind: str, stub: Callable[[], bool]
    ) -> TemplateSpec | None:
        layout = self.layout
        path = layout.absolute(display)
        if kind == "drill" and layout.drill_template_path.is_file():
            return self._template(layout.drill_template_path)
        if kind not in ("runbook", "drill"):
            return None
        chosen = profile(layout.config.profile)
        if chosen.name != STORY:
            if not chosen.checks_sections or stub():
                return None
            if layout.template_path.is_file():
                return self._template(layout.template_path)
            return self._sections(layout.config.sections or chosen.sections)
        if layout.runbooks_dir in path.parents:
            if layout.template_path.is_file():
                return self._template(layout.template_path)
            return self._default()
        for folder in path.parents:
            for name in TEMPLATE_NAMES:
                candidate = folder / name
                if candidate.is_file() and candidate != path:
                    return self._template(candidate)
            if folder == layout.root or folder == layout.cwd:
                break
        return None

    def _sections(self, titles: tuple[str, ...]) -> TemplateSpec:
        key = Path("<sections>")
        if key not in self._templates:
            self._templates[key] = sections_spec(titles)
        spec = self._templates[key]
        assert spec is not None
        return spec

    def _default(self) -> TemplateSpec:
        key = Path("<default>")
        if key not in self._templates:
            self._templates[key] = default_spec()
        spec = self._templates[key]
        assert spec is not None
        return spec

    def _template(self, path: Path) -> TemplateSpec | None:
        if path not in self._templates:
            display = self.layout.display(path)
            self._templates[path] = self._derived(
                path, "template-spec", lambda doc: spec_from_document(doc, display)
            )
        return self._templates[path]
