"""BibTeX forms → BibLaTeX forms, for ``convert --to biblatex`` of entries read from a ``.bib``.

The BibTeX writer copies a field read from a ``.bib`` as it was written, so
without this step ``@article{…, journal = …, year = 2020, month = mar}`` stayed
BibTeX-shaped in BibLaTeX output.  biber still understands the old forms (its
default source map aliases them), but a BibLaTeX file should use its own: the
names the biblatex manual gives as the originals of its aliases (§2.1.2 type
aliases, §2.2.5 field aliases), and ``date`` instead of ``year``/``month``/``day``
(§2.3.8: ``year`` and ``month`` are for compatibility).

* entry types: ``@conference`` → ``@inproceedings``; ``@electronic``/``@www`` →
  ``@online``; ``@phdthesis``/``@mastersthesis`` → ``@thesis`` with
  ``type = {phdthesis}``/``{mathesis}``; ``@techreport`` → ``@report`` with
  ``type = {techreport}`` (a ``type`` the entry has is kept);
* fields: ``journal`` → ``journaltitle``, ``address`` → ``location``, ``school`` →
  ``institution``, ``annote`` → ``annotation``, ``archiveprefix`` → ``eprinttype``,
  ``primaryclass`` → ``eprintclass``, ``pdf`` → ``file`` —
  renamed in place, the value expression untouched (a ``@string`` macro stays a
  macro), and only when the BibLaTeX field is not there already (``key`` stays: biber reads it as
  ``sortkey``, and the writer gives author-less entries one);
* ``year`` (four digits), ``month`` (any spelling :func:`~bibkit.bibsyntax.month_number`
  reads) and ``day`` → ``date = {YYYY-MM-DD}`` in ``year``'s place, unless the entry
  has a ``date``; a year that is not a plain number (``{2020a}``, ``{in press}``) stays.
  A range of years (``{1598--1603}``, ``{1598/1603}``, ``{1598–1603}``: how BibTeX users write
  one) → ``date = {1598/1603}``, BibLaTeX's range, which biber reads as a start and an end year
  (left as ``year`` it warns that the year is no integer and sorts it as text);
* a ``year`` beside a ``date`` that says the same (the date's year, or its years as a range:
  what ``convert --to bibtex`` and the CSL-JSON reader write for classic BibTeX) goes, because
  biber takes the date and warns about such a year.

Input and output are the writer's ``(type, [(name, value expression), …])``; the
function is pure and idempotent, so entries bibkit wrote fresh pass unchanged.
"""

from __future__ import annotations

from ..bibsyntax import month_number, parse_expression
from ..lazyre import compile_on_first_use

__all__ = ["to_biblatex", "TYPE_FORMS", "FIELD_FORMS"]

#: BibTeX entry type → (BibLaTeX type, value of ``type`` to add or None)
TYPE_FORMS: dict[str, tuple[str, str | None]] = {
    "conference": ("inproceedings", None),
    "electronic": ("online", None),
    "www": ("online", None),
    "phdthesis": ("thesis", "phdthesis"),
    "mastersthesis": ("thesis", "mathesis"),
    "techreport": ("report", "techreport"),
}
#: BibTeX field name → BibLaTeX field name
FIELD_FORMS: dict[str, str] = {
    "journal": "journaltitle", "address": "location", "school": "institution", "annote": "annotation",
    "archiveprefix": "eprinttype", "primaryclass": "eprintclass", "pdf": "file",
}
_YEAR = compile_on_first_use(__name__, r"^\d{4}$")
_YEAR_RANGE = compile_on_first_use(__name__, r"^(\d{4})\s*(?:-{1,3}|–|—|/)\s*(\d{4})$")
_DATE_YEARS = compile_on_first_use(__name__, r"^(\d{4})(?:-\d{2}(?:-\d{2})?)?(?:T\S*)?(?:/(\d{4})?\S*)?$")


def _single(value: str) -> tuple[str, str] | None:
    parts, leftover = parse_expression(value.strip())
    if leftover or len(parts) != 1:
        return None
    return parts[0]


def _date(fields: list[tuple[str, str]]) -> str | None:
    """``{YYYY[-MM[-DD]]}`` from the entry's year/month/day, or None when they are not plain."""
    values = {name.lower(): value for name, value in fields}
    year = _single(values["year"])
    if year is None or year[0] == "macro":
        return None
    span = _YEAR_RANGE.match(year[1].strip())
    if span and "month" not in values and "day" not in values:
        return "{" + f"{span.group(1)}/{span.group(2)}" + "}"
    if not _YEAR.match(year[1].strip()):
        return None
    date = year[1].strip()
    if "month" in values:
        part = _single(values["month"])
        month = month_number(part[1], [part]) if part is not None else None
        if month is None:
            return None
        date += f"-{month:02d}"
        if "day" in values:
            day = _single(values["day"])
            if day is None or not day[1].strip().isdigit() or not 1 <= int(day[1]) <= 31:
                return None
            date += f"-{int(day[1]):02d}"
    elif "day" in values:
        return None
    return "{" + date + "}"


def _year_in_date(fields: list[tuple[str, str]]) -> bool:
    """Whether the entry's ``year`` says only what its ``date`` says (its year, or its years as a range)."""
    values = {name.lower(): value for name, value in fields}
    year, date = _single(values["year"]), _single(values["date"])
    if year is None or date is None or year[0] == "macro" or date[0] == "macro":
        return False
    m = _DATE_YEARS.match(date[1].strip())
    if m is None:
        return False
    start, end = m.group(1), m.group(2) or m.group(1)
    span = _YEAR_RANGE.match(year[1].strip())
    if span:
        return (span.group(1), span.group(2)) == (start, end)
    return year[1].strip() == start == end


def to_biblatex(entry_type: str, fields: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """The entry's type and fields in BibLaTeX's own forms (see the module docstring)."""
    present = {name.lower() for name, _ in fields}
    out: list[tuple[str, str]] = []
    date = _date(fields) if "year" in present and "date" not in present else None
    redundant_year = "year" in present and "date" in present and _year_in_date(fields)
    for name, value in fields:
        lname = name.lower()
        if redundant_year and lname == "year":
            continue
        if date is not None and lname in ("month", "day"):
            continue
        if date is not None and lname == "year":
            out.append(("date", date))
            continue
        new = FIELD_FORMS.get(lname)
        if new is not None and new not in present:
            if new == "eprinttype":
                part = _single(value)
                if part is not None and part[1].strip().lower() == "arxiv":
                    value = "{arxiv}"
            out.append((new, value))
            continue
        out.append((name, value))
    form = TYPE_FORMS.get(entry_type.lower())
    if form is None:
        return entry_type, out
    new_type, subtype = form
    if subtype is not None and "type" not in present:
        out.append(("type", "{" + subtype + "}"))
    return new_type, out
