"""Merging never breaks references and never writes a field twice (issue #16, reproducers 10 and 11).

Kept apart from tests/test_dedupe.py: these are the two rules #16 adds to duplicate merging.
"""

from __future__ import annotations

import pytest

from bibkit.normalize import normalise
from bibkit.normalize.dedupe import merge_duplicates, referenced_keys
from bibkit.sources.bibfile import read
from bibkit.writers import write

PROCS = ("@Proceedings{{{a},\n  editor = {{Ed, E.}},\n  title = {{Proceedings of the Conference}},\n  year = 1990,\n}}\n\n"
         "@Proceedings{{{b},\n  editor = {{Ed, E.}},\n  title = {{Proceedings of the Conference}},\n  year = 1990,\n}}\n")


@pytest.mark.parametrize("field", ["crossref", "xdata", "related", "entryset"])
def test_an_entry_other_entries_point_at_is_never_merged_away(field: str) -> None:
    text = f"@InProceedings{{child,\n  title = {{Paper}},\n  {field} = {{proc-full}},\n}}\n\n" + \
        PROCS.format(a="proc-short", b="proc-full")
    doc = read(text, "x.bib")
    assert referenced_keys(doc) == {"proc-full"}
    assert merge_duplicates(doc) == []
    assert [e.key for e in doc.entries] == ["child", "proc-short", "proc-full"]
    [problem] = [p for p in doc.entries[2].problems if p.code == "same-work"]
    assert "proc-short" in problem.message and "point at 'proc-full'" in problem.message


def test_the_pointed_at_entry_still_absorbs_its_later_duplicates() -> None:
    text = "@misc{child, title = {Paper}, crossref = {proc-full}}\n\n" + PROCS.format(a="proc-full", b="proc-copy")
    doc = read(text, "x.bib")
    merges = merge_duplicates(doc)
    assert [(m.kept.key, m.merged_key) for m in merges] == [("proc-full", "proc-copy")]


def test_xdata_and_set_entries_are_never_merged() -> None:
    text = ("@xdata{x1, publisher = {Springer}, title = {Shared}}\n@xdata{x2, publisher = {Springer}, title = {Shared}}\n"
            "@set{s1, entryset = {a,b}, title = {Set}}\n@set{s2, entryset = {a,b}, title = {Set}}\n")
    doc = read(text, "x.bib")
    assert merge_duplicates(doc) == [] and len(doc.entries) == 4


def test_a_merge_never_fills_a_field_the_kept_entry_writes_already() -> None:
    text = ('@Book{vB:93,\n  author = "Stephan von Bechtolsheim",\n  title = "{\\TeX} in Practice",\n  year = "1993",\n}\n\n'
            '@Book{vB:92,\n  author = "Stephan von Bechtolsheim",\n  title = "{\\TeX} in Practice",\n'
            '  year = "{\\noopsort{1992a}}1992",\n  month = "winter",\n  publisher = "SV",\n}\n')
    doc = read(text, "x.bib")
    [merge] = merge_duplicates(doc)
    assert "1992" in merge.conflicts["extra.year"] and merge.conflicts["extra.month"] == "winter"
    out = write(doc, None)
    entry = out[out.index("@Book{vB:93"):]
    names = [line.split("=")[0].strip().lower() for line in entry.splitlines()[1:-1]]
    assert names.count("year") == 1 and "month" not in names and len(names) == len(set(names))
    normalise(read(out, "y.bib"))  # and the output reads back without a duplicate-field problem
    assert not [p for p in read(out, "y.bib").all_problems() if p.code == "duplicate-field"]


@pytest.mark.parametrize("to", ["bibtex", "biblatex"])
def test_string_cycles_do_not_move_on_every_pass(to: str) -> None:
    text = ("@string{a = b # \"x\"}\n@string{b = a # \"y\"}\n@string{c = d}\n@string{d = \"D\"}\n"
            "@misc{k, title = a # c, year = 2000}\n")
    once = write(read(text, "x.bib"), to)
    assert write(read(once, "x.bib"), to) == once
    # the definition needed early moves up, the cycle stays where it is
    assert once.index("@string{d") < once.index("@string{c") and once.index("@string{a") < once.index("@string{b")
    # as written: nothing moves at all
    kept = write(read(text, "x.bib"), None)
    assert [kept.index(f"@string{{{n} =") for n in "abcd"] == sorted(kept.index(f"@string{{{n} =") for n in "abcd")


GOOGLE_SCHOLAR_CITE_BOX = (
    "Cite\n"
    'MLA\tHe, Kaiming, et al. "Deep residual learning for image recognition." Proceedings of the IEEE conference '
    "on computer vision and pattern recognition. 2016.\n"
    "APA\tHe, K., Zhang, X., Ren, S., & Sun, J. (2016). Deep residual learning for image recognition. In "
    "Proceedings of the IEEE conference on computer vision and pattern recognition (pp. 770-778).\n"
    'Chicago\tHe, Kaiming, Xiangyu Zhang, Shaoqing Ren, and Jian Sun. "Deep residual learning for image '
    'recognition." In Proceedings of the IEEE conference on computer vision and pattern recognition, pp. 770-778. '
    "2016.\n"
    "Harvard\tHe, K., Zhang, X., Ren, S. and Sun, J., 2016. Deep residual learning for image recognition. In "
    "Proceedings of the IEEE conference on computer vision and pattern recognition (pp. 770-778).\n"
    "Vancouver\tHe K, Zhang X, Ren S, Sun J. Deep residual learning for image recognition. InProceedings of the "
    "IEEE conference on computer vision and pattern recognition 2016 (pp. 770-778).\n"
    "BibTeX EndNote RefMan RefWorks\n")


def test_google_scholars_cite_box_is_one_paper_with_its_fullest_authors(tmp_path) -> None:
    # the box copied whole: each style's name is no author ("MLA\tHe, Kaiming, et al."), the five styles are one
    # paper, and the merged entry has the whole author list with given names (MLA cut it with "et al.", APA,
    # Harvard and Vancouver give initials)
    from bibkit.cli import main

    paste = tmp_path / "cite.txt"
    paste.write_text(GOOGLE_SCHOLAR_CITE_BOX, encoding="utf-8")
    out = tmp_path / "refs.bib"
    assert main(["-q", "convert", str(paste), "-o", str(out)]) == 0
    [entry] = read(out.read_text(encoding="utf-8"), str(out)).entries
    assert [(p.family, p.given) for p in entry.authors] == [
        ("He", "Kaiming"), ("Zhang", "Xiangyu"), ("Ren", "Shaoqing"), ("Sun", "Jian")]
    assert (entry.title, entry.year, entry.pages) == ("Deep residual learning for image recognition", 2016, "770–778")


def test_a_bib_entrys_author_list_is_never_replaced_by_a_duplicates_fuller_one() -> None:
    # a curated .bib's "and others" is its user's choice: a duplicate (same DOI) with the whole list fills
    # nothing in it
    doc = read("@article{a,\n  title = {T},\n  author = {He, K. and others},\n  doi = {10.1/x},\n}\n\n"
               "@article{b,\n  title = {T},\n  author = {He, Kaiming and Sun, Jian},\n  doi = {10.1/x},\n}\n", "r.bib")
    merge_duplicates(doc)
    assert [p.display() for p in doc.entries[0].authors] == ["K. He", "others"]
