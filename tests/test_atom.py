"""The Atom parser on real recorded arXiv answers (tests/data/arxiv, see its README) and on hostile input."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bibkit.enrich.atom import AtomError, parse_entry_id, parse_feed
from bibkit.model import PartialDate

DATA = Path(__file__).parent / "data" / "arxiv"


def feed(name: str):
    return parse_feed((DATA / name).read_bytes())


def test_legacy_2016_format_with_per_element_namespaces():
    f = feed("arxiv-query-title.atom.xml")
    assert f.total_results == 1 and f.start_index == 0 and f.items_per_page == 10
    assert f.title.startswith("ArXiv Query: search_query=au:del_maestro AND ti:checkerboard")
    (e,) = f.entries
    assert (e.arxiv_id, e.version) == ("cond-mat/0603029", 1)
    # the hard line break and indentation inside the title are collapsed
    assert e.title == "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    assert e.summary.startswith("We discuss the effects of quenched disorder") and "\n" not in e.summary
    assert e.doi == "10.1103/PhysRevB.74.024520"
    assert e.journal_ref == "Phys. Rev. B 74, 024520 (2006)"
    assert e.comment == "10 pages, 11 figures; added reference"
    assert e.primary_category == "cond-mat.str-el"
    assert e.categories == ["cond-mat.str-el", "cond-mat.supr-con"]
    assert e.author_names == ["Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev"]
    assert e.abs_url == "http://arxiv.org/abs/cond-mat/0603029v1"
    assert e.pdf_url == "http://arxiv.org/pdf/cond-mat/0603029v1"


def test_current_2026_format():
    f = feed("arxiv-query-all-2026.atom.xml")
    assert f.total_results == 214881 and f.items_per_page == 10
    assert "search_query=all:testing" in f.title  # the server's rewrite of a bare term is echoed
    assert [e.arxiv_id for e in f.entries] == ["2202.12139", "2405.13786"]
    e = f.entries[1]
    assert e.doi == "10.1109/ICSTW58534.2023.00023"
    assert e.author_names[0] == "Aurora Ramírez"  # UTF-8 decoded from bytes, no mojibake
    assert e.abs_url == "https://arxiv.org/abs/2405.13786v1"
    assert e.published == datetime(2024, 5, 22, 16, 11, 45, tzinfo=timezone.utc)
    assert e.published_date == PartialDate(2024, 5, 22)


def test_versions_published_is_first_version_and_updated_the_returned_one():
    (e,) = feed("arxiv-idlist-versioned-2016.atom.xml").entries
    assert (e.arxiv_id, e.version, e.versioned_id) == ("1111.2011", 2, "1111.2011v2")
    assert e.published_date == PartialDate(2011, 11, 8)
    assert e.updated and e.updated.year == 2012


def test_title_zero_is_a_title():
    (e,) = feed("arxiv-idlist-versioned.atom.xml").entries
    assert e.title == "0"
    assert e.arxiv_id == "2104.12255"


def test_old_style_id_affiliation_and_journal_ref():
    (e,) = feed("arxiv-idlist-oldstyle.atom.xml").entries
    assert e.arxiv_id == "astro-ph/0601001"
    assert e.authors[0].name == "Andrew Gould" and e.authors[0].affiliations == ("Ohio State",)
    assert e.journal_ref == "ActaAstron.56:1-50,2006"
    assert e.doi is None
    assert e.comment and "http://www.astronomy.ohio-state.edu" in e.comment


def test_dropped_unknown_id_and_empty_feed():
    f = feed("arxiv-idlist-2.atom.xml")
    assert f.total_results == 1 and list(f.by_id()) == ["1707.08567"]
    assert "Wübben" in " ".join(f.entries[0].author_names)
    empty = feed("arxiv-empty.atom.xml")
    assert empty.total_results == 0 and empty.entries == [] and empty.errors == []


def test_error_entry_is_an_error_never_a_paper():
    f = feed("arxiv-error.atom.xml")
    assert f.entries == []
    (err,) = f.errors
    assert err.code == "incorrect_id_format_for_abc"
    assert err.bad_id == "abc"
    assert err.message == "incorrect id format for abc"


def test_phrase_feed_with_two_entries_and_old_style_second():
    f = feed("arxiv-query-phrase.atom.xml")
    assert [e.arxiv_id for e in f.entries] == ["1111.2011", "cond-mat/0607501"]
    assert f.entries[1].title.startswith("A striped supersolid phase and the search for deconfined quantum criticality")


def test_entry_id_parsing_drops_subject_class_and_version():
    assert parse_entry_id("http://arxiv.org/abs/math.CA/0611800v2") == ("math/0611800", 2)
    assert parse_entry_id("http://arxiv.org/abs/2401.06066v10") == ("2401.06066", 10)
    assert parse_entry_id("https://arxiv.org/abs/hep-th/9901001") == ("hep-th/9901001", None)
    assert parse_entry_id("https://arxiv.org/api/errors#x") is None


@pytest.mark.parametrize("body", [
    b"", b"   ", b"<html><body>Rate exceeded</body></html>", b"Rate exceeded",
    b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><id>http://arxiv.org/abs/2401.0",
])
def test_unreadable_bodies_raise_atom_error(body):
    with pytest.raises(AtomError):
        parse_feed(body)


def test_entities_are_not_resolved_and_nothing_is_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>
<title>Leak &xxe; &net;</title><summary>s</summary></entry></feed>""".encode()
    f = parse_feed(body)
    assert f.entries[0].arxiv_id == "2401.00001"
    assert "TOP-SECRET" not in f.entries[0].title


def test_missing_optional_fields_and_odd_ordering_are_tolerated():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xmlns:a="http://arxiv.org/schemas/atom">
    <entry><a:doi></a:doi><author><name>  Qwen </name></author><author><name></name></author>
    <link href="https://doi.org/10.1000/xyz" rel="related" title="doi"/>
    <id>http://arxiv.org/abs/2412.15115v2</id><title/></entry></feed>"""
    (e,) = parse_feed(body).entries
    assert e.title == "" and e.summary == ""
    assert e.author_names == ["Qwen"]
    assert e.doi == "10.1000/xyz"  # taken from the DOI link when the element is empty
    assert e.published is None and e.primary_category is None and e.categories == []


def test_a_repeated_field_reads_its_first_element_and_repeated_parts_keep_their_order():
    # an entry is read in one pass over its children: the first of a repeated field counts (as ``find``
    # gives it), comments and unknown elements between them are passed over, authors and their
    # affiliations, categories and links stay in document order; a nested element of the same name
    # (an author's <title>) is not the entry's
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xmlns:a="http://arxiv.org/schemas/atom">
    <entry><!-- a note --><id>http://arxiv.org/abs/2401.00002v3</id><id>http://arxiv.org/abs/2401.00009v1</id>
    <author><title>Dr</title><name>Ada  Lovelace</name><name>Ignored Second</name>
      <a:affiliation>MIT</a:affiliation><a:affiliation></a:affiliation><a:affiliation>ETH</a:affiliation></author>
    <title>First   title</title><title>Second title</title><other>x</other>
    <summary>one</summary><summary>two</summary>
    <category term="cs.LG"/><a:comment>first</a:comment><a:comment>second</a:comment>
    <author><name>Alan Turing</name></author><category term=" cs.CL "/><category term="cs.LG"/>
    <link href="http://arxiv.org/pdf/2401.00002v3" title="pdf" type="application/pdf"/>
    <link href="http://arxiv.org/abs/2401.00002v3" rel="alternate" type="text/html"/>
    <link href="http://arxiv.org/abs/other" rel="alternate" type="text/html"/>
    <a:primary_category term="cs.AI"/><a:primary_category term="cs.CV"/></entry></feed>"""
    (e,) = parse_feed(body).entries
    assert (e.arxiv_id, e.version) == ("2401.00002", 3)
    assert e.title == "First title" and e.summary == "one" and e.comment == "first"
    assert e.author_names == ["Ada Lovelace", "Alan Turing"]
    assert e.authors[0].affiliations == ("MIT", "ETH")
    assert e.categories == ["cs.LG", "cs.CL"] and e.primary_category == "cs.AI"
    assert e.abs_url == "http://arxiv.org/abs/2401.00002v3" and e.pdf_url == "http://arxiv.org/pdf/2401.00002v3"


def test_str_input_with_encoding_declaration():
    text = (DATA / "arxiv-idlist-2.atom.xml").read_text(encoding="utf-8")
    assert parse_feed(text).entries[0].arxiv_id == "1707.08567"
