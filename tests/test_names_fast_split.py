"""``bibkit.names``' split of plain natural-order names without pybtex gives exactly pybtex's split.

``parse_plain_name`` splits names of plain words itself (most of the cost of a search result's
authors was pybtex's TeX-aware scanner); every name it does not leave to pybtex must come out as
pybtex splits it: family, given names and particle, word for word.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import Person as PybtexPerson

from bibkit.names import _split_simple, parse_plain_name

_WORDS = ["Ludwig", "van", "der", "Beethoven", "de", "la", "Fontaine", "Van", "De", "Jean-Pierre", "O'Brien",
          "d'Alembert", "Émile", "Çelik", "Ünal", "ß", "ǅemal", "ǈ", "İnci", "ΣΑΣ", "σοφία", "李", "王小明", "McDonald",
          "mc", "x", "Y", "A.", "b.", "(Ed.)", "3D", "'t", "Hooft", "-", "_a", "Ⅻ", "ⅻ", "ª", "1st", "Jr.", "III",
          "della", "Rocca", "le", "Cun", "ibn", "al-Haytham", "bin", "Zhang", "Wei", "Lópe-z", "ò", "Ω"]


def _pybtex(text: str) -> tuple[str, str, str]:
    p = PybtexPerson(text)
    return " ".join(p.last_names), " ".join(p.first_names + p.middle_names), " ".join(p.prelast_names)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6),
       st.lists(st.sampled_from([" ", "  ", " \t", ", ", "~", " {", "} ", "\\"]), min_size=5, max_size=5))
def test_the_fast_split_is_pybtex_split(words: list[str], seps: list[str]) -> None:
    plain = " ".join(words)
    assert _split_simple(plain) in (None, _pybtex(plain))
    odd = "".join(w + s for w, s in zip(words, seps))  # TeX syntax: always left to pybtex
    if any(c in odd for c in ",{}\\~"):
        assert _split_simple(odd) is None


def test_plain_names_and_their_particles() -> None:
    assert _split_simple("Ludwig van Beethoven") == ("Beethoven", "Ludwig", "van")
    assert _split_simple("Jean de la Fontaine") == ("Fontaine", "Jean", "de la")
    assert _split_simple("Sofía Rodríguez") == ("Rodríguez", "Sofía", "")
    assert _split_simple("Guido van der Rossum") == ("Rossum", "Guido", "van der")
    assert _split_simple("Gerard 't Hooft") is None  # a word opening with neither case: pybtex decides
    assert parse_plain_name("Ludwig van Beethoven").particle == "van"
    assert parse_plain_name("Martin Luther King Jr.").suffix == "Jr."
