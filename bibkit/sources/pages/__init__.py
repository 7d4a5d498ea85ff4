"""Pasted text of every kind people copy papers from: one reader per page family, picked per block.

================ ==========================================================================
reader           what it reads (module)
================ ==========================================================================
titles           a title, maybe authors, maybe an abstract: Hugging Face trending/daily feeds,
                 plain lists of titles (:mod:`.titles`, :mod:`bibkit.sources.listing`)
hf-page          Hugging Face collections and single paper pages (:mod:`.hf`)
arxiv-page       arXiv listings (new, recent, pastweek), search results, abstract pages,
                 ``arXiv:<id>`` blocks with ``Title:``/``Authors:`` fields, mailings (:mod:`.arxiv`)
markdown         reading lists: Markdown bullets and tables, and their rendered copies (:mod:`.markdown`)
references       reference lists from papers: numbered and author–year; IEEE, APA, ACL/ACM,
                 natbib, LNCS, MLA/Chicago, Vancouver (:mod:`.references`)
scholar-page     Google Scholar's results page: title, byline, snippet, links (:mod:`.scholar`); a profile's
                 list of articles (:mod:`.scholarprofile`)
dblp-page        dblp person pages and search results: entry numbers, authors ending with ``:``,
                 ``Title. Venue`` in dblp's notation (:mod:`.dblp`)
acm-page         the ACM Digital Library's search results and tables of contents (:mod:`.acm`)
openreview-page  OpenReview venue pages, search results, profiles, a paper's page: one paper a note, the
                 venue line's decision, submissions as ``@unpublished`` (:mod:`.openreview`)
ieee-page        IEEE Xplore search results and tables of contents (the facts line); a paper's own page (:mod:`.ieee`)
s2-page          Semantic Scholar search results and paper pages; the TLDR is no abstract (:mod:`.semanticscholar`)
pubmed-page      PubMed's search results (title, Vancouver names, the citation line, ``PMID:``) and an
                 article's own page on PubMed or PubMed Central, copied whole (:mod:`.pubmed`)
article-page     a journal publisher's article page copied whole (Springer Link, nature.com, BMC, PLOS,
                 Frontiers, ScienceDirect): the paper its "Cite this article"/"Citation:" line cites, or
                 ScienceDirect's header describes (:mod:`.article`, :mod:`.sciencedirect`)
notes            links to paper pages, ``arXiv:`` mentions, DOIs, cited titles (:mod:`.notes`)
================ ==========================================================================

:func:`read` cuts the paste into blocks and picks each block's reader
(:mod:`.segment`), or reads everything with one reader (``only=``, what ``--from``
asks for).  Every entry records its reader, the shape it recognised and a confidence
(:class:`~bibkit.model.ReadBy`); every line that became no paper is listed in
``Document.skipped`` with the reason.  Everything is linear in the input, and no input
makes a reader raise: what cannot be read is a skipped line or a problem.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from types import ModuleType
from typing import TYPE_CHECKING

from ...errors import InputError
from ...model import Document, Entry, Problem, SourceLocation
from ...record import PageReader
from ..pastetext import Line, make_lines
from .base import Sink

if TYPE_CHECKING:
    from .segment import Block

__all__ = ["read", "READER_NAMES", "clear_caches"]

#: the page readers ``--from`` can force
READER_NAMES: tuple[str, ...] = tuple(reader.value for reader in PageReader)


def clear_caches() -> None:
    """Empty the caches of parsed names the readers keep between reads (a benchmark's cold start:
    a fresh ``bibkit`` process reads with them empty)."""
    from ...names import parse_plain_name
    from ..pastetext import _is_initials, _split_authors, looks_like_names
    from .base import _person

    for cached in (_person, _is_initials, _split_authors, looks_like_names, parse_plain_name):
        cached.cache_clear()


def read(text: str, origin: str, *, strict: bool = False, only: str | None = None) -> Document:
    """Read pasted text into a :class:`Document`; ``only`` forces one reader for all of it.

    The cyclic garbage collector is paused while reading: a paste of 10,000 references makes
    hundreds of thousands of small objects, none in a cycle, and the collector's passes over
    them would cost a tenth of the time for nothing.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _read(text, origin, strict=strict, only=only)
    finally:
        if paused:
            gc.enable()


def _read(text: str, origin: str, *, strict: bool = False, only: str | None = None) -> Document:
    from . import (
        acm,
        article,
        arxiv,
        dblp,
        hf,
        ieee,
        markdown,
        notes,
        openreview,
        pubmed,
        references,
        scholar,
        semanticscholar,
    )
    from .segment import Block, segment

    modules = {arxiv.NAME: arxiv, hf.NAME: hf, markdown.NAME: markdown, references.NAME: references,
               scholar.NAME: scholar, dblp.NAME: dblp, acm.NAME: acm, openreview.NAME: openreview,
               ieee.NAME: ieee, semanticscholar.NAME: semanticscholar, pubmed.NAME: pubmed, notes.NAME: notes,
               article.NAME: article}
    forced = PageReader(only) if only in READER_NAMES else None
    if only is not None and forced is None:
        raise InputError(f"unknown page reader {only!r} (expected one of: {', '.join(READER_NAMES)})")
    lines = make_lines(text)
    doc = Document(metadata={"format": "listing", "source": origin})
    if forced is None and "PMCID:" in text and pubmed.full_text_page(lines):  # (a full text: no papers in it)
        forced = pubmed.NAME
    if forced is None and scholar.is_profile(text, lines):  # a Scholar profile's articles: no bylines to find
        forced = scholar.NAME
    if forced is None and article.may_be_page(text) and article.is_page(lines):  # a publisher's article page
        forced = article.NAME
    page = ieee.document_page(lines) if forced is None and "Published in:" in text else None
    if page is not None:  # one paper's page (its tabs list other papers), and whatever is around it
        first, end = page
        blocks = [*segment(lines[:first]), Block(ieee.NAME, first, end, 1.0),
                  *(replace(b, start=b.start + end, end=b.end + end) for b in segment(lines[end:]))]
    else:
        blocks = [Block(forced, 0, len(lines), 1.0)] if forced is not None else segment(lines)
    sink = Sink(origin)
    entries: list[Entry] = []
    problems: list[Problem] = []
    skipped_count = 0
    parts = _titles_parts(lines, blocks, origin, strict)
    for index, block in enumerate(blocks):
        if block.reader is PageReader.TITLES:
            part = parts[block.start]
            entries.extend(part.entries)
            problems.extend(part.problems)
            doc.skipped.extend(part.skipped)
            skipped_count += int(part.metadata.pop("listing_skipped_lines", 0) or 0)
            part.metadata.pop("listing_rich", None)
            for key, value in part.metadata.items():
                doc.metadata.setdefault(key, value)
            continue
        before = len(sink.skipped)
        used, taken = _read_block(block, lines, sink, modules, origin, strict)
        blocks[index] = used
        if taken is not None:  # the titles reader took over a block the block's reader found no paper in
            entries.extend(taken.entries)
            problems.extend(taken.problems)
            doc.skipped.extend(taken.skipped)
            skipped_count += int(taken.metadata.pop("listing_skipped_lines", 0) or 0)
        skipped_count += len(sink.skipped) - before
    for entry in entries:  # the titles reader's: character references decoded as the others' are
        _decode_entities(entry)
    for draft, confidence in sink.drafts:
        entry, found = draft.to_entry(origin, confidence)
        entry.problems.extend(found)
        entries.append(entry)
    entries.sort(key=lambda e: e.origin.line if e.origin and e.origin.line else 0)
    doc.blocks.extend(entries)
    doc.problems.extend(problems)
    doc.problems.extend(sink.problems)
    doc.skipped.extend(sink.skipped)
    doc.skipped.sort(key=lambda s: s.location.line or 0)
    doc.metadata["listing_skipped_lines"] = skipped_count
    counts: dict[str, int] = {}
    for e in entries:
        if e.record.read_by is not None:
            name = e.record.read_by.reader.value
            counts[name] = counts.get(name, 0) + 1
    doc.metadata["readers"] = counts
    doc.metadata["blocks"] = [{"reader": b.reader.value, "lines": f"{b.start + 1}-{max(b.start + 1, b.end)}",
                               "confidence": b.confidence} for b in blocks]
    if not entries:
        doc.problems.append(Problem("listing-empty", "no paper found in the pasted text", "warning",
                                    SourceLocation(origin)))
    if strict:
        bad = [p for p in problems + sink.problems if p.severity in ("warning", "error")]
        if bad:
            raise InputError(bad[0].message, bad[0].location)
    return doc


def _read_block(block: Block, lines: list[Line], sink: Sink, modules: dict[PageReader, ModuleType], origin: str,
                strict: bool) -> tuple[Block, Document | None]:
    """Read a block with its reader; if that finds no paper in it, with the next reader the block's
    evidence points to (a numbered list of titles with years looks like a reference list until no
    reference is found in it).  Returns the block as read (its reader) and, when the titles reader
    read it, its document."""
    from .titles import read_region

    mark = sink.mark()
    sink.block_confidence = block.confidence
    modules[block.reader].read_block(lines[block.start:block.end], sink)
    if len(sink.drafts) > mark[0] or not block.alternatives:
        return block, None
    for other in block.alternatives:
        sink.undo(mark)
        confidence = round(0.8 * block.confidence, 2)
        if other is PageReader.TITLES:
            part = read_region([ln.raw for ln in lines[block.start:block.end]], block.start + 1, origin, confidence,
                               strict=strict)
            if part.entries:
                return replace(block, reader=other, confidence=confidence), part
            continue
        sink.block_confidence = confidence
        modules[other].read_block(lines[block.start:block.end], sink)
        if len(sink.drafts) > mark[0]:
            return replace(block, reader=other, confidence=confidence), None
    sink.undo(mark)  # nobody found a paper: the block's own reader says why each line is none
    sink.block_confidence = block.confidence
    modules[block.reader].read_block(lines[block.start:block.end], sink)
    return block, None


def _titles_parts(lines: list[Line], blocks: list[Block], origin: str, strict: bool) -> dict[int, Document]:
    """The titles reader's reading of each of its blocks (by the block's first line).

    Whether a lone short line is a paper or a heading depends on the paste: among papers that
    come with abstracts or authors it is a heading, a label, an organisation ("Qwen" under a
    card).  A block cut out by chatter may hold too few papers to tell; when the titles
    reader's papers of the whole paste do tell, a block that has any such paper of its own and
    could not decide alone is read again with the paste's answer.
    """
    from .titles import read_region

    parts: dict[int, Document] = {}
    for block in blocks:
        if block.reader is PageReader.TITLES:
            parts[block.start] = read_region([ln.raw for ln in lines[block.start:block.end]], block.start + 1, origin,
                                             block.confidence, strict=strict)
    if len(parts) < 2:
        return parts
    every = [e for part in parts.values() for e in part.entries]
    full = sum(1 for e in every if e.abstract)
    named = sum(1 for e in every if e.abstract or e.authors)
    if not ((full >= 3 and full >= 0.6 * len(every)) or (named >= 3 and named >= 0.6 * len(every))):
        return parts
    for block in blocks:
        part = parts.get(block.start)
        if part is None or part.metadata.get("listing_rich") or not any(e.abstract or e.authors for e in part.entries):
            continue
        parts[block.start] = read_region([ln.raw for ln in lines[block.start:block.end]], block.start + 1, origin,
                                         block.confidence, strict=strict, rich=True)
    return parts


def _decode_entities(entry: Entry) -> None:
    """``&amp;`` and other character references in a title or abstract decoded; names that are no
    HTML character (``&xxe;``) kept as written and reported."""
    from ..pastetext import decode_entities

    for name in ("title", "abstract"):
        value = getattr(entry, name)
        if not value or "&" not in value:
            continue
        decoded, unknown = decode_entities(value)
        if decoded != value:
            prov = entry.provenance.get(name)
            entry.set(name, decoded, prov.source if prov else "listing", prov.confidence if prov else 1.0,
                      prov.detail if prov else None)
            if name == "title":
                entry.meta["listing_title"] = decoded
        if unknown:
            entry.problem("unknown-entity", f"the {name} holds {', '.join(sorted(set(unknown)))}, which is no HTML "
                          "character name; kept as written")
