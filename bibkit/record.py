"""The per-entry record: what the stages of one run learn about one entry.

Each :class:`~bibkit.model.Entry` carries an :class:`EntryRecord` (``entry.record``),
so what enrichment concluded, which tags a run added (and, as the tool grows,
an entry's key history, its user edits, the decisions that must stick, the
published version it was upgraded to) travels *with* the entry through every
stage — merging, re-keying, writing, the report — instead of living in side
tables keyed by ``id(entry)`` that a merge or a copy silently breaks.

The rule for adding to it: a field holds what one stage *learned* in this run
and a later stage or the report *needs*; bibliographic data itself belongs on
the entry (with its :class:`~bibkit.model.Provenance`).  Plain data only, so
this module sits just above :mod:`bibkit.findings` (the parts of a record only
some runs fill) and :mod:`bibkit.outcomes`, below the model.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from .outcomes import PageReader

if TYPE_CHECKING:  # pragma: no cover - loaded on first use (see __getattr__)
    from .findings import Candidate, Decision, EntryReport, FieldEdit, ReadBy, UpgradeReport

__all__ = ["Candidate", "Decision", "EntryRecord", "EntryReport", "FieldEdit", "KeyRecord", "KeySource", "PageReader",
           "ReadBy", "UpgradeReport"]

#: the parts of a record only some runs fill live in :mod:`bibkit.findings`, imported the first time one is asked
#: for here: a ``convert`` of a ``.bib`` file never builds their classes (start-up time)
_IN_FINDINGS = frozenset({"Candidate", "Decision", "EntryReport", "FieldEdit", "ReadBy", "UpgradeReport"})


def __getattr__(name: str) -> Any:
    if name not in _IN_FINDINGS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import findings

    value = getattr(findings, name)
    globals()[name] = value
    return value


class KeySource(enum.StrEnum):
    """Where an entry's citation key came from.

    ``formula``: made now by the key formula (a new paper); ``issued``: issued
    by an earlier run and kept (the prior output, its lock file).  The others
    are *pinned* — the user's, changed only with ``--rekey --force``:
    ``input`` (the key of an input ``.bib`` entry), ``keys-from`` (a
    ``--keys-from`` file), ``zotero`` (the ``citationKey`` of the matching
    Zotero item), ``user`` (a key the user typed into the output by hand, or an
    entry the user added there).
    """

    FORMULA = "formula"
    ISSUED = "issued"
    INPUT = "input"
    KEYS_FROM = "keys-from"
    ZOTERO = "zotero"
    USER = "user"

    @property
    def pinned(self) -> bool:
        """Whether the key is the user's (``--rekey`` refuses it unless ``--force``)."""
        return self not in (KeySource.FORMULA, KeySource.ISSUED)


@dataclass(slots=True)
class KeyRecord:
    """The key's history: where it came from (``source``, ``where`` a file or ``zotero:<item key>``),
    the key it replaced this run (``previous``: ``--rekey`` or a Zotero key adopted), the old names it
    still answers to (``aliases``, written as BibLaTeX's ``ids``), and ``issued``: the key of the
    earlier record (prior output, lock) this entry was matched to, which later steps look up."""

    source: KeySource
    where: str | None = None
    previous: str | None = None
    aliases: list[str] = field(default_factory=list)
    issued: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source.value, "where": self.where, "previous": self.previous,
                "aliases": list(self.aliases)}


@dataclass(slots=True)
class EntryRecord:
    """What this run's stages learned about one entry (``None``: that stage did not run on it).

    * ``enrichment`` — set by :func:`bibkit.enrich.enrich_document` (and the
      GitHub stage of ``bibkit repos``): resolution, fields set, repositories;
    * ``tags_added`` — set by :func:`bibkit.tagging.tag_entries`: the tags the
      run added (or, in a dry run, would add);
    * ``read_by`` — set by the readers of pasted text (:mod:`bibkit.sources.pages`):
      which reader made the entry, the shape it saw, how sure it was;
    * ``key`` — set when keys are pinned or assigned
      (:mod:`bibkit.normalize.pinning`): where the key came from, its aliases;
    * ``input_identity`` — the paper as the inputs described it (titles, IDs,
      abstract), kept in the lock so the next run recognises the same input
      record whatever enrichment or the user made of it;
    * ``edits`` — the fields the user changed by hand in the prior output
      (kept, and shown with what this run would have set);
    * ``protected`` — the field groups no stage may set (user edits, fields the
      user deleted): enrichment reports what it would have set instead;
    * ``decision`` — the user's decision about the entry's arXiv paper
      (``bibkit pick``, or an ``eprint`` written by hand);
    * ``upgrade`` — set by the published-version stage
      (:class:`bibkit.enrich.upgrade.PublishedVersions`): whether and to which
      publication the entry was moved, from which source (later stages read
      it: the report; the Zotero plan changes a preprint item's type in place).

    Later stages add their own fields here, typed the same way.
    """

    enrichment: EntryReport | None = None
    tags_added: list[str] | None = None
    key: KeyRecord | None = None
    #: what the inputs said the paper is, before enrichment (read-only: a compact mapping, one per entry)
    input_identity: Mapping[str, Any] | None = None
    edits: tuple[FieldEdit, ...] = ()  # (a tuple, added to by replacing it: no list of its own for every entry)
    protected: frozenset[str] = frozenset()
    decision: Decision | None = None
    read_by: ReadBy | None = None
    upgrade: UpgradeReport | None = None
