"""Normalisation: the steps between reading and writing that make a document citeable.

:func:`normalise` runs them in the one order that keeps every promise:

1. **Duplicates** (:mod:`.dedupe`) are merged first, so a work listed twice
   becomes one entry and claims one key (not ``foo2024`` and ``foo2024a``).
2. **Citation keys** (:mod:`.citekeys`) are assigned to the survivors: pinned
   keys kept, new keys from the formula, unique and position-independent.

Title case protection and LaTeX escaping are not model changes — the model
holds plain Unicode — so they live in the BibTeX writer (``.latex``/``.casing``).

The function mutates the document's entries in place (keys, merged fields,
problems) and removes merged-away entries from ``doc.blocks``; it does no I/O
except reading the settings when no ``key_format`` is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from ..config import load_settings
from ..model import Document
from .citekeys import DEFAULT_FORMULA, FormulaError, KeyChange, assign_keys, compile_formula
from .dedupe import LikelyDuplicate, Merge
from .dedupe import dedupe as _dedupe
from .text import normalize_title

__all__ = ["NormaliseResult", "normalise", "Merge", "LikelyDuplicate", "KeyChange", "FormulaError", "normalize_title"]


@dataclass
class NormaliseResult:
    """What :func:`normalise` did, for summaries and ``--report``.

    ``merges``: one record per merged-away entry (``kept.key`` ← ``merged_key``);
    ``kept_apart``: groups of look-alike entries that were not merged (curated
    ``.bib`` entries that differ, reference targets, different works sharing a title);
    ``key_changes``: every entry whose key was set or changed (``old`` → ``new``);
    ``key_format``: the formula used.
    """

    merges: list[Merge] = field(default_factory=list)
    kept_apart: list[LikelyDuplicate] = field(default_factory=list)
    key_changes: list[KeyChange] = field(default_factory=list)
    key_format: str = DEFAULT_FORMULA

    @property
    def likely_duplicates(self) -> list[LikelyDuplicate]:
        """Groups that may be one work but were not merged (curated entries that differ, reference targets)."""
        return [g for g in self.kept_apart if g.kind != "same-title"]

    @property
    def merged_count(self) -> int:
        return len(self.merges)

    def merged_into(self) -> dict[str, list[str]]:
        """``{kept key: [merged keys…]}`` — "which keys were merged into which"."""
        out: dict[str, list[str]] = {}
        for m in self.merges:
            out.setdefault(m.kept.key or "?", []).append(m.merged_key or "?")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "key_format": self.key_format,
            "merges": [m.as_dict() for m in self.merges],
            "kept_apart": [g.as_dict() for g in self.kept_apart],
            "key_changes": [c.as_dict() for c in self.key_changes],
        }


def normalise(doc: Document, *, key_format: str | None = None, dedupe: bool = True,
              recompute_keys: bool = False, merge_curated: bool = False,
              reserved: Iterable[str] = ()) -> NormaliseResult:
    """Merge duplicates (unless ``dedupe=False``), then assign citation keys.

    ``key_format`` is a citation key formula; ``None`` means the user's setting
    (``BIBKIT_CITEKEY_FORMAT`` / ``[citekey] format``, default Better BibTeX's
    ``auth.lower + shorttitle(3,3) + year``).  A bad formula raises
    :class:`FormulaError` (a ``ValueError``) before anything is changed.
    ``recompute_keys=True`` recomputes every key not pinned by the input (use it
    after enrichment has added authors and years).  ``merge_curated=True``
    merges look-alike entries of ``.bib`` files even when their fields differ
    (``--merge-duplicates``; see :mod:`.dedupe`).  ``reserved`` keys (issued
    to other papers, :mod:`.pinning`) are never given to a new entry.
    """
    if key_format is None:
        key_format = load_settings().citekey_format
    formula = compile_formula(key_format)
    result = NormaliseResult(key_format=formula.source)
    if dedupe:
        found = _dedupe(doc, key_of=formula, merge_curated=merge_curated)
        result.merges, result.kept_apart = found.merges, found.kept_apart
    result.key_changes = assign_keys(doc.entries, formula.source, recompute=recompute_keys, reserved=reserved)
    return result
