"""Nasty real-world ``.bib`` shapes (tests/data/bib/horrors/): exports of JabRef, Zotero/Better BibTeX,
Mendeley, Google Scholar, DBLP, ACM, IEEE, arXiv/DataCite and Semantic Scholar, BibLaTeX xdata/crossref,
and broken files (missing braces, ``%`` lines inside entries, macros used before their definition,
duplicate keys and fields, BOM, CRLF, Latin-1, no final newline, empty files).

The files are small and hand-written in the style of each exporter (not copies of real files).  For
every file: problems name file, line and key; writing is a fixpoint; nothing the input says is lost;
and everything together compiles under natbib/plainnat + bibtex and biblatex + biber without errors
or warnings.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bibkit.model import Document, Entry, RawBlock
from bibkit.normalize import normalise
from bibkit.sources import read_path
from bibkit.sources.bibfile import read
from bibkit.writers import write
from texutil import compile_biber, compile_bibtex

HORRORS = Path(__file__).parent / "data" / "bib" / "horrors"
FILES = sorted(p.name for p in HORRORS.glob("*.bib"))
#: a block even the repairs cannot read is kept unchanged (and reported): BibTeX cannot read it either
NOT_COMPILABLE = {"unparseable-key.bib"}


def load(name: str) -> Document:
    return read_path(str(HORRORS / name))


def by_key(doc: Document, name: str) -> Entry:
    [entry] = [e for e in doc.entries if e.key == name]
    return entry


# ----------------------------------------------------------------------------- problems


EXPECTED_PROBLEMS = {
    "broken-structure.bib": [("repaired-entry", 1, "open1"), ("comment-in-entry", 12, "pct"),
                             ("comment-in-entry", 14, "pct"), ("repaired-entry", 25, "unbalanced")],
    "horrors.bib": [("macro-used-before-definition", 5, None), ("malformed-entry", 25, "missing-comma"),
                    ("duplicate-key", 31, "dupkey"), ("duplicate-field", 35, "fieldcase")],
    "latin1.bib": [("not-utf8", 2, None)],
    "unclosed-at-eof.bib": [("repaired-entry", 1, "unclosed")],
    "unparseable-key.bib": [("malformed-entry", 7, "muller")],  # the key as far as BibTeX reads it
}


@pytest.mark.parametrize("name", FILES)
def test_problems_name_file_line_and_key(name: str) -> None:
    doc = load(name)
    got = [(p.code, p.location.line if p.location else None, p.key) for p in doc.all_problems()]
    assert got == EXPECTED_PROBLEMS.get(name, [])
    assert all(p.location is not None and p.location.file == str(HORRORS / name) for p in doc.all_problems())


# ----------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_write_read_write_is_a_fixpoint(name: str, dialect: str, ascii: bool) -> None:
    once = write(load(name), dialect, ascii=ascii)
    assert write(read(once, name), dialect, ascii=ascii) == once


def _entries(doc: Document) -> dict[str, dict]:
    from test_roundtrip import model_view

    out = {}
    for e in doc.entries:
        view = model_view(e)
        view["extra"] = {k: v for k, v in view["extra"].items() if k != "key"}  # the sort key the writer adds
        out[e.key or ""] = view
    return out


@pytest.mark.parametrize("name", [n for n in FILES if n not in NOT_COMPILABLE])
@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_biblatex_read_write_read_keeps_every_entry(name: str, ascii: bool) -> None:
    first = load(name)
    again = read(write(first, "biblatex", ascii=ascii), name)
    assert _entries(again) == _entries(first)
    kinds = Counter(b.kind for b in first.blocks if isinstance(b, RawBlock))
    assert Counter(b.kind for b in again.blocks if isinstance(b, RawBlock)) == kinds


#: words of an input that legitimately do not come back in the biblatex output
REWRITTEN = {
    # month = {March}, month = 3 → date; a \url holding % or # → escaped text ("x_y" → "x\_y")
    "horrors.bib": {"year", "month", "march", "url", "x_y", "3"},
    "jabref.bib": set(),
}


def _biblatex_forms() -> set[str]:
    """#14: BibLaTeX output names BibTeX's fields and types in BibLaTeX's forms (journal → journaltitle,
    year/month/day → date, @phdthesis → @thesis…), so those names and the month macros do not come back."""
    from bibkit.sources.bibfile import MONTH_MACROS
    from bibkit.writers.biblatex_forms import FIELD_FORMS, TYPE_FORMS

    return set(FIELD_FORMS) | set(TYPE_FORMS) | {"year", "month", "day"} | set(MONTH_MACROS)


BIBLATEX_FORMS = _biblatex_forms()


@pytest.mark.parametrize("name", FILES)
def test_no_word_of_the_input_is_lost(name: str) -> None:
    data = (HORRORS / name).read_bytes()
    text = data.decode("utf-8") if name != "latin1.bib" else data.decode("cp1252")
    out = write(load(name), "biblatex")
    words_in = Counter(w.casefold() for w in re.findall(r"\w+", text))
    words_out = Counter(w.casefold() for w in re.findall(r"\w+", out))
    lost = {w for w in words_in - words_out if w not in REWRITTEN.get(name, set()) and w not in BIBLATEX_FORMS}
    # "@" outside entries is written "(at)" (BibTeX would read it as an entry start): "at" may grow, never shrink
    assert lost == set(), lost


# ----------------------------------------------------------------------------- what the reader makes of them


def test_exporters_shapes_are_understood() -> None:
    jab = load("jabref.bib")
    he = by_key(jab, "He2016:ResNet")
    assert he.journal == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    assert he.date is not None and he.date.iso() == "2016-06" and he.ids.doi == "10.1109/CVPR.2016.90"
    comments = [b.value for b in jab.blocks if isinstance(b, RawBlock) and b.kind == "comment"]
    assert comments[0] == "jabref-meta: databaseType:bibtex;" and comments[1].startswith("jabref-meta: grouping:")
    out = write(jab)
    assert "  journal = ieee_tpami," in out and "  month = jun," in out  # macros stay macros
    assert "@comment{jabref-meta: databaseType:bibtex;}" in out

    zot = load("zotero-bbt.bib")
    vaswani = by_key(zot, "vaswaniAttentionAllYou2017")
    assert vaswani.title == "Attention Is All You Need" and vaswani.authors[6].display() == "Łukasz Kaiser"
    assert vaswani.ids.arxiv == "1706.03762" and vaswani.tags == [
        "Computer Science - Computation and Language", "Computer Science - Machine Learning"]
    uber = by_key(zot, "mullerUberGraphNeural2020")
    assert uber.title == "Über Graph Neural Networks: A Survey of the State of the Art"
    assert [p.display() for p in uber.authors] == ["Jörg Müller", "Søren Østergaard", "Anna Christoph"]
    assert uber.date is not None and uber.date.iso() == "2020-03" and uber.extra["date"] == "2020-03/2020-04"

    sch = load("scholar-dblp-acm-ieee.bib")
    assert by_key(sch, "DBLP:journals/corr/abs-2303-08774").ids.arxiv == "2303.08774"
    assert by_key(sch, "DBLP:journals/corr/abs-2303-08774").authors[0].display() == "OpenAI"
    assert by_key(sch, "https://doi.org/10.48550/arxiv.2106.09685").ids.arxiv == "2106.09685"
    assert [p.display() for p in by_key(sch, "9134370").authors][1:3] == ["Peter Tiňo", "Aleš Leonardis"]
    assert by_key(sch, "10.1145/3292500.3330701").pages == "2623–2631"

    men = by_key(load("mendeley.bib"), "Smith2020")
    assert men.abstract == "We study 50% of cases & more; see $5 #3 and snake_case."
    assert men.title == "The ALGOL Language: A $\\mathcal{O}(n)$ Analysis of ö ö ö øÅß Forms"
    assert men.journal == "Journal of {Weird} Things" and men.ids.doi == "10.1000/xyz<123>;(a)"
    names = [(p.given, p.particle, p.family, p.suffix, p.literal) for p in men.authors]
    assert names == [("John", "", "Smith", "", ""), ("", "", "", "", "Barnes and Noble, Inc."),
                     ("J. D.", "van der", "Waals", "", ""), ("Martin Luther", "", "King", "Jr.", ""),
                     ("", "", "", "", "others")]


def test_broken_files_are_repaired_not_dropped() -> None:
    doc = load("broken-structure.bib")
    assert [e.key for e in doc.entries] == ["open1", "after1", "pct", "atline", "unbalanced", "after2"]
    assert by_key(doc, "open1").title == "Missing closing brace, next entry follows"
    assert by_key(doc, "unbalanced").title == "Unbalanced brace in title" and by_key(doc, "unbalanced").year == 2019
    pct = by_key(doc, "pct")
    assert pct.title == "Percent comment line inside entry" and pct.journal == "J"
    moved = [b.value for b in doc.blocks if isinstance(b, RawBlock) and b.kind == "text"]
    assert moved == ["% a comment line inside an entry: BibTeX does not treat this as a comment\n"
                     "% doi = {10.1000/commented-out},"]
    out = write(doc)
    assert "  title = {Unbalanced {brace in title}},\n" in out
    assert "@article{pct,\n  author = {Doe, Jane},\n  title = {Percent comment line inside entry},\n" in out
    assert by_key(load("unclosed-at-eof.bib"), "unclosed").year == 2011


def test_macros_used_before_their_definition() -> None:
    doc = load("horrors.bib")
    assert by_key(doc, "Key:with/odd.chars+1").journal == "Journal of Early and more"
    out = write(doc)
    # BibTeX reads @string definitions in order: the output defines "earlier" before "later" uses it
    assert out.index("@string{earlier") < out.index("@string{later") < out.index("@string{jnl")


def test_specials_in_copied_values_are_escaped_for_tex() -> None:
    doc = load("horrors.bib")
    out = write(doc)
    assert "  title = {Percent \\% inside braces is not a comment}," in out
    assert "% Maintainer: someone(at)example.org" in out and "@comment{contact me(at)example.org}" in out
    assert by_key(doc, "Key:with/odd.chars+1").title == "Percent % inside braces is not a comment"
    relax = by_key(doc, "relax")
    assert relax.extra["howpublished"] == "https://example.org/x_y%20z?a=1&b=2#sec"
    assert "\\url{https://example.org/x_y%20z?a=1&b=2#sec}" in out  # BibTeX's .bbl can take \url as written
    # biber puts it into a macro argument, where \url cannot read % or #: written as escaped text
    assert "  howpublished = {https://example.org/x\\_y\\%20z?a=1\\&b=2\\#sec}," in write(doc, "biblatex")


def test_xdata_is_inlined_for_classic_bibtex() -> None:
    doc = load("biblatex-xdata.bib")
    out = write(doc, "bibtex")
    assert "@xdata" not in out.lower().replace("% bibkit: a biblatex xdata", "")
    child = out[out.index("@inproceedings{child2021"):]
    child = child[:child.index("\n}\n")]
    assert "booktitle = {Proceedings of the Conference}" in child and "publisher = {Springer}" in child
    assert "xdata" not in child
    assert "  xdata = {conf2021}," in write(doc, "biblatex")


def test_keys_and_encodings() -> None:
    assert [e.key for e in load("utf8-key.bib").entries] == ["Müller:2014"]
    latin = by_key(load("latin1.bib"), "latin1")
    assert latin.title == "Café au lait" and latin.authors[0].display() == "Jörg Müller"
    bom = by_key(load("bom-crlf-tabs.bib"), "bom")
    assert bom.title == "BOM and CRLF and tabs" and bom.origin is not None and bom.origin.line == 1
    assert by_key(load("no-newline.bib"), "nonewline").year == 2010
    assert len(load("empty.bib")) == 0 and len(load("only-comments.bib")) == 0
    horrors = load("horrors.bib")
    assert [e.key for e in horrors.entries if e.key and e.key.lower() == "dupkey"] == ["DupKey", "dupkey"]
    normalise(horrors)
    assert [e.key for e in horrors.entries if e.key and e.key.lower().startswith("dupkey")] == ["DupKey", "dupkeya"]
    assert by_key(horrors, "fieldcase").title == "Upper-case Title"
    assert [p.display() for p in by_key(horrors, "others1").authors] == ["others"]


def test_unparseable_block_is_kept_and_the_rest_is_read() -> None:
    doc = load("unparseable-key.bib")
    assert [e.key for e in doc.entries] == ["before", "after"]
    out = write(doc)
    assert 'title = {A key with braces}' in out and "@misc{after," in out


# ----------------------------------------------------------------------------- real TeX


def _all_compilable() -> Document:
    doc = Document()
    for name in FILES:
        if name not in NOT_COMPILABLE:
            doc.extend(load(name))
    normalise(doc)
    return doc


@pytest.mark.parametrize("dialect, ascii", [("bibtex", False), ("bibtex", True), ("biblatex", False)],
                         ids=["bibtex-utf8", "bibtex-ascii", "biber"])
def test_every_horror_compiles_without_a_warning(dialect: str, ascii: bool, tmp_path: Path) -> None:
    doc = _all_compilable()
    bib = write(doc, dialect, ascii=ascii)
    res = (compile_bibtex if dialect == "bibtex" else compile_biber)(bib, tmp_path)
    assert res.errors == []
    undated = {e.key for e in doc.entries if not e.year}
    assert res.unexpected_warnings(empty_year_keys=undated) == []
    text = res.flat_text.casefold()  # plainnat lower-cases titles, biblatex does not
    for expected in ("% inside braces is not a comment", "ALGOL", "øÅß", "Østergaard", "Guidance & Advice",
                     "Café au lait", "Unbalanced brace in title", "Journal of Early and more"):
        assert expected.casefold() in text, expected
    assert "ALGOL" in res.flat_text  # protected by the input's own braces
