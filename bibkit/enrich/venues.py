"""The venue table: full ↔ short names of conferences and journals, and every other name sources use.

Sources name one venue many ways — Crossref "Proceedings of the 2023 Conference
on Empirical Methods in Natural Language Processing", Semantic Scholar
"Conference on Empirical Methods in Natural Language Processing", DBLP
"EMNLP", an arXiv comment "Accepted at EMNLP 2023" — and a bibliography wants
one of them, consistently: ``--venue-style full`` (the default) writes the
table's full name, ``--venue-style short`` its short one.

The table ships as package data (``bibkit/data/venues.toml``, documented
there) and users add venues in their config file (``[[venues]]`` tables of the
same shape, looked up before the bundled ones).  :func:`venue_key` is the one
normalisation of venue names: case, accents and punctuation (via
:func:`bibkit.normalize.text.normalize_title`), years, ordinals ("62nd",
"Thirty-Seventh"), "Proceedings of the", "Annual" and parenthesised parts
("(Volume 1: Long Papers)", "(ICLR)") do not matter.

The table also knows which venues register **no DOIs** (ICLR, NeurIPS, ICML,
TMLR…): for those only DBLP can confirm a publication, so the upgrade stage
asks DBLP rather than Crossref.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Sequence

from ..config import ConfigError, Settings
from ..normalize.text import normalize_title

__all__ = ["Venue", "VenueTable", "VenueHint", "venue_key", "load_venues", "STYLES", "is_workshop"]

STYLES = ("full", "short")

_PAREN = re.compile(r"\([^()]*\)")
_FINDINGS_PAREN = re.compile(r"\(\s*findings\s*\)", re.IGNORECASE)
_TRAILING_NUMBER = re.compile(r"(?:\s+\d{1,4})+$")
_YEAR = re.compile(r"(?<![\d.])(?:19|20)\d\d(?![\d.])|'\d\d\b")
_ORD_NUM = re.compile(r"\b\d+(?:st|nd|rd|th)\b", re.IGNORECASE)
_ORD_WORD = re.compile(
    r"\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-]*)?"
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|"
    r"fiftieth|sixtieth|seventieth|eightieth|ninetieth)\b", re.IGNORECASE)
_FILLER = re.compile(r"^(?:the\s+)?(?:proceedings\s+of\s+(?:the\s+)?)?|\bannual\b|\bvolume\s+\d+\b.*$"
                     r"|\bpart\s+[ivxlc]+\b.*$")
_WORKSHOP = re.compile(r"\bworkshops?\b|\btiny papers\b|\bstudent research\b|\bdemo(?:nstration)?s? track\b",
                       re.IGNORECASE)
#: words before a venue in an arXiv comment that mean "not (yet) published there"
_NOT_PUBLISHED = re.compile(r"\b(?:under review|submitted|in submission|submission to|rejected|withdrawn|"
                            r"preprint of|extended version of|in preparation|for review)\b", re.IGNORECASE)


def is_workshop(name: str | None) -> bool:
    """Whether a venue name is a workshop's (or another lesser track) rather than the main venue's."""
    return bool(name) and bool(_WORKSHOP.search(name or ""))


def venue_key(name: str | None) -> str:
    """The comparison form of a venue name (see the module docstring).

    A parenthesised "(Findings)" (DBLP's "EMNLP (Findings)") is kept as a word: it names
    another venue than the main conference.
    """
    if not name:
        return ""
    name = _FINDINGS_PAREN.sub(" findings ", name.replace("{year}", " "))
    text = _PAREN.sub(" ", name) if _PAREN.sub(" ", name).strip() else name
    text = _YEAR.sub(" ", text)
    text = _ORD_NUM.sub(" ", text)
    text = _ORD_WORD.sub(" ", text)
    key = normalize_title(text)
    key = _FILLER.sub(" ", key)
    key = _TRAILING_NUMBER.sub("", " ".join(key.split()))  # "Advances in … Systems 36": the volume
    return key


@dataclass(frozen=True)
class Venue:
    """One venue: its short and full name (``{year}`` filled in when written), kind, aliases."""

    short: str
    full: str
    kind: str = "conference"  # conference | journal
    doi: bool = True  # registers DOIs for its papers (False: ICLR, NeurIPS… — ask DBLP)
    aliases: tuple[str, ...] = ()

    @property
    def entry_type(self) -> str:
        return "article" if self.kind == "journal" else "inproceedings"

    def name(self, style: str = "full", year: int | None = None) -> str:
        """The name to write in ``style``; ``{year}`` becomes ``year`` (dropped when unknown)."""
        text = self.short if style == "short" else self.full
        if "{year}" in text:
            text = text.replace("{year}", str(year)) if year else " ".join(text.replace("{year}", "").split())
        return text

    def names(self) -> tuple[str, ...]:
        return (self.short, self.full, *self.aliases)


@dataclass(frozen=True)
class VenueHint:
    """A venue named in free text (an arXiv comment or journal reference), with the year next to it."""

    venue: Venue
    year: int | None
    workshop: bool = False


@dataclass
class VenueTable:
    """Venues by every key of their names; user venues shadow bundled ones."""

    venues: list[Venue] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key: dict[str, Venue] = {}
        for venue in self.venues:  # earlier entries (the user's) win
            for name in venue.names():
                self._by_key.setdefault(venue_key(name), venue)
        self._patterns: list[tuple[re.Pattern[str], Venue]] | None = None

    def find(self, *names: str | None) -> Venue | None:
        """The venue any of ``names`` is a name of (a workshop's name never is: it is another venue)."""
        for name in names:
            if not name or is_workshop(name):
                continue
            venue = self._by_key.get(venue_key(name))
            if venue is not None:
                return venue
        return None

    def style(self, name: str | None, style: str, year: int | None = None) -> str | None:
        """``name`` written in ``style`` when the table knows the venue, else ``name`` as it is."""
        venue = self.find(name)
        return venue.name(style, year) if venue is not None else name

    def hints(self, text: str | None) -> list[VenueHint]:
        """Venues named in free text ("Accepted at ICLR 2024", "Findings of EMNLP 2023"), longest names first.

        A venue preceded in its sentence by "under review", "submitted to" and
        the like is not a hint of publication.
        """
        if not text:
            return []
        out: list[VenueHint] = []
        taken: list[tuple[int, int]] = []
        for pattern, venue in self._text_patterns():
            for m in pattern.finditer(text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                sentence = re.split(r"[.;]\s", text[:m.start()])[-1]
                if _NOT_PUBLISHED.search(sentence):
                    continue
                taken.append((m.start(), m.end()))
                after = text[m.end():m.end() + 24]
                before = text[max(0, m.start() - 12):m.start()]
                year = _year_near(after) or _year_near(before)
                workshop = bool(_WORKSHOP.search(text[max(0, m.start() - 40):m.end() + 40]))
                if not any(h.venue is venue for h in out):
                    out.append(VenueHint(venue, year, workshop))
        return out

    def _text_patterns(self) -> list[tuple[re.Pattern[str], Venue]]:
        """One pattern per distinct name as prose writes it, longest first; a short name wins its text."""
        if self._patterns is None:
            chosen: dict[str, tuple[int, int, str, Venue]] = {}  # folded text -> (rank, order, text, venue)
            for order, venue in enumerate(self.venues):
                for name in venue.names():
                    if "(" in name:
                        continue  # "NAACL (Findings)" is a DBLP key, not how prose names a venue
                    text = " ".join(name.replace("{year}", "").split()).rstrip(":").strip()
                    if len(text) < 3:
                        continue
                    rank = 0 if name == venue.short else 1  # "NAACL" means NAACL, not Findings of NAACL
                    best = chosen.get(text.casefold())
                    if best is None or (rank, order) < best[:2]:
                        chosen[text.casefold()] = (rank, order, text, venue)
            patterns = []
            for _rank, _order, text, venue in sorted(chosen.values(), key=lambda c: -len(c[2])):
                acronym = len(text) <= 6 and text.replace(".", "").isalnum()  # "ACL" must not match "acl"
                body = r"\s+".join(re.escape(w) for w in text.split())
                patterns.append((re.compile(rf"(?<![\w-]){body}(?![\w-])", 0 if acronym else re.IGNORECASE), venue))
            self._patterns = patterns
        return self._patterns


_NEAR_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)|'(\d\d)\b")


def _year_near(text: str) -> int | None:
    m = _NEAR_YEAR.search(text)
    if not m:
        return None
    return int(m.group(1)) if m.group(1) else 2000 + int(m.group(2))


# --------------------------------------------------------------------------- loading


def _venue(raw: Any, where: str) -> Venue:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: a venue must be a table with short and full names")
    short, full = raw.get("short"), raw.get("full")
    if not isinstance(short, str) or not short.strip() or not isinstance(full, str) or not full.strip():
        raise ConfigError(f"{where}: a venue needs 'short' and 'full' names (strings)")
    kind = raw.get("kind", "conference")
    if kind not in ("conference", "journal"):
        raise ConfigError(f"{where}: venue {short!r}: kind must be \"conference\" or \"journal\", not {kind!r}")
    aliases = raw.get("aliases", [])
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ConfigError(f"{where}: venue {short!r}: aliases must be a list of strings")
    doi = raw.get("doi", True)
    if not isinstance(doi, bool):
        raise ConfigError(f"{where}: venue {short!r}: doi must be true or false")
    unknown = set(raw) - {"short", "full", "kind", "aliases", "doi"}
    if unknown:
        raise ConfigError(f"{where}: venue {short!r}: unknown key(s) {', '.join(sorted(unknown))} "
                          "(use short, full, kind, doi, aliases)")
    return Venue(short.strip(), full.strip(), kind, doi, tuple(a.strip() for a in aliases if a.strip()))


@lru_cache(maxsize=1)
def bundled_venues() -> tuple[Venue, ...]:
    """The venue table shipped with bibkit."""
    text = resources.files("bibkit").joinpath("data/venues.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return tuple(_venue(v, f"bibkit/data/venues.toml: venue #{i + 1}") for i, v in enumerate(data.get("venues", [])))


def load_venues(settings: Settings | None = None, extra: Iterable[Any] = ()) -> VenueTable:
    """The venue table for a run: the user's config-file venues (and ``extra``) first, then bibkit's."""
    where = str(settings.config_file) if settings is not None and settings.config_file else "config file"
    user: Sequence[Any] = list(settings.venues if settings is not None else ()) + list(extra)
    mine = [_venue(v, f"{where}: [[venues]] #{i + 1}") for i, v in enumerate(user)]
    return VenueTable(mine + list(bundled_venues()))
