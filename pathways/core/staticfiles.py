"""Static files as served in production: names carrying their content's hash, compressed."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


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
