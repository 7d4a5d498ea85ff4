"""The user's edits win: what a rebuild keeps from the previous output, field group by field group.

A *field group* is what the model holds in one place and a ``.bib`` may spread
over several fields (``date`` is ``year`` + ``month`` + ``day``; ``ids.arxiv``
is ``eprint`` + ``archivePrefix``) — the unit :mod:`bibkit.bibsyntax` and the
writer already use.  Comparing the previous output with the lock
(:mod:`bibkit.lockfile`, a hash per field as bibkit wrote it) tells, per group:

* **changed** or **added** by the user → kept as the user left it; no stage
  may set it again (``entry.record.protected``), and the report shows what
  this run would have set instead;
* **deleted** by the user → stays deleted;
* otherwise bibkit's own.  This run's value wins when a service gave it now
  (or tagging ran, for keywords); the previous value wins when a service gave
  *it* in an earlier run and this run could not ask (offline, a service down,
  ``convert``): an offline rebuild never loses what an online one found.
  Without a lock every previous value is treated as possibly the user's and
  wins unless a service gave a fresher one now.

:func:`detect_edits` compares; :func:`protect` applies the user's groups
before enrichment (so the resolver sees a hand-written ``eprint``, and
enrichment skips protected fields); :func:`settle` runs after every stage and
decides each group as above.  An entry the user edited keeps the previous
output's layout (its raw field text is reused), so their formatting survives.

Tags are made afresh every run, from the entry — and some of what they are
made from has no field in the ``.bib``: Hugging Face's keywords (keyword
tags) and arXiv's list of categories (``category`` rules).  Those *answers*
(:data:`ANSWERS`) go into the lock (:func:`answers_of`) and come back before
tagging when this run did not hear from the service about the paper
(:func:`keep_answers`), so an offline rebuild tags as the online run did,
while a service that answers now — even with nothing — decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from .bibsyntax import group_value, raw_value
from .lazyre import compile_on_first_use
from .lockfile import field_hash
from .model import BibOrigin, Entry, Link, LinkKind, Provenance

__all__ = ["ANSWERS", "ENRICHED", "EditSet", "PRIOR_SOURCE", "SERVICE_SOURCES", "WRITTEN_GROUPS", "answers_of",
           "detect_edits", "enriched_groups", "fields_by_group", "keep_answers", "protect", "set_group", "settle"]

#: provenance sources meaning "a service said so" (arXiv, Hugging Face, GitHub, OpenReview; for published versions
#: Crossref, Semantic Scholar, DBLP, OpenAlex, and what the published-version step decided from their answers:
#: "upgrade" drops arXiv's DOI from a published entry, "prefer-preprint" turns a venue back into a preprint)
SERVICE_SOURCES = frozenset({"arxiv", "hf", "github", "crossref", "s2", "dblp", "openalex", "upgrade",
                             "prefer-preprint", "openreview"})
#: provenance of a value kept from the previous output
PRIOR_SOURCE = "prior"
#: how the detail of such a provenance starts when a service gave the value in an earlier run
ENRICHED = "enriched"
#: groups the writer makes up itself (an author-less entry's sort ``key``) or the key machinery owns (``ids``)
_NOT_DATA = frozenset({"extra:key", "extra:ids"})
_BOOKKEEPING = "__groups__"
#: the groups a published version sets as one unit (:mod:`bibkit.enrich.upgrade`)
_PUBLICATION_GROUPS = frozenset({"entry_type", "journal", "booktitle", "volume", "number", "pages", "publisher",
                                 "date", "ids.doi", "extra:series"})
#: entry types that are one preprint form, written per output format (so never "kept" over each other)
_PREPRINT_TYPES = frozenset({"misc", "online", "preprint"})
#: the field group each field the BibTeX/BibLaTeX writer writes holds (:mod:`bibkit.writers.bibtex`): what a
#: field bibkit wrote and the user deleted stood for.  Any other field is an extra (``extra:<name>``).
WRITTEN_GROUPS = {
    "author": "authors", "editor": "editors", "title": "title", "booktitle": "booktitle", "journal": "journal",
    "journaltitle": "journal", "year": "date", "month": "date", "day": "date", "date": "date", "volume": "volume",
    "number": "number", "pages": "pages", "publisher": "publisher", "doi": "ids.doi", "eprint": "ids.arxiv",
    "archiveprefix": "ids.arxiv", "eprinttype": "ids.arxiv", "primaryclass": "primary_class",
    "eprintclass": "primary_class", "url": "url", "isbn": "ids.isbn", "issn": "ids.issn", "pmid": "ids.pmid",
    "note": "note", "keywords": "tags", "github": "github", "abstract": "abstract",
}


@dataclass
class EditSet:
    """The groups of one entry the user changed, added or deleted, with the ``.bib`` fields of each.

    ``added`` names the groups of ``changed`` that bibkit had not written at all (an ``eprint`` typed into an
    entry that had none): a field the user added, not one they changed.
    """

    changed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    deleted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    added: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.changed or self.deleted)

    @property
    def groups(self) -> set[str]:
        return set(self.changed) | set(self.deleted)


def fields_by_group(origin: BibOrigin) -> dict[str, tuple[str, ...]]:
    """``{group: (field, …)}`` of an entry read from a ``.bib`` file."""
    out: dict[str, list[str]] = {}
    for name, group in (origin.decoded.get(_BOOKKEEPING) or {}).items():
        out.setdefault(group, []).append(name)
    return {g: tuple(names) for g, names in out.items()}


def detect_edits(prior: Entry, written: dict[str, str], written_type: str | None) -> EditSet:
    """What the user did to ``prior`` (the entry as it stands in the output) since bibkit wrote it.

    ``written`` is the lock's record of that entry: lower-case field name →
    hash of the value as written; ``written_type`` the entry type as written.
    """
    edits = EditSet()
    origin = prior.bib
    if origin is None:
        return edits
    groups = origin.decoded.get(_BOOKKEEPING) or {}
    now: dict[str, list[str]] = {}
    for name in origin.fields:
        group = groups.get(name, "extra:" + name)
        now.setdefault(group, []).append(name)
        was = written.get(name)
        if was is None or was != field_hash(raw_value(origin, name)):
            edits.changed.setdefault(group, ())
    for name in written:
        if name not in origin.fields:
            group = WRITTEN_GROUPS.get(name, "extra:" + name)
            if group in now:
                edits.changed.setdefault(group, ())
            else:
                edits.deleted[group] = edits.deleted.get(group, ()) + (name,)
    for group in list(edits.changed):
        edits.changed[group] = tuple(now.get(group, ()))
    if written_type is not None and origin.entry_type.lower() != written_type.lower():
        edits.changed["entry_type"] = ()
    wrote = {WRITTEN_GROUPS.get(name, "extra:" + name) for name in written}
    edits.added = {g for g, names in edits.changed.items()
                   if g != "entry_type" and g not in wrote and not any(n in written for n in names)}
    for group in _NOT_DATA:
        edits.changed.pop(group, None)
        edits.deleted.pop(group, None)
        edits.added.discard(group)
    return edits


# --------------------------------------------------------------------------- group values


def _empty(value: Any) -> bool:
    return value in (None, "", [], (None, None))


def set_group(entry: Entry, group: str, value: Any) -> None:
    """Set one field group of ``entry`` (the inverse of :func:`bibkit.bibsyntax.group_value`); ``None`` clears it."""
    if group.startswith("extra:"):
        name = group[6:]
        if value is None:
            entry.extra.pop(name, None)
        else:
            entry.extra[name] = value
    elif group == "entry_type":
        entry.entry_type = value or "misc"
    elif group in ("authors", "editors", "tags"):
        setattr(entry, group, list(value or []))
    elif group == "ids.arxiv":
        arxiv, version = value if value else (None, None)
        entry.ids.arxiv, entry.ids.arxiv_version = arxiv, version
    elif group.startswith("ids."):
        setattr(entry.ids, group[4:], value)
    elif group == "github":
        _set_github(entry, value)
    elif group in _ATTRS:
        setattr(entry, group, value)


_ATTRS = frozenset({"title", "abstract", "journal", "booktitle", "publisher", "volume", "number", "pages", "url",
                    "note", "date", "primary_class"})


def _set_github(entry: Entry, repo: str | None) -> None:
    for link in entry.github_links:
        if link.role == "primary":
            link.role = "mentioned"
    if not repo:
        return
    for link in entry.github_links:
        if (link.repo.full_name if link.repo is not None else link.target or "").casefold() == repo.casefold() or \
                (link.target or "").casefold() == repo.casefold():
            link.role = "primary"
            return
    entry.add_link(Link(LinkKind.GITHUB, f"https://github.com/{repo}", target=repo, role="primary",
                        evidence="kept from the previous output", source=PRIOR_SOURCE))


def _github_checked(link: Link | None) -> bool:
    """Whether GitHub (or another service) told us about the code link: a repository it could not be asked
    about (``unchecked``: offline, GitHub down) is only the text's link, not news that replaces a kept one."""
    if link is None:
        return False
    return link.source in SERVICE_SOURCES or (link.repo is not None and link.repo.status != "unchecked")


def _fresh(entry: Entry, group: str, tagged: bool) -> bool:
    """Whether this run learned ``group`` from a service (or, for keywords, tagging ran)."""
    if group == "tags":
        return tagged
    if group == "github":
        return _github_checked(entry.code_repo)
    prov = entry.provenance.get(group)
    return prov is not None and prov.source in SERVICE_SOURCES


def _keep_publication_whole(entry: Entry, prior: Entry, enriched: frozenset[str]) -> None:
    """A published version a service found earlier, which this run's published-version step did not decide
    again (it could not ask — a service down, offline — or was switched off), is kept whole: type, venue, DOI,
    date, volume, pages…, over what this run has only from the preprint (arXiv's ``@misc``, its DOI, its
    posting date, a venue parsed from its journal reference).  Group by group it would become an ``@misc``
    holding a ``booktitle``, arXiv's DOI and the preprint's year next to the venue.
    """
    if "entry_type" not in enriched or not (prior.booktitle or prior.journal):
        return
    if any((p := entry.provenance.get(g)) is not None and p.source in _UPGRADE_SOURCES for g in _VENUE):
        # this run's published-version step decided (another publication, or the preprint); the same
        # publication found again without its DOI (Semantic Scholar or DBLP alone: Crossref down) keeps it
        same = (entry.entry_type, entry.booktitle, entry.journal) == (prior.entry_type, prior.booktitle, prior.journal)
        if same and not entry.ids.doi and prior.ids.doi and "ids.doi" not in entry.record.protected:
            set_group(entry, "ids.doi", prior.ids.doi)
            entry.provenance["ids.doi"] = Provenance(PRIOR_SOURCE, 1.0, ENRICHED)
        return
    for group in (*_VENUE, *_PUBLICATION):
        prov = entry.provenance.get(group)
        if group in entry.record.protected or (prov is not None and prov.source in _UPGRADE_SOURCES):
            continue  # the user's, or this run's published-version step decided it
        theirs, mine = group_value(prior, group), group_value(entry, group)
        if theirs == mine or (_empty(theirs) and group not in _VENUE):
            continue
        set_group(entry, group, theirs)
        entry.provenance[group] = Provenance(PRIOR_SOURCE, 1.0, ENRICHED)


#: the venue of a published version, and what goes with it (see :func:`_keep_publication_whole`)
_VENUE = ("booktitle", "journal")
_PUBLICATION = ("entry_type", "ids.doi", "date", "volume", "number", "pages", "publisher", "extra:series")
#: provenance sources of the published-version step (arXiv's own values describe the preprint)
_UPGRADE_SOURCES = frozenset({"crossref", "s2", "dblp", "openalex", "upgrade", "prefer-preprint",
                              "openreview"})  # (OpenReview's venue and decision: the venue's own record)


def enriched_groups(entry: Entry) -> list[str]:
    """The field groups a service set (this run, or an earlier one whose value was kept): the lock records them."""
    out = {g for g, p in entry.provenance.items() if p.source in SERVICE_SOURCES
           or (p.source == PRIOR_SOURCE and (p.detail or "").startswith(ENRICHED))}
    if _github_checked(entry.code_repo):
        out.add("github")
    return sorted(out)


# --------------------------------------------------------------------------- answers the .bib has no field for

#: what services say about a paper that the written ``.bib`` has no field for, but its tags are made from:
#: name → the service that says it (``ai_keywords``: ``entry.meta``; ``categories``: the entry's attribute)
ANSWERS = {"ai_keywords": "hf", "categories": "arxiv"}
#: the key of :func:`answers_of` naming the arXiv paper the answers are about
_ABOUT = "about"
_VERSION = compile_on_first_use(__name__, r"v\d+$")


def _answer(entry: Entry, name: str) -> list[str]:
    value = entry.categories if name == "categories" else entry.meta.get(name)
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _paper(entry: Entry) -> str | None:
    return _VERSION.sub("", entry.ids.arxiv) if entry.ids.arxiv else None


def answers_of(entry: Entry) -> dict[str, Any]:
    """What the lock keeps of the services' :data:`ANSWERS` about ``entry``, and which arXiv paper they are
    about (``{}``: none)."""
    out: dict[str, Any] = {name: value for name in ANSWERS if (value := _answer(entry, name))}
    if out:
        out[_ABOUT] = _paper(entry)
    return out


def keep_answers(entry: Entry, answers: dict[str, Any], heard: Iterable[str]) -> None:
    """Before tagging: give ``entry`` back what a service said about its paper in an earlier run (``answers``,
    from the lock) when this run did not hear from that service about it (offline, the service down, not
    asked: ``convert``, ``--only``).

    A service that answered now decides, even with nothing (HF has no page for the paper any more): fresh
    news wins.  Answers about another paper (the entry is now another arXiv paper: ``bibkit pick``, an
    ``eprint`` the user wrote) or about a paper the user said is not on arXiv are not kept.  The user's
    own ``keywords`` are settled afterwards as any field of theirs (:func:`settle`).
    """
    decision = entry.record.decision
    if not answers or (decision is not None and decision.not_on_arxiv) or answers.get(_ABOUT) != _paper(entry):
        return
    heard = set(heard)
    for name, service in ANSWERS.items():
        kept = answers.get(name)
        if not isinstance(kept, list) or not kept or service in heard or _answer(entry, name):
            continue
        if name == "categories":
            entry.categories = [str(c) for c in kept]
            entry.provenance[name] = Provenance(PRIOR_SOURCE, 1.0, ENRICHED)
        else:
            entry.meta[name] = [str(v) for v in kept]


# --------------------------------------------------------------------------- before and after the stages


def protect(entry: Entry, prior: Entry | None, user_groups: Iterable[str], deleted_groups: Iterable[str],
            fields: dict[str, tuple[str, ...]] | None = None, added_groups: Iterable[str] = ()) -> None:
    """Give ``entry`` the user's value of each of ``user_groups`` (from ``prior``) and clear ``deleted_groups``;
    mark all of them protected and list them in ``entry.record.edits`` (with this run's value, if it differs):
    ``added`` for the groups of ``added_groups`` (bibkit had not written them), else ``changed``."""
    from .findings import FieldEdit  # (only when the user edited the output: see bibkit.findings)

    fields = fields or {}
    added = set(added_groups)
    protected = set(entry.record.protected)
    for group in sorted(user_groups):  # (in a fixed order: sets iterate by hash, which changes run to run)
        if prior is None or group in _NOT_DATA:
            continue
        mine, theirs = group_value(entry, group), group_value(prior, group)
        kind = "added" if group in added else "changed"
        entry.record.edits += (FieldEdit(group, fields.get(group, ()), kind, theirs,
                                         None if mine == theirs or _empty(mine) else mine),)
        set_group(entry, group, theirs)
        entry.provenance[group] = Provenance("user", 1.0, "edited by hand in the previous output")
        protected.add(group)
    for group in sorted(deleted_groups):
        if group in _NOT_DATA:
            continue
        mine = group_value(entry, group)
        entry.record.edits += (FieldEdit(group, fields.get(group, ()), "deleted", None,
                                         None if _empty(mine) else mine),)
        set_group(entry, group, None)
        entry.provenance.pop(group, None)
        protected.add(group)
    entry.record.protected = frozenset(protected)


def _decided(entry: Entry, group: str) -> Any:
    """The value of a group protected by the user's decision (``bibkit pick``), not by an edit: the arXiv
    paper decided (fetched by that ID, its version as fetched), or none for "not on arXiv"."""
    decision = entry.record.decision
    current = group_value(entry, group)
    if group != "ids.arxiv" or decision is None:
        return current
    if decision.not_on_arxiv or not decision.arxiv:
        return None
    return current if current and current[0] == decision.arxiv else (decision.arxiv, None)


def _keep_publication(entry: Entry, prior: Entry, enriched: frozenset[str]) -> bool:
    """Put back, as one unit, the published version an earlier run found when this run could not look for it
    (:attr:`~bibkit.record.UpgradeReport.unsettled`: a service that could confirm it was down).

    The preprint's values arXiv gives now (``@misc``, its date, its DOI) are no news about the publication,
    and a publication's empty field (an ICLR paper has no DOI) is part of it: mixing the two would make an
    ``@inproceedings`` with arXiv's DOI, or an ``@misc`` with a journal.  The user's groups stay theirs.
    """
    upgrade = entry.record.upgrade
    if upgrade is None or not upgrade.unsettled or "entry_type" not in enriched or \
            str(group_value(prior, "entry_type")).lower() in _PREPRINT_TYPES:
        return False
    for group in sorted(_PUBLICATION_GROUPS - set(entry.record.protected)):
        theirs = group_value(prior, group)
        set_group(entry, group, None if _empty(theirs) else theirs)
        entry.provenance[group] = Provenance(PRIOR_SOURCE, 1.0, ENRICHED)
    return True


def settle(entry: Entry, prior: Entry | None, *, enriched: Iterable[str] = (), tagged: bool = False,
           known: bool = True) -> None:
    """After every stage: protected groups back to the user's value, then bibkit's groups decided (module docstring).

    ``enriched`` are the groups a service set in the run that wrote ``prior``;
    ``known`` is false when no lock said what bibkit wrote (every previous
    value may be the user's).
    """
    edits = {e.group: e for e in entry.record.edits}
    for group in entry.record.protected:
        edit = edits.get(group)
        wanted = edit.kept if edit is not None else _decided(entry, group)
        current = group_value(entry, group)
        if current != wanted and not (_empty(current) and _empty(wanted)):
            if edit is not None and not _empty(current):
                edit.would_set = current
            set_group(entry, group, wanted)
    if prior is None or prior.bib is None:
        return
    enriched = frozenset(enriched)
    decision = entry.record.decision
    if decision is not None and decision.not_on_arxiv:
        enriched = frozenset()  # what services said came through the arXiv paper the user rejected: not kept
    groups = set(fields_by_group(prior.bib)) | {"entry_type"}
    if _keep_publication(entry, prior, enriched):
        groups -= _PUBLICATION_GROUPS
    for group in sorted(groups - set(entry.record.protected) - _NOT_DATA):
        theirs = group_value(prior, group)
        mine = group_value(entry, group)
        if _empty(theirs) or theirs == mine or _fresh(entry, group, tagged):
            continue
        if group == "entry_type" and {theirs, mine} <= _PREPRINT_TYPES:
            continue  # one form written two ways (BibLaTeX's @online is BibTeX's @misc): nothing to keep
        was_service = group in enriched or group == "tags"
        if known and not was_service:
            continue  # bibkit wrote it from the input: what the input says now (or no longer says) counts
        set_group(entry, group, theirs)
        entry.provenance[group] = Provenance(PRIOR_SOURCE, 1.0, ENRICHED if was_service else None)
    _keep_publication_whole(entry, prior, enriched)
    if entry.record.edits and entry.bib is None:
        entry.bib = prior.bib  # keep the user's layout and raw text for an entry they edited
