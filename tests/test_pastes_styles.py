"""Reference-list shapes an independent review found read wrongly, each a real, common style, written from its
style guide (not the review's strings): ACM's author lists ("Kaiming He, and Jian Sun." and "He, K., and Sun,
J."), generational suffixes (BibTeX's "jr" part), physics styles without a title (APS/AIP, Elsevier's physics
journals, with "et al." and arXiv identifiers), a publisher in parentheses or an imprint ("Place: Publisher"),
and "In …" venues, LaTeX markup included.  Every case asserts the parsed fields; the ``.bib`` made by
``bibkit convert`` is checked by the real ``bibtex``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.model import Entry
from bibkit.sources import read_text
from bibkit.testing.bibcorpus import bibtex_counts


def read(text: str) -> list[Entry]:
    return read_text(text, "refs.txt").entries


def one(reference: str) -> Entry:
    entries = read("References\n\n" + reference + "\n")
    assert len(entries) == 1, [e.title for e in entries]
    return entries[0]


def people(e: Entry) -> list[tuple[str, str, str]]:
    return [(p.family, p.given, p.suffix) for p in e.authors if not p.literal]


# --------------------------------------------------------------------------- ACM Reference Format

@pytest.mark.parametrize(("reference", "authors", "title", "journal", "volume", "pages"), [
    ("Grace Hopper, and Ada Lovelace. 2011. Compiling the analytical engine. Journal of Machines 7 (2011), 12–19.",
     [("Hopper", "Grace", ""), ("Lovelace", "Ada", "")], "Compiling the analytical engine", "Journal of Machines",
     "7", "12–19"),
    ("Hopper, G., and Lovelace, A. Compiling the analytical engine again. Journal of Machines 8 (2012), 1–9.",
     [("Hopper", "G.", ""), ("Lovelace", "A.", "")], "Compiling the analytical engine again",
     "Journal of Machines", "8", "1–9"),
    ("Hopper, G. M., Lovelace, A., and Babbage, C. Tables by machine. Commun. ACM 12, 3 (Mar. 1969), 40–48.",
     [("Hopper", "G. M.", ""), ("Lovelace", "A.", ""), ("Babbage", "C.", "")], "Tables by machine", "Commun. ACM",
     "12", "40–48"),
    ("Alan Turing and Claude Shannon. 1950. Is it a machine? Commun. ACM 50, 1 (Jan. 1950), 36–44.",
     [("Turing", "Alan", ""), ("Shannon", "Claude", "")], "Is it a machine?", "Commun. ACM", "50", "36–44"),
])
def test_acm_author_lists_with_and_after_a_comma(reference, authors, title, journal, volume, pages) -> None:
    e = one(reference)
    assert people(e) == authors
    assert (e.title, e.journal, e.volume, e.pages, e.entry_type) == (title, journal, volume, pages, "article")


# --------------------------------------------------------------------------- name suffixes

@pytest.mark.parametrize(("reference", "authors"), [
    ("Hopper, Jr., G. 2019. Suffixes in bibliographies. Journal of Names 12 (2019), 33–44.",
     [("Hopper", "G.", "Jr.")]),
    ("Hopper Jr., G. (2019). Suffixes in bibliographies. Journal of Names, 12(3), 33–44.",
     [("Hopper", "G.", "Jr.")]),
    ("Grace Hopper Jr. and Alan Turing III. 2019. Suffixes in bibliographies. Journal of Names 12 (2019), 33–44.",
     [("Hopper", "Grace", "Jr."), ("Turing", "Alan", "III")]),
    ('G. M. Hopper, Jr., A. Turing, and C. Babbage III, "Suffixes in bibliographies," J. Names, vol. 12, no. 3, '
     "pp. 33–44, 2019.", [("Hopper", "G. M.", "Jr."), ("Turing", "A.", ""), ("Babbage", "C.", "III")]),
    ('Hopper, Grace Murray, Jr., and Alan Turing. 2019. "Suffixes in Bibliographies." Journal of Names 12 (3): '
     "33–44.", [("Hopper", "Grace Murray", "Jr."), ("Turing", "Alan", "")]),
    ("Hopper GM Jr, Turing A, Babbage C 3rd. Suffixes in bibliographies. J Names. 2019;12(3):33-44.",
     [("Hopper", "G M", "Jr"), ("Turing", "A", ""), ("Babbage", "C", "3rd")]),
    # "V." after a comma is an initial, never the suffix "V"
    ("Vapnik, V., & Hopper, G. (1995). Support vectors and names. Machine Learning, 20(3), 273–297.",
     [("Vapnik", "V.", ""), ("Hopper", "G.", "")]),
])
def test_a_generational_suffix_is_the_names_jr_part_not_an_author(reference, authors) -> None:
    assert people(one(reference)) == authors


def test_an_unnumbered_list_starts_a_reference_at_a_suffixed_or_initials_first_author() -> None:
    entries = read("References\n\n"
                   "Hopper, Jr., G. 2019. First paper on lists. Journal of Names 3 (2019), 1–5.\n"
                   "Hopper Jr., G. 2019. Second paper on lists. Journal of Names 3 (2019), 6–9.\n"
                   "Grace Hopper Jr. and Alan Turing III. 2019. Third paper on lists. Journal of Names 3 (2019), "
                   "10–19.\n"
                   "M. Curie, Radioactive Substances (Chemical News Press, London, 1904).\n"
                   "A. Lovelace and G. Hopper. Fourth paper on lists. In Proceedings of the Lists Workshop, 2020.\n"
                   "A. Lovelace et al. Fifth paper on lists. In Proceedings of the Lists Workshop, 2021.\n")
    assert [e.title for e in entries] == ["First paper on lists", "Second paper on lists", "Third paper on lists",
                                          "Radioactive Substances", "Fourth paper on lists", "Fifth paper on lists"]
    assert [p.suffix for p in entries[2].authors] == ["Jr.", "III"]


# --------------------------------------------------------------------------- physics: no title

@pytest.mark.parametrize(("reference", "authors", "truncated", "journal", "volume", "pages", "year", "arxiv"), [
    ("M. Curie and P. Curie, Ann. Chim. (Paris) 12, 345 (1902).", [("Curie", "M."), ("Curie", "P.")], False,
     "Ann. Chim. (Paris)", "12", "345", 1902, None),
    ("L. Meitner, O. Hahn, and F. Strassmann, Z. Phys. 106, 249 (1937).",
     [("Meitner", "L."), ("Hahn", "O."), ("Strassmann", "F.")], False, "Z. Phys.", "106", "249", 1937, None),
    ("C. S. Wu et al., Phys. Rev. 105, 1413 (1957).", [("Wu", "C. S.")], True, "Phys. Rev.", "105", "1413", 1957, None),
    ("Q. Zhang and L. Wang, Phys. Rev. A 99, 012345 (2019), arXiv:1901.01234.", [("Zhang", "Q."), ("Wang", "L.")],
     False, "Phys. Rev. A", "99", "012345", 2019, "1901.01234"),
    ("S. Hawking et al. (Event Collaboration), Astrophys. J. Lett. 875, L1 (2019).", [("Hawking", "S.")], True,
     "Astrophys. J. Lett.", "875", "L1", 2019, None),
    # a journal's name holding a comma is no title
    ("E. Noether, Nachr. Ges. Wiss. Goettingen, Math.-Phys. Kl. 1918, 235 (1918).", [("Noether", "E.")], False,
     "Nachr. Ges. Wiss. Goettingen, Math.-Phys. Kl.", "1918", "235", 1918, None),
    # Elsevier's and JHEP's order: journal, volume, (year), pages
    ("P. Dirac, Proc. R. Soc. A 117 (1928) 610–624.", [("Dirac", "P.")], False, "Proc. R. Soc. A", "117",
     "610–624", 1928, None),
    ("J. Maldacena, JHEP 05 (2020) 013, arXiv:1905.01234 [hep-th].", [("Maldacena", "J.")], False, "JHEP", "05",
     "013", 2020, "1905.01234"),
])
def test_a_physics_reference_gives_journal_volume_pages_and_year_and_no_invented_title(
        reference, authors, truncated, journal, volume, pages, year, arxiv) -> None:
    e = one(reference)
    assert e.title is None
    assert [(p.family, p.given) for p in e.authors if not p.literal] == authors
    assert any(p.literal == "others" for p in e.authors) == truncated
    assert (e.entry_type, e.journal, e.volume, e.pages, e.year) == ("article", journal, volume, pages, year)
    assert e.ids.arxiv == arxiv


def test_a_collaboration_alone_is_the_author_of_a_physics_reference() -> None:
    # big experiments sign as the collaboration only: "ATLAS Collaboration, Phys. Lett. B 716, 1 (2012)." (was no
    # reference at all: its line skipped)
    e = one("The CMS Collaboration, Phys. Lett. B 716, 30 (2012).")
    assert [p.literal for p in e.authors] == ["The CMS Collaboration"]
    assert (e.entry_type, e.journal, e.volume, e.pages, e.year) == ("article", "Phys. Lett. B", "716", "30", 2012)
    e = one("ATLAS Collaboration, Phys. Lett. B 716 (2012) 1.")
    assert [p.literal for p in e.authors] == ["ATLAS Collaboration"] and e.pages == "1"


def test_a_physics_reference_with_the_titles_option_keeps_its_title() -> None:
    e = one("A. Einstein, B. Podolsky, and N. Rosen, Can quantum-mechanical description of physical reality be "
            "considered complete?, Phys. Rev. 47, 777 (1935).")
    assert e.title == "Can quantum-mechanical description of physical reality be considered complete?"
    assert (e.journal, e.volume, e.pages, e.year) == ("Phys. Rev.", "47", "777", 1935)


def test_physics_preprints_forthcoming_and_combined_references() -> None:
    e = one("Q. Zhang, L. Wang, and K. Li, Phys. Rev. Lett. (to be published), arXiv:2003.04567.")
    assert [p.family for p in e.authors] == ["Zhang", "Wang", "Li"] and e.title is None
    assert e.journal and e.journal.startswith("Phys. Rev. Lett") and e.note == "to be published"
    assert e.ids.arxiv == "2003.04567"
    _, e, _ = read("References\n\n[1] M. Curie, Ann. Chim. (Paris) 12, 345 (1902).\n"
                   "[2] Q. Zhang and L. Wang, Topological codes on a lattice, arXiv:2003.04567 [quant-ph].\n"
                   "[3] L. Meitner and O. Frisch, Nature (London) 143, 239 (1939).\n")
    assert e.title == "Topological codes on a lattice" and [p.family for p in e.authors] == ["Zhang", "Wang"]
    e = one("C. S. Wu et al., Nature Phys. 16, 1 (2020); Phys. Rev. D 102, 012345 (2020).")
    assert (e.journal, e.volume, e.pages, e.year, e.title) == ("Nature Phys", "16", "1", 2020, None)


def test_nature_volume_and_article_number_are_volume_and_pages() -> None:
    e = one("Ito, K. et al. Photonic circuits at scale. Nat. Commun. 16, 1234 (2025).")
    assert (e.journal, e.volume, e.number, e.pages) == ("Nat. Commun.", "16", None, "1234")
    # ACM's issue number keeps its place: the pages come after the date
    e = one("Ada Lovelace. 1997. Notes on the engine. Neural Comput. 9, 8 (Nov. 1997), 1735–1780.")
    assert (e.volume, e.number, e.pages) == ("9", "8", "1735–1780")


def test_an_unnumbered_physics_list_is_one_entry_per_reference() -> None:
    entries = read("References\n\n"
                   "M. Curie, Ann. Chim. (Paris) 12, 345 (1902).\n"
                   "L. Meitner and O. Frisch, Nature (London) 143, 239 (1939).\n"
                   "Q. Zhang, L. Wang, and K. Li, Phys. Rev. B 101,\n"
                   "045123 (2020), arXiv:2001.01234.\n"
                   "C. S. Wu et al., arXiv:2101.01234 [quant-ph].\n")
    assert [(e.authors[0].family, e.journal, e.volume, e.year) for e in entries] == [
        ("Curie", "Ann. Chim. (Paris)", "12", 1902), ("Meitner", "Nature (London)", "143", 1939),
        ("Zhang", "Phys. Rev. B", "101", 2020), ("Wu", None, None, 2021)]
    assert entries[3].ids.arxiv == "2101.01234" and entries[3].title is None


# --------------------------------------------------------------------------- books: publisher, address, year

@pytest.mark.parametrize(("reference", "title", "publisher", "address", "year", "edition"), [
    ("R. Feynman and A. Hibbs, Paths in Quantum Theory (McGraw-Hill, New York, 1965).",
     "Paths in Quantum Theory", "McGraw-Hill", "New York", 1965, None),
    ("E. Fermi, Notes on Thermodynamics (Dover Publications, Mineola, NY, 1956).",
     "Notes on Thermodynamics", "Dover Publications", "Mineola, NY", 1956, None),
    ("J. J. Sakurai, Advanced Quantum Theory, 2nd ed. (Addison-Wesley, Reading, MA, 1994).",
     "Advanced Quantum Theory", "Addison-Wesley", "Reading, MA", 1994, "2nd"),
    ("Bishop, C. M. Pattern Recognition and Machine Learning (Springer, 2006).",
     "Pattern Recognition and Machine Learning", "Springer", None, 2006, None),
    ("C. Shannon, Communication Theory (Urbana, IL: University of Illinois Press, 1949).",
     "Communication Theory", "University of Illinois Press", "Urbana, IL", 1949, None),
    # IEEE, Chicago and Harvard imprints: "Place: Publisher"
    ("C. M. Bishop, Neural Networks for Pattern Recognition. Oxford, U.K.: Clarendon Press, 1995.",
     "Neural Networks for Pattern Recognition", "Clarendon Press", "Oxford, U.K.", 1995, None),
    ("Sutton, Richard S., and Andrew G. Barto. 2018. Reinforcement Learning: An Introduction. Cambridge, MA: MIT "
     "Press.", "Reinforcement Learning: An Introduction", "MIT Press", "Cambridge, MA", 2018, None),
    ("Knuth, D.E. (1997) The art of computer programming. 3rd edn. Boston: Addison-Wesley.",
     "The art of computer programming", "Addison-Wesley", "Boston", 1997, "3rd"),
    # ACM's and APA's edition in parentheses; ACM's imprint "Publisher, Address."
    ("Donald E. Knuth. 1997. The Art of Computer Programming (3rd. ed.). Addison-Wesley, Reading, MA.",
     "The Art of Computer Programming", "Addison-Wesley", "Reading, MA", 1997, "3rd"),
    ("Knuth, D. E. (1997). The art of computer programming (3rd ed.). Addison-Wesley.",
     "The art of computer programming", "Addison-Wesley", None, 1997, "3rd"),
])
def test_a_book_reads_publisher_address_and_year(reference, title, publisher, address, year, edition) -> None:
    e = one(reference)
    assert (e.entry_type, e.title, e.publisher, e.year) == ("book", title, publisher, year)
    assert e.extra.get("address") == address
    assert e.extra.get("edition") == edition
    assert e.journal is None and e.booktitle is None


def test_a_year_range_in_a_title_is_not_the_date() -> None:
    e = one('Lovelace, Ada, and Grace Hopper. 2017. "Machines in Britain, 1850–1950: A History." Journal of '
            "Machines 11, no. 1 (Spring): 1–34.")
    assert e.year == 2017 and e.title == "Machines in Britain, 1850–1950: A History"


# --------------------------------------------------------------------------- "In …": a booktitle

@pytest.mark.parametrize(("reference", "booktitle"), [
    (r"A. Lovelace and G. Hopper. Reading references well. In {\em Proc. of the Workshop on Lists}, 2020.",
     "Proc. of the Workshop on Lists"),
    (r"Ada Lovelace. 2020. Reading references well. In \emph{Proceedings of the Symposium on Lists}, pages 1--10.",
     "Proceedings of the Symposium on Lists"),
    (r"A. Lovelace. Reading references well. In {\em Advances in Knowledge Discovery}, 2019.",
     "Advances in Knowledge Discovery"),
    ("Lovelace, A. (2018). Reading references well. In Handbook of Reading (pp. 5–30). Springer.",
     "Handbook of Reading"),
    ("Ada Lovelace. 2019. Reading references well. In The Semantic Web – ISWC 2019. Springer, Cham, 1–17.",
     "The Semantic Web – ISWC"),
])
def test_in_a_venue_after_the_title_is_a_booktitle(reference, booktitle) -> None:
    e = one(reference)
    assert (e.entry_type, e.booktitle, e.journal) == ("inproceedings", booktitle, None)
    assert e.title == "Reading references well"
    assert "\\" not in (e.meta.get("reference") or "")


def test_in_a_journal_stays_a_journal() -> None:
    e = one("Lovelace, A. (2018). Reading references well. In: Journal of Lists, 3(2), 5–30.")
    assert (e.entry_type, e.journal) == ("article", "Journal of Lists")


# --------------------------------------------------------------------------- through the command, into bibtex

PASTE = r"""References

[1] A. Einstein, B. Podolsky, and N. Rosen, Phys. Rev. 47, 777 (1935).
[2] C. S. Wu et al., Phys. Rev. 105, 1413 (1957), arXiv:1901.01234.
[3] M. A. Nielsen and I. L. Chuang, Quantum Computation and Quantum Information (Cambridge University Press,
Cambridge, 2000).
[4] Hopper, Jr., G. 2019. Suffixes in bibliographies. Journal of Names 12 (2019), 33–44.
[5] Grace Hopper, and Ada Lovelace. 2011. Compiling the analytical engine. Journal of Machines 7 (2011), 12–19.
[6] A. Lovelace and G. Hopper. Reading references well. In {\em Proc. of the Workshop on Lists}, 2020.
[7] R. E. Ziemer and W. H. Tranter, Principles of Communications, 7th ed. Hoboken, NJ, USA: Wiley, 2015.
"""


def test_convert_writes_the_fields_and_bibtex_reads_them(tmp_path: Path) -> None:
    src = tmp_path / "refs.txt"
    src.write_text(PASTE, encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    bib = out.read_text(encoding="utf-8")
    entries = bib.split("\n@")
    assert len(entries) == 7, bib
    epr = next(e for e in entries if "Einstein" in e)
    assert epr.startswith("@article{") or epr.startswith("article{")
    assert "journal = {Phys. Rev.}" in epr and "volume = {47}" in epr and "pages = {777}" in epr
    assert "title =" not in epr
    assert "author = {Hopper, Jr., G.}" in bib
    book = next(e for e in entries if "Nielsen" in e)
    assert book.startswith("book{") and "publisher = {Cambridge University Press}" in book
    assert "address = {Cambridge}" in book and "year = 2000" in book
    assert "booktitle = {Proc. of the Workshop on Lists}" in bib and "\\em" not in bib
    assert "author = {Hopper, Grace and Lovelace, Ada}" in bib
    if shutil.which("bibtex") is None:
        pytest.skip("bibtex is not installed (TeX Live is needed to check the .bib)")
    counts = bibtex_counts(out)
    assert counts.ran and counts.errors == 0
    # plain.bst warns only of what a physics reference leaves out on purpose: its title
    titled = tmp_path / "titled.bib"
    titled.write_text("\n@".join(e for e in entries if "Einstein" not in e and "Wu, C" not in e), encoding="utf-8")
    counts = bibtex_counts(titled)
    assert counts.ran and counts.errors == 0 and counts.warnings == 0


# --------------------------------------------------------------------------- editors and translators

def converted_without_warnings(src: Path, styles: tuple[str, ...]) -> str:
    """``bibkit convert`` of ``src``; its ``.bib`` read by the real ``bibtex`` in each style without an error or a
    warning."""
    out = src.with_name("out.bib")
    assert main(["convert", str(src), "-o", str(out), "-q"]) == ExitCode.OK
    for style in styles:
        counts = bibtex_counts(out, style)
        assert counts.ran and counts.errors == 0 and counts.warnings == 0, style
    return out.read_text(encoding="utf-8")


def editors(e: Entry) -> list[tuple[str, str]]:
    return [(p.family, p.given) for p in e.editors]


def value(e: Entry, name: str) -> str | None:
    return getattr(e, name, None) or e.extra.get(name)


@pytest.mark.parametrize(("reference", "eds", "title", "publisher", "address"), [
    # Chicago: the editors in the author position, "eds."
    ("Kurland, Philip B., and Ralph Lerner, eds. The Founders' Constitution. Chicago: University of Chicago Press, "
     "1987.", [("Kurland", "Philip B."), ("Lerner", "Ralph")], "The Founders' Constitution",
     "University of Chicago Press", "Chicago"),
    # APA 7: "(Ed.)."/"(Eds.)." before the year
    ("Smith, J. A., & Doe, K. (Eds.). (2020). Handbook of machine learning methods. Springer.",
     [("Smith", "J. A."), ("Doe", "K.")], "Handbook of machine learning methods", "Springer", None),
    # Harvard: "(eds.)" and the year in parentheses
    ("Gretton, A. and Robert, C. (eds.) (2016) Kernel methods in practice. Cambridge: Cambridge University Press.",
     [("Gretton", "A."), ("Robert", "C.")], "Kernel methods in practice", "Cambridge University Press", "Cambridge"),
    # IEEE: ", Eds.,"
    ("B. Klaus and P. Horn, Eds., Robot Vision. Cambridge, MA, USA: MIT Press, 1986.",
     [("Klaus", "B."), ("Horn", "P.")], "Robot Vision", "MIT Press", "Cambridge, MA, USA"),
    # MLA 9: ", editor." and a publisher without a place (a university press)
    ("Lerner, Ralph, editor. Naive Readings: Political and Philosophic. University of Chicago Press, 2016.",
     [("Lerner", "Ralph")], "Naive Readings: Political and Philosophic", "University of Chicago Press", None),
    # Vancouver: ", editors." and "Place: Publisher; Year"
    ("Meltzer PS, Kallioniemi A, Trent JM, editors. Chromosome alterations in human solid tumors. 8th ed. New York: "
     "McGraw-Hill; 2002.", [("Meltzer", "P S"), ("Kallioniemi", "A"), ("Trent", "J M")],
     "Chromosome alterations in human solid tumors", "McGraw-Hill", "New York"),
    # German: "(Hrsg.)"
    ("Müller, H. (Hrsg.) (2018): Handbuch der Informatik. Berlin: Springer.", [("Müller", "H.")],
     "Handbuch der Informatik", "Springer", "Berlin"),
])
def test_an_edited_book_names_editors_not_authors(reference, eds, title, publisher, address) -> None:
    e = one(reference)
    assert (editors(e), e.authors) == (eds, [])
    assert (e.entry_type, e.title, value(e, "publisher"), value(e, "address")) == ("book", title, publisher, address)


def test_a_translator_is_no_author() -> None:
    e = one("Lattimore, Richmond, trans. The Iliad of Homer. Chicago: University of Chicago Press, 1951.")
    assert (e.authors, e.editors, value(e, "translator")) == ([], [], "Richmond Lattimore")
    assert (e.entry_type, e.title, value(e, "publisher")) == ("book", "The Iliad of Homer", "University of Chicago Press")


@pytest.mark.parametrize(("reference", "eds", "booktitle", "publisher", "pages"), [
    # APA: "In J. Smith & K. Doe (Eds.), Book (pp. 1–10). Publisher."
    ("Doe, J. (2020). Chapter title here. In J. Smith & K. Doe (Eds.), Handbook of things (pp. 1–10). Springer.",
     [("Smith", "J."), ("Doe", "K.")], "Handbook of things", "Springer", "1–10"),
    # Harvard: "in Robert, C. (ed.) Book. Place: Publisher, pp."
    ("Gretton, A. (2016) 'Kernel tricks', in Robert, C. (ed.) Kernel methods in practice. Cambridge: Cambridge "
     "University Press, pp. 12-30.", [("Robert", "C.")], "Kernel methods in practice", "Cambridge University Press",
     "12–30"),
    # IEEE: "in Book, A. Editor, Ed. Place: Publisher, year, pp."
    ("J. Smith, “A chapter on robots,” in Robot Handbook, A. Editor, Ed. New York, NY, USA: Wiley, 2010, pp. 1–10.",
     [("Editor", "A.")], "Robot Handbook", "Wiley", "1–10"),
    # Chicago: "In Book, edited by Philip B. Kurland and Ralph Lerner, 45–60. Place: Publisher, year."
    ("Ross, Alex. \"The Rest Is Noise.\" In The Best Music Writing, edited by Philip B. Kurland and Ralph Lerner, "
     "45–60. Chicago: University of Chicago Press, 1987.", [("Kurland", "Philip B."), ("Lerner", "Ralph")],
     "The Best Music Writing", "University of Chicago Press", "45–60"),
    # MLA: "Container, edited by Name, Publisher, Year, pp."
    ("Baron, Naomi S. \"Redefining Reading.\" The Future of Reading, edited by Mary Smith, Penguin, 2013, "
     "pp. 193-200.", [("Smith", "Mary")], "The Future of Reading", "Penguin", "193–200"),
    # ACM: "In Book, Name (Ed.). Publisher, Address, pages."
    ("Jane Doe. 2007. Chapter on things. In Great Book of Things, John Smith (Ed.). ACM Press, New York, NY, 23–45.",
     [("Smith", "John")], "Great Book of Things", "ACM Press", "23–45"),
])
def test_a_chapter_names_the_books_editors(reference, eds, booktitle, publisher, pages) -> None:
    e = one(reference)
    assert editors(e) == eds and e.authors
    assert (e.entry_type, e.booktitle, value(e, "publisher"), e.pages) == ("incollection", booktitle, publisher, pages)


def test_a_proceedings_with_editors_stays_inproceedings_and_names_are_not_roles() -> None:
    e = one("A. Author, “Fast things,” in Proceedings of the 12th Conference on Stuff, B. Editor and C. Editor, Eds. "
            "Berlin, Germany: Springer, 2019, pp. 3–9.")
    assert (e.entry_type, e.booktitle, editors(e)) == ("inproceedings", "Proceedings of the 12th Conference on Stuff",
                                                       [("Editor", "B."), ("Editor", "C.")])
    # a man called Ed, a chapter's book editors, a journal abbreviated "Trans." or "Comp.": no roles
    assert people(one("Catmull, Ed, and Amy Wallace. 2014. Creativity at work. Random House.")) == [
        ("Catmull", "Ed", ""), ("Wallace", "Amy", "")]
    physics = one("A. Einstein, Trans. Am. Math. Soc. 12, 3 (1920).")
    assert (physics.journal, physics.editors, value(physics, "translator")) == ("Trans. Am. Math. Soc.", [], None)
    assert one("J. Doe and R. Roe, Comp. Phys. Commun. 180, 1 (2009).").journal == "Comp. Phys. Commun."


def test_edited_books_and_chapters_through_bibtex(tmp_path: Path) -> None:
    src = tmp_path / "refs.txt"
    src.write_text("References\n\n"
                   "Kurland, Philip B., and Ralph Lerner, eds. The Founders' Constitution. Chicago: University of "
                   "Chicago Press, 1987.\n"
                   "Doe, J. (2020). Chapter title here. In J. Smith & K. Doe (Eds.), Handbook of things (pp. 1–10). "
                   "Springer.\n"
                   "J. Smith, “A chapter on robots,” in Robot Handbook, A. Editor, Ed. New York, NY, USA: Wiley, 2010, "
                   "pp. 1–10.\n", encoding="utf-8")
    bib = converted_without_warnings(src, ("plain", "plainnat"))
    assert "editor = {Kurland, Philip B. and Lerner, Ralph}" in bib and bib.count("@incollection{") == 2


# --------------------------------------------------------------------------- theses, reports, software, patents

@pytest.mark.parametrize(("reference", "entry_type", "fields"), [
    # IEEE: the thesis's kind in the venue's place, the school, its address
    ('J. Doe, "Learning to rank things," Ph.D. dissertation, Dept. Comput. Sci., Stanford Univ., Stanford, CA, USA, '
     '2019.', "phdthesis", {"school": "Dept. Comput. Sci., Stanford Univ.", "address": "Stanford, CA, USA"}),
    ('K. Roe, "Small models," M.S. thesis, Univ. of Waterloo, Waterloo, ON, Canada, 2021.', "mastersthesis",
     {"school": "Univ. of Waterloo", "address": "Waterloo, ON, Canada"}),
    # APA 7: the description in square brackets, the archive after it
    ("Doe, J. (2018). Learning under noise [Doctoral dissertation, University of Toronto]. TSpace.", "phdthesis",
     {"school": "University of Toronto", "howpublished": "TSpace", "title": "Learning under noise"}),
    ("Roe, K. (2020). Small models [Master's thesis, McGill University]. eScholarship@McGill.", "mastersthesis",
     {"school": "McGill University", "title": "Small models"}),
    # IEEE: technical reports, the institution before or after "Tech. Rep."
    ('A. Smith, "Fast sorting of records," Google, Mountain View, CA, USA, Tech. Rep. TR-2020-01, 2020.', "techreport",
     {"institution": "Google", "address": "Mountain View, CA, USA", "number": "TR-2020-01"}),
    ('B. Roe, "A report on reports," Tech. Rep. UCB/EECS-2010-1, EECS Dept., Univ. California, Berkeley, CA, 2010.',
     "techreport", {"institution": "EECS Dept., Univ. California", "address": "Berkeley, CA", "number": "UCB/EECS-2010-1"}),
    # APA 7 software: the description and version are no part of the title; the repository is where it is published
    ("Smith, J. (2021). ToolKit: A library for things (Version 2.1) [Computer software]. Zenodo. "
     "https://doi.org/10.5281/zenodo.1234567", "misc",
     {"title": "ToolKit: A library for things", "version": "2.1", "howpublished": "Zenodo"}),
    ("Lee, M. (2019). Bird songs of Ontario [Data set]. Dryad.", "misc",
     {"title": "Bird songs of Ontario", "howpublished": "Dryad"}),
    # IEEE: a patent
    ('M. Brown, "Measuring light," U.S. Patent 9 876 543, Jan. 2, 2018.', "misc",
     {"howpublished": "U.S. Patent 9 876 543", "month": 1}),
])
def test_theses_reports_software_and_patents(reference, entry_type, fields) -> None:
    e = one(reference)
    assert e.entry_type == entry_type and e.authors
    got = {name: (e.date.month if name == "month" else value(e, name)) for name in fields}
    assert got == fields


@pytest.mark.parametrize(("reference", "journal"), [
    ('J. Smith, "Deep nets for x," Sci. Rep., vol. 7, p. 123, 2017.', "Sci. Rep."),  # a journal named "… Rep."
    ("A. Doe, Phys. Rep. 500, 1 (2011).", "Phys. Rep."),
    ('Smith, J. 2010. "Thesis writing in practice." Journal of Thesis Studies 3 (2): 1-9.', "Journal of Thesis Studies"),
    ("Doe, J. (2020). Attention maps [in brackets] explained. Neural Computation, 12(3), 1–9.", "Neural Computation"),
])
def test_journals_named_like_reports_or_theses_stay_journals(reference, journal) -> None:
    e = one(reference)
    assert (e.entry_type, e.journal) == ("article", journal)


def test_theses_reports_and_software_through_bibtex(tmp_path: Path) -> None:
    src = tmp_path / "refs.txt"
    src.write_text("References\n\n"
                   '[1] J. Doe, "Learning to rank things," Ph.D. dissertation, Dept. Comput. Sci., Stanford Univ., '
                   "Stanford, CA, USA, 2019.\n"
                   '[2] A. Smith, "Fast sorting of records," Google, Mountain View, CA, USA, Tech. Rep. TR-2020-01, '
                   "2020.\n"
                   "[3] Smith, J. (2021). ToolKit: A library for things (Version 2.1) [Computer software]. Zenodo.\n"
                   "[4] Doe, J. (2018). Learning under noise [Doctoral dissertation, University of Toronto]. TSpace.\n",
                   encoding="utf-8")
    bib = converted_without_warnings(src, ("plain", "plainnat", "alpha"))
    assert bib.count("@phdthesis{") == 2 and "@techreport{" in bib and "@misc{" in bib
