"""Free-text dates as Better BibTeX reads them, for the ``year`` and ``month`` of citation keys.

A ``.bib`` entry or a Zotero item may carry a date that is not ISO
(``30-Mar-2020``, ``March 2020``, ``[1850] 2001``, ``2019-20``, ``03/04``,
``in press``).  bibkit's readers keep such text as it is; the key formula must
still read a year from it exactly as Better BibTeX does, or keys differ.  The
rules follow BBT's ``content/dateparser.ts`` (tried in this order):

* ``today``; ``30 Mar 2020`` / ``30-Mar-2020``; ``March 30, 2020`` (English
  month names and abbreviations, and the German ones BBT's month table maps);
* NASA ADS's ``1993-00-00`` / ``1993/00/00`` / ``1993-05-00`` (zero parts unknown);
* ``March 2020`` / ``2020 March`` (seasons: the year only);
* ``[1850] 2001`` and ``2001 [1850]``: the date in force, not the original;
* day or month ranges inside one year (``jan 20-22 1977``, ``22-26 June 2015``,
  ``July-October 1985``): their start;
* numeric ``2020-03-05``, ``2020/3``, ``5.3.2020``, ``3/2020`` (a time and
  ``~``/``?`` are ignored); ``2019-20`` is the range 2019–2020;
* a bare year of three or more digits (``-44`` too);
* a range ``X--Y``/``X/Y``/``X_Y`` of parseable dates: its start (or its end
  when the start is open);
* otherwise Zotero's own reading (``Zotero.Date.strToDate``): the first
  number of three or four digits is the year (``circa 1900``), a short
  ``M/YY`` is month and a literal two-digit year (``03/04`` → year 4, as BBT
  writes it); and when there is no year at all, BBT puts the text itself in
  the key (``in press``), which :attr:`BBTDate.verbatim` carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["BBTDate", "parse_bbt_date"]

_MONTH_NAMES: dict[str, int] = {}
for _no, _names in enumerate([
    "january jan januar janv enero gennaio", "february feb februar febr fevrier febrero febbraio",
    "march mar marz maerz märz mars marzo", "april apr avril abril aprile", "may mai mayo maggio",
    "june jun juni juin junio giugno", "july jul juli juil julio luglio",
    "august aug aout août agosto", "september sep sept septembre septiembre settembre",
    "october oct oktober octobre octubre ottobre", "november nov novembre noviembre",
    "december dec dezember dez decembre décembre diciembre dicembre",
], start=1):
    for _n in _names.split():
        _MONTH_NAMES[_n] = _no
_SEASONS = {"spring", "summer", "autumn", "fall", "winter", "frühling", "sommer", "herbst"}
_MONTH = r"(?P<{name}>[^\W\d_]{{3,}})\.?"


@dataclass(frozen=True)
class BBTDate:
    """What BBT reads from a date: ``year``/``month`` when found, else the ``verbatim`` text."""

    year: int | None = None
    month: int | None = None
    verbatim: str | None = None


def _month(name: str | None) -> int | None:
    return _MONTH_NAMES.get((name or "").casefold().rstrip("."))


def _is_month_word(name: str | None) -> bool:
    n = (name or "").casefold().rstrip(".")
    return n in _MONTH_NAMES or n in _SEASONS


_RE_DMY = re.compile(r"^(?P<day>\d+)(?:\s+|-)" + _MONTH.format(name="month") + r"(?:\s+|-)(?P<year>\d+)$")
_RE_MDY = re.compile(r"^" + _MONTH.format(name="month") + r"\s+(?P<day>\d+),?\s+(?P<year>\d+)$")
_RE_NASA = re.compile(r"^(?P<year>-?\d+)[-/](?P<month>\d+|00)[-/]00$")
_RE_MY = re.compile(r"^" + _MONTH.format(name="month") + r"(?:[^\w\s]+|\s+)(?P<year>\d+)$")
_RE_YM = re.compile(r"^(?P<year>\d+)(?:[^\w\s]+|\s+)" + _MONTH.format(name="month") + r"$")
_RE_ORIG_DATE = re.compile(r"^\[(?P<orig>.+?)\]\s*(?P<date>.*)$")
_RE_DATE_ORIG = re.compile(r"^(?P<date>.+?)\s*\[(?P<orig>.+)\]$")
_RE_M_D_D_Y = re.compile(r"^" + _MONTH.format(name="month") + r"\s+\d+(?:--|-|\u2013)\d+[, ]\s*(?P<year>\d+)$")
_RE_M_D_M_D_Y = re.compile(r"^" + _MONTH.format(name="month")
                           + r"\s+\d+(?:--|-|\u2013)[^\W\d_]+\.?\s+\d+[, ]\s*(?P<year>\d+)$")
_RE_D_M_D_M_Y = re.compile(r"^\d+\s*(?:" + _MONTH.format(name="m1") + r")?(?:--|-|\u2013)\s*\d+\s+"
                           + _MONTH.format(name="m2") + r"\s+(?P<year>\d+)$")
_RE_M_M_Y = re.compile(r"^" + _MONTH.format(name="m1") + r"(?:--|-|\u2013)" + _MONTH.format(name="m2")
                       + r"(?:--|-|\u2013|\s+)(?P<year>\d+)$")
_RE_TIME = re.compile(r"(?:(?:\s*|T)\d{2}:\d{2}(?::\d{2}(?:\.\d+)?\s*(?:Z|[+-]\d{2}:?(?:\d{2})?)?)?)?[~?%]*$")
_RE_YDM = re.compile(r"^(?P<year>\d{3,})(?P<sep>[\s\W_])(?P<month>\d{1,2})(?:(?P=sep)(?P<day>\d{1,2}))?$")
_RE_DMYN = re.compile(r"^(?P<day>\d{1,2})(?P<sep>[\s\W_])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{3,})$")
_RE_MYN = re.compile(r"^(?P<month>\d{1,2})(?:\s+|[^\w\s]+)(?P<year>\d{3,})$")
_RE_YMN = re.compile(r"^(?P<year>\d{3,})(?:\s+|[^\w\s]+)(?P<month>\d{1,2})$")
_RE_PUBMED = re.compile(r"^\d{1,2}\s+\d{1,2}\s*,\s*(?P<year>\d{4,})$")
_RE_Y = re.compile(r"^(?P<year>-?\d{3,})$")
_RE_EDTF = re.compile(r"^(?P<year>-?\d{4})(?:-(?P<month>\d{2})(?:-\d{2})?)?(?:T[\d:.]+(?:Z|[+-][\d:]+)?)?[~?%]*$")
_RE_SHORT_MY = re.compile(r"^(?P<month>\d{1,2})[/.\-](?P<year>\d{1,2})$")
_RE_YEAR_ANYWHERE = re.compile(r"(?<!\d)(?P<year>\d{3,4})(?!\d)")


def _valid_month(m: int | None) -> int | None:
    return m if m is not None and 1 <= m <= 12 else None


def parse_bbt_date(text: str | None) -> BBTDate:
    """Read a free-text date the way Better BibTeX does (see the module docstring)."""
    value = (text or "").strip()
    if not value:
        return BBTDate()
    parsed = _parse(value, reparse=True, ranges=True)
    if parsed is not None:
        return parsed
    return _zotero_str_to_date(value)


def _parse(value: str, *, reparse: bool, ranges: bool) -> BBTDate | None:
    value = value.strip()
    if not value:
        return None
    if value.casefold() == "today":
        import datetime

        today = datetime.date.today()
        return BBTDate(today.year, today.month)
    found = _parse_named_month(value, reparse)
    if found is None:
        date_only = re.sub(r"\s+", " ", _RE_TIME.sub("", value, count=1)).strip()
        found = _parse_numeric(value, date_only)
    if found is None and ranges:
        found = _parse_range(value)
    return found


def _parse_named_month(value: str, reparse: bool) -> BBTDate | None:
    """Dates that name their month (``March 3, 2020``, ``3 Mar 2020``, ``Mar--Apr 2020``) and BBT's re-parses
    (NASA ADS ``2020-03-00``, ``[orig] date``)."""
    for rx in (_RE_MDY, _RE_DMY):
        m = rx.match(value)
        if m and _is_month_word(m["month"]):
            day, year = int(m["day"]), int(m["year"])
            if day > 31 and year < 31:
                day, year = year, day
            return BBTDate(year, _month(m["month"]))
    if reparse and (m := _RE_NASA.match(value)):
        month = int(m["month"])
        return BBTDate(int(m["year"]), _valid_month(month) if month else None)
    for rx in (_RE_MY, _RE_YM):
        m = rx.match(value)
        if m and _is_month_word(m["month"]):
            return BBTDate(int(m["year"]), _month(m["month"]))
    if reparse and (m := _RE_ORIG_DATE.match(value) or _RE_DATE_ORIG.match(value)):
        orig = _parse(m["orig"], reparse=False, ranges=False)
        date = _parse(m["date"], reparse=False, ranges=False) if m["date"] else None
        if orig is not None and (not m["date"] or date is not None):
            return date if date is not None else orig
    for rx in (_RE_M_D_D_Y, _RE_M_D_M_D_Y):
        m = rx.match(value)
        if m and _is_month_word(m["month"]):
            return BBTDate(int(m["year"]), _month(m["month"]))
    m = _RE_D_M_D_M_Y.match(value)
    if m and _is_month_word(m["m2"]) and (m["m1"] is None or _is_month_word(m["m1"])):
        return BBTDate(int(m["year"]), _month(m["m1"] or m["m2"]))
    m = _RE_M_M_Y.match(value)
    if m and _is_month_word(m["m1"]) and _is_month_word(m["m2"]):
        return BBTDate(int(m["year"]), _month(m["m1"]))
    return None


def _parse_numeric(value: str, date_only: str) -> BBTDate | None:
    """All-digit dates (``2020-03-04``, ``04.03.2020``, ``03/2020``), PubMed's and EDTF's forms, a bare year."""
    m = _RE_YDM.match(value) or _RE_DMYN.match(date_only) or _RE_MYN.match(date_only) or _RE_YMN.match(date_only)
    if m:
        year_text: str = m["year"]
        month_text: str = m["month"]
        day_text: str | None = m.groupdict().get("day")
        # BBT #3322: "2019-20" is the range 2019-2020, not month 20
        if (not day_text and len(year_text) == 4 and len(month_text) == 2 and month_text > "24"
                and year_text < year_text[:2] + month_text):
            return BBTDate(int(year_text))
        mo, d = int(month_text), int(day_text) if day_text else None
        if d is not None and not 1 <= mo <= 12 and 1 <= d <= 12:
            mo, d = d, mo  # swap day and month when only that makes sense
        if 1 <= mo <= 12 or 13 <= mo <= 16 or 21 <= mo <= 24:
            return BBTDate(int(year_text), _valid_month(mo))
    m = _RE_PUBMED.match(date_only) or _RE_Y.match(date_only)
    if m:
        return BBTDate(int(m["year"]))
    m = _RE_EDTF.match(value)
    if m:
        return BBTDate(int(m["year"]), _valid_month(int(m["month"])) if m["month"] else None)
    return None


def _parse_range(value: str) -> BBTDate | None:
    """A range (``2019--2020``, ``2020-03/2020-05``): its start, else its end, when both sides read as dates."""
    for sep in ("--", "-", "/", "_", "\u2013"):
        parts = value.split(sep)
        if len(parts) == 2:
            start = _parse(parts[0], reparse=True, ranges=False)
            end = _parse(parts[1], reparse=True, ranges=False)
            score = sum(1 if p is not None else (0 if not s.strip() else -10)
                        for p, s in ((start, parts[0]), (end, parts[1])))
            if score > 0:
                return start if start is not None else end
    return None


def _zotero_str_to_date(value: str) -> BBTDate:
    """The verbatim fallback: Zotero's ``strToDate`` finds a year (and a month) in free text."""
    m = _RE_SHORT_MY.match(value)
    if m and 1 <= int(m["month"]) <= 12:
        return BBTDate(int(m["year"]), int(m["month"]))
    m = _RE_YEAR_ANYWHERE.search(value)
    if m:
        words = re.findall(r"[^\W\d_]+", value)
        month = next((_month(w) for w in words if _month(w)), None)
        return BBTDate(int(m["year"]), month)
    return BBTDate(verbatim=value)
