"""``bibkit tidy`` against bibtex-tidy 1.14.0 on the same inputs and options.

``tests/data/tidy/compat/recorded/<case>.bib`` is bibtex-tidy's real output for each case
below (recorded with ``python tests/test_tidy_compat.py --record``, which installs
bibtex-tidy with npm into the user cache directory).  bibkit's output must equal it,
except for the differences listed with the case — each one a deliberate choice, with
the reason next to it.  When bibtex-tidy is installed (Node.js + the record command),
``test_recordings_are_bibtex_tidys_output`` re-runs it to show the recordings are current.

bibkit runs with ``--no-blank-lines`` in these cases because its one layout difference
is the blank line between entries (case ``readme-blank-lines`` shows it).

Deliberate differences, in short:

* values bibtex-tidy damages: ``{{{X}}}`` loses a brace level; ``_`` inside ``\\url{…}``
  is escaped (the link breaks); DOIs are lower-cased by ``--drop-all-caps``; file paths
  and URLs get line breaks from ``--wrap``; ``--encode-urls`` writes ``\\%5F``;
  ``--max-authors`` splits ``{Barnes and Noble, Inc.}``;
* ``--escape``: bibkit escapes only what breaks TeX and keeps UTF-8 (``--ascii`` converts,
  as ``{\\v{n}}`` which BibTeX sorts and case-changes correctly; bibtex-tidy writes ``\\v{n}``);
* sorting: ``@string``/``@preamble`` stay first, crossref parents after their children, the
  year of a BibLaTeX ``date`` counts, authors sort by family name, entries without a value
  sort last, trailing comments stay at the end;
* ``--no-lowercase`` keeps ``@String``/``@Comment`` as written too;
* merges keep the merged-away key in ``ids`` and point ``crossref`` at the survivor;
  ``--merge=last`` keeps the last entry's type as well as its fields;
* a file bibtex-tidy cannot parse (it crashes on tests/data/bib/horrors/horrors.bib) is
  tidied, its broken blocks reported with file and line and kept as written.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
COMPAT = DATA / "tidy" / "compat"
RECORDED = COMPAT / "recorded"
sys.path.insert(0, str(ROOT))

from bibkit.cli import main  # noqa: E402
from bibkit.testing.bibtex_tidy import VERSION, find_bibtex_tidy, run_bibtex_tidy  # noqa: E402


@dataclass(frozen=True)
class Diff:
    """bibtex-tidy wrote ``theirs`` where bibkit writes ``ours``, because ``why``."""

    theirs: str
    ours: str
    why: str


@dataclass(frozen=True)
class Case:
    name: str
    input: str  # relative to tests/data
    args: tuple[str, ...] = ()
    differences: tuple[Diff, ...] = ()
    ours: tuple[str, ...] = ()  # bibkit-only arguments (spellings bibtex-tidy does not have)
    order: tuple[tuple[str, ...], tuple[str, ...], str] | None = None  # (theirs, ours, why) block order


TRIPLE = Diff("triple        = {{X}}", "triple        = {{{X}}}",
              "bibtex-tidy drops a brace level of {{{X}}}; bibkit never removes braces it was not asked to")
URL_ARG = Diff(r"\url{http://x.org/a\_b}", r"\url{http://x.org/a_b}",
               r"an \url{...} argument is verbatim: bibtex-tidy's \_ breaks the link")
TINO = Diff(r"Ti\v{n}o, Peter and Leonardis, Ale\v{s}", "Tiňo, Peter and Leonardis, Aleš",
            "bibkit keeps UTF-8 (biber and LaTeX read it); --ascii converts, see case scholar-ascii")
FEATURES = (TRIPLE, URL_ARG)
STRING_FIRST = "@string/@preamble stay ahead of every entry (bibtex-tidy moves a macro after entries using it)"
CROSSREF_LAST = "an entry named in crossref goes after the entries naming it, as BibTeX requires"

CASES: tuple[Case, ...] = (
    Case("readme-default", "tidy/compat/readme.bib"),
    Case("readme-blank-lines", "tidy/compat/readme.bib", ours=("--blank-lines",), differences=(
        Diff("}\n@article{miles", "}\n\n@article{miles",
             "a blank line between entries by default (bibkit's writer, Zotero and JabRef write them)"),)),
    # bibtex-tidy's key template [auth:required:lower][year:required][veryshorttitle:lower] as a bibkit formula
    Case("readme-generate-keys", "tidy/compat/readme.bib", args=("--generate-keys",),
         ours=("--key-format", "auth.lower + year + veryshorttitle.lower")),
    Case("features-default", "tidy/compat/features.bib", differences=FEATURES),
    Case("features-curly-numeric", "tidy/compat/features.bib", ("--curly", "--numeric"), FEATURES),
    Case("features-curly", "tidy/compat/features.bib", ("--curly",), FEATURES),
    Case("features-months", "tidy/compat/features.bib", ("--months",), FEATURES),
    Case("features-sort-fields", "tidy/compat/features.bib", ("--sort-fields",), FEATURES),
    Case("features-sort-fields-order", "tidy/compat/features.bib", ("--sort-fields=author,year,title",), FEATURES),
    Case("features-omit-empty", "tidy/compat/features.bib", ("--omit=abstract,file", "--remove-empty-fields"),
         FEATURES),
    Case("features-trailing-space", "tidy/compat/features.bib", ("--trailing-commas", "--space=4"), (
        Diff("triple        = {{X}},", "triple        = {{{X}}},", TRIPLE.why), URL_ARG)),
    Case("features-tab-align", "tidy/compat/features.bib", ("--tab", "--align=20"), (
        Diff("triple              = {{X}}", "triple              = {{{X}}}", TRIPLE.why), URL_ARG)),
    Case("features-no-align", "tidy/compat/features.bib", ("--no-align",), (
        Diff("triple = {{X}}", "triple = {{{X}}}", TRIPLE.why), URL_ARG)),
    Case("features-strip-enclosing", "tidy/compat/features.bib", ("--strip-enclosing-braces",), FEATURES),
    Case("features-drop-all-caps", "tidy/compat/features.bib", ("--drop-all-caps",), FEATURES + (
        Diff("doi           = {10.1000/abc_def}", "doi           = {10.1000/ABC_DEF}",
             "a DOI is an identifier, not text: bibkit never changes the case of verbatim fields"),)),
    Case("features-enclosing-braces", "tidy/compat/features.bib", ("--enclosing-braces=title,journal",), FEATURES),
    Case("features-remove-braces", "tidy/compat/features.bib", ("--remove-braces=title,shorttitle",), FEATURES),
    Case("features-max-authors", "tidy/compat/features.bib", ("--max-authors=2",), FEATURES),
    Case("features-no-escape", "tidy/compat/features.bib", ("--no-escape",), (TRIPLE,)),
    Case("features-strip-comments", "tidy/compat/features.bib", ("--strip-comments",), FEATURES),
    Case("features-encode-urls", "tidy/compat/features.bib", ("--encode-urls",), FEATURES + (
        Diff(r"http://example.com/a\%5Fb%20c", "http://example.com/a_b%20c",
             "an underscore is a valid URL character; bibtex-tidy's \\%5F is a backslash in every verbatim reader"),)),
    Case("features-no-lowercase", "tidy/compat/features.bib", ("--no-lowercase",), FEATURES + (
        Diff("@string{ jmlr", "@String{ jmlr", "--no-lowercase keeps every command as written"),
        Diff("@preamble{ \"", "@PREAMBLE{ \"", "--no-lowercase keeps every command as written"),
        Diff("@comment{jabref", "@Comment{jabref", "--no-lowercase keeps every command as written"))),
    Case("features-wrap", "tidy/compat/features.bib", ("--wrap=60",), FEATURES),
    Case("mendeley-wrap", "bib/horrors/mendeley.bib", ("--wrap=60",), (
        Diff("  file          = {\n    :C$\\backslash$:/Users/john/Documents/Mendeley\n    Desktop/Smith - 2020 - "
             "Title.pdf:pdf\n  },",
             "  file          = {:C$\\backslash$:/Users/john/Documents/Mendeley Desktop/Smith - 2020 - Title.pdf:pdf},",
             "a file path (or URL, DOI) is verbatim: a line break inside it changes it; bibtex-tidy wraps it"),)),
    Case("sort-key", "tidy/compat/sort.bib", ("--sort",), order=(
        ("alder2021", "middle2020", "noyear", "proc2019", "@string", "young2019"),
        ("@string", "alder2021", "middle2020", "noyear", "young2019", "proc2019"),
        f"{STRING_FIRST}; {CROSSREF_LAST}")),
    Case("sort-year-author", "tidy/compat/sort.bib", ("--sort=-year,author",), order=(
        ("alder2021", "middle2020", "proc2019", "@string", "young2019", "noyear"),
        ("@string", "alder2021", "middle2020", "young2019", "noyear", "proc2019"),
        f"{STRING_FIRST}; {CROSSREF_LAST}")),
    Case("sort-author", "tidy/compat/sort.bib", ("--sort=author",), order=(
        ("proc2019", "alder2021", "noyear", "middle2020", "@string", "young2019"),
        ("@string", "noyear", "middle2020", "alder2021", "young2019", "proc2019"),
        "authors sort by family name with accents ignored (Abbott, Doe, Öztürk, Young; bibtex-tidy compares the "
        "field's text: '{\\\"O}zt…' before 'abbott', 'Jane Doe' under J) and an entry with neither author nor "
        f"editor sorts last; {STRING_FIRST}; {CROSSREF_LAST}")),
    Case("sort-type-key", "tidy/compat/sort.bib", ("--sort=type,key",), order=(
        ("alder2021", "middle2020", "@string", "young2019", "noyear", "proc2019"),
        ("@string", "alder2021", "middle2020", "young2019", "noyear", "proc2019"),
        STRING_FIRST)),
    Case("dups-report", "tidy/compat/dups.bib", ("--duplicates",)),
    Case("dups-merge-combine", "tidy/compat/dups.bib", ("--merge",), (
        Diff("  pages         = {1--20}\n}", "  pages         = {1--20},\n  ids           = {smith2020b}\n}",
             "the merged-away key stays citable as a BibLaTeX alias"),
        Diff("by hand.}\n}", "by hand.},\n  ids           = {roe2019}\n}", "the merged-away key stays citable"),
        Diff("  note          = {extra}\n}", "  note          = {extra},\n  ids           = {kim2018x}\n}",
             "the merged-away key stays citable"),
        Diff("crossref      = {smith2020b}", "crossref      = {smith2020}",
             "a crossref to a merged-away entry follows it (bibtex-tidy leaves it dangling)"))),
    Case("dups-merge-last", "tidy/compat/dups.bib", ("--merge=last",), (
        Diff("  pages         = {1--20}\n}", "  pages         = {1--20},\n  ids           = {smith2020}\n}",
             "the merged-away key stays citable as a BibLaTeX alias"),
        Diff("@inproceedings{roe2019,", "@misc{roe2019,",
             "'last' keeps the last entry whole, its type included (bibtex-tidy keeps the first one's type)"),
        Diff("hand!}\n}", "hand!},\n  ids           = {doe2019}\n}", "the merged-away key stays citable"),
        Diff("  note          = {extra}\n}", "  note          = {extra},\n  ids           = {kim2018}\n}",
             "the merged-away key stays citable"))),
    Case("dups-merge-overwrite", "tidy/compat/dups.bib", ("--merge=overwrite", "--duplicates=doi,citation"), (
        Diff("  pages         = {1--20}\n}", "  pages         = {1--20},\n  ids           = {smith2020b}\n}",
             "the merged-away key stays citable as a BibLaTeX alias"),
        Diff("  note          = {extra}\n}", "  note          = {extra},\n  ids           = {kim2018x}\n}",
             "the merged-away key stays citable"),
        Diff("crossref      = {smith2020b}", "crossref      = {smith2020}", "a crossref follows the merge"))),
    Case("jabref", "bib/horrors/jabref.bib"),
    Case("jabref-months-curly", "bib/horrors/jabref.bib", ("--months", "--curly")),
    Case("mendeley", "bib/horrors/mendeley.bib"),
    Case("mendeley-max-authors", "bib/horrors/mendeley.bib", ("--max-authors=1",)),
    Case("zotero-bbt", "bib/horrors/zotero-bbt.bib"),
    Case("zotero-bbt-sort-fields", "bib/horrors/zotero-bbt.bib", ("--sort-fields", "--months")),
    Case("biblatex-xdata", "bib/horrors/biblatex-xdata.bib"),
    Case("scholar", "bib/horrors/scholar-dblp-acm-ieee.bib", differences=(TINO,)),
    Case("scholar-ascii", "bib/horrors/scholar-dblp-acm-ieee.bib", ours=("--ascii",), differences=(
        Diff(r"Ti\v{n}o, Peter and Leonardis, Ale\v{s}", r"Ti{\v{n}}o, Peter and Leonardis, Ale{\v{s}}",
             "a LaTeX special character in braces is one letter to BibTeX (sorting, case change, labels)"),
        Diff("pages         = {2623–2631}", "pages         = {2623--2631}",
             "--ascii makes the file ASCII: an en dash is written --, as classic BibTeX needs (bibtex-tidy keeps it)"),
    )),
)


def _theirs_args(case: Case) -> list[str]:
    return list(case.args)


def _ours_args(case: Case) -> list[str]:
    args = [a for a in case.args if a != "--generate-keys"] + (["--rekey"] if "--generate-keys" in case.args else [])
    if "--blank-lines" not in case.ours:
        args.append("--no-blank-lines")
    return args + list(case.ours)


def _bibkit(text: str, args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    src = tmp_path / "in.bib"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out.bib"
    assert main(["-q", "tidy", *args, str(src), "-o", str(out)]) == 0
    capsys.readouterr()
    return out.read_text(encoding="utf-8")


def _blocks(text: str) -> tuple[str, ...]:
    return tuple("@string" if t.lower() == "string" else k for t, k in re.findall(r"^@(\w+)\{([^,=}\s]*)", text, re.M)
                 if t.lower() not in ("comment", "preamble"))


def _entry_texts(text: str) -> set[str]:
    """Each block's text without the comment lines after it (comments travel with the next entry)."""
    chunks = (re.sub(r"(?m)^%.*\n?", "", chunk).strip() for chunk in re.split(r"(?m)^(?=@)", text))
    return {c for c in chunks if c.startswith("@")}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bibkit_matches_bibtex_tidy_except_where_documented(case: Case, tmp_path, capsys):
    text = (DATA / case.input).read_text(encoding="utf-8")
    theirs = (RECORDED / f"{case.name}.bib").read_text(encoding="utf-8")
    ours = _bibkit(text, _ours_args(case), tmp_path, capsys)
    if case.order is not None:
        their_order, our_order, why = case.order
        assert _blocks(theirs) == their_order, "the recording changed"
        assert _blocks(ours) == our_order, why
        assert _entry_texts(ours) == _entry_texts(theirs), "the same entries, only in another order"
        return
    expected = theirs
    for d in case.differences:
        assert d.theirs in expected, f"bibtex-tidy no longer writes {d.theirs!r} ({d.why})"
        expected = expected.replace(d.theirs, d.ours)
    assert ours == expected


def test_horrors_bibtex_tidy_crashes_on_are_tidied_and_reported(tmp_path, capsys):
    """bibtex-tidy 1.14 stops with a stack trace on this file; bibkit tidies what it can read, keeps the
    broken blocks as written and names them."""
    src = tmp_path / "horrors.bib"
    original = (DATA / "bib" / "horrors" / "horrors.bib").read_text(encoding="utf-8")
    src.write_text(original, encoding="utf-8")
    assert main(["tidy", str(src), "-o", str(tmp_path / "out.bib")]) == 0
    err = capsys.readouterr().err
    assert re.search(r"horrors\.bib:\d+: ", err)
    out = (tmp_path / "out.bib").read_text(encoding="utf-8")
    assert out.count("@") >= original.count("@") - original.count("@comment") - 2


def _bibtex_tidy_command() -> list[str] | None:
    import platformdirs

    command, _ = find_bibtex_tidy(install=False, cache_dir=Path(platformdirs.user_cache_dir("bibkit")) / "bibtex-tidy")
    return command


_COMMAND = _bibtex_tidy_command()


@pytest.mark.skipif(_COMMAND is None, reason=f"bibtex-tidy {VERSION} is not installed (needs Node.js; "
                                             "'python tests/test_tidy_compat.py --record' installs it)")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_recordings_are_bibtex_tidys_output(case: Case):
    text = (DATA / case.input).read_text(encoding="utf-8")
    assert run_bibtex_tidy(_COMMAND, text, _theirs_args(case)) == \
        (RECORDED / f"{case.name}.bib").read_text(encoding="utf-8")


def record() -> int:
    """Run bibtex-tidy on every case and store its output (installs it with npm when needed)."""
    command, message = find_bibtex_tidy(install=True)
    if command is None:
        print(f"cannot record: {message}", file=sys.stderr)
        return 1
    RECORDED.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        text = (DATA / case.input).read_text(encoding="utf-8")
        (RECORDED / f"{case.name}.bib").write_text(run_bibtex_tidy(command, text, _theirs_args(case)),
                                                   encoding="utf-8")
    print(f"recorded {len(CASES)} cases with {message}")
    return 0


if __name__ == "__main__":
    sys.exit(record() if "--record" in sys.argv else 0)
