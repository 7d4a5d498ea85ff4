"""What a tag may be, and how tags are added to an entry.

Tags travel through two lossy channels: the BibTeX ``keywords`` field
(comma-separated; Zotero's BibTeX import splits it on commas *and*
semicolons) and Zotero tag strings (the connector of Zotero 7 takes the tag
list as one comma-joined string).  A tag containing ``,`` or ``;`` would come
back as two tags, so such tags are *rejected* where a user writes them (the
rules file) and *rewritten* where bibkit derives them from data (Hugging Face
keywords).  Braces would unbalance the ``.bib`` field, control characters
and newlines have no place in a tag, and Zotero limits a tag to 255
characters.

Adding is case-insensitive: an entry tagged ``MoE`` is not tagged ``moe``
again, because near-duplicate tags are exactly the clutter batch tagging must
not create.  Order is stable: existing tags first, new ones appended in the
order they were decided.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..model import Entry

#: Zotero's limit for a tag name (``Zotero.Tags.MAX_TAG_LENGTH``).
MAX_TAG_LENGTH = 255

_FORBIDDEN = re.compile(r"[,;{}\\\x00-\x1f\x7f]")


def tag_problem(tag: object) -> str | None:
    """Why ``tag`` cannot be a tag, or ``None`` when it can."""
    if not isinstance(tag, str):
        return f"a tag must be a string, not {type(tag).__name__}"
    if not tag.strip():
        return "a tag must not be empty"
    if tag != tag.strip():
        return f"tag {tag!r} has leading or trailing spaces"
    bad = _FORBIDDEN.search(tag)
    if bad:
        ch = bad.group(0)
        what = {
            ",": "a comma (BibTeX keywords and Zotero split tags on commas)",
            ";": "a semicolon (Zotero's BibTeX import splits keywords on semicolons)",
            "{": "a brace (it would unbalance the .bib keywords field)",
            "}": "a brace (it would unbalance the .bib keywords field)",
            "\\": "a backslash (BibTeX would read it as a LaTeX command)",
        }.get(ch, f"a control character ({ch!r})")
        return f"tag {tag!r} contains {what}"
    if len(tag) > MAX_TAG_LENGTH:
        return f"tag {tag[:40]!r}… is longer than Zotero's limit of {MAX_TAG_LENGTH} characters"
    return None


def add_tags(entry: Entry, tags: Iterable[str]) -> list[str]:
    """Append the tags the entry does not have yet (ignoring case); return those added.

    The rule itself is :meth:`bibkit.model.Entry.add_tags` (one copy, shared with duplicate merging).
    """
    return entry.add_tags(tags)
