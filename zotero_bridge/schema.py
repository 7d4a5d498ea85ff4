"""Which fields each Zotero item type holds, and how base fields are renamed per type.

Zotero rejects nothing it does not know: a field that the installed schema
lacks for an item type silently lands in Extra as ``field: value`` (PROTOCOL.md
section 4).  The bridge therefore only sends fields the item type holds.  The
built-in table follows the schema Zotero 7.0.32 / 8.0.5 pin (v40/v41); when the
local API is on, :meth:`Schema.refine` replaces a type's field list with what
the running Zotero reports (``GET /api/itemTypeFields?itemType=…``), because
schema updates arrive independently of app updates (``citationKey`` only
existed on ``preprint`` in the schema 7.0.0 shipped).
"""

from __future__ import annotations

from dataclasses import dataclass, field

_COMMON_TAIL = ["url", "accessDate", "archive", "archiveLocation", "shortTitle", "language",
                "libraryCatalog", "callNumber", "rights", "extra"]

#: item type -> fields in schema order (type-specific names); v41 as read in PROTOCOL.md section 4
#: for the first three, the rest from the same schema file.
FIELDS: dict[str, list[str]] = {
    "preprint": ["title", "abstractNote", "genre", "repository", "archiveID", "place", "date", "series",
                 "seriesNumber", "DOI", "citationKey", "url", "accessDate", "archive", "archiveLocation",
                 "shortTitle", "language", "libraryCatalog", "callNumber", "rights", "extra"],
    "journalArticle": ["title", "abstractNote", "publicationTitle", "publisher", "place", "date", "volume", "issue",
                       "section", "partNumber", "partTitle", "pages", "series", "seriesTitle", "seriesText",
                       "journalAbbreviation", "DOI", "citationKey", "url", "accessDate", "PMID", "PMCID", "ISSN",
                       "archive", "archiveLocation", "shortTitle", "language", "libraryCatalog", "callNumber",
                       "rights", "extra"],
    "conferencePaper": ["title", "abstractNote", "proceedingsTitle", "conferenceName", "publisher", "place", "date",
                        "eventPlace", "volume", "issue", "numberOfVolumes", "pages", "series", "seriesNumber", "DOI",
                        "ISBN", "citationKey", "url", "accessDate", "ISSN", "archive", "archiveLocation",
                        "shortTitle", "language", "libraryCatalog", "callNumber", "rights", "extra"],
    "book": ["title", "abstractNote", "series", "seriesNumber", "volume", "numberOfVolumes", "edition", "place",
             "publisher", "date", "numPages", "ISBN", "citationKey"] + _COMMON_TAIL,
    "bookSection": ["title", "abstractNote", "bookTitle", "series", "seriesNumber", "volume", "numberOfVolumes",
                    "edition", "place", "publisher", "date", "pages", "ISBN", "citationKey"] + _COMMON_TAIL,
    "thesis": ["title", "abstractNote", "thesisType", "university", "place", "date", "numPages",
               "citationKey"] + _COMMON_TAIL,
    "report": ["title", "abstractNote", "reportNumber", "reportType", "seriesTitle", "place", "institution", "date",
               "pages", "citationKey"] + _COMMON_TAIL,
    "manuscript": ["title", "abstractNote", "manuscriptType", "place", "date", "numPages",
                   "citationKey"] + _COMMON_TAIL,
    "document": ["title", "abstractNote", "publisher", "date", "citationKey"] + _COMMON_TAIL,
    "webpage": ["title", "abstractNote", "websiteTitle", "websiteType", "date", "shortTitle", "url", "accessDate",
                "language", "rights", "citationKey", "extra"],
    "computerProgram": ["title", "abstractNote", "seriesTitle", "versionNumber", "date", "system", "place", "company",
                        "programmingLanguage", "ISBN", "citationKey"] + _COMMON_TAIL,
    "dataset": ["title", "abstractNote", "identifier", "type", "versionNumber", "date", "repository",
                "repositoryLocation", "format", "DOI", "citationKey"] + _COMMON_TAIL,
    "magazineArticle": ["title", "abstractNote", "publicationTitle", "volume", "issue", "date", "pages", "ISSN",
                        "citationKey"] + _COMMON_TAIL,
    "newspaperArticle": ["title", "abstractNote", "publicationTitle", "place", "edition", "date", "section", "pages",
                         "ISSN", "citationKey"] + _COMMON_TAIL,
}

#: type-specific field -> base field (Zotero's ``baseField`` links), per item type
BASE_FIELDS: dict[str, dict[str, str]] = {
    "preprint": {"genre": "type", "repository": "publisher", "archiveID": "number"},
    "conferencePaper": {"proceedingsTitle": "publicationTitle"},
    "bookSection": {"bookTitle": "publicationTitle"},
    "thesis": {"thesisType": "type", "university": "publisher"},
    "report": {"reportNumber": "number", "reportType": "type", "institution": "publisher"},
    "manuscript": {"manuscriptType": "type"},
    "webpage": {"websiteTitle": "publicationTitle", "websiteType": "type"},
    "computerProgram": {"company": "publisher"},
    "dataset": {"identifier": "number", "repository": "publisher", "repositoryLocation": "place", "format": "medium"},
}

#: item type -> creator types, primary first
CREATOR_TYPES: dict[str, list[str]] = {
    "preprint": ["author", "contributor", "editor", "translator", "reviewedAuthor"],
    "journalArticle": ["author", "contributor", "editor", "translator", "reviewedAuthor"],
    "conferencePaper": ["author", "contributor", "editor", "translator", "seriesEditor"],
    "book": ["author", "contributor", "editor", "seriesEditor", "translator"],
    "bookSection": ["author", "bookAuthor", "contributor", "editor", "seriesEditor", "translator"],
    "thesis": ["author", "contributor"],
    "report": ["author", "contributor", "seriesEditor", "translator"],
    "manuscript": ["author", "contributor", "translator"],
    "document": ["author", "contributor", "editor", "reviewedAuthor", "translator"],
    "webpage": ["author", "contributor", "translator"],
    "computerProgram": ["programmer", "contributor"],
    "dataset": ["author", "contributor"],
    "magazineArticle": ["author", "contributor", "reviewedAuthor", "translator"],
    "newspaperArticle": ["author", "contributor", "reviewedAuthor", "translator"],
    # the other item types of the same schema, for reading them (their primary creator is an author to
    # BibTeX, as Zotero's BibTeX export writes it; see mapping.item_to_entry)
    "artwork": ["artist", "contributor"],
    "audioRecording": ["performer", "composer", "contributor", "wordsBy"],
    "bill": ["sponsor", "contributor", "cosponsor"],
    "blogPost": ["author", "commenter", "contributor"],
    "case": ["author", "contributor", "counsel"],
    "dictionaryEntry": ["author", "contributor", "editor", "seriesEditor", "translator"],
    "email": ["author", "contributor", "recipient"],
    "encyclopediaArticle": ["author", "contributor", "editor", "seriesEditor", "translator"],
    "film": ["director", "contributor", "producer", "scriptwriter"],
    "forumPost": ["author", "contributor"],
    "hearing": ["contributor"],
    "instantMessage": ["author", "contributor", "recipient"],
    "interview": ["interviewee", "contributor", "interviewer", "translator"],
    "letter": ["author", "contributor", "recipient"],
    "map": ["cartographer", "contributor", "seriesEditor"],
    "patent": ["inventor", "attorneyAgent", "contributor"],
    "podcast": ["podcaster", "contributor", "guest"],
    "presentation": ["presenter", "contributor"],
    "radioBroadcast": ["director", "castMember", "contributor", "guest", "producer", "scriptwriter"],
    "standard": ["author", "contributor"],
    "statute": ["author", "contributor"],
    "tvBroadcast": ["director", "castMember", "contributor", "guest", "producer", "scriptwriter"],
    "videoRecording": ["director", "castMember", "contributor", "producer", "scriptwriter"],
}

#: types that are not bibliographic records (never matched, never exported as entries)
NON_REGULAR = frozenset({"attachment", "note", "annotation"})


def legacy_fields(item_type: str) -> list[str]:
    """Field list of the schema Zotero 7.0.0 shipped (v31): ``citationKey`` only on preprint."""
    fields = FIELDS.get(item_type, ["title", "abstractNote", "date"] + _COMMON_TAIL)
    if item_type == "preprint":
        return list(fields)
    return [f for f in fields if f not in ("citationKey", "PMID", "PMCID", "partNumber", "partTitle", "section")]


@dataclass
class Schema:
    """The fields of each item type in the Zotero being talked to (built-in table, refined when possible)."""

    fields: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in FIELDS.items()})
    source: str = "built-in (schema v41)"

    @classmethod
    def legacy(cls) -> "Schema":
        return cls({k: legacy_fields(k) for k in FIELDS}, "built-in (schema v31, Zotero 7.0.0)")

    def has(self, item_type: str, name: str) -> bool:
        return name in self.fields.get(item_type, ())

    def creator_types(self, item_type: str) -> list[str]:
        return CREATOR_TYPES.get(item_type, ["author", "contributor"])

    def primary_creator(self, item_type: str) -> str:
        return self.creator_types(item_type)[0]

    def refine(self, item_type: str, names: list[str]) -> None:
        """Replace one type's field list with the running Zotero's answer."""
        if names:
            self.fields[item_type] = list(names)
            self.source = "Zotero (itemTypeFields)"

    def base_of(self, item_type: str, name: str) -> str:
        """The base field behind a type-specific name (``repository`` -> ``publisher`` on preprint)."""
        return BASE_FIELDS.get(item_type, {}).get(name, name)

    def specific(self, item_type: str, base: str) -> str | None:
        """The name ``item_type`` uses for a base field, if it holds it."""
        for specific, b in BASE_FIELDS.get(item_type, {}).items():
            if b == base and self.has(item_type, specific):
                return specific
        return base if self.has(item_type, base) else None
