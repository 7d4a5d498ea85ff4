"""The library functions behind the CLI: read → normalise → (enrich → tag) → write.

Each ``bibkit`` command is a thin wrapper over one function here (the
sqlite-utils habit), so scripts get exactly what the command line gets:

>>> from bibkit.pipeline import convert
>>> result = convert(["examples/hf-trending-papers.txt"], "refs.bib")   # doctest: +SKIP
>>> result.totals()["written"]                                         # doctest: +SKIP
86
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import InputError, UsageError
from .fileio import atomic_write_text, same_file
from .model import Document, Entry, Link, Problem

OUTPUT_FORMATS = ("bibtex", "biblatex", "csl-json")


def read_inputs(paths: Sequence[str], fmt: str | None = None, *, strict: bool = False) -> Document:
    """Read every input (a path or ``-`` for stdin) into one document, in order.

    ``fmt`` forces a reader (``listing``, ``ids``, ``bib``, ``hf-json``) for all
    inputs; otherwise each input's format is detected.  With ``strict`` a
    malformed entry raises :class:`~bibkit.errors.InputError` (file, line, key).
    """
    from .sources import read_path

    if not paths:
        raise InputError("no input given")
    doc = Document()
    formats: list[str] = []
    for path in paths:
        part = read_path(path, fmt, strict=strict)
        formats.append(str(part.metadata.get("format", fmt or "?")))
        doc.extend(part)
    doc.metadata["inputs"] = list(paths)
    doc.metadata["formats"] = formats
    if strict:
        errors = [p for p in doc.all_problems() if p.severity == "error"]
        if errors:
            first = errors[0]
            raise InputError(first.message, first.location, first.key)
    return doc


def render(doc: Document, to: str = "bibtex", *, ascii: bool = False, code_note: bool = False) -> str:
    """The output text of a document in one of :data:`OUTPUT_FORMATS`."""
    from .writers import write

    if to not in OUTPUT_FORMATS:
        raise InputError(f"unknown output format {to!r} (choose from {', '.join(OUTPUT_FORMATS)})")
    return write(doc, to, ascii=ascii, code_note=code_note)


def write_output(
    doc: Document,
    out: str | None,
    *,
    to: str = "bibtex",
    ascii: bool = False,
    code_note: bool = False,
    inputs: Iterable[str] = (),
) -> Path | None:
    """Render and write atomically to ``out`` (``None`` or ``-`` = stdout).

    If ``out`` is one of the ``inputs``, the input is first saved as
    ``<name>.bak`` (inputs are never overwritten without a backup); the backup
    path is returned.
    """
    text = render(doc, to, ascii=ascii, code_note=code_note)
    target = out or "-"
    overwrites_input = any(same_file(target, p) for p in inputs)
    return atomic_write_text(target, text, backup=overwrites_input)


def link_summary(link: Link) -> dict[str, Any]:
    """A link as the JSON report shows it."""
    out: dict[str, Any] = {"kind": link.kind.value, "url": link.url}
    if link.target:
        out["target"] = link.target
    if link.subpath:
        out["subpath"] = link.subpath
    if link.role:
        out["role"] = link.role
    if link.repo is not None:
        out["repo"] = {"full_name": link.repo.full_name, "status": link.repo.status}
    return out


def entry_summary(entry: Entry) -> dict[str, Any]:
    """Per-entry report fields every command shares: key, title, source, links, problems."""
    return {
        "key": entry.key,
        "title": entry.title,
        "source": str(entry.origin) if entry.origin else None,
        "links": [link_summary(link) for link in entry.links],
        "problems": [problem_summary(p) for p in entry.problems],
    }


def problem_summary(problem: Problem) -> dict[str, Any]:
    return {
        "code": problem.code,
        "severity": problem.severity,
        "message": problem.message,
        "location": str(problem.location) if problem.location else None,
        "key": problem.key,
    }


def _as_plain(obj: Any) -> Any:
    if hasattr(obj, "as_dict"):
        return obj.as_dict()
    if hasattr(obj, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(obj)
    return obj


def normalise_document(doc: Document, *, key_format: str | None = None, dedupe: bool = True, recompute_keys: bool = False) -> Any:
    """Merge duplicates and assign unique, stable citation keys (see :mod:`bibkit.normalize`)."""
    from .normalize import normalise
    from .normalize.citekeys import FormulaError

    try:
        return normalise(doc, key_format=key_format, dedupe=dedupe, recompute_keys=recompute_keys)
    except FormulaError as exc:
        raise UsageError(str(exc)) from exc


# --------------------------------------------------------------------------- build: the main job


@dataclass
class BuildResult:
    """What :func:`build` did: reading, enrichment, tagging, writing and (optionally) the Zotero sync.

    ``exit_code(strict)`` is the code ``bibkit build``/``enrich`` return:
    a sync that did not complete is always an error (6); with ``strict``
    an unreachable service is 4 and unresolved/ambiguous entries are 5.
    """

    document: Document
    read: int
    output: str | None
    backup: Path | None = None
    merges: list[Any] = field(default_factory=list)
    enrichment: Any = None  # bibkit.enrich.EnrichResult
    tagging: Any = None  # bibkit.tagging.TagResult
    sync: Any = None  # zotero_bridge SyncResult
    entry_reports: dict[int, Any] = field(default_factory=dict)  # id(entry) -> its EntryReport

    @property
    def problems(self) -> list[Problem]:
        return self.document.all_problems()

    def totals(self) -> dict[str, int]:
        return {"read": self.read, "written": len(self.document), "merged": len(self.merges),
                "problems": len(self.problems)}

    def exit_code(self, strict: bool = False) -> int:
        from .errors import ExitCode

        if self.sync is not None and not getattr(self.sync, "complete", True):
            return ExitCode.ZOTERO
        if strict and self.enrichment is not None:
            if not self.enrichment.network_ok:
                return ExitCode.NETWORK
            if self.enrichment.incomplete:
                return ExitCode.INCOMPLETE
        return ExitCode.OK

    def as_dict(self) -> dict[str, Any]:
        enrich = self.enrichment.as_dict() if self.enrichment is not None else None
        tag_added = {id(et.entry): list(et.added) for et in self.tagging.entries} if self.tagging is not None else {}
        entries = []
        for e in self.document.entries:
            row = entry_summary(e)
            row["tags"] = list(e.tags)
            if id(e) in tag_added:
                row["tags_added"] = tag_added[id(e)]
            rep = self.entry_reports.get(id(e))
            if rep is not None:
                d = rep.as_dict()
                for k in ("listing_title", "arxiv_id", "status", "confidence", "resolved_by", "reason",
                          "candidates", "fields_set", "repos", "upgrade"):
                    if k in d:
                        row[k] = d[k]
            entries.append(row)
        out: dict[str, Any] = {
            "output": self.output,
            "backup": str(self.backup) if self.backup else None,
            "totals": self.totals(),
            "listing_date": self.document.metadata.get("listing_date"),
            "merged": [_as_plain(m) for m in self.merges],
            "entries": entries,
            "problems": [problem_summary(p) for p in self.document.problems],
        }
        if enrich is not None:
            # enrichment totals (resolved/ambiguous/unresolved/by_step) and requests per service at top level
            out["totals"].update(enrich["totals"])
            for k, v in enrich.items():
                if k not in ("entries", "totals"):
                    out[k] = v
        if self.tagging is not None and hasattr(self.tagging, "as_dict"):
            tagging = self.tagging.as_dict()
            out["tagging"] = {k: v for k, v in tagging.items() if k != "entries"} if isinstance(tagging, dict) else tagging
        if self.sync is not None and hasattr(self.sync, "as_dict"):
            out["zotero"] = self.sync.as_dict()
        return out


def build(
    inputs: Sequence[str],
    out: str | None = None,
    *,
    fmt: str | None = None,
    to: str = "bibtex",
    ascii: bool = False,
    strict: bool = False,
    key_format: str | None = None,
    dedupe: bool = True,
    code_note: bool = False,
    enrich: bool = True,
    only: Iterable[str] = ("arxiv", "hf", "github", "s2", "crossref", "dblp", "openalex"),
    offline: bool = False,
    refresh: bool = False,
    rules: Any = None,
    auto_tags: Any = None,
    tag: bool = True,
    zotero_collection: str | None = None,
    zotero_via: str | None = None,
    settings: Any = None,
    http: Any = None,
    on_progress: Any = None,
    dry_run: bool = False,
    upgrade: bool = True,
    prefer: str = "published",
    venue_style: str = "full",
) -> BuildResult:
    """The main job: read → normalise → enrich → normalise again → tag → write (→ sync to Zotero).

    ``rules`` is a path to a rules TOML file or a loaded ``RuleSet`` (``None``:
    automatic tags only, as configured by ``auto_tags`` — an
    ``AutoTagOptions`` — or their defaults); ``tag=False`` skips tagging (that
    is ``bibkit enrich``).  ``enrich=False`` skips the network.  Enrichment
    never raises for a service being down; the result says so and
    :meth:`BuildResult.exit_code` decides what ``--strict`` makes of it.
    ``zotero_collection`` syncs the result into that Zotero collection path.
    ``on_progress(stage, done, total, detail)`` is called as work advances.
    ``dry_run`` decides the tags without adding them and writes nothing.
    ``upgrade``/``prefer``/``venue_style``: published versions of preprints
    (see :func:`bibkit.enrich.enrich_document`).
    """
    from .config import load_settings

    progress = on_progress or (lambda stage, done, total, detail="": None)
    settings = settings or load_settings()
    ruleset = _load_rules(rules) if tag else None  # a bad rules file stops the run before any input is read
    doc = read_inputs(inputs, fmt, strict=strict)
    read = len(doc)
    progress("read", read, read, "")
    norm = normalise_document(doc, key_format=key_format, dedupe=dedupe)
    merges = list(getattr(norm, "merges", []))
    result = BuildResult(doc, read, out)
    if enrich:
        from .enrich import enrich_document

        def on_enrich(ev: Any) -> None:
            eta = f"~{ev.eta:.0f}s left" if ev.eta else ""
            progress(ev.stage, ev.done, ev.total, f"{ev.requests} requests {eta}".strip())

        enriched = doc.entries
        result.enrichment = enrich_document(doc, settings, only=only, offline=offline, refresh=refresh, http=http,
                                            on_progress=on_enrich, code_note=code_note, recompute_keys=False,
                                            upgrade=upgrade, prefer=prefer, venue_style=venue_style)
        again = normalise_document(doc, key_format=key_format, dedupe=dedupe, recompute_keys=True)
        merges += list(getattr(again, "merges", []))
        for entry, report in zip(enriched, result.enrichment.reports):
            report.key = entry.key  # keys were recomputed now that authors and years are known
            result.entry_reports[id(entry)] = report
    result.merges = merges
    if tag:
        from .tagging import tag_document

        result.tagging = tag_document(doc, ruleset, auto=auto_tags, apply=not dry_run)
        progress("tag", len(doc), len(doc), "")
    if dry_run:
        result.output = None
    elif out is not None:
        result.backup = write_output(doc, out, to=to, ascii=ascii, code_note=code_note, inputs=inputs)
        progress("write", len(doc), len(doc), "")
    if zotero_collection:
        import zotero_bridge

        result.sync = zotero_bridge.sync(doc, zotero_collection, via=zotero_via, settings=settings)
        progress("zotero", len(doc), len(doc), "")
    return result


def _load_rules(rules: Any) -> Any:
    if rules is None or not isinstance(rules, (str, Path)):
        return rules
    from .tagging import load_rules

    return load_rules(str(rules))


def convert(
    inputs: Sequence[str],
    out: str | None = None,
    *,
    fmt: str | None = None,
    to: str = "bibtex",
    ascii: bool = False,
    strict: bool = False,
    key_format: str | None = None,
    dedupe: bool = True,
    code_note: bool = False,
) -> "BuildResult":
    """Read inputs, normalise (merge duplicates, assign keys) and write one bibliography — no network, no tags.

    ``out=None`` returns the result without writing (use :func:`render` for
    the text); ``"-"`` writes to stdout.
    """
    return build(inputs, out, fmt=fmt, to=to, ascii=ascii, strict=strict, key_format=key_format, dedupe=dedupe,
                 code_note=code_note, enrich=False, tag=False)


#: what :func:`convert` returns (a :class:`BuildResult` with no enrichment, tagging or sync)
ConvertResult = BuildResult
