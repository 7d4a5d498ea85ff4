"""Zotero's item schema, as much of it as a faithful double needs.

Item types, their fields in schema order (``field>base`` marks a type-specific
field mapped to a base field, e.g. ``repository>publisher`` on preprint) and
their creator types (``*`` = primary).  The lists follow zotero-schema v41 (the
schema Zotero 8.0.5 pins; 7.0.32 pins v40 with the same lists for the types the
bridge uses, PROTOCOL.md section 4).  Releases 7.0.0–7.0.15 shipped an older
schema (v31) in which ``citationKey`` existed only on preprint and journal
articles/conference papers lacked a few fields: :func:`schema_for` derives it.

Why the double needs this: Zotero never rejects an unknown field — it maps base
fields to the type's own name and moves everything else into Extra — and it
refuses an unknown item type.  Reproducing that needs the real field lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_COMMON_TAIL = "url, accessDate, archive, archiveLocation, libraryCatalog, callNumber, rights, extra"

# type: (fields, creator types)
_TYPES: dict[str, tuple[str, str]] = {
    "annotation": ("", ""),
    "attachment": ("title, accessDate, url", ""),
    "note": ("", ""),
    "artwork": ("title, abstractNote, artworkMedium>medium, artworkSize, date, language, shortTitle, archive, archiveLocation, "
                "libraryCatalog, callNumber, citationKey, url, accessDate, rights, extra", "artist*, contributor"),
    "audioRecording": ("title, abstractNote, audioRecordingFormat>medium, seriesTitle, volume, numberOfVolumes, place, "
                       "label>publisher, date, runningTime, language, ISBN, shortTitle, archive, archiveLocation, libraryCatalog, "
                       "callNumber, citationKey, url, accessDate, rights, extra", "performer*, contributor, composer, wordsBy"),
    "bill": ("title, abstractNote, billNumber>number, code, codeVolume>volume, section, codePages>pages, legislativeBody, "
             "session, history, date, language, citationKey, url, accessDate, shortTitle, rights, extra",
             "sponsor*, cosponsor, contributor"),
    "blogPost": ("title, abstractNote, blogTitle>publicationTitle, websiteType>type, date, citationKey, url, accessDate, language, "
                 "shortTitle, rights, extra", "author*, commenter, contributor"),
    "book": ("title, abstractNote, series, seriesNumber, volume, numberOfVolumes, edition, place, publisher, date, numPages, "
             "language, ISBN, shortTitle, citationKey, " + _COMMON_TAIL,
             "author*, contributor, editor, translator, seriesEditor"),
    "bookSection": ("title, abstractNote, bookTitle>publicationTitle, series, seriesNumber, volume, numberOfVolumes, edition, "
                    "place, publisher, date, pages, language, ISBN, shortTitle, citationKey, " + _COMMON_TAIL,
                    "author*, contributor, editor, bookAuthor, translator, seriesEditor"),
    "case": ("caseName>title, abstractNote, court>authority, dateDecided>date, docketNumber>number, reporter, "
             "reporterVolume>volume, firstPage>pages, history, language, shortTitle, citationKey, url, accessDate, rights, extra",
             "author*, counsel, contributor"),
    "computerProgram": ("title, abstractNote, seriesTitle, versionNumber, date, system, place, company>publisher, "
                        "programmingLanguage, ISBN, shortTitle, citationKey, url, rights, archive, archiveLocation, libraryCatalog, "
                        "callNumber, accessDate, extra", "programmer*, contributor"),
    "conferencePaper": ("title, abstractNote, proceedingsTitle>publicationTitle, conferenceName, publisher, place, date, "
                        "eventPlace, volume, issue, numberOfVolumes, pages, series, seriesNumber, DOI, ISBN, citationKey, url, "
                        "accessDate, ISSN, archive, archiveLocation, shortTitle, language, libraryCatalog, callNumber, rights, extra",
                        "author*, contributor, editor, translator, seriesEditor"),
    "dataset": ("title, abstractNote, identifier>number, type, versionNumber, date, repository>publisher, "
                "repositoryLocation>place, format>medium, DOI, citationKey, url, accessDate, archive, archiveLocation, shortTitle, "
                "language, libraryCatalog, callNumber, rights, extra", "author*, contributor"),
    "dictionaryEntry": ("title, abstractNote, dictionaryTitle>publicationTitle, series, seriesNumber, volume, numberOfVolumes, "
                        "edition, place, publisher, date, pages, language, ISBN, shortTitle, citationKey, " + _COMMON_TAIL,
                        "author*, contributor, editor, translator, seriesEditor"),
    "document": ("title, abstractNote, publisher, date, language, shortTitle, citationKey, " + _COMMON_TAIL,
                 "author*, contributor, editor, translator, reviewedAuthor"),
    "email": ("subject>title, abstractNote, date, shortTitle, citationKey, url, accessDate, language, rights, extra",
              "author*, contributor, recipient"),
    "encyclopediaArticle": ("title, abstractNote, encyclopediaTitle>publicationTitle, series, seriesNumber, volume, "
                            "numberOfVolumes, edition, place, publisher, date, pages, ISBN, shortTitle, citationKey, url, accessDate, "
                            "language, archive, archiveLocation, libraryCatalog, callNumber, rights, extra",
                            "author*, contributor, editor, translator, seriesEditor"),
    "film": ("title, abstractNote, distributor>publisher, date, genre>type, videoRecordingFormat>medium, runningTime, "
             "language, shortTitle, citationKey, " + _COMMON_TAIL, "director*, contributor, scriptwriter, producer"),
    "forumPost": ("title, abstractNote, forumTitle>publicationTitle, postType>type, date, language, shortTitle, citationKey, url, "
                  "accessDate, rights, extra", "author*, contributor"),
    "hearing": ("title, abstractNote, committee, place, publisher, numberOfVolumes, documentNumber>number, pages, "
                "legislativeBody, session, history, date, language, shortTitle, citationKey, url, accessDate, rights, extra",
                "contributor*"),
    "instantMessage": ("title, abstractNote, date, language, shortTitle, citationKey, url, accessDate, rights, extra",
                       "author*, contributor, recipient"),
    "interview": ("title, abstractNote, date, interviewMedium>medium, language, shortTitle, citationKey, " + _COMMON_TAIL,
                  "interviewee*, contributor, interviewer, translator"),
    "journalArticle": ("title, abstractNote, publicationTitle, publisher, place, date, volume, issue, section, partNumber, "
                       "partTitle, pages, series, seriesTitle, seriesText, journalAbbreviation, DOI, citationKey, url, accessDate, "
                       "PMID, PMCID, ISSN, archive, archiveLocation, shortTitle, language, libraryCatalog, callNumber, rights, extra",
                       "author*, contributor, editor, translator, reviewedAuthor"),
    "letter": ("title, abstractNote, letterType>type, date, language, shortTitle, citationKey, " + _COMMON_TAIL,
               "author*, contributor, recipient"),
    "magazineArticle": ("title, abstractNote, publicationTitle, volume, issue, date, pages, language, ISSN, shortTitle, "
                        "citationKey, " + _COMMON_TAIL, "author*, contributor, reviewedAuthor, translator"),
    "manuscript": ("title, abstractNote, manuscriptType>type, place, date, numPages, language, shortTitle, citationKey, "
                   + _COMMON_TAIL, "author*, contributor, translator"),
    "map": ("title, abstractNote, mapType>type, scale, seriesTitle, edition, place, publisher, date, language, ISBN, "
            "shortTitle, citationKey, " + _COMMON_TAIL, "cartographer*, contributor, seriesEditor"),
    "newspaperArticle": ("title, abstractNote, publicationTitle, place, edition, date, section, pages, language, shortTitle, "
                         "ISSN, citationKey, " + _COMMON_TAIL, "author*, contributor, reviewedAuthor, translator"),
    "patent": ("title, abstractNote, place, country, assignee, issuingAuthority>authority, patentNumber>number, filingDate, "
               "pages, applicationNumber, priorityNumbers, issueDate>date, references, legalStatus, language, shortTitle, "
               "citationKey, url, accessDate, rights, extra", "inventor*, attorneyAgent, contributor"),
    "podcast": ("title, abstractNote, seriesTitle, episodeNumber>number, audioFileType>medium, runningTime, citationKey, url, "
                "accessDate, language, shortTitle, rights, extra", "podcaster*, contributor, guest"),
    "preprint": ("title, abstractNote, genre>type, repository>publisher, archiveID>number, place, date, series, seriesNumber, "
                 "DOI, citationKey, url, accessDate, archive, archiveLocation, shortTitle, language, libraryCatalog, callNumber, "
                 "rights, extra", "author*, contributor, editor, translator, reviewedAuthor"),
    "presentation": ("title, abstractNote, presentationType>type, date, place, meetingName, citationKey, url, accessDate, "
                     "language, shortTitle, rights, extra", "presenter*, contributor"),
    "radioBroadcast": ("title, abstractNote, programTitle>publicationTitle, episodeNumber>number, "
                       "audioRecordingFormat>medium, place, network>publisher, date, runningTime, language, shortTitle, "
                       "citationKey, " + _COMMON_TAIL, "director*, scriptwriter, producer, castMember, contributor, guest"),
    "report": ("title, abstractNote, reportNumber>number, reportType>type, seriesTitle, place, institution>publisher, date, "
               "pages, language, shortTitle, citationKey, " + _COMMON_TAIL,
               "author*, contributor, editor, seriesEditor, translator"),
    "standard": ("title, abstractNote, organization>authority, committee, type, number, versionNumber, status, date, "
                 "publisher, place, DOI, citationKey, url, accessDate, archive, archiveLocation, shortTitle, numPages, language, "
                 "libraryCatalog, callNumber, rights, extra", "author*, contributor"),
    "statute": ("nameOfAct>title, abstractNote, code, codeNumber, publicLawNumber>number, dateEnacted>date, pages, section, "
                "session, history, language, shortTitle, citationKey, url, accessDate, rights, extra", "author*, contributor"),
    "thesis": ("title, abstractNote, thesisType>type, university>publisher, place, date, numPages, language, shortTitle, "
               "citationKey, " + _COMMON_TAIL, "author*, contributor"),
    "tvBroadcast": ("title, abstractNote, programTitle>publicationTitle, episodeNumber>number, videoRecordingFormat>medium, "
                    "place, network>publisher, date, runningTime, language, shortTitle, citationKey, " + _COMMON_TAIL,
                    "director*, scriptwriter, producer, castMember, contributor, guest"),
    "videoRecording": ("title, abstractNote, videoRecordingFormat>medium, seriesTitle, volume, numberOfVolumes, place, "
                       "studio>publisher, date, runningTime, language, ISBN, shortTitle, citationKey, " + _COMMON_TAIL,
                       "director*, contributor, scriptwriter, producer, castMember"),
    "webpage": ("title, abstractNote, websiteTitle>publicationTitle, websiteType>type, date, shortTitle, citationKey, url, "
                "accessDate, language, rights, extra", "author*, contributor, translator"),
}

#: item types that are not "regular" (no creators, special properties)
NON_REGULAR = frozenset({"note", "attachment", "annotation"})

#: fields v31 (Zotero 7.0.0–7.0.15) lacked, per type, besides citationKey outside preprint
_V31_MISSING = {
    "journalArticle": {"publisher", "place", "section", "partNumber", "partTitle", "PMID", "PMCID"},
    "conferencePaper": {"eventPlace", "issue", "numberOfVolumes", "seriesNumber", "ISSN"},
}

CREATOR_FIELDS = ("firstName", "lastName", "name")
DATE_FIELDS = frozenset({"date", "dateDecided", "dateEnacted", "issueDate", "filingDate"})


@dataclass(frozen=True)
class ItemType:
    name: str
    fields: tuple[str, ...]  # schema order
    base_of: dict[str, str] = field(default_factory=dict)  # type field -> base field
    creator_types: tuple[str, ...] = ()
    primary_creator: str | None = None

    @property
    def regular(self) -> bool:
        return self.name not in NON_REGULAR

    def field_for(self, name: str) -> str | None:
        """The field ``name`` lands in for this type: itself if valid, else the type's field for that base field."""
        if name in self.fields:
            return name
        for type_field, base in self.base_of.items():
            if base == name:
                return type_field
        return None


@dataclass(frozen=True)
class Schema:
    version: int
    types: dict[str, ItemType]

    def item_type(self, name: object) -> ItemType | None:
        return self.types.get(name) if isinstance(name, str) else None

    @property
    def all_fields(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.types.values():
            for f in t.fields:
                seen.setdefault(f, None)
            for b in t.base_of.values():
                seen.setdefault(b, None)
        return list(seen)

    def base_field(self, name: str) -> str:
        """Base field of a type-specific field (``repository`` → ``publisher``), else the name itself."""
        for t in self.types.values():
            if name in t.base_of:
                return t.base_of[name]
        return name

    def to_json(self) -> dict:
        """The shape of ``GET /api/schema`` (a subset of zotero-schema's schema.json)."""
        out = []
        for t in self.types.values():
            fields = [{"field": f, **({"baseField": t.base_of[f]} if f in t.base_of else {})} for f in t.fields]
            creators = [{"creatorType": c, **({"primary": True} if c == t.primary_creator else {})} for c in t.creator_types]
            out.append({"itemType": t.name, "fields": fields, "creatorTypes": creators})
        return {"version": self.version, "itemTypes": out}


def _build(version: int) -> Schema:
    types: dict[str, ItemType] = {}
    for name, (field_spec, creator_spec) in sorted(_TYPES.items()):
        fields: list[str] = []
        base_of: dict[str, str] = {}
        for token in filter(None, (t.strip() for t in field_spec.split(","))):
            fname, _, base = token.partition(">")
            if version < 40:
                if fname == "citationKey" and name != "preprint":
                    continue
                if fname in _V31_MISSING.get(name, ()):
                    continue
            fields.append(fname)
            if base:
                base_of[fname] = base
        creators = [c.strip() for c in creator_spec.split(",") if c.strip()]
        primary = next((c.rstrip("*") for c in creators if c.endswith("*")), None)
        types[name] = ItemType(name, tuple(fields), base_of, tuple(c.rstrip("*") for c in creators), primary)
    return Schema(version, types)


@lru_cache(maxsize=None)
def schema_for(version: int) -> Schema:
    """The schema of that global schema version (31, 40 or 41)."""
    return _build(version)


def humanize(name: str) -> str:
    """A readable label for a field or type name (the double's stand-in for Zotero's localized labels)."""
    special = {"abstractNote": "Abstract", "DOI": "DOI", "ISBN": "ISBN", "ISSN": "ISSN", "url": "URL", "PMID": "PMID",
               "PMCID": "PMCID", "archiveID": "Archive ID", "accessDate": "Accessed", "numPages": "# of Pages",
               "extra": "Extra", "citationKey": "Citation Key"}
    if name in special:
        return special[name]
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return words[:1].upper() + words[1:].lower()
