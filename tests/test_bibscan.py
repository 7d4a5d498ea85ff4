"""The fast splitter agrees with bibtexparser v2's on well-formed text and gives up on anything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.sources.bibfile import _from_bibtexparser, parse_expression, read
from bibkit.sources.bibscan import scan

DATA = Path(__file__).parent / "data"
CASES = json.loads((DATA / "zotero" / "bibtex-import.json").read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _view(blocks):
    return [(b.kind, b.line, b.text, b.key, [f[:3] for f in b.fields]) for b in blocks]


INPUTS = [(p.name, _norm(p.read_text(encoding="utf-8"))) for p in sorted((DATA / "bib").glob("*.bib"))]
INPUTS += [(f"zotero-{i}", _norm(c["input"])) for i, c in enumerate(CASES)]


@pytest.mark.parametrize("name, text", INPUTS, ids=[n for n, _ in INPUTS])
def test_scan_agrees_with_bibtexparser_or_gives_up(name: str, text: str) -> None:
    fast = scan(text)
    if fast is None:
        return  # the reader then uses bibtexparser itself
    assert _view(fast) == _view(_from_bibtexparser(text))
    for block in fast:
        for _name, raw, _line, parts in block.fields:
            assert parts == parse_expression(raw)[0]


def test_well_formed_files_take_the_fast_path() -> None:
    for name, text in INPUTS:
        if name in ("nasty.bib", "biblatex.bib", "zotero-0", "zotero-17", "zotero-18", "zotero-22"):
            assert scan(text) is not None, name


@pytest.mark.parametrize(
    "text",
    [
        (DATA / "bib" / "broken.bib").read_text(encoding="utf-8"),
        "@article{k,\n  title = {unclosed,\n}\n",
        "@article{k,\n  author = {A}\n  title = {missing comma},\n}\n",
        "@article{k,\n  title = {value with\n@article{other, title={x}}\n}\n",
        "@article{k, title = {a} {b}}\n",
        "@article{k, title = {a\\\\{b}}\n",
        "@article{k, title = }\n",
        "@comment(a \"quoted) part\")\n",
    ],
)
def test_scan_gives_up_on_what_is_not_plainly_well_formed(text: str) -> None:
    assert scan(text) is None
    read(text, "x.bib")  # and the reader still reads it, through bibtexparser


# --------------------------------------------------------------------------- differential fuzzing

_ATOM = st.sampled_from([
    "{plain}", "{with {nested {braces}}}", '"quoted"', '"quoted {with} braces"', "{a \\{ escaped}", "2024",
    "jan", "macro", '{"}', "{a @ sign}", "{(parens)}", '"{"}quote"', "{x = y, z}", "{line\nbreak}", "{}",
    '""', "{\\\"o}", "{%}",
])
_VALUE = st.lists(_ATOM, min_size=1, max_size=3).map(" # ".join)
_NAME = st.sampled_from(["title", "Author", "YEAR", "note", "x-y", "a:b", "journal"])
_SEP = st.sampled_from([" ", "", "\n  ", "\t"])


@st.composite
def _entry(draw: st.DrawFn) -> str:
    etype = draw(st.sampled_from(["article", "Misc", "INPROCEEDINGS", "string", "comment", "preamble"]))
    open_, close = draw(st.sampled_from([("{", "}"), ("(", ")")]))
    if etype == "string":
        return f"@{etype}{open_}{draw(_NAME)} ={draw(_SEP)}{draw(_VALUE)}{close}"
    if etype == "comment":
        return f"@{etype}{open_}{draw(st.sampled_from(['a comment', 'with {braces}', '']))}{close}"
    if etype == "preamble":
        return f"@{etype}{open_}{draw(_VALUE)}{close}"
    fields = draw(st.lists(st.tuples(_NAME, _SEP, _VALUE), max_size=4))
    body = ",".join(f"{draw(_SEP)}{n}{s}={s}{v}" for n, s, v in fields)
    trailing = draw(st.sampled_from(["", ",", ",\n"]))
    return f"@{etype}{open_}key{draw(st.integers(0, 3))},{body}{trailing}{draw(_SEP)}{close}"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_entry(), st.sampled_from(["\n\n", "\n", " free text \n", "\n% comment\n"])),
                max_size=5))
def test_scan_matches_bibtexparser_on_generated_files(pieces: list[tuple[str, str]]) -> None:
    text = "".join(e + sep for e, sep in pieces)
    fast = scan(text)
    if fast is not None:
        assert _view(fast) == _view(_from_bibtexparser(text))
