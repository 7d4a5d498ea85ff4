"""What ``bibkit tidy`` may change, as one frozen value (the CLI builds it, the library obeys it).

The options and their defaults mirror bibtex-tidy's (v1.14, the tool people use
today), so a user switching over gets the file they expect; where bibkit's
default differs, the field's comment says so and why.  Every option that changes
values is off by default except the three bibtex-tidy also applies by default:
lower-case field names and entry types, stray LaTeX specials escaped, and
``1-10`` page ranges written ``1--10``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TidyOptions", "DEFAULT_FIELD_ORDER", "DUPLICATE_RULES", "MERGE_STRATEGIES", "SORT_SPECIALS",
           "OptionError"]

#: bibtex-tidy's ``--sort-fields`` order when no order is given
DEFAULT_FIELD_ORDER: tuple[str, ...] = (
    "title", "shorttitle", "author", "year", "month", "day", "journal", "booktitle", "location", "on",
    "publisher", "address", "series", "volume", "number", "pages", "doi", "isbn", "issn", "url", "urldate",
    "copyright", "category", "note", "metadata",
)
#: how ``--duplicates`` recognises two entries as one work (bibtex-tidy's rule names)
DUPLICATE_RULES: tuple[str, ...] = ("doi", "key", "abstract", "citation")
#: bibtex-tidy's default rules when ``--duplicates``/``--merge`` name none (duplicate keys are always
#: reported, by the reader)
DEFAULT_DUPLICATE_RULES: tuple[str, ...] = ("doi", "citation", "abstract")
#: what ``--merge`` does with a duplicate (bibtex-tidy's strategies)
MERGE_STRATEGIES: tuple[str, ...] = ("first", "last", "combine", "overwrite")
#: sort criteria that are not field names
SORT_SPECIALS: tuple[str, ...] = ("key", "type", "special", "author", "year", "month")

_FIELD_NAME = re.compile(r"^[^\s=,{}\"#()%]+$")


class OptionError(ValueError):
    """An option value tidy cannot use (the CLI turns it into exit code 2)."""


def _names(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    out = []
    for v in values:
        name = v.strip().lower()
        if not name or not _FIELD_NAME.match(name.lstrip("-")):
            raise OptionError(f"{what}: {v!r} is not a field name")
        if name not in out:
            out.append(name)
    return tuple(out)


@dataclass(frozen=True)
class TidyOptions:
    """Everything :func:`bibkit.tidy.tidy_text` may do; the defaults change layout only (and escape strays).

    Field lists are lower-case field names.  ``sort`` entries are field names or
    ``key``/``type``/``author``/``year``/``month``/``special``, ``-`` prefixed for
    descending order.
    """

    # -- layout
    indent: str = "  "  # --space N / --tab
    align: int = 14  # column of "=": names are padded to align-1 characters (bibtex-tidy's rule); 0 = no padding
    #: bibkit: a blank line between blocks by default (bibtex-tidy: none unless --blank-lines), as bibkit's own
    #: writer, Zotero/Better BibTeX and JabRef write them — entries stay readable in a diff
    blank_lines: bool = True
    trailing_commas: bool = False
    lowercase: bool = True  # field names and entry types in lower case (BibTeX ignores their case)
    wrap: int | None = None  # wrap long braced values at this column
    # -- order
    sort: tuple[str, ...] = ()
    sort_fields: tuple[str, ...] = ()
    # -- values
    curly: bool = False
    numeric: bool = False
    months: bool = False
    #: bibkit escapes only what breaks TeX (``%`` ``&`` ``#`` ``_`` ``^`` stray ``$``) and only in fields that are
    #: typeset; URLs, DOIs, files, ``\url{…}`` arguments and math are left alone (bibtex-tidy escapes them all)
    escape: bool = True
    #: non-ASCII characters as LaTeX macros (``ü`` → ``{\"u}``); bibtex-tidy does this as part of --escape,
    #: bibkit keeps UTF-8 (biber and LaTeX since 2018 read it) unless asked
    ascii: bool = False
    page_ranges: bool = True  # "1-10" -> "1--10" in pages (bibtex-tidy always does this)
    strip_enclosing_braces: bool = False
    drop_all_caps: bool = False
    enclosing_braces: tuple[str, ...] = ()
    remove_braces: tuple[str, ...] = ()
    encode_urls: bool = False
    max_authors: int | None = None
    # -- fields and blocks
    omit: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()  # when given, only these fields are kept
    remove_empty_fields: bool = False
    strip_comments: bool = False
    # -- keys and duplicates
    rekey: bool = False
    key_format: str | None = None  # None: the configured formula (Better BibTeX's default)
    alias_old_keys: bool = True  # a re-keyed or merged-away key is kept in BibLaTeX's ``ids`` field
    duplicates: tuple[str, ...] = ()
    merge: str | None = None

    def __post_init__(self) -> None:
        if self.align < 0:
            raise OptionError("--align must be 0 or more")
        if self.wrap is not None and self.wrap < 20:
            raise OptionError("--wrap must be at least 20 columns")
        if self.max_authors is not None and self.max_authors < 1:
            raise OptionError("--max-authors must be at least 1")
        if self.indent.strip():
            raise OptionError("the indentation must be spaces or a tab")
        if self.merge is not None and self.merge not in MERGE_STRATEGIES:
            raise OptionError(f"--merge: {self.merge!r} is not one of {', '.join(MERGE_STRATEGIES)}")
        for rule in self.duplicates:
            if rule not in DUPLICATE_RULES:
                raise OptionError(f"--duplicates: {rule!r} is not one of {', '.join(DUPLICATE_RULES)}")
        for name in ("sort", "sort_fields", "omit", "keep", "enclosing_braces", "remove_braces"):
            object.__setattr__(self, name, _names(tuple(getattr(self, name)), "--" + name.replace("_", "-")))
        if self.merge and not self.duplicates:
            object.__setattr__(self, "duplicates", DEFAULT_DUPLICATE_RULES)
