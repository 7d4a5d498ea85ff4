"""The 15 reproducers of issue #16, each a small ``.bib`` run through ``bibkit convert --no-dedupe FILE``.

Every test checks what the issue says went wrong and that ``convert`` of the output changes nothing.
The yardstick for "nothing lost" is pybtex's BibTeX-grammar parser (:mod:`bibkit.testing.bibcorpus`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.testing.bibcorpus import biber_counts, bibtex_counts, compare_texts, reference_entries
from zotero_bridge.mapping import item_to_entry


def convert(tmp_path: Path, text: str, *args: str, name: str = "in.bib") -> tuple[str, dict]:
    """``bibkit convert --no-dedupe FILE [args]``: (output, report); asserts the output is a fixpoint."""
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    out, report = tmp_path / "out.bib", tmp_path / "report.json"
    dedupe = [] if "--dedupe" in args else ["--no-dedupe"]
    args = tuple(a for a in args if a != "--dedupe")
    assert main(["-q", "convert", str(src), *dedupe, *args, "-o", str(out), "--report", str(report)]) == 0
    first = out.read_text(encoding="utf-8")
    again = tmp_path / "again.bib"
    assert main(["-q", "convert", str(out), *dedupe, *args, "-o", str(again)]) == 0
    assert again.read_text(encoding="utf-8") == first, "not a fixpoint"
    return first, json.loads(report.read_text(encoding="utf-8"))


def problems(report: dict) -> list[dict]:
    """Every problem of a report (file-level ones and each entry's), with the entry's key."""
    out = list(report["problems"])
    for entry in report["entries"]:
        out += [{"key": entry.get("key"), **p} for p in entry.get("problems", [])]
    return out


def lossless(before: str, after: str) -> None:
    diff = compare_texts(before, after)
    assert diff.same, diff.examples()


# 1 ------------------------------------------------------------------------------------------------
def test_01_quote_inside_braces_inside_a_quoted_value(tmp_path: Path) -> None:
    text = ('@Book{Tschichold:NT91,\n  author = "Jan Tschichold",\n  title = "Die neue Typographie",\n'
            '  subtitle = "{Ein Handbuch f{\\"u}r zeitgem{"a}{\\ss} Schaffende}",\n'
            '  publisher = "Brinkmann und Bose",\n  address = "Berlin",\n  year = "1987",\n}\n')
    out, _ = convert(tmp_path, text)
    assert '  subtitle = "{Ein Handbuch f{\\"u}r zeitgem{"a}{\\ss} Schaffende}",' in out
    for line in ('publisher = "Brinkmann und Bose"', 'address = "Berlin"', 'year = "1987"'):
        assert line in out and "% " + line not in out
    lossless(text, out)


# 2 ------------------------------------------------------------------------------------------------
def test_02_braces_counted_literally_after_a_backslash(tmp_path: Path) -> None:
    text = "@misc{bs,\n  title = {\\textbackslash\\textbackslash\\{\\}: \\\\{}},\n  note = {after},\n  year = 2020,\n}\n"
    out, _ = convert(tmp_path, text)
    assert "  title = {\\textbackslash\\textbackslash\\{\\}: \\\\{}}," in out and "  note = {after}," in out
    lossless(text, out)


# 3 ------------------------------------------------------------------------------------------------
def test_03_commented_is_an_entry_type(tmp_path: Path) -> None:
    text = "@COMMENTED{erm,\n  author = {Erman, Walter},\n  title = {Kommentar},\n  year = 1993,\n}\n"
    out, report = convert(tmp_path, text)
    assert out.startswith("@COMMENTED{erm,") and report["totals"]["read"] == 1
    lossless(text, out)


# 4 ------------------------------------------------------------------------------------------------
def test_04_at_newline_type_and_parentheses(tmp_path: Path) -> None:
    text = ('...legal things.@\nMaNuAl  (scribe,\n  TITLE="Scribe Introductory User\'s Manual",\n'
            '  ORGANIZATION = "Unilogic, Ltd.",\n  YEAR = 1978 )\n')
    out, report = convert(tmp_path, text)
    assert report["totals"]["read"] == 1 and "@MaNuAl{scribe," in out and "  YEAR = 1978," in out
    lossless(text, out)


# 5 ------------------------------------------------------------------------------------------------
def test_05_odd_keys_bibtex_accepts(tmp_path: Path) -> None:
    text = "@article{ strange(key)=(has_odd-characters?:*!<>/ ,\n  author = {A, B},\n  title = {T},\n  year = 2001,\n}\n"
    out, _ = convert(tmp_path, text)
    assert "@article{strange(key)=(has_odd-characters?:*!<>/," in out
    assert [e.key for e in reference_entries(out)] == ["strange(key)=(has_odd-characters?:*!<>/"]
    lossless(text, out)


# 6 ------------------------------------------------------------------------------------------------
def test_06_unknown_types_and_control_entries_are_kept(tmp_path: Path) -> None:
    text = ('@IEEEtranBSTCTL{IEEEexample:BSTcontrol,\n  CTLuse_article_number = "yes",\n  CTLmax_names_forced_etal = "10",\n}\n\n'
            '@electronic{IEEEhowto:IEEEtranpage,\n  author = "Michael Shell",\n  title = "{IEEEtran} Homepage",\n'
            '  url = "http://www.michaelshell.org/tex/ieeetran/",\n  year = "2008"\n}\n')
    out, _ = convert(tmp_path, text)
    assert "@IEEEtranBSTCTL{IEEEexample:BSTcontrol," in out and "@electronic{IEEEhowto:IEEEtranpage," in out
    assert "key =" not in out and "@misc" not in out
    lossless(text, out)


# 7 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("to", [[], ["--to", "bibtex"]], ids=["as-written", "bibtex"])
def test_07_path_and_verb_contents_are_never_escaped(tmp_path: Path, to: list[str]) -> None:
    text = ("@misc{tj,\n  title = {Journal},\n  note = {Edgar Goodaire, e-mail: \\path|edgar%munucs.mun.ca@uwavm.acs.| "
            "and \\verb|a&b_c#d| at \\url{http://x.org/a_b%20c} 100%},\n  year = 1990,\n}\n")
    out, _ = convert(tmp_path, text, *to)
    assert "\\path|edgar%munucs.mun.ca@uwavm.acs.|" in out and "\\verb|a&b_c#d|" in out
    assert "\\url{http://x.org/a_b%20c}" in out
    assert ("100\\%}" if to else "100%}") in out  # outside them, --to bibtex escapes what TeX cannot take


def test_07_for_biber_verbatim_commands_that_cannot_work_become_escaped_text(tmp_path: Path) -> None:
    # biber hands fields to LaTeX inside macro arguments: \verb fails there, and \path/\url cannot read "%"
    text = "@misc{tj,\n  title = {J},\n  note = {e-mail: \\path|edgar%munucs.mun.ca| and \\verb|a&b|},\n  year = 1990,\n}\n"
    out, report = convert(tmp_path, text, "--to", "biblatex")
    assert "note = {e-mail: edgar\\%munucs.mun.ca and a\\&b}" in out
    assert any(p["code"] == "verbatim-as-text" for p in problems(report))
    plain = "@misc{ok,\n  title = {J},\n  note = {\\path|~user/a_b| at \\url{http://x.org/a_b}},\n  year = 1990,\n}\n"
    out, _ = convert(tmp_path, plain, "--to", "biblatex")
    assert "note = {\\path|~user/a_b| at \\url{http://x.org/a_b}}" in out


# 8 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("to", [[], ["--to", "bibtex"], ["--to", "biblatex"]], ids=["as-written", "bibtex", "biblatex"])
def test_08_eprint_keeps_its_version(tmp_path: Path, to: list[str]) -> None:
    text = ("@article{baez/article,\n  author = {Baez, John C. and Lauda, Aaron D.},\n  title = {Higher-Dimensional Algebra V},\n"
            "  journaltitle = {Theory and Applications of Categories},\n  date = 2004,\n  eprint = {math/0307200v3},\n"
            "  eprinttype = {arxiv},\n}\n")
    out, _ = convert(tmp_path, text, *to)
    assert "eprint = {math/0307200v3}" in out


# 9 ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("to", [[], ["--to", "bibtex"]], ids=["as-written", "bibtex"])
def test_09_undefined_macros_are_kept_as_macros_one_way(tmp_path: Path, to: list[str]) -> None:
    text = ("@inbook{kant:kpv,\n  author = {Kant, Immanuel},\n  title = {Kritik der praktischen Vernunft},\n"
            "  location = Tue,\n  journaltitle = AJA,\n  series = IstForsch,\n  year = 1968,\n}\n")
    out, report = convert(tmp_path, text, *to)
    names = ("address", "journal") if to else ("location", "journaltitle")
    assert f"  {names[0]} = Tue," in out and f"  {names[1]} = AJA," in out and "  series = IstForsch," in out
    undefined = sorted(p["message"].split("'")[1] for p in problems(report) if p["code"] == "undefined-macro")
    assert undefined == ["AJA", "IstForsch", "Tue"]
    if not to:
        lossless(text, out)


# 10 -----------------------------------------------------------------------------------------------
def test_10_a_merge_never_writes_a_field_twice(tmp_path: Path) -> None:
    text = ('@Book{Knuth:1981:CM,\n  author = "Donald E. Knuth",\n  title = "Computer Modern",\n  publisher = "AW",\n'
            '  year = "1981",\n}\n\n@Book{Knuth:1982:CM,\n  author = "Donald E. Knuth",\n  title = "Computer Modern",\n'
            '  publisher = "AW",\n  year = "1981",\n  month = "winter",\n  note = "2nd printing",\n}\n\n'
            '@Book{vB:92,\n  author = "Stephan von Bechtolsheim",\n  title = "{\\TeX} in Practice",\n'
            '  year = "{\\noopsort{1992a}}1992",\n}\n\n@Book{vB:93,\n  author = "Stephan von Bechtolsheim",\n'
            '  title = "{\\TeX} in Practice",\n  year = "1993",\n}\n')
    out, report = convert(tmp_path, text, "--dedupe")
    for block in out.split("\n\n@"):
        names = [line.split("=")[0].strip().lower() for line in block.splitlines()[1:-1]]
        assert len(names) == len(set(names)), block
    assert report["totals"]["merged"] == 2
    assert "winter" in json.dumps(report["merged"])  # the value not taken is in the report


# 11 -----------------------------------------------------------------------------------------------
def test_11_a_crossref_target_is_never_merged_away(tmp_path: Path) -> None:
    text = ("@InProceedings{inproc,\n  author = {A, B},\n  title = {Paper},\n  crossref = {proc-full},\n  pages = {1--2},\n}\n\n"
            "@Proceedings{proc-short,\n  editor = {Ed, E.},\n  title = {Proceedings of the Conference},\n  year = 1990,\n}\n\n"
            "@Proceedings{proc-full,\n  editor = {Ed, E.},\n  title = {Proceedings of the Conference},\n  year = 1990,\n"
            "  publisher = {P},\n}\n")
    out, report = convert(tmp_path, text, "--dedupe")
    assert "@Proceedings{proc-full," in out and "crossref = {proc-full}" in out
    assert any(p["code"] == "same-work" for p in problems(report))
    assert bibtex_counts_ok(tmp_path, out)


def bibtex_counts_ok(tmp_path: Path, text: str) -> bool:
    path = tmp_path / "check.bib"
    path.write_text(text, encoding="utf-8")
    counts = bibtex_counts(path)
    return counts.ran and counts.errors == 0


# 12 -----------------------------------------------------------------------------------------------
def test_12_ascii_converts_or_names_entry_field_and_character(tmp_path: Path) -> None:
    text = ("@book{ipa,\n  author = {Ladefoged, Peter},\n  title = {The sounds ɛ and ʃ in Müller's corpus},\n"
            "  note = {Øresund}, year = 1996,\n}\n")
    out, report = convert(tmp_path, text, "--ascii")
    assert "M{\\\"u}ller" in out and "{\\O}resund" in out
    [warning] = [p for p in problems(report) if p["code"] == "unencodable"]
    assert warning["key"] == "ipa" and "ɛ (U+025B) in title" in warning["message"]
    assert "ʃ (U+0283) in title" in warning["message"]
    # the same for a @string value
    out, report = convert(tmp_path, '@string{ph = "Phon{\\`e}mes ɛ"}\n' + text, "--ascii", "--to", "bibtex")
    messages = [p["message"] for p in problems(report) if p["code"] == "unencodable"]
    assert any("ɛ (U+025B) in @string ph" in m for m in messages)


# 13 -----------------------------------------------------------------------------------------------
def test_13_types_and_dates_as_written_by_default_converted_and_reported_with_to(tmp_path: Path) -> None:
    text = ("@periodical{jcg,\n  editor = {Doe, J.},\n  title = {Computers and Graphics},\n  issuetitle = {Semantic 3D},\n"
            "  volume = 35, number = 4,\n  date = 2011,\n}\n\n@online{site,\n  author = {A, B},\n  title = {Site},\n"
            "  url = {http://x.org}, date = {2001/2003},\n}\n\n@book{caesar,\n  author = {Caesar, Gaius Iulius},\n"
            "  title = {Commentarii de bello Gallico}, date = {-0049},\n}\n")
    out, _ = convert(tmp_path, text)
    assert "@periodical{jcg," in out and "@online{site," in out and "date = {2001/2003}" in out
    lossless(text, out)
    out, report = convert(tmp_path, text, "--to", "bibtex")
    assert "@periodical{jcg," in out and "@misc{site," in out
    assert "year = {2001--2003}" in out and "date = {2001/2003}" in out  # the range is never cut
    assert "date = {-0049}" in out
    codes = {(p["key"], p["code"]) for p in problems(report)}
    assert {("jcg", "nonstandard-type"), ("site", "converted-type"), ("site", "date-kept"),
            ("caesar", "date-kept")} <= codes


def test_13_a_type_is_mapped_only_when_the_entry_has_what_the_target_needs(tmp_path: Path) -> None:
    text = ("@reference{LIMC,\n  title = {Lexicon Iconographicum},\n  shorthand = {LIMC},\n}\n\n"
            "@report{tr,\n  author = {A, B},\n  title = {T},\n  institution = {MIT},\n  date = {1999},\n}\n\n"
            "@thesis{th,\n  author = {C, D},\n  title = {U},\n  type = {phdthesis},\n  institution = {ETH},\n"
            "  year = 2001,\n}\n")
    out, report = convert(tmp_path, text, "--to", "bibtex")
    assert "@reference{LIMC," in out and "@techreport{tr," in out and "year = 1999," in out
    assert "@phdthesis{th," in out and "school = {ETH}" in out and "type =" not in out
    notes = {p["key"]: p["message"] for p in problems(report) if p["code"] == "nonstandard-type"}
    assert "lack author, publisher, year" in notes["LIMC"]


# 14 -----------------------------------------------------------------------------------------------
def test_14_biber_typesets_what_it_typeset_before(tmp_path: Path) -> None:
    text = ('@Book{Tschichold:NT91,\n  author = "Jan Tschichold",\n  title = "Die neue Typographie",\n'
            '  subtitle = "{Ein Handbuch f{\\"u}r zeitgem{"a}{\\ss} Schaffende}",\n'
            '  publisher = "Brinkmann und Bose",\n  address = "Berlin",\n  year = "1987",\n}\n\n'
            '@Book{Knuth:ct-a,\n  author = "Donald E. Knuth",\n  title = "The {\\TeX}book",\n  publisher = "AW",\n'
            '  year = "1986",\n}\n')
    out, _ = convert(tmp_path, text)
    before, after = tmp_path / "before.bib", tmp_path / "after.bib"
    before.write_text(text, encoding="utf-8")
    after.write_text(out, encoding="utf-8")
    a, b = biber_counts(before), biber_counts(after)
    assert a.ran and b.ran and (b.errors, b.warnings) == (a.errors, a.warnings)
    a, b = bibtex_counts(before), bibtex_counts(after)
    assert a.ran and b.ran and (b.errors, b.warnings) == (a.errors, a.warnings)


# 15 -----------------------------------------------------------------------------------------------
def test_15_zotero_creators_that_are_not_authors_keep_their_names() -> None:
    from bibkit.model import Document
    from bibkit.writers import write

    entry = item_to_entry({"key": "MAPS2345", "data": {"key": "MAPS2345", "itemType": "map", "title": "Atlas",
                                                      "creators": [{"creatorType": "cartographer", "firstName": "G.",
                                                                    "lastName": "Mercator"}]}})
    assert "author = {Mercator, G.}" in write(Document(blocks=[entry]))
