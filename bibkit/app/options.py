"""What a command can be asked to do, as typed, frozen values with the defaults the command line has.

Each option object groups what belongs together and is shared by every
command that needs it: :class:`ReadOptions` by everything that reads inputs,
:class:`WriteOptions` by everything that writes a bibliography,
:class:`TagOptions` by ``build``, ``tag``, ``collections`` and the Zotero
commands.  :class:`BuildOptions` composes them; a stage switched off is
``None``::

    BuildOptions()                                   # bibkit build: enrich, tag, write
    BuildOptions(enrich=None, tagging=None)          # bibkit convert
    BuildOptions(tagging=TagOptions(rules="examples/tags.toml"))

Cheap to import (no HTTP stack), so the command line builds them before
anything heavy is loaded.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..outcomes import Prefer, VenueStyle
from ..sources import ALL_FORMATS as INPUT_FORMATS
from ..sources import FORMAT_HELP as INPUT_FORMAT_HELP
from ..writers import FORMATS as OUTPUT_FORMATS

if TYPE_CHECKING:  # pragma: no cover - loaded only by the jobs that tag, sync to Zotero or cite (see __getattr__)
    from zotero_bridge.options import SyncOptions

    from ..tagging import AutoTagOptions, RuleSet
    from .command_options import CiteOptions, ZoteroTarget

__all__ = [
    "BuildOptions", "CiteOptions", "EnrichOptions", "INPUT_FORMATS", "INPUT_FORMAT_HELP", "OUTPUT_FORMATS", "Prefer",
    "ReadOptions", "SyncOptions", "TagOptions", "VenueStyle", "WriteOptions", "ZoteroTarget",
]


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read and normalised.

    ``fmt`` forces a reader (one of :data:`INPUT_FORMATS`) instead of
    detecting each input's format; ``strict`` makes a malformed entry an error
    (exit 3); ``key_format`` is the citation key formula (``None``: the
    configured one, ``BIBKIT_CITEKEY_FORMAT``); ``dedupe`` merges duplicates;
    ``merge_duplicates`` also merges look-alike entries of ``.bib`` files whose
    fields differ (by default they are reported as likely duplicates and kept).

    Keys once issued are kept (:mod:`bibkit.app.prior`): ``keys_from`` names
    bibliographies whose keys the same papers keep (``--keys-from``);
    ``rekey`` recomputes every key by the formula, the old ones kept as
    aliases, and refuses keys the user pinned unless ``force``.
    """

    fmt: str | None = None
    strict: bool = False
    key_format: str | None = None
    dedupe: bool = True
    merge_duplicates: bool = False
    keys_from: tuple[str, ...] = ()
    rekey: bool = False
    force: bool = False


@dataclass(frozen=True)
class WriteOptions:
    """How a bibliography is written: ``to`` one of :data:`OUTPUT_FORMATS`, or ``None`` (the default):
    entries read from a ``.bib`` as they were written, new ones as BibTeX; ``ascii`` LaTeX macros for
    non-ASCII characters; ``code_note`` a ``Code: \\url{…}`` note for the paper's own repository."""

    to: str | None = None
    ascii: bool = False
    code_note: bool = False


@dataclass(frozen=True)
class EnrichOptions:
    """Which services to ask (``only``: names from :data:`bibkit.enrich.SERVICES`; empty = all), and
    whether to answer from the cache only (``offline``) or ignore it (``refresh``).

    Published versions of preprints: ``upgrade`` looks for them (``False``:
    DOIs are still looked up, nothing else); ``prefer`` cites the publication
    or keeps the preprint (and only reports what was found); ``venue_style``
    names venues by the venue table's full or short name.
    """

    only: tuple[str, ...] = ()
    offline: bool = False
    refresh: bool = False
    upgrade: bool = True
    prefer: Prefer = Prefer.PUBLISHED
    venue_style: VenueStyle = VenueStyle.FULL

    def __post_init__(self) -> None:  # a plain string from a script ("preprint") becomes the enum, or fails here
        object.__setattr__(self, "prefer", Prefer(self.prefer))
        object.__setattr__(self, "venue_style", VenueStyle(self.venue_style))


@dataclass(frozen=True)
class TagOptions:
    """Tagging: ``rules`` is a rules file (path) or a loaded :class:`~bibkit.tagging.RuleSet` (``None``:
    automatic tags only); ``auto`` overrides the file's ``[auto]`` switches (``None``: as the file says)."""

    rules: RuleSet | str | Path | None = None
    auto: AutoTagOptions | None = None


@dataclass(frozen=True)
class BuildOptions:
    """The main job's stages: read → (enrich) → (tag) → write → (sync).  ``None`` switches a stage off.

    ``dry_run`` decides the tags without adding them and writes nothing.
    """

    read: ReadOptions = ReadOptions()
    write: WriteOptions = WriteOptions()
    enrich: EnrichOptions | None = EnrichOptions()
    tagging: TagOptions | None = TagOptions()
    zotero: ZoteroTarget | None = None
    dry_run: bool = False



#: options only some commands build (the Zotero target, ``cite``'s, ``repos``'), loaded on first use: ``convert``
#: and ``tidy`` start without building their classes or importing the Zotero bridge's options
_ON_FIRST_USE = {"ZoteroTarget": "bibkit.app.command_options", "CiteOptions": "bibkit.app.command_options",
                 "SyncOptions": "zotero_bridge.options", "ReposOptions": "bibkit.app.repositories"}


def __getattr__(name: str) -> Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
