"""Entry <-> Zotero item mapping (zotero_bridge.mapping, zotero_bridge.extra, zotero_bridge.itemkeys).

The round trip entry -> item -> entry must lose nothing the item type can hold:
a property test generates entries of every entry type with exactly the fields
that type maps to, and compares.  What Zotero cannot hold, and is therefore
normalised on the way back (listed here so nobody mistakes it for a bug):

* entry types that share an item type come back as one of them (``booklet``,
  ``manual``, ``proceedings`` -> ``book``; ``inbook`` -> ``incollection``;
  ``conference`` -> ``inproceedings``; ``report`` -> ``techreport``;
  ``misc``/``online`` with an arXiv ID -> ``preprint``);
* derived arXiv values are filled in: an arXiv preprint without URL/DOI comes back
  with ``http://arxiv.org/abs/<id>`` and ``10.48550/arXiv.<id>`` (what Zotero's
  arXiv translator stores);
* the citation key comes back pinned (it is the Zotero item's key now);
* only the primary code repository is kept (as a linked-URL attachment); other
  links, ``note``, ``categories`` beyond the primary one, provenance and ``meta``
  have no place in an item;
* editors of item types without an editor role travel as ``contributor`` and
  do not come back as editors.
"""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibkit.model import Entry, Identifiers, Link, LinkKind, PartialDate, Person, RepoInfo
from zotero_bridge import extra as extra_lines
from zotero_bridge.itemkeys import ALPHABET, entry_identity, is_valid_key, item_key_for, key_from_text
from zotero_bridge.mapping import (arxiv_abs_url, creator_to_person, entry_to_item, item_to_entry, item_type_for,
                                   parse_zotero_date, person_to_creator, to_connector)
from zotero_bridge.schema import Schema

ROOT = Path(__file__).resolve().parent.parent


def arxiv_entry(**kw) -> Entry:
    e = Entry(
        entry_type="preprint",
        key="dai2024deepseekmoe",
        title="DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models",
        authors=[Person(family="Dai", given="Damai"), Person(literal="DeepSeek-AI")],
        date=PartialDate(2024, 1, 11),
        ids=Identifiers(arxiv="2401.06066"),
        primary_class="cs.CL",
        abstract="In the era of large language models, MoE is promising.",
        tags=["moe", "llm"],
    )
    for k, v in kw.items():
        setattr(e, k, v)
    return e


# --------------------------------------------------------------------------- forward


def test_arxiv_preprint_maps_like_zoteros_arxiv_translator():
    draft = entry_to_item(arxiv_entry())
    d = draft.data
    assert d["itemType"] == "preprint"
    assert d["repository"] == "arXiv"
    assert d["archiveID"] == "arXiv:2401.06066"
    assert d["DOI"] == "10.48550/arXiv.2401.06066"
    assert d["url"] == "http://arxiv.org/abs/2401.06066"
    assert d["extra"] == "Citation Key: dai2024deepseekmoe\narXiv:2401.06066 [cs.CL]"
    assert d["citationKey"] == "dai2024deepseekmoe"
    assert d["date"] == "2024-01-11"
    assert d["abstractNote"].startswith("In the era")
    assert d["creators"] == [
        {"creatorType": "author", "firstName": "Damai", "lastName": "Dai"},
        {"creatorType": "author", "name": "DeepSeek-AI"},
    ]
    assert d["tags"] == [{"tag": "moe"}, {"tag": "llm"}]
    assert all("type" not in t for t in d["tags"])  # manual tags
    assert draft.derived == {"repository", "archiveID", "DOI", "url"}


def test_entry_url_and_doi_win_over_derived_values():
    e = arxiv_entry(url="https://openreview.net/forum?id=abc")
    e.ids.doi = "10.48550/arXiv.2401.06066"
    d = entry_to_item(e).data
    assert d["url"] == "https://openreview.net/forum?id=abc"
    assert d["DOI"] == "10.48550/arXiv.2401.06066"
    assert "url" not in entry_to_item(e).derived
    # the paper's own arXiv page is stored the way Zotero's arXiv translator stores it
    e.url = "https://arxiv.org/abs/2401.06066v3"
    assert entry_to_item(e).data["url"] == "http://arxiv.org/abs/2401.06066"


def test_old_style_arxiv_id_gets_no_category_bracket():
    e = arxiv_entry(ids=Identifiers(arxiv="hep-th/9901001"), primary_class="hep-th")
    d = entry_to_item(e).data
    assert d["archiveID"] == "arXiv:hep-th/9901001"
    assert "arXiv:hep-th/9901001" in d["extra"].splitlines()
    assert d["DOI"] == "10.48550/arXiv.hep-th/9901001"


def test_published_paper_keeps_arxiv_id_in_extra_only():
    e = arxiv_entry(entry_type="article", journal="Monthly Notices of the Royal Astronomical Society", volume="419",
                    number="2", pages="1795--1803")
    e.ids.doi = "10.1111/j.1365-2966.2011.19851.x"
    d = entry_to_item(e).data
    assert d["itemType"] == "journalArticle"
    assert d["publicationTitle"] == "Monthly Notices of the Royal Astronomical Society"
    assert d["DOI"] == "10.1111/j.1365-2966.2011.19851.x"
    assert d["issue"] == "2" and d["volume"] == "419"
    assert "repository" not in d and "archiveID" not in d
    assert "arXiv:2401.06066 [cs.CL]" in d["extra"].splitlines()
    assert d["url"] if e.url else "url" not in d

    c = arxiv_entry(entry_type="inproceedings", booktitle="SIGGRAPH Asia 2023 Conference Papers", pages="1--12")
    c.ids.doi = "10.1145/3610548.3618154"
    d = entry_to_item(c).data
    assert d["itemType"] == "conferencePaper"
    assert d["proceedingsTitle"] == "SIGGRAPH Asia 2023 Conference Papers"
    assert "arXiv:2401.06066 [cs.CL]" in d["extra"].splitlines()


def test_google_scholar_arxiv_journal_is_a_preprint():
    e = arxiv_entry(entry_type="article", journal="arXiv preprint arXiv:2401.06066")
    d = entry_to_item(e).data
    assert d["itemType"] == "preprint"
    assert "publicationTitle" not in d
    assert d["archiveID"] == "arXiv:2401.06066"


def test_item_types_for_entry_types():
    assert item_type_for(Entry(entry_type="misc", title="x")) == "document"
    assert item_type_for(Entry(entry_type="misc", ids=Identifiers(arxiv="2401.00001"))) == "preprint"
    assert item_type_for(Entry(entry_type="online")) == "webpage"
    assert item_type_for(Entry(entry_type="phdthesis")) == "thesis"
    assert item_type_for(Entry(entry_type="incollection")) == "bookSection"
    assert item_type_for(Entry(entry_type="software")) == "computerProgram"


def test_citation_key_field_only_where_the_schema_has_it():
    e = Entry(entry_type="article", key="smith2020", title="T", journal="J")
    modern = entry_to_item(e, Schema()).data
    legacy = entry_to_item(e, Schema.legacy()).data
    assert modern["citationKey"] == "smith2020"
    assert "citationKey" not in legacy
    assert modern["extra"] == legacy["extra"] == "Citation Key: smith2020"


def test_doi_on_a_type_without_doi_field_goes_to_an_extra_line():
    e = Entry(entry_type="incollection", key="k", title="Chapter", booktitle="Book", ids=Identifiers(doi="10.1/x", pmid="123"))
    d = entry_to_item(e).data
    assert "DOI" not in d
    assert d["extra"].splitlines() == ["Citation Key: k", "DOI: 10.1/x", "PMID: 123"]
    back = item_to_entry(d)
    assert back.ids.doi == "10.1/x" and back.ids.pmid == "123"


def test_names_particles_suffixes_and_organisations():
    p = Person(family="Hicks", given="Michael", particle="von", suffix="III")
    c = person_to_creator(p, "author")
    assert c == {"creatorType": "author", "firstName": "Michael, III", "lastName": "von Hicks"}  # Zotero's BibTeX import
    assert creator_to_person(c) == p
    assert person_to_creator(Person(literal="Qwen Team"), "author") == {"creatorType": "author", "name": "Qwen Team"}
    assert creator_to_person({"creatorType": "author", "name": "Qwen Team"}) == Person(literal="Qwen Team")
    assert creator_to_person({"lastName": "van der Berg", "firstName": "Jan"}) == Person(family="Berg", given="Jan",
                                                                                          particle="van der")
    assert creator_to_person({"lastName": "jacob", "firstName": "sudhin"}).family == "jacob"


def test_code_repository_becomes_a_linked_url_attachment():
    e = arxiv_entry()
    e.add_link(Link(LinkKind.GITHUB, "https://github.com/deepseek-ai/deepseek-moe", target="deepseek-ai/deepseek-moe",
                    role="primary", repo=RepoInfo(full_name="deepseek-ai/DeepSeek-MoE")))
    e.add_link(Link(LinkKind.GITHUB, "https://github.com/other/awesome", target="other/awesome", role="mentioned"))
    att = entry_to_item(e).attachment
    assert att == {"itemType": "attachment", "linkMode": "linked_url", "title": "GitHub: deepseek-ai/DeepSeek-MoE",
                   "url": "https://github.com/deepseek-ai/DeepSeek-MoE", "contentType": "text/html", "tags": [],
                   "relations": {}}
    back = item_to_entry(entry_to_item(e).data, [{**att, "parentItem": "ABCD2345"}])
    assert back.code_repo is not None and back.code_repo.target == "deepseek-ai/DeepSeek-MoE"
    assert len(back.links) == 1  # mentioned links have no place in Zotero


def test_connector_format():
    e = arxiv_entry()
    e.add_link(Link(LinkKind.GITHUB, "https://github.com/a/b", target="a/b", role="primary"))
    item = to_connector(entry_to_item(e), "zb0")
    assert item["id"] == "zb0" and item["itemType"] == "preprint"
    assert item["tags"] == []  # tags go through updateSession as manual tags
    assert item["attachments"] == [{"title": "GitHub: a/b", "url": "https://github.com/a/b", "mimeType": "text/html",
                                    "snapshot": False}]
    assert "collections" not in item and "key" not in item


def test_zotero_dates():
    assert parse_zotero_date("2024-01-11") == PartialDate(2024, 1, 11)
    assert parse_zotero_date("12/2006") == PartialDate(2006, 12)
    assert parse_zotero_date("March 2020") == PartialDate(2020, 3)
    assert parse_zotero_date("11 January 2024") == PartialDate(2024, 1, 11)
    assert parse_zotero_date("whenever", "2019-05-24") == PartialDate(2019, 5, 24)
    assert parse_zotero_date("n.d.") is None


# --------------------------------------------------------------------------- extra lines


def test_extra_merge_keeps_user_lines_and_is_idempotent():
    existing = "version: 2\nmy own note\narXiv: 2401.06066\ntex.custom: x"
    managed = extra_lines.Managed(citation_key="dai2024", arxiv="2401.06066", arxiv_class="cs.CL")
    merged = extra_lines.merge(existing, managed)
    assert merged.splitlines() == ["Citation Key: dai2024", "version: 2", "my own note", "arXiv:2401.06066 [cs.CL]",
                                   "tex.custom: x"]
    assert extra_lines.merge(merged, managed) == merged


def test_extra_merge_never_loses_information():
    # no class known here: the existing line with a class is kept as it is
    kept = extra_lines.merge("arXiv:2401.06066 [cs.CL]", extra_lines.Managed(arxiv="2401.06066"))
    assert kept == "arXiv:2401.06066 [cs.CL]"
    # nothing to say about a kind: left alone
    assert extra_lines.merge("Citation Key: mine", extra_lines.Managed(arxiv="1234.5678")) == (
        "arXiv:1234.5678\nCitation Key: mine")
    info = extra_lines.parse("Citation Key: a\nfoo\nPMID: 9")
    assert info.citation_key == "a" and info.pmid == "9" and info.user_lines == ("foo",)
    assert extra_lines.strip_managed("Citation Key: a\nfoo\narXiv:1 [x]") == "foo"


# --------------------------------------------------------------------------- item keys


def test_item_keys_are_deterministic_and_valid():
    e = arxiv_entry()
    k = item_key_for(e)
    assert k == item_key_for(arxiv_entry(title="another title, same paper"))
    assert is_valid_key(k) and len(k) == 8 and set(k) <= set(ALPHABET)
    assert entry_identity(e) == "arxiv:2401.06066"
    # the arXiv DOI names the same paper as the arXiv ID
    assert item_key_for(Entry(ids=Identifiers(doi="10.48550/arXiv.2401.06066"))) == k
    assert item_key_for(Entry(title="Only a title")) != item_key_for(Entry(title="Only another title"))
    assert len({key_from_text(str(i)) for i in range(5000)}) == 5000


# --------------------------------------------------------------------------- round trip (property)

_WORD = st.text(alphabet=string.ascii_letters + "éüøßłÆ", min_size=1, max_size=10)
_CAP = _WORD.map(lambda w: w[:1].upper() + w[1:].lower())
_TEXT = st.lists(st.text(alphabet=string.ascii_letters + string.digits + "éü–—:;!?()&%$#_{}~^\\'\"αβ∑中文",
                         min_size=1, max_size=12), min_size=1, max_size=8).map(" ".join)
_PERSON = st.one_of(
    st.builds(lambda f, g, p, s: Person(family=f, given=g, particle=p, suffix=s),
              _CAP, st.lists(_CAP, min_size=0, max_size=2).map(" ".join),
              st.sampled_from(["", "", "von", "van der", "de"]), st.sampled_from(["", "", "Jr.", "III"])),
    st.builds(lambda w: Person(literal=w), st.sampled_from(["DeepSeek-AI", "Qwen Team", "The ATLAS Collaboration"])),
)
_DATE = st.builds(lambda y, m, d: PartialDate(y, m, d if m else None), st.integers(1900, 2030),
                  st.one_of(st.none(), st.integers(1, 12)), st.one_of(st.none(), st.integers(1, 28)))
_KEY = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=3, max_size=16)
_NUM = st.integers(1, 999).map(str)
_ARXIV = st.one_of(st.builds(lambda a, b: f"{a:04d}.{b:05d}", st.integers(1501, 2512), st.integers(1, 99999)),
                   st.builds(lambda a, n: f"{a}/{n:07d}", st.sampled_from(["hep-th", "astro-ph", "math"]),
                             st.integers(1, 9912999)))
_TAGS = st.lists(st.text(alphabet=string.ascii_lowercase + "-: ", min_size=1, max_size=12).map(str.strip)
                 .filter(bool), max_size=4, unique=True)

#: entry type -> optional fields it maps 1:1 (attribute or "extra:<name>" or "ids:<name>")
_FIELDS = {
    "preprint": ["abstract", "url", "extra:language", "extra:shorttitle"],
    "article": ["abstract", "journal", "volume", "number", "pages", "url", "ids:doi", "ids:issn", "ids:pmid",
                "extra:language", "extra:shorttitle", "extra:series", "extra:shortjournal", "extra:urldate",
                "extra:pmcid", "extra:lccn", "extra:mrnumber", "extra:zmnumber"],
    "inproceedings": ["abstract", "booktitle", "publisher", "volume", "number", "pages", "url", "ids:doi", "ids:isbn",
                      "editors", "extra:address", "extra:eventtitle", "extra:venue", "extra:series"],
    "book": ["abstract", "publisher", "volume", "number", "editors", "ids:isbn", "extra:address", "extra:edition",
             "extra:series", "extra:pagetotal", "ids:doi"],
    "incollection": ["abstract", "booktitle", "publisher", "pages", "editors", "ids:isbn", "extra:address",
                     "extra:edition", "extra:series", "ids:doi", "ids:pmid", "extra:pmcid", "extra:mrnumber"],
    "phdthesis": ["abstract", "extra:school", "extra:address", "extra:pagetotal", "url"],
    "mastersthesis": ["abstract", "extra:school", "extra:address"],
    "thesis": ["abstract", "extra:school", "extra:type"],
    "techreport": ["abstract", "extra:institution", "number", "pages", "extra:type", "extra:address", "url"],
    "unpublished": ["abstract", "extra:type", "extra:address", "extra:pagetotal"],
    "misc": ["abstract", "publisher", "url", "extra:language"],
    "online": ["abstract", "journal", "url", "extra:type"],
    "software": ["abstract", "publisher", "extra:version", "extra:address", "url"],
    "dataset": ["abstract", "publisher", "number", "ids:doi", "extra:version", "extra:type"],
}


@st.composite
def entries(draw) -> Entry:
    etype = draw(st.sampled_from(sorted(_FIELDS)))
    e = Entry(entry_type=etype, title=draw(_TEXT), key=draw(_KEY), key_pinned=True)
    e.authors = draw(st.lists(_PERSON, max_size=4))
    e.date = draw(st.one_of(st.none(), _DATE))
    e.tags = draw(_TAGS)
    if etype in ("preprint", "article", "inproceedings") and draw(st.booleans()):
        e.ids.arxiv = draw(_ARXIV)
        e.primary_class = draw(st.sampled_from(["cs.CL", "cs.LG", "hep-ex"])) if "/" not in e.ids.arxiv else None
    if etype == "preprint" and not e.ids.arxiv:
        e.ids.arxiv = draw(_ARXIV)
    if etype == "article":
        e.journal = draw(_CAP.map(lambda w: w + " Journal"))
    for name in _FIELDS[etype]:
        if not draw(st.booleans()):
            continue
        if name == "editors":
            e.editors = draw(st.lists(_PERSON, min_size=1, max_size=2))
        elif name.startswith("extra:"):
            e.extra[name[6:]] = draw(_DATE.map(PartialDate.iso)) if name == "extra:urldate" else draw(_TEXT)
        elif name.startswith("ids:"):
            setattr(e.ids, name[4:], "10." + draw(_NUM) + "/" + draw(_KEY) if name == "ids:doi" else draw(_NUM))
        elif name == "url":
            e.url = "https://example.org/" + draw(_KEY)
        elif name in ("volume", "number", "pages"):
            setattr(e, name, draw(_NUM))
        else:
            setattr(e, name, draw(_TEXT))
    if draw(st.booleans()):
        name = draw(_KEY)
        e.add_link(Link(LinkKind.GITHUB, f"https://github.com/owner/{name}", target=f"owner/{name}", role="primary"))
    return e


def comparable(e: Entry, *, after: bool = False) -> dict:
    """What the item type can hold, with the documented normalisations applied."""
    arxiv_preprint = e.entry_type == "preprint" and e.ids.arxiv
    url = e.url or (arxiv_abs_url(e.ids.arxiv) if arxiv_preprint else None)
    doi = e.ids.doi or (f"10.48550/arXiv.{e.ids.arxiv}" if arxiv_preprint else None)
    primary = e.primary_class if e.ids.arxiv and "/" not in e.ids.arxiv else None
    link = e.code_repo
    return {
        "type": e.entry_type, "key": e.key, "title": e.title, "abstract": e.abstract,
        "authors": e.authors, "editors": e.editors, "date": e.date.iso() if e.date else None,
        "journal": e.journal, "booktitle": e.booktitle, "publisher": e.publisher, "volume": e.volume,
        "number": e.number, "pages": e.pages, "url": url, "arxiv": e.ids.arxiv, "doi": doi, "isbn": e.ids.isbn,
        "issn": e.ids.issn, "pmid": e.ids.pmid, "class": primary, "tags": e.tags, "extra": e.extra,
        "repo": (link.target, link.url) if link else None,
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries())
def test_round_trip_entry_item_entry_loses_nothing(entry):
    draft = entry_to_item(entry)
    children = [{**draft.attachment, "key": "ATT23456", "parentItem": "ITEM2345"}] if draft.attachment else []
    back = item_to_entry({**draft.data, "key": "ITEM2345", "version": 3}, children)
    assert comparable(back) == comparable(entry)
    assert back.key_pinned and back.meta["zotero"]["key"] == "ITEM2345"
    # and the second trip is the identity on the item side
    again = entry_to_item(back)
    assert again.data == draft.data


def test_round_trip_of_the_example_listing():
    from bibkit.sources import read_path

    doc = read_path(str(ROOT / "examples" / "hf-trending-papers.txt"))
    assert len(doc.entries) == 86
    for entry in doc.entries:
        draft = entry_to_item(entry)
        children = [{**draft.attachment, "parentItem": "ITEM2345"}] if draft.attachment else []
        back = item_to_entry(draft.data, children)
        assert back.title == entry.title
        assert back.abstract == entry.abstract
        assert back.key == entry.key
        assert back.authors == entry.authors
        assert (back.code_repo.target if back.code_repo else None) == (
            (entry.code_repo.repo.full_name if entry.code_repo.repo else entry.code_repo.target) if entry.code_repo else None)
        assert entry_to_item(back).data == draft.data
