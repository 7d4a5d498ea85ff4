"""Zotero creators that are not authors or editors keep their names on the way to BibTeX (issue #16, 15).

Zotero's own BibTeX export (BibTeX.js) writes the item type's primary creator — ``author``, but
``cartographer`` for a map, ``director`` for a film, ``inventor`` for a patent, ``presenter``,
``podcaster``… — as ``author``; ``editor`` and ``seriesEditor`` as ``editor``; ``translator`` as
``translator``; and every other role as ``collaborator``.  bibkit reads Zotero items the same way.
"""

from __future__ import annotations

import pytest

from bibkit.model import Document
from bibkit.sources.bibfile import read
from bibkit.writers import write
from zotero_bridge.mapping import item_to_entry

PRIMARY = [("map", "cartographer"), ("film", "director"), ("patent", "inventor"), ("presentation", "presenter"),
           ("podcast", "podcaster"), ("artwork", "artist"), ("audioRecording", "performer"),
           ("videoRecording", "director"), ("tvBroadcast", "director"), ("interview", "interviewee"),
           ("bill", "sponsor"), ("computerProgram", "programmer")]


def item(item_type: str, creators: list[dict]) -> dict:
    return {"key": "ABCD2345", "version": 1,
            "data": {"key": "ABCD2345", "itemType": item_type, "title": f"A {item_type}", "date": "2019",
                     "creators": creators}}


@pytest.mark.parametrize("item_type, role", PRIMARY)
def test_the_primary_creator_of_every_item_type_is_the_author(item_type: str, role: str) -> None:
    entry = item_to_entry(item(item_type, [{"creatorType": role, "firstName": "Ada", "lastName": "Lovelace"},
                                           {"creatorType": role, "name": "Acme Maps Ltd"}]))
    assert [p.display() for p in entry.authors] == ["Ada Lovelace", "Acme Maps Ltd"]
    out = write(Document(blocks=[entry]), "bibtex")
    assert "author = {Lovelace, Ada and {Acme Maps Ltd}}" in out


def test_other_roles_become_editor_translator_and_collaborator() -> None:
    creators = [
        {"creatorType": "director", "firstName": "Agnès", "lastName": "Varda"},
        {"creatorType": "producer", "firstName": "Mag", "lastName": "Bodard"},
        {"creatorType": "scriptwriter", "name": "Ciné-Tamaris"},
        {"creatorType": "castMember", "firstName": "Corinne", "lastName": "Marchand"},
        {"creatorType": "translator", "firstName": "Jean", "lastName": "de la Fontaine"},
        {"creatorType": "contributor", "firstName": "Someone", "lastName": "Else"},
    ]
    entry = item_to_entry(item("film", creators))
    assert [p.display() for p in entry.authors] == ["Agnès Varda"]
    out = write(Document(blocks=[entry]), "bibtex")
    assert "author = {Varda, Agnès}" in out
    assert "translator = {de la Fontaine, Jean}" in out
    assert "collaborator = {Bodard, Mag and {Ciné-Tamaris} and Marchand, Corinne and Else, Someone}" in out
    # every name survives, and the written names read back as the same people
    back = read(out, "x.bib").entries[0]
    assert [p.display() for p in back.authors] == ["Agnès Varda"]
    for name in ("Bodard", "Ciné-Tamaris", "Marchand", "Else", "Fontaine"):
        assert name in out


def test_series_editors_are_editors_and_unknown_item_types_keep_their_first_role() -> None:
    entry = item_to_entry(item("map", [{"creatorType": "seriesEditor", "firstName": "S", "lastName": "Ed"},
                                       {"creatorType": "cartographer", "firstName": "C", "lastName": "Art"}]))
    assert [p.family for p in entry.editors] == ["Ed"] and [p.family for p in entry.authors] == ["Art"]
    future = item_to_entry(item("hologram", [{"creatorType": "holographer", "firstName": "H", "lastName": "Olo"}]))
    assert [p.family for p in future.authors] == ["Olo"]
