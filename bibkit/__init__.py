"""bibkit: turn pasted paper listings, identifier lists and ``.bib`` files into clean,
enriched BibTeX, and sync them into Zotero (see :mod:`zotero_bridge`).

Data flows one way: sources -> model -> enrichers -> tagging -> writers / bridge;
the public Python API is :mod:`bibkit.app` (see the README's Development section
for the layers).  This module only names the version — the one place it is
written (``pyproject.toml`` reads it from here) — so importing it costs nothing.
"""

__version__ = "0.1.0"
