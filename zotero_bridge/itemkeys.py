"""Deterministic Zotero object keys derived from what an entry *is*.

Zotero 10's local API lets a client choose the key of a new object: an object
sent with ``key`` and ``"version": 0`` is created with that key if it does not
exist, and fails with 412 in the write report if it does.  Deriving the key
from the entry's identity (arXiv base ID, else DOI, else citation key, else
normalised title + first author) therefore makes creation idempotent: a retry
after a dropped connection, a Ctrl-C mid-batch or a second run can never create
a second copy of the same paper.

Keys use Zotero's alphabet (``23456789ABCDEFGHIJKLMNPQRSTUVWXYZ``: no 0, 1, O)
and are 8 characters long, as ``[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}`` requires.
"""

from __future__ import annotations

import hashlib
import re

from bibkit.model import Entry
from bibkit.normalize.identity import arxiv_from_doi, comparable_title, doi_key, strip_arxiv_version

ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
KEY_LENGTH = 8
KEY_RE = re.compile(rf"^[{ALPHABET}]{{{KEY_LENGTH}}}$")

#: namespace mixed into every hash, so keys of this tool never collide by
#: construction with keys another tool derives the same way from the same IDs
_NAMESPACE = "zotero_bridge/v1"


def is_valid_key(key: str) -> bool:
    """Whether ``key`` is a syntactically valid Zotero object key."""
    return bool(KEY_RE.match(key or ""))


def key_from_text(text: str) -> str:
    """An 8-character key in Zotero's alphabet from any identity string (SHA-256 based)."""
    digest = hashlib.sha256(f"{_NAMESPACE}\x00{text}".encode("utf-8")).digest()
    number = int.from_bytes(digest[:16], "big")
    chars = []
    for _ in range(KEY_LENGTH):
        number, rest = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[rest])
    return "".join(chars)


def normalise_text(text: str | None) -> str:
    """The comparison form of a title or name: the identity module's one normaliser
    (:func:`bibkit.normalize.identity.comparable_title`)."""
    return comparable_title(text)


def arxiv_id_from_doi(doi: str | None) -> str | None:
    """The arXiv ID inside arXiv's own DataCite DOI (``10.48550/arXiv.<id>``), else ``None``."""
    return arxiv_from_doi(doi)


def first_author_name(entry: Entry) -> str:
    """Normalised family (or literal) name of the first author, or ``""``."""
    if not entry.authors:
        return ""
    person = entry.authors[0]
    return normalise_text(person.literal or person.family or person.last)


def entry_identity(entry: Entry) -> str | None:
    """The strongest identity an entry has, as ``kind:value`` (``None`` if it has none).

    Order matters and mirrors the matching order of the planner: arXiv base ID,
    DOI, citation key, normalised title + first author, and last the title
    alone (only to *name* a new object, never to match an existing one).
    """
    arxiv = entry.ids.arxiv or arxiv_id_from_doi(entry.ids.doi)
    if arxiv:
        return f"arxiv:{strip_arxiv_version(arxiv).lower()}"
    if entry.ids.doi:
        return f"doi:{doi_key(entry.ids.doi)}"
    if entry.key:
        return f"key:{entry.key.strip()}"
    title = normalise_text(entry.title)
    if title:
        return f"title:{title}|{first_author_name(entry)}"
    return None


def item_key_for(entry: Entry) -> str | None:
    """The deterministic item key for an entry (``None`` when the entry has no identity at all)."""
    identity = entry_identity(entry)
    return key_from_text(f"item:{identity}") if identity else None


def citation_key_item_key(entry: Entry) -> str | None:
    """The item key :func:`item_key_for` gives an entry known by its citation key alone (as an entry with no
    arXiv ID or DOI is): how the bridge recognises its record of a paper saved before enrichment."""
    return key_from_text(f"item:key:{entry.key.strip()}") if entry.key else None


def attachment_key_for(parent_key: str, url: str) -> str:
    """Deterministic key of a linked-URL attachment (one per parent and URL)."""
    return key_from_text(f"attachment:{parent_key}:{url.strip().rstrip('/').lower()}")


def collection_key_for(path: str) -> str:
    """Deterministic key for a collection created by the bridge at ``path``."""
    return key_from_text(f"collection:{path}")
