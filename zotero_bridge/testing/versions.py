"""Which Zotero release the double emulates, and what that release does differently.

Every version-dependent rule of PROTOCOL.md is one named property here, so the
HTTP layer and the endpoints ask ``version.tags_array`` instead of comparing
version tuples all over the code, and a reader can see the whole timeline in one
place.
"""

from __future__ import annotations

from dataclasses import dataclass

#: shortcuts accepted wherever a version is given ("10" means the current 10.x release)
SHORTCUTS = {"7": "7.0.32", "8": "8.0.5", "9": "9.0.6", "10": "10.0.1", "11": "11.0.0"}


@dataclass(frozen=True)
class ZoteroVersion:
    """A Zotero release number plus the behaviour switches that follow from it."""

    text: str
    parts: tuple[int, int, int]

    @classmethod
    def parse(cls, value: "str | ZoteroVersion") -> "ZoteroVersion":
        """Accept ``"10.0.1"``, ``"9.0"`` or a shortcut (``"7"`` → 7.0.32); reject what the double cannot emulate."""
        if isinstance(value, ZoteroVersion):
            return value
        text = SHORTCUTS.get(str(value).strip(), str(value).strip())
        pieces = text.split(".")
        try:
            numbers = [int(p) for p in pieces]
        except ValueError:
            raise ValueError(f"not a Zotero version: {value!r} (expected e.g. '10.0.1' or '10')") from None
        if not 1 <= len(numbers) <= 3:
            raise ValueError(f"not a Zotero version: {value!r}")
        while len(numbers) < 3:
            numbers.append(0)
        parts = (numbers[0], numbers[1], numbers[2])
        if not (7, 0, 0) <= parts < (12, 0, 0):
            raise ValueError(f"Zotero {text} cannot be emulated: the double covers Zotero 7.0.0 to 11.x")
        return cls(".".join(str(n) for n in parts), parts)

    def at_least(self, major: int, minor: int = 0, patch: int = 0) -> bool:
        return self.parts >= (major, minor, patch)

    def __str__(self) -> str:
        return self.text

    # --- server.js rules -------------------------------------------------------------
    @property
    def old_server(self) -> bool:
        """7.0.0–7.0.15 ran the pre-httpd server: saveItems answered ``{items, singleFile}``, sessionProgress existed."""
        return not self.at_least(7, 0, 16)

    @property
    def host_check(self) -> bool:
        """The Host header check existed in the old server, vanished in 7.0.16 and came back in 9.0.3."""
        return self.old_server or self.at_least(9, 0, 3)

    @property
    def browser_drop(self) -> bool:
        """9.0.3+ closes browser-like requests without an answer; earlier releases answered 403."""
        return self.at_least(9, 0, 3)

    @property
    def rest_methods(self) -> bool:
        """10.0+ accepts PUT/PATCH/DELETE (local API writes); earlier releases answer 501."""
        return self.at_least(10)

    # --- connector ---------------------------------------------------------------------
    @property
    def connector_version_check(self) -> bool:
        """7.0.20+ refuses saveItems/saveSnapshot from connectors announcing API version < 3."""
        return self.at_least(7, 0, 20)

    @property
    def connector_request_endpoint(self) -> bool:
        return self.parts[0] == 7

    @property
    def tags_array(self) -> bool:
        """updateSession accepts ``tags`` as an array from 8.0 on (7.x: comma string only, array → 500)."""
        return self.at_least(8)

    @property
    def session_note(self) -> bool:
        return self.at_least(8)

    @property
    def selected_collection_tags(self) -> bool:
        """getSelectedCollection answers ``tags`` and honours ``switchToReadableLibrary`` from 8.0 on."""
        return self.at_least(8)

    @property
    def null_body_hang(self) -> bool:
        """8.0+ getSelectedCollection throws on a null body after accepting the request: no answer at all."""
        return self.at_least(8)

    # --- local API ---------------------------------------------------------------------
    @property
    def local_versions(self) -> bool:
        """10.0+ reports local ("client") object versions; earlier releases report synced versions (0 if never synced)."""
        return self.at_least(10)

    @property
    def writes(self) -> bool:
        return self.at_least(10)

    @property
    def server_id(self) -> bool:
        return self.at_least(10)

    @property
    def since_zero_is_all(self) -> bool:
        """8.0+ treats ``since=0`` as "no filter"; 7.x compares ``version > 0`` and so hides never-synced objects."""
        return self.at_least(8)

    @property
    def annotations_in_collection_items(self) -> bool:
        return not self.at_least(8)

    @property
    def q_matches_citation_key(self) -> bool:
        return self.at_least(9)

    @property
    def single_object_export_works(self) -> bool:
        """Exporting one item (``/items/<key>?format=bibtex``) failed with 500 before 7.0.27."""
        return self.at_least(7, 0, 27)

    @property
    def schema_version(self) -> int:
        """Global schema version shipped with the release (sent as ``Zotero-Schema-Version``)."""
        if self.old_server:
            return 31
        if not self.at_least(8):
            return 40
        return 41
