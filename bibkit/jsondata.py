"""JSON read from inputs, services and bibkit's own files: one parser, and no nesting can crash it.

Python's JSON parser recurses once per level of nesting, so a text nested a few thousand
levels deep — a hostile answer, a garbled cache or lock file, ``[[[[…`` passed as input —
raises :class:`RecursionError`, which no ``except ValueError`` catches: the run would end
with a traceback.  :func:`load_json` turns it into :class:`JsonTooDeep`, a
:class:`ValueError` like any other malformed JSON, so every caller's "not JSON" path
(an unreadable answer counted against the service, an input error naming the file, a
lock that is ignored) handles it too.  Every JSON bibkit reads goes through here: the
Hugging Face and GitHub clients, the published-version clients (Crossref, Semantic
Scholar, DBLP, OpenAlex), Hugging Face papers JSON given as input, the Zotero bridge's
answers and state files, the lock file.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["JsonTooDeep", "TOO_DEEP", "load_json"]

#: what a text nested deeper than the parser can follow is
TOO_DEEP = "JSON nested too deeply to read (thousands of levels of brackets)"


class JsonTooDeep(ValueError):
    """JSON nested deeper than the parser can follow (a :class:`ValueError`, like any malformed JSON)."""


def load_json(data: str | bytes | bytearray) -> Any:
    """``json.loads(data)``; raises :class:`ValueError` (:class:`json.JSONDecodeError`, or
    :class:`JsonTooDeep` for nesting too deep to parse) for anything that is not JSON."""
    try:
        return json.loads(data)
    except RecursionError:
        raise JsonTooDeep(TOO_DEEP) from None
