"""Property tests: any title/abstract text survives write → parse unchanged.

"Any text" means what the model can hold: NFC Unicode with single spaces (a .bib
reader collapses white space runs, as BibTeX does), no control characters, and
not already LaTeX (text that contains ``\\&`` or ``{\\"o}`` is written as LaTeX
and so reads back decoded: that is the no-double-escaping rule, tested in
test_latex.py).  With ``ascii=True`` the text is further limited to characters
that have an exact ASCII spelling (:func:`bibkit.normalize.latex.ascii_supported`).
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bibkit.model import Document, Entry, PartialDate, Person
from bibkit.normalize.casing import protect
from bibkit.normalize.latex import ascii_supported, decode, encode, looks_like_latex
from bibkit.sources.bibfile import read
from bibkit.writers import write

_WS = re.compile(r"[ \t\n\r\f\v]+")

# LaTeX specials, TeX ligature characters, braces and math, mixed with arbitrary Unicode
_SPECIALS = list("\\{}$&%#_~^<>|-'`!?,\"@=.:;()[]/ \t\n") + ["--", "---", "``", "''", "$x^2$", "$\\alpha$",
                                                            "\\&", "{\\\"o}", "\u00a0", "–", "—", "“", "”",
                                                            "’", "é", "ü", "ß", "ł", "α", "Σ", "≤", "中", "😀"]
_TEXT = st.lists(
    st.one_of(st.sampled_from(_SPECIALS), st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")),
              st.sampled_from(list("abcXYZ019 ")), st.sampled_from(["NLP", "DeepSeekMoE", "Qwen2.5", "GPT-4"])),
    max_size=30,
).map("".join)


def model_text(raw: str) -> str:
    return unicodedata.normalize("NFC", _WS.sub(" ", raw).strip(" "))


_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])


def _roundtrip(entry: Entry, dialect: str, ascii: bool) -> Entry:
    out = write(Document(blocks=[entry]), dialect, ascii=ascii)
    if ascii:
        assert out.isascii(), out
    doc = read(out, "prop.bib")
    assert len(doc.entries) == 1 and not doc.all_problems(), (out, doc.all_problems())
    return doc.entries[0]


@_SETTINGS
@given(title=_TEXT, abstract=_TEXT, dialect=st.sampled_from(["bibtex", "biblatex"]))
def test_any_text_survives_write_then_parse(title: str, abstract: str, dialect: str) -> None:
    title, abstract = model_text(title), model_text(abstract)
    assume(title and not looks_like_latex(title) and not looks_like_latex(abstract))
    entry = Entry(entry_type="article", key="k", title=title, abstract=abstract or None, journal=title,
                  note=abstract or None, authors=[Person(family="Doe", given="Jane")], date=PartialDate(2024))
    back = _roundtrip(entry, dialect, ascii=False)
    assert back.title == title
    assert back.abstract == (abstract or None)
    assert back.journal == title and back.note == (abstract or None)


@_SETTINGS
@given(title=_TEXT, abstract=_TEXT, dialect=st.sampled_from(["bibtex", "biblatex"]))
def test_text_within_the_supported_characters_survives_ascii_output(title: str, abstract: str, dialect: str) -> None:
    title, abstract = model_text(title), model_text(abstract)
    assume(title and not looks_like_latex(title) and not looks_like_latex(abstract))
    assume(all(ascii_supported(c) for c in title + abstract))
    entry = Entry(entry_type="preprint", key="k", title=title, abstract=abstract or None)
    back = _roundtrip(entry, dialect, ascii=True)
    assert back.title == title and back.abstract == (abstract or None)


@_SETTINGS
@given(text=_TEXT, ascii=st.booleans())
def test_encode_decode_and_protection(text: str, ascii: bool) -> None:
    text = model_text(text)
    assume(not looks_like_latex(text))
    if ascii:
        assume(all(ascii_supported(c) for c in text))
    latex = encode(text, ascii=ascii)
    protected = protect(latex)
    assert protect(protected) == protected  # idempotent
    assert decode(protected) == text  # braces never change the text
    _balanced(protected)


def _balanced(latex: str) -> None:
    """BibTeX's own brace rule: every brace counts, escaped or not, and none may close early."""
    depth = 0
    for c in latex:
        depth += c == "{"
        depth -= c == "}"
        assert depth >= 0, latex
    assert depth == 0, latex


_NAME = st.text(st.sampled_from(list("abcdefghijkXYZÀéüßłØ-.'")), min_size=1, max_size=8).filter(
    lambda w: w.strip("-.'") and w.lower() not in ("and", "others"))


@_SETTINGS
@given(st.lists(st.tuples(_NAME, _NAME), min_size=1, max_size=4), st.booleans(), _TEXT)
def test_names_and_titles_survive_a_bib_round_trip(names: list[tuple[str, str]], ascii: bool, title: str) -> None:
    title = model_text(title) or "T"
    assume(not looks_like_latex(title) and (not ascii or all(ascii_supported(c) for c in title)))
    people = [Person(family=f[0].upper() + f[1:] if f[0].isalpha() else "X" + f, given=g) for f, g in names]
    entry = Entry(entry_type="misc", key="k", title=title, authors=people)
    once = write(Document(blocks=[entry]), "bibtex", ascii=ascii)
    back = read(once, "p.bib").entries[0]
    assert back.authors == people and back.title == title
    assert write(read(once, "p.bib"), "bibtex", ascii=ascii) == once  # and the output is a fixpoint
