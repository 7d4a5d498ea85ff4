"""``bibkit tidy``: layout, sorting, months, check mode, in place with a backup, idempotence, and
that nothing it was not asked to change changes (comments, @string/@preamble, verbatim fields,
unknown types, the model's values, encodings and line endings)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.model import Entry
from bibkit.sources.bibfile import read
from bibkit.tidy import TidyOptions, tidy_file, tidy_text

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ALL_BIB = sorted(p for p in DATA.rglob("*.bib") if "recorded" not in p.parts)

MESSY = """% My bibliography
@String{ACL = {Proceedings of ACL}}

@InProceedings{zed2019,
   Author={Zed, Zoe and {The ACL Team}},
  title = "A Paper about {NLP}",
      booktitle = ACL,
  YEAR = 2019, month = {3},
  url = {https://example.org/a_b%20c}}

@article{abe2021,
  author = {Abe, Al},
  title = {Later Work},
  journal = {J},
  year = {2021},
  month = "March",
}

@Article{mid2020,
 author = {Mid, Max},
 title = {Middle},
 journal = {J},
 year = 2020,
 month = {march}
}
@software{tool2022, author = {Tool, Tim}, title = {A Tool}, date = {2022-05}, month = {Spring}}
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(MESSY, encoding="utf-8")
    return path


def keys(text: str) -> list[str]:
    return [k for t, k in re.findall(r"^@(\w+)\{([^,}]*),", text, re.M) if t.lower() != "string"]


# --------------------------------------------------------------------------- layout


def test_layout_aligns_equals_and_indents_consistently(messy, capsys):
    code, out, _ = run(["-q", "tidy", str(messy)], capsys)
    assert code == 0
    field_lines = [ln for ln in out.splitlines() if re.match(r"^\s+\w+\s*=", ln)]
    assert field_lines and all(ln.startswith("  ") and not ln.startswith("   ") for ln in field_lines)
    assert {ln.index("=") for ln in field_lines} == {16}  # two spaces + names padded to 13 + " "
    assert "  author        = {Zed, Zoe and {The ACL Team}}," in out
    assert "@inproceedings{zed2019," in out and "@InProceedings" not in out  # lower-case types and names
    assert "\n\n@article{abe2021," in out  # a blank line between blocks
    assert out.count("},\n}") == 0 and "  month         = \"March\"\n}" in out  # no trailing comma

    code, out, _ = run(["-q", "tidy", "--align", "20", "--tab", "--trailing-commas", str(messy)], capsys)
    field_lines = [ln for ln in out.splitlines() if re.match(r"^\t\w+\s*=", ln)]
    assert {ln.index("=") for ln in field_lines} == {21}
    assert "  month" not in out and "\tmonth               = \"March\",\n}" in out
    code, out, _ = run(["-q", "tidy", "--no-align", "--space", "4", "--no-blank-lines", str(messy)], capsys)
    assert "    author = {Abe, Al}," in out and "\n\n" not in out


def test_long_and_multi_paragraph_values_are_laid_out_and_wrapped(tmp_path, capsys):
    path = tmp_path / "a.bib"
    words = " ".join(f"word{i}" for i in range(40))
    path.write_text("@article{a,\n  abstract = {" + words + "\n\n  Second\n    paragraph.},\n"
                    "  url = {https://example.org/" + "x" * 90 + "}\n}\n", encoding="utf-8")
    code, out, _ = run(["-q", "tidy", "--wrap=60", str(path)], capsys)
    assert code == 0
    body = out.split("abstract      = {", 1)[1].split("\n  },", 1)[0]
    lines = body.strip("\n").split("\n")
    assert all(len(ln) <= 60 for ln in lines) and all(ln.startswith("    ") for ln in lines if ln)
    assert "    Second paragraph." in lines
    assert "url           = {https://example.org/" + "x" * 90 + "}" in out  # verbatim: never wrapped


# --------------------------------------------------------------------------- order


def test_sort_by_key_year_author_and_type(messy, capsys):
    assert keys(run(["-q", "tidy", "--sort", str(messy)], capsys)[1]) == ["abe2021", "mid2020", "tool2022", "zed2019"]
    assert keys(run(["-q", "tidy", "--sort=key", str(messy)], capsys)[1]) == ["abe2021", "mid2020", "tool2022",
                                                                              "zed2019"]
    assert keys(run(["-q", "tidy", "--sort=year", str(messy)], capsys)[1]) == ["zed2019", "mid2020", "abe2021",
                                                                               "tool2022"]
    assert keys(run(["-q", "tidy", "--sort=-year", str(messy)], capsys)[1]) == ["tool2022", "abe2021", "mid2020",
                                                                                "zed2019"]
    assert keys(run(["-q", "tidy", "--sort=author", str(messy)], capsys)[1]) == ["abe2021", "mid2020", "tool2022",
                                                                                 "zed2019"]
    assert keys(run(["-q", "tidy", "--sort=type,-year", str(messy)], capsys)[1]) == ["abe2021", "mid2020", "zed2019",
                                                                                     "tool2022"]
    out = run(["-q", "tidy", "--sort=-year", str(messy)], capsys)[1]
    # the @string stays first (the entry using it now comes last), the file comment stays with it
    assert out.index("@string{ACL") < out.index("@software") and out.startswith("% My bibliography")


def test_sort_keeps_comments_with_their_entry_and_crossref_parents_last(tmp_path, capsys):
    path = tmp_path / "x.bib"
    path.write_text("@proceedings{aproc, title = {Proc}, year = 2000}\n\n% about b\n"
                    "@inproceedings{b, title = {B}, crossref = {aproc}, year = 2001}\n"
                    "@misc{c, title = {C}, year = 1999}\n% the end\n", encoding="utf-8")
    out = run(["-q", "tidy", "--sort=key", str(path)], capsys)[1]
    assert keys(out) == ["b", "c", "aproc"]
    assert "% about b\n\n@inproceedings{b," in out and out.rstrip().endswith("% the end")


def test_sort_fields_default_and_given_order(messy, capsys):
    out = run(["-q", "tidy", "--sort-fields", str(messy)], capsys)[1]
    block = out[out.index("@inproceedings"):]
    names = re.findall(r"^  (\w+)\s+=", block.split("\n}")[0], re.M)
    assert names == ["title", "author", "year", "month", "booktitle", "url"]
    out = run(["-q", "tidy", "--sort-fields=url,year", str(messy)], capsys)[1]
    names = re.findall(r"^  (\w+)\s+=", out[out.index("@inproceedings"):].split("\n}")[0], re.M)
    assert names == ["url", "year", "author", "title", "booktitle", "month"]


# --------------------------------------------------------------------------- values


def test_months_become_macros_whatever_their_spelling(messy, capsys):
    out = run(["-q", "tidy", "--months", str(messy)], capsys)[1]
    assert re.findall(r"month\s+= (\S+?),?\n", out) == ["mar", "mar", "mar", "{Spring}"]
    text = "@misc{a, month = {Sept.}}\n@misc{b, month = \"12\"}\n@misc{c, month = 13}\n@misc{d, month = jan # \"~1\"}\n"
    out = tidy_text(text, TidyOptions(months=True)).text
    assert re.findall(r"month\s+= (.+?)\n", out) == ["sep", "dec", "13", 'jan # "~1"']


def test_value_options(capsys, tmp_path):
    text = ("@article{k,\n  title = {{ALL CAPS TITLE: PART II}},\n  series = \"{{Quoted}}\",\n  journal = {{Journal of Tea}},\n"
            "  author = {A, B and {Barnes and Noble} and C, D},\n  year = {2020},\n  pages = {1-10},\n"
            "  note = {100% of R&D_x in $x_1$, \\url{http://a.org/a_b}},\n  empty = {},\n  doi = {10.1/ABC_DEF},\n"
            "  url = {http://example.org/a b\\_c}\n}\n")
    out = tidy_text(text, TidyOptions()).text
    assert "pages         = {1--10}" in out
    assert r"note          = {100\% of R\&D\_x in $x_1$, \url{http://a.org/a_b}}" in out
    assert "doi           = {10.1/ABC_DEF}" in out and r"url           = {http://example.org/a b\_c}" in out
    out = tidy_text(text, TidyOptions(curly=True, numeric=True, strip_enclosing_braces=True, drop_all_caps=True,
                                      max_authors=2, remove_empty_fields=True, encode_urls=True, escape=False)).text
    assert "title         = {All Caps Title: Part II}" in out
    assert "series        = {{{Quoted}}}" in out  # "{{x}}" holds a double group: not one enclosing pair
    assert "journal       = {Journal of Tea}" in out and "year          = 2020," in out
    assert "author        = {A, B and {Barnes and Noble} and others}" in out
    assert "empty" not in out and "url           = {http://example.org/a%20b_c}" in out
    assert "note          = {100% of R&D_x" in out  # --no-escape
    out = tidy_text("@misc{k, title = {SHOUTING ABOUT {NASA} AND \\LaTeX{} IN II PARTS}}",
                    TidyOptions(drop_all_caps=True)).text
    assert "{Shouting About {NASA} And \\LaTeX{} In II Parts}" in out
    out = tidy_text("@misc{k, title = {The {NASA} {\\\"O}zt{\\\"u}rk $\\{x\\}$ Mission}}",
                    TidyOptions(remove_braces=("title",), enclosing_braces=("title",))).text
    assert "title         = {{The NASA {\\\"O}zt{\\\"u}rk $\\{x\\}$ Mission}}" in out
    out = tidy_text("@misc{k, author = {M\u00fcller, J\u00f6rg}, url = {https://x.org/\u00fc}}",
                    TidyOptions(ascii=True)).text
    assert 'author        = {M{\\"u}ller, J{\\"o}rg}' in out and "url           = {https://x.org/\u00fc}" in out


def test_omit_keep_and_empty_fields(messy, capsys):
    out = run(["-q", "tidy", "--omit=url,month", str(messy)], capsys)[1]
    assert "url" not in out and "month" not in out and "booktitle" in out
    out = run(["-q", "tidy", "--keep=author,title", str(messy)], capsys)[1]
    assert set(re.findall(r"^  (\w+)\s+=", out, re.M)) == {"author", "title"}


# --------------------------------------------------------------------------- keys and duplicates


def test_rekey_uses_the_formula_keeps_old_keys_as_aliases_and_follows_crossrefs(tmp_path, capsys):
    path = tmp_path / "k.bib"
    path.write_text("@inproceedings{x1, author = {Vaswani, Ashish}, title = {Attention Is All You Need}, "
                    "year = 2017, crossref = {p}}\n@proceedings{p, editor = {Guyon, I.}, title = {NeurIPS 30}, "
                    "year = 2017}\n", encoding="utf-8")
    code, out, err = run(["tidy", "--rekey", str(path)], capsys)
    assert code == 0
    assert keys(out) == ["vaswaniAttentionAllYou2017", "guyonNeurIPS302017"]
    assert "ids           = {x1}" in out and "crossref      = {guyonNeurIPS302017}" in out
    assert "key x1 -> vaswaniAttentionAllYou2017" in err
    out = run(["-q", "tidy", "--rekey", "--no-alias", "--key-format", "auth.lower + year", str(path)], capsys)[1]
    assert keys(out) == ["vaswani2017", "guyon2017"] and "ids" not in out
    assert tidy_text(out, TidyOptions(rekey=True, key_format="auth.lower + year")).changed is False
    code, _, err = run(["tidy", "--rekey", "--key-format", "auth(", str(path)], capsys)
    assert code == ExitCode.USAGE and "key-format" in err


def test_duplicates_are_reported_and_merged(tmp_path, capsys):
    path = tmp_path / "d.bib"
    path.write_text("@article{a, title = {T}, author = {X, Y}, doi = {10.1/Q}}\n"
                    "@article{b, title = {T2}, doi = {10.1/q}, pages = {1--2}}\n", encoding="utf-8")
    code, out, err = run(["tidy", "--duplicates", str(path)], capsys)
    assert code == 0 and keys(out) == ["a", "b"] and "entry 'b' has the same DOI as 'a'" in err
    code, out, err = run(["tidy", "--merge", str(path)], capsys)
    assert keys(out) == ["a"] and "pages         = {1--2}" in out and "ids           = {b}" in out
    assert "merged, 'a' kept" in err


# --------------------------------------------------------------------------- check, in place, stdin


def test_check_mode_exit_codes_and_summary(messy, tmp_path, capsys):
    before = messy.read_bytes()
    code, out, err = run(["tidy", "--check", str(messy)], capsys)
    assert code == 1 and out == ""
    assert f"{messy} is not tidy (first difference at line 2)" in err
    assert "  - @String{ACL = {Proceedings of ACL}}" not in err or "  + " in err
    assert messy.read_bytes() == before  # --check writes nothing
    clean = tmp_path / "clean.bib"
    assert run(["-q", "tidy", str(messy), "-o", str(clean)], capsys)[0] == 0
    code, _, err = run(["tidy", "--check", str(clean)], capsys)
    assert code == 0 and "would change  0" in err
    code, _, err = run(["tidy", "--check", str(clean), str(messy)], capsys)
    assert code == 1 and str(messy) in err and f"{clean} is not tidy" not in err
    code, out, _ = run(["-q", "tidy", "--check", "--diff", str(messy)], capsys)
    assert code == 1 and out.startswith(f"--- {messy}\n+++ {messy} (tidy)\n") and "+@string{ACL" in out


def test_in_place_keeps_a_backup_and_a_second_run_changes_nothing(messy, capsys):
    code, out, err = run(["tidy", "-i", str(messy)], capsys)
    assert code == 0 and out == ""
    backup = messy.with_name("refs.bib.bak")
    assert backup.read_text(encoding="utf-8") == MESSY
    assert f"rewrote {messy} (old file: {backup})" in err
    tidy = messy.read_text(encoding="utf-8")
    assert tidy != MESSY and tidy_text(tidy).changed is False
    code, _, err = run(["tidy", "-i", str(messy)], capsys)
    assert code == 0 and "rewritten     0" in err and not messy.with_name("refs.bib.bak1").exists()
    other = messy.with_name("other.bib")
    other.write_text(MESSY, encoding="utf-8")
    assert run(["-q", "tidy", "-i", "--no-backup", str(other)], capsys)[0] == 0
    assert not other.with_name("other.bib.bak").exists() and other.read_text(encoding="utf-8") == tidy


def test_output_onto_the_input_backs_it_up(messy, capsys):
    assert run(["-q", "tidy", str(messy), "-o", str(messy)], capsys)[0] == 0
    assert messy.with_name("refs.bib.bak").read_text(encoding="utf-8") == MESSY


def test_stdin_to_stdout():
    proc = subprocess.run([sys.executable, "-m", "bibkit", "-q", "tidy", "-", "--months"], input=MESSY,
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout == tidy_text(MESSY, TidyOptions(months=True)).text
    proc = subprocess.run([sys.executable, "-m", "bibkit", "-q", "tidy", "--sort"], input=MESSY,
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and keys(proc.stdout)[0] == "abe2021"


def test_encoding_bom_and_line_endings_are_kept(tmp_path, capsys):
    crlf = tmp_path / "crlf.bib"
    crlf.write_bytes(b"\xef\xbb\xbf@article{a,\r\n title={A},year=2000}\r\n")
    assert run(["-q", "tidy", "-i", str(crlf)], capsys)[0] == 0
    data = crlf.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf@article{a,\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    latin = tmp_path / "latin.bib"
    latin.write_bytes("@article{a, author = {M\u00fcller, J.}, title={Caf\u00e9}}\n".encode("cp1252"))
    code, _, err = run(["tidy", "-i", str(latin)], capsys)
    assert code == 0 and "not UTF-8: read and written back as cp1252" in err
    assert "M\u00fcller".encode("cp1252") in latin.read_bytes()


def test_bad_invocations_are_one_line_with_a_documented_code(messy, tmp_path, capsys):
    code, _, err = run(["tidy", str(tmp_path / "nosuch.bib")], capsys)
    assert code == ExitCode.INPUT and err.strip().splitlines()[0] == f"bibkit: error: {tmp_path / 'nosuch.bib'}: no such file"
    assert run(["tidy", str(messy), str(messy)], capsys)[0] == ExitCode.USAGE
    assert run(["tidy", "-i", "-"], capsys)[0] == ExitCode.USAGE
    assert run(["tidy", "--merge=sideways", str(messy)], capsys)[0] == ExitCode.USAGE
    broken = tmp_path / "broken.bib"
    broken.write_text("@article{a, title = {Fine}}\n@article{b,\n  title = {Unclosed,\n  year = 2000,\n}\n"
                      "@article{c, title = {Also fine}}\n", encoding="utf-8")
    code, out, err = run(["tidy", str(broken)], capsys)
    assert code == 0 and "broken.bib:" in err and "@article{c," in out
    code, _, err = run(["tidy", "--strict", str(broken)], capsys)
    assert code == ExitCode.INPUT and "broken.bib:" in err


# --------------------------------------------------------------------------- lossless and idempotent


def _model(text: str) -> list[object]:
    """What a reader sees in a .bib text: every entry's data and every other block's text."""
    out: list[object] = []
    for block in read(text, "x").blocks:
        if isinstance(block, Entry):
            e = block
            out.append((e.key, e.entry_type, e.title, [p.display() for p in e.authors], e.journal,
                        e.date.iso() if e.date else None, sorted(e.extra.items()), e.ids.doi, e.ids.arxiv, e.url,
                        e.note, e.abstract, e.tags, e.pages))
        else:
            out.append((block.kind, block.name, block.value))
    return out


@pytest.mark.parametrize("path", ALL_BIB, ids=lambda p: str(p.relative_to(DATA)))
def test_tidy_is_lossless_and_idempotent_on_every_test_file(path):
    plain = tidy_file(str(path), TidyOptions(page_ranges=False))
    assert _model(plain.text) == _model(plain.original)  # layout and escapes only: the data is the same
    for opts in (TidyOptions(), TidyOptions(sort=("-year", "author"), months=True, curly=True, wrap=60,
                                            sort_fields=("title", "author"), rekey=True),
                 TidyOptions(numeric=True, trailing_commas=True, indent="\t", align=0, lowercase=False,
                             blank_lines=False, drop_all_caps=True, strip_enclosing_braces=True)):
        once = tidy_file(str(path), opts)
        assert tidy_text(once.text, opts, origin=str(path)).text == once.text


def test_comments_strings_preambles_verbatim_fields_and_unknown_types_are_kept(capsys, tmp_path):
    text = ("%% keep me  exactly\n@COMMENT{ jabref-meta: grouping:\n0 AllEntriesGroup:;\n}\n"
            "@string( acl = \"Association for \" # {Computational Linguistics} )\n"
            "@preamble{ \"\\newcommand{\\noopsort}[1]{}\" # \"x\" }\n"
            "@weirdtype{w, file = {:C\\:/a_b  c.pdf:PDF}, url = {http://x.org/%7Ea_b},\n"
            "  doi = {10.1000/A_B}, eprint = {2101.00001}, howpublished = acl # { online}, unknownfield = {a_b & c}}\n")
    out = tidy_text(text).text
    assert out.startswith("%% keep me  exactly\n\n@comment{ jabref-meta: grouping:\n0 AllEntriesGroup:;\n}\n")
    # a parenthesised @string gets braces; its value is kept as written
    assert "@string{acl = \"Association for \" # {Computational Linguistics}}" in out
    assert "@preamble{ \"\\newcommand{\\noopsort}[1]{}\" # \"x\" }" in out
    assert "@weirdtype{w," in out
    for field in ("file          = {:C\\:/a_b  c.pdf:PDF}", "url           = {http://x.org/%7Ea_b}",
                  "doi           = {10.1000/A_B}", "eprint        = {2101.00001}",
                  "howpublished  = acl # { online}", "unknownfield  = {a_b & c}"):
        assert field in out


def test_pre_commit_hooks_run_the_tidy_command():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hooks = dict(re.findall(r"^- id: (\S+)\n(?:  .*\n)*?  entry: (.+)$", text, re.M))
    assert set(hooks) == {"bibkit-tidy", "bibkit-tidy-check"}
    assert re.search(r"files: \\\.bib\$", text) and "language: python" in text
    from bibkit.cli import build_parser

    for entry in hooks.values():
        argv = entry.split()
        assert argv[:2] == ["bibkit", "tidy"]
        args = build_parser("tidy").parse_args(argv[1:] + ["--sort=key", "a.bib", "b.bib"])  # pre-commit appends files
        assert args.files == ["a.bib", "b.bib"]


#: .bib files TeX Live installs (found with kpsewhich): written by others, with every habit of the last
#: forty years — quoted strings holding braces holding quotes, @string-built fields, crossrefs, @set
TEX_LIVE_BIB = ("xampl.bib", "biblatex-examples.bib", "texbook1.bib", "texbook2.bib", "typeset.bib")


def _kpsewhich(name: str) -> str | None:
    import shutil

    if shutil.which("kpsewhich") is None:
        return None
    found = subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout.strip()
    return found or None


@pytest.mark.parametrize("name", TEX_LIVE_BIB)
def test_tidy_is_lossless_and_idempotent_on_tex_lives_bib_files(name):
    path = _kpsewhich(name)
    if path is None:
        pytest.skip(f"{name} is not installed (TeX Live's texlive-bibtex-extra; kpsewhich finds it)")
    plain = tidy_file(path, TidyOptions(page_ranges=False))
    assert plain.entries > 10
    assert _model(plain.text) == _model(plain.original)
    assert tidy_text(plain.text, TidyOptions(page_ranges=False), origin=path).text == plain.text
    busy = TidyOptions(sort=("-year", "author"), months=True, curly=True, wrap=70, sort_fields=("title", "author"),
                       rekey=True, merge="combine", duplicates=("doi", "citation"))
    once = tidy_file(path, busy)
    assert tidy_text(once.text, busy, origin=path).text == once.text


def test_a_file_with_no_bibtex_at_all_is_left_as_it_is_with_a_warning_naming_it(tmp_path, capsys):
    # a reading list handed to tidy by mistake: unchanged (tidy never loses text) and the user is told why nothing
    # happened and which command reads it; a .bib holding only comments is no mistake and gets no warning
    notes = tmp_path / "notes.txt"
    notes.write_text("Attention Is All You Need\nhttps://arxiv.org/abs/1706.03762\n", encoding="utf-8")
    result = tidy_text(notes.read_text(encoding="utf-8"), origin=str(notes))
    assert result.text == notes.read_text(encoding="utf-8")
    [problem] = result.problems
    assert problem.code == "no-entries" and problem.severity == "warning" and "bibkit convert" in problem.message
    code, out, err = run(["tidy", "-i", str(notes)], capsys)
    assert code == ExitCode.OK and notes.read_text(encoding="utf-8").startswith("Attention Is All")
    assert f"{notes}:1: warning: no BibTeX entries" in out + err
    comments = tmp_path / "empty.bib"
    comments.write_text("% nothing cited yet\n", encoding="utf-8")
    assert tidy_text(comments.read_text(encoding="utf-8"), origin=str(comments)).problems == []


def test_remove_empty_fields_keeps_an_empty_field_that_stops_a_crossref_inheriting(tmp_path):
    # xampl.bib (BibTeX's own examples): an empty `key` and `organization` in crossref children are how
    # the file keeps BibTeX from giving them their parent's ("In GAJ" instead of the journal's name).
    # Removing them changed what plain printed; an empty field nothing would be inherited into still goes
    from texutil import compile_bibtex, require_tex

    text = """@STRING{STOC = " Symposium on the Theory of Computing"}

@ARTICLE{article-crossref,
   crossref = {WHOLE-JOURNAL},
   key = "",
   author = {L[eslie] A. Aamport},
   title = {The Gnats and Gnus Document Preparation System},
   pages = "73+",
   note = "This is a cross-referencing ARTICLE entry",
   abstract = {},
}

@ARTICLE{whole-journal,
   key = "GAJ",
   journal = {\\mbox{G-Animal's} Journal},
   year = 1986,
   volume = 41,
   number = 7,
   month = jul,
   note = {The entire issue is devoted to gnats and gnus
                (this entry is a cross-referenced ARTICLE (journal))},
}

@INPROCEEDINGS{inproceedings-crossref,
   crossref = "whole-proceedings",
   author = "Alfred V. Oaho and Jeffrey D. Ullman and Mihalis Yannakakis",
   title = "On Notions of Information Transfer in {VLSI} Circuits",
   organization = "",
   pages = "133--139",
   note = "This is a cross-referencing INPROCEEDINGS entry",
}

@PROCEEDINGS{whole-proceedings,
   key = "OX{\\singleletter{stoc}}",
   organization = "The OX Association for Computing Machinery",
   title = "Proc. Fifteenth Annual" # STOC,
   address = "Boston",
   year = 1983,
   booktitle = "Proc. Fifteenth Annual ACM" # STOC,
   note = "This is a cross-referenced PROCEEDINGS",
}
"""
    out = tidy_text(text, TidyOptions(remove_empty_fields=True)).text
    article = out[out.index("@article{article-crossref"):out.index("@article{whole-journal")]
    assert 'key           = ""' in article and "abstract" not in article
    assert 'organization  = ""' in out
    require_tex("bibtex", "pdflatex")
    preamble = "\\newcommand{\\singleletter}[1]{#1}"
    before = compile_bibtex(text, tmp_path / "before", style="plain", preamble=preamble)
    after = compile_bibtex(out, tmp_path / "after", style="plain", preamble=preamble)
    assert "In {\\em \\mbox{G-Animal's} Journal" in before.bbl and "In GAJ" not in before.bbl
    assert after.bbl == before.bbl and after.warnings == before.warnings


def test_strip_enclosing_braces_leaves_an_organisation_in_a_name_list_one_name(tmp_path):
    # biblatex-examples.bib's patent: `holder = {{Hughes Aircraft Company}}` is one organisation; with its
    # inner braces stripped biber read the person "Company, Hughes Aircraft" (and BibTeX would too, in an
    # author field). A journal's or title's double braces are still stripped, as the option says
    from texutil import compile_biber, compile_bibtex, require_tex

    text = r"""@patent{sorace,
  author       = {Sorace, Ronald E. and Reinhardt, Victor S. and Vaughn, Steven
                  A.},
  title        = {High-Speed Digital-to-{RF} Converter},
  number       = 5668842,
  date         = {1997-09-16},
  holder       = {{Hughes Aircraft Company}},
  type         = {patentus},
}

@techreport{jpl1994,
  author       = {{NASA Jet Propulsion Laboratory}},
  title        = {{Deep Space Network Telecommunications Link Design Handbook}},
  institution  = {{California Institute of Technology}},
  year         = 1994,
}
"""
    out = tidy_text(text, TidyOptions(strip_enclosing_braces=True)).text
    assert "holder        = {{Hughes Aircraft Company}}" in out
    assert "author        = {{NASA Jet Propulsion Laboratory}}" in out
    assert "title         = {Deep Space Network Telecommunications Link Design Handbook}" in out
    assert "institution   = {California Institute of Technology}" in out
    require_tex("biber", "bibtex", "pdflatex")
    before, after = compile_biber(text, tmp_path / "b0"), compile_biber(out, tmp_path / "b1")
    holder = re.search(r"\\name\{holder\}.*?\n      \}", after.bbl, re.S).group(0)
    assert "family={{Hughes Aircraft Company}}" in holder and "given=" not in holder
    assert re.findall(r"\\name\{\w+\}.*?\n      \}", after.bbl, re.S) == \
        re.findall(r"\\name\{\w+\}.*?\n      \}", before.bbl, re.S)
    plain = compile_bibtex(out, tmp_path / "plain", style="plain")
    assert "NASA Jet Propulsion Laboratory" in plain.flat_text and "Laboratory, N" not in plain.flat_text


def test_drop_all_caps_leaves_codes_labels_and_numbers_as_written(tmp_path):
    # biblatex-examples.bib: a patent number, a report number and a citation label are written in capitals
    # because they are codes and labels; --drop-all-caps made them "Eu-29702195u", "Rc-6947" and the label
    # "[Cms]". A shouted title is still re-cased, its codes (COVID-19) kept
    from texutil import compile_biber, require_tex

    text = r"""@patent{almendro,
  author       = {Almendro, Jos{\'e} L. and Mart{\'i}n, Jacinto and S{\'a}nchez,
                  Alberto and Nozal, Fernando},
  title        = {Elektromagnetisches Signalhorn},
  number       = {EU-29702195U},
  date         = 1998,
  location     = {countryfr and countryuk and countryde},
  langid       = {german},
}

@report{chiu,
  author       = {Chiu, Willy W. and Chow, We Min},
  title        = {A Hybrid Hierarchical Model of a {Multiple Virtual Storage}
                  ({MVS}) Operating System},
  type         = {resreport},
  institution  = {IBM},
  date         = 1978,
  number       = {RC-6947},
}

@manual{cms,
  title        = {The {Chicago} Manual of Style},
  date         = 2003,
  edition      = 15,
  publisher    = {University of Chicago Press},
  location     = {Chicago, Ill.},
  label        = {CMS},
}

@article{shout,
  author       = {Doe, Jane},
  title        = {MODELLING COVID-19 SPREAD IN PHASE II},
  journaltitle = {Journal of Things},
  date         = 2021,
}
"""
    out = tidy_text(text, TidyOptions(drop_all_caps=True)).text
    assert "number        = {EU-29702195U}" in out and "number        = {RC-6947}" in out
    assert "label         = {CMS}" in out
    assert "title         = {Modelling COVID-19 Spread In Phase II}" in out
    require_tex("biber", "pdflatex")
    before, after = compile_biber(text, tmp_path / "b0"), compile_biber(out, tmp_path / "b1")
    for field in ("\\field{number}{EU-29702195U}", "\\field{number}{RC-6947}", "\\field{label}{CMS}"):
        assert field in before.bbl and field in after.bbl
    assert after.errors == [] and after.warnings == before.warnings


def test_rekey_keeps_the_keys_of_sets_and_xdata_entries(tmp_path, capsys):
    # biblatex-examples.bib's @set and the biblatex manual's @xdata: neither has an author, title or year for
    # a key formula, so --rekey named each "untitled" (the next "untitleda"), and \cite{stdmodel} needed
    # biber's ids alias; their keys stay, their members' keys follow the formula and entryset follows them
    from texutil import compile_biber, require_tex

    text = r"""@set{stdmodel,
  entryset     = {glashow,weinberg},
  annotation   = {A \texttt{set} with two members},
}

@article{glashow,
  author       = {Glashow, Sheldon},
  title        = {Partial Symmetries of Weak Interactions},
  journaltitle = {Nucl.~Phys.},
  date         = 1961,
  volume       = 22,
  pages        = {579--588},
}

@article{weinberg,
  author       = {Weinberg, Steven},
  title        = {A Model of Leptons},
  journaltitle = {Phys.~Rev.~Lett.},
  date         = 1967,
  volume       = 19,
  pages        = {1264--1266},
}

@xdata{hup,
  publisher    = {Harvard University Press},
  location     = {Cambridge, Mass.},
}

@xdata{oup,
  publisher    = {Oxford University Press},
  location     = {Oxford},
}

@book{kant:kr,
  author       = {Kant, Immanuel},
  title        = {Kritik der reinen Vernunft},
  date         = 1781,
  xdata        = {hup},
}
"""
    result = tidy_text(text, TidyOptions(rekey=True, key_format="auth.lower + year"))
    out = result.text
    assert "@set{stdmodel," in out and "@xdata{hup," in out and "@xdata{oup," in out and "untitled" not in out
    assert "entryset      = {glashow1961, weinberg1967}" in out and "xdata         = {hup}" in out
    assert {(c.old, c.new) for c in result.key_changes} == {("glashow", "glashow1961"), ("weinberg", "weinberg1967"),
                                                            ("kant:kr", "kant1781")}
    src = tmp_path / "sets.bib"
    src.write_text(text, encoding="utf-8")
    assert main(["-q", "convert", str(src), "--rekey", "--force", "--key-format", "auth.lower + year",
                 "-o", str(tmp_path / "out.bib")]) == 0
    converted = (tmp_path / "out.bib").read_text(encoding="utf-8")
    assert "@set{stdmodel," in converted and "@xdata{hup," in converted and "untitled" not in converted
    require_tex("biber", "pdflatex")
    compiled = compile_biber(out, tmp_path / "biber")
    assert compiled.errors == [] and compiled.warnings == []
    assert "\\entry{stdmodel}{set}" in compiled.bbl and "\\set{glashow1961,weinberg1967}" in compiled.bbl
