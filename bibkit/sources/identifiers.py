"""Reader for lists of paper identifiers: arXiv ids and URLs, DOIs, Hugging Face paper URLs.

The everyday input of "cite these": one identifier a line, copied from a
browser bar, a chat, a notes file.  People decorate such lists (bullets,
numbering, ``# comments``, several ids on a line separated by commas), so the
reader strips decoration, recognises each token and turns every identifier
into one entry carrying only its identifiers; enrichment fills in the rest.
Duplicates stay separate here (merging is a later stage that reports it).
What is no identifier is told apart as the other readers of pasted text do: a
comment, or a line of chatter (a heading, a note to self, a separator) is a
skipped line with its reason (``Document.skipped``: the summary counts them,
``--report`` lists them); words written beside identifiers on their line
("2401.04088  <- start here") are that line's note; but a token that looks
like a broken identifier ("2401.0408", "arXiv:2401.04o88"), or a line that is
neither (a title, which the list cannot resolve), is a problem naming its
line — an error with ``strict``: a paper may be missing.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote

from ..errors import InputError
from ..links import canonical_link, normalize_arxiv_id, normalize_doi, strip_trailing_punctuation
from ..model import Document, Entry, LinkKind, Problem, Provenance, SkippedLine, SourceLocation
from .chatter import chatter_reason
from .lines import split_lines, structural
from .pastetext import shorten

__all__ = ["read", "parse_identifier", "looks_like_ids", "Identifier"]

SOURCE = "ids"

_BULLET = re.compile(r"^\s*(?:[-*•·‣–—+>]\s+|\(?\d{1,4}[.)\]]\s+|\[\d{1,4}\]\s*)")
_COMMENT = re.compile(r"(?:^|\s)(?:#|//|%)(?:\s|$).*$|^\s*(?:#|//|%).*$")
_LABEL = re.compile(r"^(?:arxiv|doi|url|id|hf|paper)\s*:?$", re.IGNORECASE)
_GLUE_PREFIX = re.compile(r"\b(arxiv|doi)\s*:\s+", re.IGNORECASE)


class Identifier(NamedTuple):
    """``(kind, value, version)``: kind ``arxiv`` (value = base id), ``doi`` or ``hf`` (value = arXiv id)."""

    kind: str
    value: str
    version: int | None = None


#: what prose opens around an identifier, and what closes it
_OPENERS = {"(": ")", "[": "]", "{": "}", "<": ">", '"': '"', "'": "'", "“": "”", "‘": "’", "«": "»", "「": "」"}


def unwrapped(token: str) -> str:
    """The token without what prose put around it: ``(https://arxiv.org/abs/…)``, ``<https://doi.org/…>``,
    ``"10.1038/…",`` and ``[arXiv:…].`` are the identifier inside (no identifier opens with a bracket or a quote;
    a closing one that belongs to it, SICI's ``10.1002/(SICI)…``, is kept by :func:`strip_trailing_punctuation`)."""
    token = strip_trailing_punctuation(token.strip())
    while token and token[0] in _OPENERS:
        close = _OPENERS[token[0]]
        token = token[1:]
        if token.endswith(close):
            token = token[:-1]
        token = strip_trailing_punctuation(token)
    return token


def parse_identifier(token: str) -> Identifier | None:
    """Recognise one token as an arXiv id/URL, a DOI/doi.org URL or a Hugging Face paper URL."""
    token = unwrapped(token)
    if not token:
        return None
    low = token.lower()
    if "huggingface.co/papers/" in low or "hf.co/papers/" in low:
        link = canonical_link(token)
        if link.kind is LinkKind.HF_PAPER:
            raw = re.split(r"[/?#]", token[low.index("/papers/") + len("/papers/"):], maxsplit=1)[0]
            found = normalize_arxiv_id(raw)  # the raw segment: the canonical link drops a version
            if found:
                return Identifier("hf", found[0], found[1])
        return None
    found = normalize_arxiv_id(token)
    if found:
        return Identifier("arxiv", found[0], found[1])
    doi = normalize_doi(token)
    if doi:
        return Identifier("doi", doi)
    return None


def _tokens(line: str) -> list[str]:
    """Candidate tokens of a decorated line: whitespace-separated, then split at commas or
    semicolons only when the whole token is not itself an identifier (DOIs may contain them)."""
    line = _GLUE_PREFIX.sub(lambda m: m.group(1) + ":", line)
    out: list[str] = []
    for tok in line.split():
        if parse_identifier(tok) or not re.search(r"[,;]", tok.rstrip(",;")):
            out.append(tok)
        else:
            out.extend(t for t in re.split(r"[,;]", tok) if t)
    return out


def _entry(ident: Identifier, raw: str, location: SourceLocation) -> Entry:
    entry = Entry(origin=location)
    detail = f"{location}: {raw}"
    if ident.kind in ("arxiv", "hf"):
        entry.set("entry_type", "preprint", SOURCE, 1.0, detail)
        entry.set_id("arxiv", ident.value, SOURCE, 1.0, detail)
        if ident.version is not None:
            entry.ids.arxiv_version = ident.version
            entry.provenance["ids.arxiv_version"] = Provenance(SOURCE, 1.0, detail)
        if ident.kind == "hf":
            entry.set_id("hf_paper", ident.value, SOURCE, 1.0, detail)
    else:
        entry.set("entry_type", "misc", SOURCE, 1.0, detail)
        entry.set_id("doi", ident.value, SOURCE, 1.0, detail)
        entry.set("url", "https://doi.org/" + quote(ident.value, safe="/()[];:,.-_~+=!$&'*@"), SOURCE, 1.0, detail)
    entry.meta["ids_input"] = raw
    return entry


#: what an attempt at an identifier has (a token with one of these that is no identifier is a broken one)
_ID_LIKE = re.compile(r"\d{4}\.\d{3}|\b10\.\d{3}|\d{7}|arxiv|doi|/abs/|/pdf/|huggingface|hf\.co", re.IGNORECASE)


def read(text: str, origin: str, *, strict: bool = False) -> Document:
    """Read an identifier list into a :class:`Document` with one entry per identifier, in order."""
    doc = Document(metadata={"format": "ids", "source": origin})
    for idx, raw_line in enumerate(split_lines(text)):
        location = SourceLocation(origin, idx + 1)
        line = _COMMENT.sub("", raw_line.replace("\u00a0", " ")).strip()
        line = _BULLET.sub("", line).strip()
        if not line:
            if raw_line.strip():
                doc.skipped.append(SkippedLine(location, shorten(structural(raw_line)), "a comment"))
            continue
        made = len(doc.blocks)
        unknown: list[str] = []
        for tok in _tokens(line):
            ident = parse_identifier(tok)
            if ident is not None:
                doc.blocks.append(_entry(ident, unwrapped(tok), location))
            elif not _LABEL.match(tok) and strip_trailing_punctuation(tok):
                unknown.append(tok)
        made = len(doc.blocks) - made
        broken = any(_ID_LIKE.search(tok) for tok in unknown)
        if not unknown or (made and not broken):
            if not made:
                doc.skipped.append(SkippedLine(location, shorten(structural(line)), "a label without an identifier"))
            continue  # (words beside identifiers are the line's note: "2401.04088  <- start here")
        reason = None if made or broken else chatter_reason(structural(line))
        if reason is not None:
            doc.skipped.append(SkippedLine(location, shorten(structural(line)), reason))
            continue
        message = f"not an arXiv id, DOI or Hugging Face paper URL: {' '.join(unknown)!r}"
        if strict:
            raise InputError(message, location)
        doc.problems.append(Problem("unrecognised-identifier", message, "warning", location))
    if not len(doc):
        doc.problems.append(Problem("ids-empty", "no identifiers found", "warning", SourceLocation(origin)))
    return doc


def looks_like_ids(text: str, *, sample: int = 500) -> bool:
    """Whether the text is an identifier list: every non-blank, non-comment line (of the first
    ``sample``) is made of identifiers only — or nearly every one, with at least three identifier
    lines and the others short (a typo or a stray word that the reader then reports)."""
    good = bad = 0
    for raw_line in split_lines(text):
        line = _BULLET.sub("", _COMMENT.sub("", raw_line.replace("\u00a0", " ")).strip()).strip()
        if not line:
            continue
        tokens = [t for t in _tokens(line) if not _LABEL.match(t) and strip_trailing_punctuation(t)]
        if tokens and all(parse_identifier(t) for t in tokens):
            good += 1
        elif len(line) > 80:
            return False
        else:
            bad += 1
        if good + bad >= sample:
            break
    return good > 0 and (bad == 0 or (good >= 3 and bad * 3 <= good))
