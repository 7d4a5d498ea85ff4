"""Page ranges: one rule for every source, so a range is stored one way and written one way.

The model holds plain Unicode, and a page range is stored with an en dash:
``887–914``.  The BibTeX writer's LaTeX encoder turns the en dash into TeX's
``--`` — the form every BibTeX style expects — while a literal ``--`` in model
text is *two hyphens* to it, which it must write ``-{}-`` so TeX does not fuse
them.  So whatever a source sends (Crossref's ``page`` "887-914", Semantic
Scholar's padded ``"887 -\\n 914"``, DBLP's "887-914", an arXiv journal
reference's "887-914", a script's "887--914") becomes ``887–914`` here, and a
``.bib`` input's ``pages = {887--914}`` (decoded to ``887–914``) is written back
exactly as it was.

Only values made of page tokens (``887``, ``e1234``, ``S12``, ``L1``, ``xii``)
joined by one dash each, optionally several ranges separated by commas, are
touched; anything else (``"887 ff."``, an article number with a hyphen inside a
longer text) is kept as it is, white space tidied.
"""

from __future__ import annotations

from ..lazyre import compile_on_first_use

__all__ = ["page_range", "EN_DASH"]

EN_DASH = "\u2013"
#: one page: an optional letter prefix (e, S, L, A…), digits, an optional letter suffix; or a roman numeral
_PAGE = r"(?:[A-Za-z]{0,4}\d+[A-Za-z]{0,2}|[ivxlcdm]{1,8}|[IVXLCDM]{1,8})"
#: a range dash: hyphens (TeX's ``-``/``--``/``---``), a Unicode hyphen or dash, a minus sign
_ANY_DASH = r"(?:-{1,3}|[\u2010-\u2015\u2212])"
#: the same without a lone ASCII hyphen
_LONG_DASH = r"(?:-{2,3}|[\u2010-\u2015\u2212])"
#: a range of two page tokens that is not part of a longer hyphenated string (a date, an ISBN)
_RANGE = compile_on_first_use(
    __name__, rf"(?<![\w\u2010-\u2015\u2212-])({_PAGE})\s*{_ANY_DASH}\s*({_PAGE})(?![\w\u2010-\u2015\u2212-])")
_LONG_RANGE = compile_on_first_use(
    __name__, rf"(?<![\w\u2010-\u2015\u2212-])({_PAGE})(\s*){_LONG_DASH}(\s*)({_PAGE})"
              rf"(?![\w\u2010-\u2015\u2212-])")


def page_range(text: str | None, *, hyphen: bool = True) -> str | None:
    """``text`` with each page range's dash made an en dash (``"887 - 914"`` → ``"887–914"``); ``None`` if empty.

    White space runs (Semantic Scholar pads its pages with newlines) become one
    space.  ``hyphen=False`` leaves a range written with one ASCII hyphen, and
    the spacing around any dash, as they are: what a writer uses on a value a
    person may have typed, touching only the dashes TeX would otherwise misread.
    """
    if not text:
        return None
    tidy = " ".join(text.split())
    if not tidy:
        return None
    if hyphen:
        return _RANGE.sub(lambda m: f"{m[1]}{EN_DASH}{m[2]}", tidy)
    return _LONG_RANGE.sub(lambda m: f"{m[1]}{m[2]}{EN_DASH}{m[3]}{m[4]}", tidy)
