"""Static files as served in production: names carrying their content's hash, compressed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage

from pathways.core.filemodes import make_public


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    """whitenoise's manifest storage, also rewriting the `import … from "…"` of our JavaScript
    modules (init.mjs imports GOV.UK Frontend), so a module gets the hashed name of what it
    imports and every file can be kept for a year."""

    support_js_module_import_aggregation = True
    _module_patterns = CompressedManifestStaticFilesStorage._js_module_import_aggregation_patterns
    patterns = (
        *CompressedManifestStaticFilesStorage.patterns,
        ("*.mjs", _module_patterns[1]),
    )

    def post_process(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        """Collected, then readable by all: files made while Pathways' umask keeps them private
        (core/filemodes.py) would otherwise be unreadable to the container's own user, as the
        image collects them as root."""
        yield from super().post_process(*args, **kwargs)
        make_public(self.location)
