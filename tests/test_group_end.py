"""bibsyntax.group_end (brace groups found with str.find) and the scanner's usual field value built on it."""

from __future__ import annotations

import pytest

from bibkit.bibsyntax import SyntaxBreak, group_end, parse_expression
from bibkit.sources.bibscan import scan


def _by_counting(text: str, p: int, e: int) -> int | None:
    """The reference: BibTeX's literal brace counting, one character at a time."""
    depth = 0
    for i in range(p, e):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


@pytest.mark.parametrize("text", [
    "{}", "{plain}", "{a {b} c} tail", "{\\{}", "{\\}} x", "{" + "{x}" * 50 + "}",
    "{" * 30 + "deep" + "}" * 30,  # deeper than any fixed-depth pattern
    "{x}}", "{a{b}c{d{e}f}g}h}",
])
def test_group_end_is_literal_brace_counting(text):
    expected = _by_counting(text, 0, len(text))
    if expected is None:  # a backslash escapes nothing: "{\\{}" never closes
        with pytest.raises(SyntaxBreak):
            group_end(text, 0, len(text))
    else:
        assert group_end(text, 0, len(text)) == expected


def test_group_end_stops_at_its_bound():
    text = "{abc} {def}"
    assert group_end(text, 0, 5) == 5
    with pytest.raises(SyntaxBreak) as broken:
        group_end(text, 0, 4)  # the "}" lies beyond the bound
    assert broken.value.reached == 4 and broken.value.pos == 0
    assert "next line that starts an entry" in broken.value.reason


def test_an_unclosed_group_names_the_end_of_the_file():
    text = "{never {closed}"
    with pytest.raises(SyntaxBreak) as broken:
        group_end(text, 0, len(text))
    assert broken.value.reason == "a '{' that is never closed" and broken.value.reached == len(text)


def test_many_opening_braces_are_read_once():
    """Thousands of "{" before their "}"s: the closing brace is looked for once, not after every "{" (the answer
    is checked; the run finishing at all is the linearity check)."""
    n = 20000
    text = "{" * n + "}" * n
    assert group_end(text, 0, len(text)) == 2 * n
    assert group_end(text, 5, len(text)) == 2 * n - 5


def test_the_scanner_reads_long_values_with_braces_and_concatenations():
    abstract = 'We study {BERT} and {\\"u}ber-{Models {Deep}}. ' * 40
    text = ("@string{jn = {Journal}}\n"
            "@article{k1,\n  abstract = {" + abstract + "},\n  journal = jn # { Letters},\n"
            "  title = {A {Deep} Title}  ,\n  note = {x}}\n")
    entry = [b for b in scan(text) if b.kind == "entry"][0]
    fields = {name: (raw, parts) for name, raw, _line, parts in entry.fields}
    assert fields["abstract"] == ("{" + abstract + "}", [("brace", abstract)])
    assert fields["journal"][1] == [("macro", "jn"), ("brace", " Letters")]
    assert fields["title"] == ("{A {Deep} Title}", [("brace", "A {Deep} Title")])
    assert fields["note"] == ("{x}", [("brace", "x")])
    assert [line for _n, _r, line, _p in entry.fields] == [2, 3, 4, 5]
    assert parse_expression("{a {b}} # c") == ([("brace", "a {b}"), ("macro", "c")], "")
