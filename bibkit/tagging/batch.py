"""The library functions behind ``bibkit tag`` and ``bibkit collections``.

Both read their inputs the way ``bibkit convert`` does (same readers, same
duplicate merging and citation keys), so the keys a user sees in a tag report
are the keys of the ``.bib`` they will cite from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from ..model import Document, Entry
from . import TagResult
from .auto import AutoTagOptions
from .rules import RuleSet


@dataclass
class TagRun:
    """``bibkit tag``: the tagged document, what tagging did, and where it was written."""

    document: Document
    tagging: TagResult
    output: str | None
    backup: Path | None = None
    merges: list[Any] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = self.tagging.as_dict()
        out["output"] = self.output
        out["backup"] = str(self.backup) if self.backup else None
        out["merged"] = [m.as_dict() if hasattr(m, "as_dict") else str(m) for m in self.merges]
        return out


def resolve_options(rules: RuleSet | None, **overrides: Any) -> AutoTagOptions:
    """The automatic-tag options in force: the rules file's ``[auto]`` (or defaults), then ``overrides``
    (``None`` values are ignored, so unset command-line flags change nothing)."""
    base = rules.auto if rules is not None else AutoTagOptions()
    return base.with_overrides(**overrides)


def read_and_tag(
    inputs: Sequence[str],
    rules: RuleSet | str | Path | None,
    *,
    auto: AutoTagOptions | None = None,
    fmt: str | None = None,
    strict: bool = False,
    key_format: str | None = None,
    dedupe: bool = True,
    apply: bool = True,
) -> tuple[Document, TagResult, list[Any]]:
    """Read and normalise inputs as ``convert`` does, then tag them; rules are validated before any input is read."""
    from ..pipeline import build

    run = build(inputs, None, fmt=fmt, strict=strict, key_format=key_format, dedupe=dedupe, enrich=False,
                rules=rules, auto_tags=auto, dry_run=not apply)
    return run.document, run.tagging, run.merges


def tag_files(
    inputs: Sequence[str],
    out: str | None,
    rules: RuleSet | str | Path | None,
    *,
    auto: AutoTagOptions | None = None,
    fmt: str | None = None,
    to: str = "bibtex",
    ascii: bool = False,
    strict: bool = False,
    key_format: str | None = None,
    dedupe: bool = True,
    code_note: bool = False,
    dry_run: bool = False,
    merge_duplicates: bool = False,
) -> TagRun:
    """Read inputs, tag them, and write the result to ``out`` (``-``: stdout) unless ``dry_run``.

    The same pipeline as ``bibkit build`` with the network stage switched off.
    """
    from ..pipeline import build

    run = build(inputs, out or "-", fmt=fmt, to=to, ascii=ascii, strict=strict, key_format=key_format,
                dedupe=dedupe, code_note=code_note, enrich=False, rules=rules, auto_tags=auto, dry_run=dry_run,
                merge_duplicates=merge_duplicates)
    return TagRun(run.document, run.tagging, run.output, backup=run.backup, merges=run.merges)


# --------------------------------------------------------------------------- one collection per tag


@dataclass
class Collection:
    """The entries that would go into one collection (one tag)."""

    name: str  # the collection path ("PARENT/tag" with a parent)
    tag: str
    entries: list[Entry] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "tag": self.tag, "count": len(self.entries),
                "keys": [e.key for e in self.entries]}


@dataclass
class CollectionSplit:
    collections: list[Collection]
    untagged: list[Entry]
    parent: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "parent": self.parent,
            "collections": [c.as_dict() for c in self.collections],
            "untagged": [e.key for e in self.untagged],
        }


def split_by_tag(entries: Sequence[Entry], parent: str | None = None, *, only: Sequence[str] | None = None) -> CollectionSplit:
    """Group entries into one collection per tag (an entry with three tags is in three collections).

    Collections are ordered largest first, then by name; entries keep input
    order.  Tags differing only in case share one collection (Zotero matches
    collection names case-insensitively when it looks them up).  ``only``
    restricts the split to the given tags.  A tag containing ``/`` becomes a
    nested collection, as it will in Zotero.
    """
    wanted = {t.casefold() for t in only} if only is not None else None
    groups: dict[str, Collection] = {}
    untagged: list[Entry] = []
    prefix = parent.strip().strip("/") + "/" if parent and parent.strip().strip("/") else ""
    for entry in entries:
        placed: set[str] = set()
        for tag in entry.tags:
            folded = tag.casefold()
            if (wanted is not None and folded not in wanted) or folded in placed:
                continue
            coll = groups.get(folded)
            if coll is None:
                coll = groups[folded] = Collection(prefix + tag, tag)
            coll.entries.append(entry)
            placed.add(folded)
        if not placed:
            untagged.append(entry)
    ordered = sorted(groups.values(), key=lambda c: (-len(c.entries), c.name.casefold()))
    return CollectionSplit(ordered, untagged, prefix.rstrip("/") or None)
