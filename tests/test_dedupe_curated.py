"""Dedupe on curated .bib files: merge only the same work by identifier or identical entries; never break
references; never write a field twice; merged keys stay citeable; one problem per group; linear."""

from __future__ import annotations

import re
import textwrap

import pytest

from bibkit.model import Document, Entry, Person, SourceLocation
from bibkit.normalize import normalise
from bibkit.pipeline import read_inputs, render


def _read(tmp_path, text: str, name: str = "refs.bib") -> Document:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return read_inputs([str(path)])


def _keys(doc: Document) -> list[str]:
    return [e.key or "" for e in doc.entries]


@pytest.mark.parametrize("a,b,differs", [
    # two editions of one book
    ("edition = {1}, year = {1984}", "edition = {2}, year = {1986}", {"edition", "year"}),
    # two volumes of one work
    ("volume = {1}, year = {1997}", "volume = {2}, year = {1997}", {"volume"}),
    # two parts
    ("part = {I}, year = {2001}", "part = {II}, year = {2001}", {"part"}),
    # other pages of one proceedings
    ("pages = {1--10}, year = {2001}", "pages = {11--20}, year = {2001}", {"pages"}),
])
def test_curated_entries_that_differ_are_reported_not_merged(tmp_path, a, b, differs):
    doc = _read(tmp_path, f"""
        @book{{one, author = {{Donald E. Knuth}}, title = {{The Art of Computer Programming}}, {a}}}
        @book{{two, author = {{Donald E. Knuth}}, title = {{The Art of Computer Programming}}, {b}}}
    """)
    result = normalise(doc)
    assert result.merges == [] and _keys(doc) == ["one", "two"]
    [group] = [g for g in result.kept_apart if g.kind == "curated"]
    assert set(group.differences) == differs and [e.key for e in group.entries] == ["one", "two"]
    [problem] = [p for p in doc.entries[1].problems if p.code == "likely-duplicate"]
    assert "one" in problem.message and "--merge-duplicates" in problem.message


def test_a_report_and_its_article_stay_apart(tmp_path):
    doc = _read(tmp_path, """
        @techreport{rep, author = {Ann Smith}, title = {Deep Things}, institution = {MIT}, year = {2019}}
        @article{art, author = {Ann Smith}, title = {Deep Things}, journal = {J. Things}, year = {2020}}
    """)
    result = normalise(doc)
    assert _keys(doc) == ["rep", "art"] and "type" in result.kept_apart[0].differences


def test_merge_duplicates_option_merges_them_anyway(tmp_path):
    doc = _read(tmp_path, """
        @book{one, author = {Donald E. Knuth}, title = {The TeXbook}, edition = {1}, year = {1984}}
        @book{two, author = {Donald E. Knuth}, title = {The {\\TeX}book}, edition = {2}, year = {1986}}
    """)
    result = normalise(doc, merge_curated=True)
    assert _keys(doc) == ["one"] and result.merges[0].conflicts["extra.edition"] == "2"
    assert doc.entries[0].extra["ids"] == "two"  # \cite{two} keeps working with biber


def test_curated_entries_identical_in_what_they_share_or_by_identifier_are_merged(tmp_path):
    doc = _read(tmp_path, """
        @article{a1, author = {Carla Doe}, title = {Same Thing}, journal = {J}, year = {2001}}
        @article{a2, author = {Carla Doe}, title = {Same {T}hing}, journal = {J}, year = {2001}, volume = {3},
                 ids = {old-a2}}
        @article{d1, author = {Eve Adams}, title = {With a DOI}, doi = {10.1000/XYZ}, year = {2000}}
        @article{d2, author = {Eve Adams}, title = {With a DOI (revised)}, doi = {10.1000/xyz}, year = {2001}}
    """)
    result = normalise(doc)
    assert _keys(doc) == ["a1", "d1"]
    assert [m.reasons for m in result.merges] == [("identical",), ("doi",)]
    assert doc.entries[0].volume == "3"
    assert doc.entries[0].extra["ids"] == "a2, old-a2"  # the merged key and its own aliases


@pytest.mark.parametrize("ident", ["eprint = {2001.01234}, archivePrefix = {arXiv}", "doi = {10.1000/xyz}"])
def test_a_shared_identifier_with_another_title_and_first_author_is_a_slip_not_a_merge(tmp_path, ident):
    """A mistyped eprint or DOI in a curated file: merging would drop a paper (its title, authors, year)."""
    doc = _read(tmp_path, f"""
        @article{{a1, author = {{John Smith}}, title = {{Alpha beta gamma}}, year = {{2020}}, {ident}}}
        @article{{b2, author = {{Mary Jones}}, title = {{Totally different paper}}, year = {{2021}}, {ident}}}
        @article{{c3, author = {{John Smith and Mary Jones}}, title = {{Alpha, beta, gamma}}, year = {{2020}},
                 {ident}}}
    """)
    result = normalise(doc)
    # b2 is kept and named; c3 (same first author, same title) is the same work as a1 and merges
    assert _keys(doc) == ["a1", "b2"] and [m.reasons[0] for m in result.merges] == [
        "arxiv" if ident.startswith("eprint") else "doi"]
    [group] = [g for g in result.kept_apart if g.kind == "id-conflict"]
    assert [e.key for e in group.entries] == ["a1", "b2"]
    [problem] = [p for p in doc.entries[1].problems if p.code == "id-conflict"]
    assert "a1" in problem.message and "kept both" in problem.message


def test_a_renamed_paper_with_its_identifier_still_merges(tmp_path):
    """Rule 2 stands where nothing contradicts it: the same first author under a new title, or no authors."""
    doc = _read(tmp_path, """
        @misc{old, author = {Shangbin Feng}, title = {CooK: Empowering General-Purpose Language Models}, eprint = {2305.09955}}
        @misc{new, author = {Shangbin Feng}, title = {Knowledge Card: Filling LLMs' Knowledge Gaps}, eprint = {2305.09955}}
        @misc{bare, title = {Something else entirely}, eprint = {2305.09955}}
    """)
    normalise(doc)
    assert _keys(doc) == ["old"]


def test_a_listing_entry_still_merges_into_a_curated_one(tmp_path):
    bib = _read(tmp_path, "@article{dai2024, author = {Damai Dai}, title = {DeepSeekMoE}, year = {2024}, "
                          "journal = {arXiv}}")
    listing = Entry(title="DeepSeekMoE", origin=SourceLocation("paste.txt", 1))
    bib.blocks.append(listing)
    result = normalise(bib)
    assert len(bib) == 1 and result.merges[0].reasons == ("title",)


def test_crossref_targets_are_never_merged_away(tmp_path):
    doc = _read(tmp_path, """
        @proceedings{procA, editor = {Bob Jones}, title = {Proceedings of Things}, year = {2001}}
        @proceedings{procB, editor = {Bob Jones}, title = {Proceedings of Things}, year = {2001}}
        @inproceedings{paper, author = {Ann Smith}, title = {A Paper}, crossref = {procB}}
        @inbook{chap, author = {Cy Young}, title = {The Book}, crossref = {book}, chapter = {2}}
        @book{book, author = {Cy Young}, title = {The Book}, year = {1999}}
    """)
    result = normalise(doc, merge_curated=True)
    assert _keys(doc) == ["procA", "procB", "paper", "chap", "book"]
    assert [g.kind for g in result.likely_duplicates] == ["reference"]  # procB; chap/book point at each other
    text = render(doc)
    assert "crossref = {procB}" in text and "@proceedings{procB," in text


def test_a_merge_never_writes_month_twice(tmp_path):
    doc = _read(tmp_path, """
        @article{x, author = {Dan Brown}, title = {Seasons}, year = {2020}, month = {Spring}, journal = {J}}
        @article{y, author = {Dan Brown}, title = {Seasons}, year = {2020}, month = mar, journal = {J}}
        @misc{z, author = {Dan Brown}, title = {Seasons}, date = {2020-03-05}}
    """)
    normalise(doc, merge_curated=True)
    [e] = doc.entries
    for to in ("bibtex", "biblatex"):
        text = render(doc, to)
        fields = re.findall(r"^\s*(\w+)\s*=", text, re.MULTILINE)
        assert len(fields) == len(set(fields)), (to, text)


def test_one_problem_per_group_of_same_titled_works():
    entries = [Entry(entry_type="article", title="Editorial", authors=[Person(family=f"Name{i}", given="A")],
                     origin=SourceLocation("journal.bib", i)) for i in range(200)]
    doc = Document(blocks=list(entries))
    result = normalise(doc, key_format=None)
    assert len(doc) == 200 and result.merges == []
    problems = [p for e in doc.entries for p in e.problems]
    assert len(problems) == 1 and problems[0].code == "same-title" and "200 entries share this title" in \
        problems[0].message
    [group] = result.kept_apart
    assert group.kind == "same-title" and len(group.entries) == 200


def test_command_line_reports_kept_apart_and_merges_with_the_flag(tmp_path):
    """``bibkit convert``: look-alikes are kept apart (listed under ``kept_apart`` in the report) unless
    ``--merge-duplicates`` is given (the flag travels as ``ReadOptions.merge_duplicates``)."""
    import json

    from bibkit.cli import main

    src = tmp_path / "refs.bib"
    src.write_text(textwrap.dedent("""
        @book{one, author = {Donald E. Knuth}, title = {The TeXbook}, edition = {1}, year = {1984}}
        @book{two, author = {Donald E. Knuth}, title = {The TeXbook}, edition = {2}, year = {1986}}
    """), encoding="utf-8")
    report = tmp_path / "r.json"
    assert main(["-q", "convert", str(src), "-o", str(tmp_path / "a.bib"), "--report", str(report)]) == 0
    data = json.loads(report.read_text())
    assert data["totals"]["written"] == 2 and data["merged"] == []
    assert [g["keys"] for g in data["kept_apart"] if g["kind"] == "curated"] == [["one", "two"]]
    assert main(["-q", "convert", str(src), "-o", str(tmp_path / "b.bib"), "--report", str(report),
                 "--merge-duplicates"]) == 0
    data = json.loads(report.read_text())
    assert data["totals"]["written"] == 1 and data["kept_apart"] == []
