"""Zotero's ``extra`` field, line by line: the lines the bridge manages vs. the user's own.

``extra`` is one free-text field that several parties write into: Zotero's
translators (``arXiv:2401.06066 [cs.CL]``, ``version: 2``), Better BibTeX and
Zotero's own BibTeX exporter (``Citation Key: …``), importers (``PMID: …``,
``arXiv: …`` with a space) and the user.  The bridge owns exactly four kinds of
line and merges them in; every other line is kept verbatim, in place:

* ``Citation Key: <key>`` — Zotero's BibTeX exporter takes the key from here first;
* ``arXiv:<id> [<primary class>]`` — exactly the arXiv translator's form;
* identifier lines Zotero's importers write: ``DOI: <doi>`` (only on item types
  without a DOI field), ``PMID:``, ``PMCID:`` (where the type has no such
  field), ``LCCN:``, ``MR:`` and ``Zbl:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: identifier kinds written as ``<Label>: <value>`` (Zotero's BibTeX import labels)
ID_LABELS = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "lccn": "LCCN", "mr": "MR", "zbl": "Zbl"}

_PATTERNS: dict[str, re.Pattern[str]] = {
    "citation-key": re.compile(r"^\s*citation[ _-]?key\s*:\s*(\S.*?)\s*$", re.IGNORECASE),
    "arxiv": re.compile(r"^\s*arxiv\s*:\s*([^\s\[\]]+)(?:\s*\[([^\]]*)\])?\s*$", re.IGNORECASE),
    **{kind: re.compile(rf"^\s*{label}\s*:\s*(\S.*?)\s*$", re.IGNORECASE) for kind, label in ID_LABELS.items()},
}
#: order in which new managed lines are written (the arXiv translator's line after the key, as Zotero shows it)
KINDS = ("citation-key", "arxiv", *ID_LABELS)


@dataclass(frozen=True)
class Managed:
    """The values the bridge wants expressed in ``extra`` (``None`` = no opinion, leave as is).

    ``ids`` maps identifier kinds of :data:`ID_LABELS` to values.
    """

    citation_key: str | None = None
    arxiv: str | None = None
    arxiv_class: str | None = None
    ids: tuple[tuple[str, str], ...] = ()

    def value(self, kind: str) -> str | None:
        if kind == "citation-key":
            return self.citation_key
        if kind == "arxiv":
            return self.arxiv
        return dict(self.ids).get(kind)

    @property
    def doi(self) -> str | None:
        return self.value("doi")

    @property
    def pmid(self) -> str | None:
        return self.value("pmid")


@dataclass(frozen=True)
class ExtraInfo:
    """What an ``extra`` text says in the lines the bridge understands (first line of each kind)."""

    citation_key: str | None = None
    arxiv: str | None = None
    arxiv_class: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    user_lines: tuple[str, ...] = ()

    @property
    def doi(self) -> str | None:
        return self.ids.get("doi")

    @property
    def pmid(self) -> str | None:
        return self.ids.get("pmid")


def classify(line: str) -> tuple[str, re.Match[str]] | None:
    """``(kind, match)`` for a managed line, ``None`` for a user line."""
    for kind, pattern in _PATTERNS.items():
        m = pattern.match(line)
        if m:
            return kind, m
    return None


def render(kind: str, managed: Managed) -> str:
    """The canonical text of one managed line."""
    if kind == "citation-key":
        return f"Citation Key: {managed.citation_key}"
    if kind == "arxiv":
        # the arXiv translator: new-style IDs carry the primary category, old-style (archive/number) none
        if managed.arxiv_class and "/" not in (managed.arxiv or ""):
            return f"arXiv:{managed.arxiv} [{managed.arxiv_class}]"
        return f"arXiv:{managed.arxiv}"
    if kind in ID_LABELS:
        return f"{ID_LABELS[kind]}: {managed.value(kind)}"
    raise ValueError(kind)


def split_lines(text: str | None) -> list[str]:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n") if text else []


def parse(text: str | None) -> ExtraInfo:
    """Read the managed values out of an ``extra`` text; everything else is a user line."""
    found: dict[str, re.Match[str]] = {}
    user: list[str] = []
    for line in split_lines(text):
        hit = classify(line)
        if hit and hit[0] not in found:
            found[hit[0]] = hit[1]
        elif not hit:
            user.append(line)
    arxiv = found.get("arxiv")
    return ExtraInfo(
        citation_key=found["citation-key"].group(1) if "citation-key" in found else None,
        arxiv=arxiv.group(1) if arxiv else None,
        arxiv_class=(arxiv.group(2) or None) if arxiv else None,
        ids={kind: found[kind].group(1) for kind in ID_LABELS if kind in found},
        user_lines=tuple(user),
    )


def _equivalent(kind: str, match: re.Match[str], managed: Managed) -> bool:
    """Whether an existing line already says what ``managed`` wants (so it is left untouched)."""
    value = managed.value(kind) or ""
    if kind == "arxiv":
        same_id = match.group(1).lower() == value.lower()
        wanted_class = managed.arxiv_class if "/" not in value else None
        return same_id and (not wanted_class or (match.group(2) or "") == wanted_class)
    if kind == "doi":
        return match.group(1).lower() == value.lower()
    return match.group(1) == value


def merge(existing: str | None, managed: Managed, kinds: tuple[str, ...] = KINDS) -> str:
    """Merge the managed lines of ``kinds`` into ``existing``, line-wise.

    * a kind the bridge has no value for is left exactly as it is;
    * the first existing line of a kind is kept if equivalent, else replaced in place;
      later exact repeats of the written line are dropped (never other lines);
    * a kind with no line yet is added at the top, in :data:`KINDS` order;
    * every user line is kept verbatim and in order.

    Merging twice gives the same text as merging once (idempotent).
    """
    lines = split_lines(existing)
    # a trailing empty line from "text\n" is not content
    while lines and not lines[-1].strip():
        lines.pop()
    out: list[str] = []
    seen: set[str] = set()
    written: dict[str, str] = {}
    for line in lines:
        hit = classify(line)
        if not hit or hit[0] not in kinds or managed.value(hit[0]) is None:
            out.append(line)
            continue
        kind, match = hit
        if kind in seen:
            if line.strip() == written.get(kind):
                continue  # an exact duplicate of the managed line: drop it
            out.append(line)
            continue
        seen.add(kind)
        new = line if _equivalent(kind, match, managed) else render(kind, managed)
        written[kind] = new.strip()
        out.append(new)
    head = [render(kind, managed) for kind in KINDS
            if kind in kinds and managed.value(kind) is not None and kind not in seen]
    return "\n".join(head + out)


def field_line(text: str | None, name: str) -> str | None:
    """The value of a ``name: value`` line (name matched ignoring case), if ``text`` has one.

    Zotero keeps a field the installed schema lacks for an item type as such a
    line in Extra (non-strict save), so a field sent that way is already there.
    """
    wanted = name.casefold()
    for line in split_lines(text):
        label, sep, value = line.partition(":")
        if sep and label.strip().casefold() == wanted and value.strip():
            return value.strip()
    return None


def strip_managed(text: str | None, kinds: tuple[str, ...] = KINDS) -> str:
    """``extra`` without the managed lines of ``kinds`` (what the user wrote)."""
    kept = (line for line in split_lines(text) if not ((hit := classify(line)) and hit[0] in kinds))
    return "\n".join(kept).strip("\n")
