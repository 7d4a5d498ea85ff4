"""A preprint item whose paper has been published: its type changes in place (issue 13).

An item's type is the user's and the plan never changes it, with two
exceptions: the generic ``document`` an un-enriched entry became, and — this
module — a ``preprint`` whose entry now cites the paper at its venue (bibkit's
published-version stage moved it to ``@inproceedings``/``@article``, the arXiv
ID kept).  Matching (by arXiv ID) finds the same item, so it is updated, never
duplicated.

Zotero keeps a field the new type lacks as an Extra line, and carries a base
field over under the new type's name (the preprint's ``repository`` "arXiv"
would become the conference paper's ``publisher``), so the update also empties
what only the preprint had (:func:`clear_preprint_fields`).
"""

from __future__ import annotations

from typing import Any

from bibkit.model import Entry

from .mapping import ItemDraft, arxiv_of
from .schema import Schema

__all__ = ["PUBLISHED_TYPES", "clear_preprint_fields", "moves_to_published"]

#: item types of a published version (a preprint item becomes one when its paper is cited at its venue)
PUBLISHED_TYPES = frozenset({"conferencePaper", "journalArticle", "bookSection"})
#: item properties that are not fields
_NOT_FIELDS = frozenset({"key", "version", "itemType", "creators", "tags", "collections", "relations", "extra",
                         "dateAdded", "dateModified", "deleted", "parentItem"})


def moves_to_published(old_type: str, wanted_type: str, entry: Entry) -> bool:
    """Whether a ``preprint`` item becomes ``wanted_type``: the entry is the same arXiv paper, published."""
    return old_type == "preprint" and wanted_type in PUBLISHED_TYPES and arxiv_of(entry) is not None


def clear_preprint_fields(item: dict[str, Any], draft: ItemDraft, itype: str, schema: Schema,
                          changes: dict[str, tuple[Any, Any]], patch: dict[str, Any]) -> None:
    """Add to ``changes``/``patch`` the ``""`` that empties each field only the preprint had.

    For a field the new type names differently: the old name, and the new name
    unless the entry has a value for it.  arXiv's own DOI goes too when the
    publication has none (ICLR, NeurIPS).
    """
    old_type = item.get("itemType") or "preprint"
    for name, value in item.items():
        if name in _NOT_FIELDS or not isinstance(value, str) or not value.strip():
            continue
        new_name = schema.specific(itype, schema.base_of(old_type, name))
        if new_name == name:
            continue
        changes[name], patch[name] = (value, ""), ""
        if new_name is not None and new_name not in draft.data and not str(item.get(new_name) or "").strip():
            changes[new_name], patch[new_name] = (value, ""), ""
    doi = str(item.get("DOI") or "")
    if doi.lower().startswith("10.48550/") and "DOI" not in draft.data:
        changes["DOI"], patch["DOI"] = (doi, ""), ""
