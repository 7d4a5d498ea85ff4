"""BibTeX name lists: BibTeX's own splitting rules, literals, and a writer that parses back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.bibnames import (
    OTHERS,
    format_bibtex_name,
    format_bibtex_names,
    is_others,
    parse_bibtex_name,
    parse_bibtex_names,
    split_names,
)
from bibkit.model import Person


@pytest.mark.parametrize(
    "raw, person",
    [
        ("Adams, Nancy K", Person(family="Adams", given="Nancy K")),
        ("Donald E. Knuth", Person(family="Knuth", given="Donald E.")),
        ("D.~E. Knuth", Person(family="Knuth", given="D. E.")),
        ("Ludwig van Beethoven", Person(family="Beethoven", given="Ludwig", particle="van")),
        ("van Beethoven, Ludwig", Person(family="Beethoven", given="Ludwig", particle="van")),
        ("Jean de La Fontaine", Person(family="La Fontaine", given="Jean", particle="de")),
        ("de la Cruz, Juan", Person(family="Cruz", given="Juan", particle="de la")),
        ("von Hicks, III, Michael", Person(family="Hicks", given="Michael", particle="von", suffix="III")),
        ("Smith, Jr., John", Person(family="Smith", given="John", suffix="Jr.")),
        ("Milton {Abramowitz}", Person(family="Abramowitz", given="Milton")),
        (r"P\"{a}ckert, M.", Person(family="Päckert", given="M.")),
        (r"Eli{\'a}{\v{s}}, Marek", Person(family="Eliáš", given="Marek")),
        (r"{\"O}nnud{\'o}ttir, Eva H.", Person(family="Önnudóttir", given="Eva H.")),
        (r"{\'E}mile Zola", Person(family="Zola", given="Émile")),
        ("Aristotle", Person(family="Aristotle")),
        ("{DeepSeek-AI}", Person(literal="DeepSeek-AI")),
        ("{Qwen Team}", Person(literal="Qwen Team")),
        ("{Barnes and Noble, Inc.}", Person(literal="Barnes and Noble, Inc.")),
        ("sudhin jacob", Person(family="jacob", particle="sudhin")),  # BibTeX: lower-case words are "von"
        ("others", OTHERS),
    ],
)
def test_parse_bibtex_name(raw: str, person: Person) -> None:
    assert parse_bibtex_name(raw) == person


def test_split_names_only_at_and_outside_braces() -> None:
    assert split_names("A and B AND C aNd D") == ["A", "B", "C", "D"]
    assert split_names("{Barnes and Noble} and Anderssen, Armand") == ["{Barnes and Noble}", "Anderssen, Armand"]
    assert split_names("Armand and\n  anderssen") == ["Armand", "anderssen"]
    assert split_names("Sandy Band") == ["Sandy Band"]
    assert split_names("  ") == []


def test_others_is_kept_and_written_bare() -> None:
    persons = parse_bibtex_names("{DeepSeek-AI} and Dai, Damai and others")
    assert persons == [Person(literal="DeepSeek-AI"), Person(family="Dai", given="Damai"), OTHERS]
    assert is_others(persons[-1]) and not is_others(persons[0])
    assert format_bibtex_names(persons) == "{DeepSeek-AI} and Dai, Damai and others"


@pytest.mark.parametrize(
    "person, written",
    [
        (Person(family="Dai", given="Damai"), "Dai, Damai"),
        (Person(family="Beethoven", given="Ludwig", particle="van"), "van Beethoven, Ludwig"),
        (Person(family="Hicks", given="Michael", particle="von", suffix="III"), "von Hicks, III, Michael"),
        (Person(literal="DeepSeek-AI"), "{DeepSeek-AI}"),
        (Person(literal="Smith and Sons"), "{Smith and Sons}"),
        (Person(family="Müller", given="Jörg"), "Müller, Jörg"),
        (Person(family="Digital Scholarship"), "Digital Scholarship,"),
        (Person(family="van Gogh", given="Vincent"), "{van Gogh}, Vincent"),  # no particle: keep it together
        (Person(family="Jones", given="Tom and Jerry"), "Jones, Tom {and} Jerry"),
        (Person(family="Doe", given="Jane, Jr"), "Doe, {Jane, Jr}"),
    ],
)
def test_format_bibtex_name(person: Person, written: str) -> None:
    assert format_bibtex_name(person) == written
    assert parse_bibtex_names(written) == [person]


def test_format_ascii() -> None:
    p = Person(family="Müller", given="Jörg")
    assert format_bibtex_name(p, ascii=True) == r'M{\"u}ller, J{\"o}rg'
    assert parse_bibtex_name(format_bibtex_name(p, ascii=True)) == p
    lit = Person(literal="Östergaard AG")
    assert parse_bibtex_name(format_bibtex_name(lit, ascii=True)) == lit


_word = st.text(st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßØłÅ-.'")), min_size=1,
                max_size=8).filter(lambda w: w.strip("-.'") != "" and w.lower() not in ("and", "others"))


def _cap(w: str) -> str:
    return w[0].upper() + w[1:] if w[0].isalpha() else "X" + w


@st.composite
def persons(draw: st.DrawFn) -> Person:
    if draw(st.booleans()) and draw(st.booleans()):
        return Person(literal=" ".join(draw(st.lists(_word, min_size=1, max_size=3))))
    family = " ".join(_cap(w) for w in draw(st.lists(_word, min_size=1, max_size=2)))
    given = " ".join(draw(st.lists(_word, max_size=3)))
    particle = " ".join(w.lower() for w in draw(st.lists(_word.filter(lambda w: w[0].isalpha()), max_size=2)))
    suffix = draw(st.sampled_from(["", "", "Jr.", "III"]))
    return Person(family=family, given=given, particle=particle, suffix=suffix)


@settings(max_examples=400, deadline=None)
@given(st.lists(persons(), min_size=1, max_size=4), st.booleans())
def test_format_then_parse_is_identity(people: list[Person], ascii: bool) -> None:
    assert parse_bibtex_names(format_bibtex_names(people, ascii=ascii)) == people
