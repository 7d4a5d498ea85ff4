"""bibkit: turn pasted paper listings, identifier lists and ``.bib`` files into clean,
enriched BibTeX, and sync them into Zotero (see :mod:`zotero_bridge`).

Data flows one way: sources -> model -> enrichers -> tagging -> writers / bridge.
"""

__version__ = "0.1.0"
