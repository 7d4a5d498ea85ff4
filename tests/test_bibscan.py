"""The scanner reads .bib text by BibTeX's grammar and recovers block by block (issue #16, #15).

Replaces the earlier contract "agree with bibtexparser on well-formed text, else give up on the
whole file" (issue #16: read exactly as BibTeX does; issue #15: one malformed entry must not send
the whole file to the slow path).  The independent yardstick is pybtex's low-level parser, which
follows BibTeX's grammar.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.sources import bibfile
from bibkit.sources.bibfile import parse_expression, read
from bibkit.sources.bibscan import ScanBlock, is_identifier, key_is_legal, scan, split_value

DATA = Path(__file__).parent / "data"
CASES = json.loads((DATA / "zotero" / "bibtex-import.json").read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def entries(text: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [(b.text, b.key, [(f[0], f[1]) for f in b.fields]) for b in scan(text) if b.kind == "entry"]


def kinds(text: str) -> list[str]:
    return [b.kind for b in scan(text)]


# --------------------------------------------------------------------------- BibTeX's grammar, case by case


def test_a_quote_inside_braces_inside_a_quoted_value_is_text() -> None:
    text = ('@book{b,\n  subtitle = "{Ein Handbuch f{\\"u}r zeitgem{"a}{\\ss} Schaffende}",\n'
            '  publisher = {P}, address = {A}, year = 1993,\n}\n')
    [(etype, key, fields)] = entries(text)
    assert fields[0] == ("subtitle", '"{Ein Handbuch f{\\"u}r zeitgem{"a}{\\ss} Schaffende}"')
    assert [n for n, _ in fields] == ["subtitle", "publisher", "address", "year"]


def test_braces_are_counted_literally_even_after_a_backslash() -> None:
    text = "@misc{k,\n  title = {\\textbackslash\\textbackslash\\{\\}: \\\\{}},\n  note = {after},\n}\n"
    [(_, _, fields)] = entries(text)
    assert fields == [("title", "{\\textbackslash\\textbackslash\\{\\}: \\\\{}}"), ("note", "{after}")]


def test_at_sign_white_space_and_newline_before_the_type_and_parentheses() -> None:
    text = 'reference to legal things.@\nMaNuAl  (scribe, TITLE="Scribe Introductory", YEAR = 1978 )\n'
    blocks = scan(text)
    assert [b.kind for b in blocks] == ["text", "entry"]
    assert (blocks[1].text, blocks[1].key) == ("MaNuAl", "scribe")
    assert [(f[0], f[1]) for f in blocks[1].fields] == [("TITLE", '"Scribe Introductory"'), ("YEAR", "1978")]


def test_odd_keys_bibtex_accepts() -> None:
    text = "@article{ strange(key)=(has_odd-characters?:*!<>/ ,\n  title = {T},\n}\n"
    assert entries(text) == [("article", "strange(key)=(has_odd-characters?:*!<>/", [("title", "{T}")])]
    # in a parenthesised entry the key may hold "}" (it ends at "," or white space only)
    assert entries("@misc(a}b, title = {T})")[0][1] == "a}b"
    assert key_is_legal("strange(key)=(has_odd-characters?:*!<>/") and not key_is_legal("a b")
    assert key_is_legal("a}b", "(") and not key_is_legal("a}b", "{")


def test_unknown_types_and_commented_are_entries() -> None:
    text = "@COMMENTED{erm, author = {A}}\n@IEEEtranBSTCTL{IEEEexample:BSTcontrol, CTLuse_forced_etal = \"yes\"}\n"
    assert [(t, k) for t, k, _ in entries(text)] == [("COMMENTED", "erm"), ("IEEEtranBSTCTL", "IEEEexample:BSTcontrol")]


def test_comment_forms() -> None:
    # a delimited body is one comment (biber's rule), an "@" inside it included
    blocks = scan("@comment{ hidden @article{x, title = {y}} }\n@Comment(paren (nested) body)\n")
    assert [(b.kind, b.text) for b in blocks] == [("comment", " hidden @article{x, title = {y}} "),
                                                 ("comment", "paren (nested) body")]
    assert blocks[1].raw == "@Comment(paren (nested) body)"
    # BibTeX's rule: "@comment" alone is the word only; what follows is text between entries
    blocks = scan("@comment This is a note.\n@misc{a, title = {T}}\n")
    assert [(b.kind, b.raw or b.text) for b in blocks] == [("comment", "@comment"), ("text", "This is a note."),
                                                           ("entry", "misc")]


def test_percent_lines_between_entries_are_comments() -> None:
    blocks = scan("% @misc{old, title = {Old}}\n@misc{new, title = {New}}\n")
    assert [b.kind for b in blocks] == ["text", "entry"] and blocks[1].key == "new"


def test_stray_at_sign_stays_text_and_is_reported() -> None:
    blocks = scan("Contact me@example.org for copies.\n@misc{a, title = {T}}\n")
    assert [b.kind for b in blocks] == ["text", "entry"]
    assert blocks[0].text == "Contact me@example.org for copies."
    assert blocks[0].warnings and blocks[0].warnings[0][0] == "stray-at"


def test_values_numbers_macros_and_concatenation() -> None:
    [(_, _, fields)] = entries('@misc(k, year = 2024, month = jan, note = "a" # mac # {b} # 12,)')
    assert fields == [("year", "2024"), ("month", "jan"), ("note", '"a" # mac # {b} # 12')]
    assert split_value('"a" # mac # {b} # 12') == ([("quote", "a"), ("macro", "mac"), ("brace", "b"),
                                                   ("number", "12")], "")
    assert parse_expression('{A}\n  title = {x}') == ([("brace", "A")], "title = {x}")
    assert is_identifier("journaltitle") and not is_identifier("2nd") and not is_identifier("a=b")


@pytest.mark.parametrize("text, reason", [
    ("@misc{k, title = \"a } b\"}\n", '"}" closes no "{"'),
    ("@misc{k, year = 2000a}\n", "expected ',' or '}'"),
    ("@misc{k, title = {unclosed,\n", "never closed"),
    ("@misc{k, title = {closed too early},\n}\n}\n", None),
    ("@misc{k, title = foo{bar}}\n", "after the macro name"),
    ("@misc{k, %volume = {7},\n title = {T}}\n", "expected a field name"),
    ("@misc{k, 2nd = {x}}\n", "expected a field name"),
    ("@misc{a{b, title = {T}}\n", "holds a '{'"),
    ("@string{x = }\n", "expected a value"),
])
def test_what_bibtex_cannot_read_is_a_broken_block(text: str, reason: str | None) -> None:
    [block] = [b for b in scan(text) if b.kind != "text"]
    if reason is None:  # legal: the "}" too many is text between entries
        assert block.kind == "entry" and scan(text)[-1].text == "}"
        return
    assert block.kind == "broken" and reason in block.key, block.key
    assert block.raw == text.rstrip()


# --------------------------------------------------------------------------- recovery, block by block


def test_one_broken_entry_does_not_take_the_file_to_the_slow_path(monkeypatch: pytest.MonkeyPatch) -> None:
    good = "".join(f"@article{{good{i},\n  title = {{Title {i}}},\n  year = 2020,\n}}\n\n" for i in range(50))
    text = good + "@article{bad,\n  title = {T},\n  year = 2021,\n\n" + good.replace("good", "also")
    slow: list[str] = []
    real = bibfile._from_bibtexparser

    def spy(chunk: str) -> list[ScanBlock]:
        slow.append(chunk)
        return real(chunk)

    monkeypatch.setattr(bibfile, "_from_bibtexparser", spy)
    doc = read(text, "x.bib")
    assert len(doc.entries) == 101  # the broken one is repaired, every other one read
    assert slow[0] == "@article{bad,\n  title = {T},\n  year = 2021,"  # only the broken block (then its repair)
    assert all(chunk.startswith("@article{bad,") for chunk in slow)


def test_missing_closing_brace_before_the_next_entry() -> None:
    text = "@misc{a,\n  title = {T},\n@misc{b,\n  title = {U},\n}\n"
    blocks = scan(text)
    assert [b.kind for b in blocks] == ["broken", "entry"]
    assert blocks[0].raw == "@misc{a,\n  title = {T}," and "line 3" in blocks[0].key
    assert blocks[1].key == "b" and blocks[1].line == 2


def test_a_line_that_starts_like_an_entry_always_starts_a_block() -> None:
    # BibTeX would read b into a's title (the braces balance later); a brace is missing, b is kept
    text = "@misc{a,\n  title = {T,\n\n@misc{b,\n  title = {U}}\n},\n}\n"
    blocks = scan(text)
    assert [b.kind for b in blocks] == ["broken", "entry", "text"]
    assert "next line that starts an entry" in blocks[0].key and blocks[1].key == "b"
    # and a comment that would reach over it is BibTeX's bare @comment: the entry inside is read
    blocks = scan("@comment{ old:\n@misc{c, title = {V}}\n}\n")
    assert [b.kind for b in blocks] == ["comment", "text", "entry", "text"] and blocks[2].key == "c"


def test_the_same_text_always_splits_the_same_way() -> None:
    text = "@misc{a, title = {x}\nnotes @ here\n@misc{b, title = {y}}\n@misc{c, title = }\n"
    first = scan(text)
    rebuilt = "\n\n".join(b.raw or b.text if b.kind in ("broken", "text") else "" for b in first)
    assert [b.kind for b in scan(rebuilt) if b.kind != "entry"] == [b.kind for b in first if b.kind != "entry"]


# --------------------------------------------------------------------------- against an independent parser


def _expand(blocks: list[ScanBlock]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    from pybtex.database.input.bibtex import month_names

    macros = {k.lower(): v for k, v in month_names.items()}
    out = []

    def value(parts: list[tuple[str, str]]) -> str:
        return "".join(macros.get(t.lower(), "") if k == "macro" else t for k, t in parts)

    for b in blocks:
        if b.kind == "string":
            macros[b.key.lower()] = value(split_value(b.text)[0])
        elif b.kind == "entry":
            out.append((b.text.lower(), b.key, [(n.lower(), value(p or split_value(r)[0])) for n, r, _, p in b.fields]))
    return out


def _pybtex(text: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    from pybtex.database.input.bibtex import LowLevelParser, month_names

    out = []
    for command, body in LowLevelParser(text, macros=dict(month_names), handle_error=lambda error: None):
        if command.lower() in ("string", "preamble", "comment"):
            continue
        key, fields = body
        out.append((command.lower(), key, [(n.lower(), "".join(v)) for n, v in fields]))
    return out


INPUTS = [(p.name, _norm(p.read_text(encoding="utf-8"))) for p in sorted((DATA / "bib").glob("*.bib"))]
INPUTS += [(f"zotero-{i}", _norm(c["input"])) for i, c in enumerate(CASES)]


@pytest.mark.parametrize("name, text", INPUTS, ids=[n for n, _ in INPUTS])
def test_well_formed_test_files_read_as_pybtex_reads_them(name: str, text: str) -> None:
    blocks = scan(text)
    if any(b.kind == "broken" for b in blocks):
        return  # broken files have their own tests (BibTeX and pybtex recover differently)
    if any(b.kind in ("comment", "text") and "@" in (b.raw or b.text) for b in blocks):
        return  # an "@" inside a comment: BibTeX and pybtex read an entry there, biber and we do not
    assert _expand(blocks) == _pybtex(text)


_ATOM = st.sampled_from([
    "{plain}", "{with {nested {braces}}}", '"quoted"', '"quoted {with} braces"', "{a \\{ escaped\\}}", "2024",
    "jan", "macro", '{"}', "{(parens)}", '"{"}quote"', "{x = y, z}", "{line\nbreak}", "{}", '""', "{\\\"o}",
    "{%}", '"{\\"u}ber {"a}"', "{\\\\{}}", "{a}", "{\u00fcber}",
])
_VALUE = st.lists(_ATOM, min_size=1, max_size=3).map(" # ".join)
_NAME = st.sampled_from(["title", "Author", "YEAR", "note", "x-y", "a:b", "journal", "macro"])
_SEP = st.sampled_from([" ", "", "\n  ", "\t"])
_KEY = st.sampled_from(["key1", "strange(key)=(x?:*!<>/", "a.b-c", "K\u00fc"])


@st.composite
def _block(draw: st.DrawFn) -> str:
    etype = draw(st.sampled_from(["article", "Misc", "INPROCEEDINGS", "string", "comment", "preamble", "COMMENTED"]))
    open_, close = draw(st.sampled_from([("{", "}"), ("(", ")")]))
    at = draw(st.sampled_from(["@", "@ ", "@\n"]))
    if etype == "string":
        return f"{at}{etype}{open_}{draw(_NAME)} ={draw(_SEP)}{draw(_VALUE)}{close}"
    if etype == "comment":
        return f"{at}{etype}{open_}{draw(st.sampled_from(['a comment', 'with {braces}', '']))}{close}"
    if etype == "preamble":
        return f"{at}{etype}{open_}{draw(_VALUE)}{close}"
    fields = draw(st.lists(st.tuples(_NAME, _SEP, _VALUE), max_size=4))
    body = ",".join(f"{draw(_SEP)}{n}{s}={s}{v}" for n, s, v in fields)
    trailing = draw(st.sampled_from(["", ",", ",\n"])) if fields else ""
    return f"{at}{etype}{open_}{draw(_SEP)}{draw(_KEY)},{body}{trailing}{draw(_SEP)}{close}"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_block(), st.sampled_from(["\n\n", "\n", " free text \n", "\n% comment\n"])), max_size=5))
def test_generated_files_read_as_pybtex_reads_them(pieces: list[tuple[str, str]]) -> None:
    text = "".join(e + sep for e, sep in pieces)
    blocks = scan(text)
    assert not any(b.kind == "broken" for b in blocks), [b.key for b in blocks if b.kind == "broken"]
    assert _expand(blocks) == _pybtex(text)


# --------------------------------------------------------------------------- issue #10: what settles after one pass


def _twice(text: str) -> tuple[str, str]:
    from bibkit.writers import write

    once = write(read(text, "x.bib"), None)
    return once, write(read(once, "x.bib"), None)


def test_a_broken_block_is_kept_byte_for_byte_and_not_split_further() -> None:
    broken = "@article{bad,\n  title = {Unclosed {brace,\n  note = {x} {y},\n  year = 2001\n% trailing words"
    text = f"@misc{{a, title = {{A}}}}\n\n{broken}\n\n@misc{{b, title = {{B}}}}\n"
    doc = read(text, "x.bib")
    [problem] = [p for p in doc.all_problems() if p.code == "malformed-entry"]
    assert "kept unchanged" in problem.message and problem.key == "bad"
    once, again = _twice(text)
    assert broken in once and again == once
    assert [e.key for e in read(once, "x.bib").entries] == ["a", "b"]


def test_nul_bytes_are_removed_and_reported() -> None:
    doc = read("@misc{a,\n  title = {T\x00itle},\x00\n}\n", "x.bib")
    [problem] = [p for p in doc.all_problems() if p.code == "nul-bytes"]
    assert "2 NUL byte(s)" in problem.message and problem.location.line == 2
    once, again = _twice("@misc{a,\n  title = {T\x00itle},\x00\n}\n")
    assert "\x00" not in once and "title = {Title}" in once and again == once


@pytest.mark.parametrize("text, expected", [
    ("@" * 20000, [("text", 1)]),
    ("@comment{" * 2000, [("comment", 2000), ("text", 2000)]),
    ("@misc{k, t = {" * 2000, [("broken", 1)]),
    ('@misc{k, t = "' * 2000, [("broken", 1)]),
    ("@misc{k, t = {x\n" * 2000, [("broken", 2000)]),
])
def test_hostile_shapes_are_read_in_one_pass(text: str, expected: list[tuple[str, int]]) -> None:
    # each of these used to make a scanner re-read the rest of the file from every "@" (quadratic);
    # reading stops at the next line that starts a block and resumes where reading reached, as BibTeX does
    from collections import Counter

    blocks = scan(text)
    assert sorted(Counter(b.kind for b in blocks).items()) == sorted(expected)
    assert "".join(b.raw or b.text for b in blocks).replace("\n", "") == text.replace("\n", "")
