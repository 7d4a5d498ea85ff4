r"""A paper's own ``.bib``: the entries an ``.aux`` file cites, taken from larger bibliographies.

Reading the ``.aux``
    LaTeX writes what a document cites into its ``.aux`` file:

    * BibTeX (``\bibliography``, natbib): ``\citation{key1,key2}``; ``\nocite{*}``
      gives ``\citation{*}``; ``\bibdata{refs,other}`` names the ``.bib`` files.
    * biblatex (biber): ``\abx@aux@cite{0}{key}`` (refsection, key) in biblatex
      ≥ 3.x, ``\abx@aux@cite{key}`` in older versions; ``\nocite{*}`` gives
      ``\abx@aux@nociteall`` (or a ``*`` key).
    * ``\include{chapter}`` makes ``\@input{chapter.aux}``: those files are
      read too (relative to the main ``.aux``; missing ones are noted, as
      LaTeX itself tolerates them).

Choosing the entries
    Cited keys are matched exactly (biber is case-sensitive, and BibTeX warns
    on a case mismatch, so a case-only difference is reported as missing with
    the right spelling suggested).  The output keeps **the order of first
    citation** — the paper's reading order, stable from run to run — then,
    after all of them, the entries they point at through ``crossref``,
    ``xref``, ``xdata`` or ``related`` (BibTeX requires a crossref'd parent to
    come *after* its children, so a parent that is also cited moves there
    too).  With ``\nocite{*}`` every entry of every source is kept, in source
    order.  ``@string`` macros and ``@preamble`` blocks of the sources are
    kept, so untouched fields that use them still resolve.

    A cited key may be an *old name* of an entry (an alias in its ``ids``
    field: a key renamed by ``--rekey``, or merged from a duplicate).  The
    entry is chosen, and :attr:`CiteResult.aliases` says which keys of the
    ``.aux`` are old names.  biber resolves ``\cite{old}`` through ``ids``
    itself; classic BibTeX does not, so for BibTeX output the entry is written
    under the name the paper cites (``rename_aliases``).

    When several sources have the same key, the first source (in ``--from``
    order) wins and the others are reported.  A cited key that no source has
    is an error (:class:`~bibkit.errors.MissingCitationsError`, exit code 7)
    that lists every missing key with where it was cited and the closest keys
    that do exist.

This module reads ``.aux`` files and selects entries; reading the sources and
writing the result is :func:`bibkit.app.cite` (``bibkit cite``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from rapidfuzz import fuzz, process

from .errors import InputError, MissingCitationsError
from .model import REFERENCE_FIELDS, Document, Entry, Problem, RawBlock, SourceLocation

#: Fields through which an entry needs another entry in the same bibliography.
PARENT_FIELDS = REFERENCE_FIELDS

_COMMAND = re.compile(
    r"\\(?:"
    r"(?P<citation>citation)\{(?P<ckeys>[^{}]*)\}"
    r"|(?P<abx>abx@aux@cite)\{(?P<a1>[^{}]*)\}(?:\{(?P<a2>[^{}]*)\})?"
    r"|(?P<nociteall>abx@aux@nociteall)"
    r"|(?P<input>@input)\{(?P<file>[^{}]*)\}"
    r"|(?P<bibdata>bibdata)\{(?P<data>[^{}]*)\}"
    r"|(?P<bibstyle>bibstyle)\{(?P<style>[^{}]*)\}"
    r")"
)


@dataclass
class AuxCitations:
    """What an ``.aux`` file (and the files it includes) cites."""

    path: str
    keys: list[str] = field(default_factory=list)  # in order of first citation, without repeats
    locations: dict[str, SourceLocation] = field(default_factory=dict)  # where each key was first cited
    cite_all: bool = False  # \nocite{*}
    backend: str | None = None  # "bibtex" | "biber" | None (nothing cited)
    bibdata: list[str] = field(default_factory=list)  # \bibdata{...} names (BibTeX)
    bibstyle: str | None = None
    files: list[str] = field(default_factory=list)  # every .aux read
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "aux": self.path,
            "backend": self.backend,
            "cited": self.keys,
            "cite_all": self.cite_all,
            "bibdata": self.bibdata,
            "bibstyle": self.bibstyle,
            "files": self.files,
        }


def read_aux(path: str | Path) -> AuxCitations:
    """Read the citations of an ``.aux`` file and of the ``.aux`` files it ``\\@input``\\ s."""
    main = Path(path)
    if not main.exists():
        raise InputError("no such .aux file (run pdflatex first to create it)", SourceLocation(str(path)))
    result = AuxCitations(str(path))
    _read_one(main, main.parent, result, set())
    return result


def parse_aux_text(text: str, origin: str = "<aux>") -> AuxCitations:
    """Citations of ``.aux`` text alone (``\\@input`` files are not followed)."""
    result = AuxCitations(origin)
    _scan(text, origin, result, include=None)
    return result


def _read_one(path: Path, base: Path, result: AuxCitations, seen: set[Path]) -> None:
    real = path.resolve()
    if real in seen:
        return
    seen.add(real)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read .aux file: {exc.strerror}", SourceLocation(str(path))) from None
    result.files.append(str(path))

    def include(name: str, location: SourceLocation) -> None:
        candidates = [base / name, path.parent / name]
        for cand in candidates:
            if cand.exists():
                _read_one(cand, base, result, seen)
                return
        result.problems.append(Problem("aux-missing-include",
                                       f"included file {name!r} does not exist (not compiled yet?)",
                                       "warning", location))

    _scan(text, str(path), result, include)


def _scan(text: str, origin: str, result: AuxCitations,
          include: Callable[[str, SourceLocation], None] | None) -> None:
    line_starts = [0]
    for m in re.finditer(r"\n", text):
        line_starts.append(m.end())

    def line_of(pos: int) -> int:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    for m in _COMMAND.finditer(text):
        loc = SourceLocation(origin, line_of(m.start()))
        if m.group("citation"):
            result.backend = result.backend or "bibtex"
            for key in m.group("ckeys").split(","):
                _add(result, key, loc)
        elif m.group("abx"):
            result.backend = "biber"
            key = m.group("a2") if m.group("a2") is not None else m.group("a1")
            _add(result, key, loc)
        elif m.group("nociteall"):
            result.backend = "biber"
            result.cite_all = True
        elif m.group("input"):
            if include is not None:
                include(m.group("file").strip(), loc)
        elif m.group("bibdata"):
            for name in m.group("data").split(","):
                name = name.strip()
                if name and name not in result.bibdata:
                    result.bibdata.append(name)
        elif m.group("bibstyle"):
            result.bibstyle = m.group("style").strip()


def _add(result: AuxCitations, key: str, location: SourceLocation) -> None:
    key = key.strip()
    if not key:
        return
    if key == "*":
        result.cite_all = True
        return
    if key not in result.locations:
        result.locations[key] = location
        result.keys.append(key)


# --------------------------------------------------------------------------- selection


@dataclass
class Source:
    """One bibliography to take entries from, and the name to report it by."""

    name: str
    document: Document


@dataclass
class CiteResult:
    """The selected entries (as a document ready to write) and what happened."""

    document: Document
    aux: AuxCitations
    cited: list[str]  # keys cited (or, with \nocite{*}, every key)
    parents: list[str] = field(default_factory=list)  # keys added because a cited entry needs them
    missing: dict[str, list[str]] = field(default_factory=dict)  # key -> suggestions
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (key, used source, ignored source)
    source_of: dict[str, str] = field(default_factory=dict)  # key -> source name
    output: str | None = None
    format: str | None = None  # the output format written ("bibtex" | "biblatex")
    aliases: dict[str, str] = field(default_factory=dict)  # cited old name -> the entry's key now

    def totals(self) -> dict[str, int]:
        return {
            "cited": len(self.cited),
            "written": len(self.document),
            "parents": len(self.parents),
            "missing": len(self.missing),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "format": self.format,
            "aux": self.aux.as_dict(),
            "totals": self.totals(),
            "entries": [{"key": e.key, "title": e.title, "source": self.source_of.get(e.key or "")}
                        for e in self.document.entries],
            "parents": self.parents,
            "missing": [{"key": k, "cited_at": str(self.aux.locations.get(k, "")), "suggestions": s}
                        for k, s in self.missing.items()],
            "duplicates": [{"key": k, "used": a, "ignored": b} for k, a, b in self.duplicates],
            "aliases": [{"cited": old, "key": new} for old, new in self.aliases.items()],
            "problems": [str(p) for p in self.aux.problems],
        }


def suggest_keys(missing: str, keys: Sequence[str], limit: int = 3) -> list[str]:
    """The existing keys closest to ``missing`` (case differences first, then fuzzy matches)."""
    same_case = [k for k in keys if k.casefold() == missing.casefold()]
    if same_case:
        return same_case[:limit]
    folded = {k: k.casefold() for k in keys}
    found = process.extract(missing.casefold(), folded, scorer=fuzz.ratio, limit=limit, score_cutoff=70)
    return [key for _, _, key in found]


def _parents(entry: Entry) -> list[str]:
    out: list[str] = []
    for name in PARENT_FIELDS:
        value = entry.extra.get(name)
        if not value:
            continue
        for key in value.split(","):
            key = key.strip()
            if key and key not in out:
                out.append(key)
    return out


def _parents_after_children(parents: list[str], index: dict[str, Entry]) -> list[str]:
    """Order parents so that each comes after every entry pointing at it (BibTeX reads crossref'd
    entries only when they follow), keeping first-needed order among equals; cycles are cut."""
    level = {p: 0 for p in parents}
    for _ in range(len(parents)):
        changed = False
        for child in parents:
            for parent in _parents(index[child]):
                if (parent in level and parent != child and level[parent] <= level[child]
                        and level[child] < len(parents)):
                    level[parent] = level[child] + 1
                    changed = True
        if not changed:
            break
    position = {p: i for i, p in enumerate(parents)}
    return sorted(parents, key=lambda p: (level[p], position[p]))


@dataclass
class _Pool:
    """Every keyed entry of the sources (first source wins a key), and their @string/@preamble blocks."""

    index: dict[str, Entry] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    source_of: dict[str, str] = field(default_factory=dict)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)
    blocks: list[RawBlock] = field(default_factory=list)

    @classmethod
    def of(cls, sources: Sequence[Source]) -> "_Pool":
        pool = cls()
        seen_strings: set[str] = set()
        for source in sources:
            for block in source.document.blocks:
                if isinstance(block, Entry):
                    pool.add(block, source.name)
                elif block.kind == "string":
                    name = (block.name or "").lower()
                    if name not in seen_strings:
                        seen_strings.add(name)
                        pool.blocks.append(block)
                elif block.kind == "preamble":
                    pool.blocks.append(block)
        return pool

    def add(self, entry: Entry, source: str) -> None:
        if not entry.key:
            return
        if entry.key in self.index:
            self.duplicates.append((entry.key, self.source_of[entry.key], source))
            return
        self.index[entry.key] = entry
        self.order.append(entry.key)
        self.source_of[entry.key] = source


def _aliases(entry: Entry) -> list[str]:
    return [a.strip() for a in entry.extra.get("ids", "").split(",") if a.strip()]


def select_cited(sources: Sequence[Source], aux: AuxCitations, *, allow_missing: bool = False,
                 rename_aliases: bool = False, parents_ignore_case: bool = False) -> CiteResult:
    """The entries ``aux`` cites, from ``sources`` (first source wins a key).

    A cited key that is an alias of an entry (its ``ids``) chooses that entry;
    with ``rename_aliases`` (BibTeX output) the entry is written under the
    cited name.  With ``parents_ignore_case`` (BibTeX output) a ``crossref``
    names its parent in any case, as BibTeX looks it up: its own ``xampl.bib``
    has ``crossref = {WHOLE-JOURNAL}`` for the entry ``whole-journal`` (biber
    is case-sensitive there, so biblatex output keeps the exact match).
    Raises :class:`~bibkit.errors.MissingCitationsError` when a cited key (or
    a crossref'd parent) is in no source, unless ``allow_missing``.
    """
    pool = _Pool.of(sources)
    index, order, source_of, duplicates, blocks = pool.index, pool.order, pool.source_of, pool.duplicates, pool.blocks
    alias_of: dict[str, str] = {}
    for key in order:
        for alias in _aliases(index[key]):
            if alias not in index:
                alias_of.setdefault(alias, key)
    cited = list(order) if aux.cite_all else list(aux.keys)
    if aux.cite_all:
        # keys cited explicitly but in no source are still missing under \nocite{*}
        cited += [k for k in aux.keys if k not in index]
    missing: dict[str, list[str]] = {}
    chosen: list[str] = []
    aliases: dict[str, str] = {}
    for key in cited:
        if key in index:
            if key not in chosen:
                chosen.append(key)
        elif key in alias_of:
            target = alias_of[key]
            aliases[key] = target
            if rename_aliases:  # BibTeX knows no aliases: the entry goes under the name the paper cites
                renamed = copy.copy(index[target])
                renamed.key = key
                index[key] = renamed
                source_of[key] = source_of[target]
                chosen.append(key)
            elif target not in chosen:
                chosen.append(target)
        elif key not in missing:
            missing[key] = suggest_keys(key, order)

    parents = _walk_parents(chosen, pool, aux, missing, ignore_case=parents_ignore_case)
    chosen = [k for k in chosen if k not in parents] + _parents_after_children(parents, index)

    if missing and not allow_missing:
        raise _missing_error(aux, missing, [s.name for s in sources])

    doc = Document(blocks=[*blocks, *(index[k] for k in chosen)])
    doc.metadata["cited_from"] = aux.path
    return CiteResult(doc, aux, cited, [p for p in parents if p not in cited], missing,
                      duplicates, {k: source_of[k] for k in chosen}, aliases=aliases)


def _walk_parents(chosen: list[str], pool: _Pool, aux: AuxCitations, missing: dict[str, list[str]], *,
                  ignore_case: bool) -> list[str]:
    """The entries ``chosen`` point at (crossref & co.), transitively, in first-needed order; a parent no source
    has goes into ``missing``.  With ``ignore_case`` a parent is found in any case, as BibTeX finds it."""
    index, order = pool.index, pool.order
    folded: dict[str, str] = {}
    if ignore_case:
        for key in reversed(order):
            folded[key.casefold()] = key
    parents: list[str] = []
    queue = list(chosen)
    while queue:
        key = queue.pop(0)
        for parent in _parents(index[key]):
            if parent not in index:
                parent = folded.get(parent.casefold(), parent)
            if parent in index:
                if parent not in parents:
                    parents.append(parent)
                    queue.append(parent)
            elif parent not in missing:
                missing[parent] = suggest_keys(parent, order)
                aux.locations.setdefault(parent, SourceLocation(f"{pool.source_of[key]} (crossref of {key})"))
    return parents


def _missing_error(aux: AuxCitations, missing: dict[str, list[str]], source_names: list[str]) -> MissingCitationsError:
    n = len(missing)
    lines = [f"{n} cited key{'s are' if n != 1 else ' is'} in no source ({', '.join(source_names) or 'none given'}):"]
    for key, suggestions in missing.items():
        where = aux.locations.get(key)
        at = f" (cited at {where})" if where else ""
        if suggestions and suggestions[0].casefold() == key.casefold():
            hint = f" → did you mean {suggestions[0]}? (keys are case-sensitive)"
        elif suggestions:
            hint = f" → did you mean {' or '.join(suggestions)}?"
        else:
            hint = ""
        lines.append(f"  {key}{at}{hint}")
    return MissingCitationsError("\n".join(lines), missing)
