"""Tidy ``.bib`` files: one layout, sorted if asked, values cleaned only as asked — nothing else touched.

``bibkit tidy`` is a thin layer over :func:`tidy_file` / :func:`tidy_text`::

    from bibkit.tidy import TidyOptions, tidy_text
    result = tidy_text(open("refs.bib").read(), TidyOptions(sort=("key",), months=True))
    result.text, result.changed, result.problems

What it does (options mirror bibtex-tidy's, the tool most people use; see
:class:`TidyOptions` for each default):

* **layout** — ``@type{key,``, one field per line, indented (``--space N``,
  ``--tab``), ``=`` aligned at a column (``--align``), a blank line between
  blocks, no trailing comma (``--trailing-commas``), lower-case field names and
  types (``--no-lowercase`` keeps them as written), long or multi-paragraph
  values laid out on their own lines (``--wrap``);
* **order** — entries (``--sort key,-year,author,type…``; comments travel with
  their entry, ``@string``/``@preamble`` stay first, crossref parents after
  their children) and fields (``--sort-fields [ORDER]``);
* **values** — ``--months`` (``3``, ``"March"``, ``{march}`` → ``mar``),
  ``--curly``, ``--numeric``, stray ``%&#_^$`` escaped in typeset fields (on by
  default), ``--ascii``, ``--strip-enclosing-braces``, ``--drop-all-caps``,
  ``--enclosing-braces``, ``--remove-braces``, ``--encode-urls``,
  ``--max-authors``, page ranges with ``--``;
* **fields and blocks** — ``--omit``, ``--keep``, ``--remove-empty-fields``,
  ``--strip-comments``; a duplicate field is removed (BibTeX reads only one) and
  kept in an ``@comment`` after the entry, so no value is lost;
* **keys** — ``--rekey`` gives every entry the citation key formula's key
  (:mod:`bibkit.normalize.citekeys`), keeps the old key as a BibLaTeX alias
  (``ids``) and points ``crossref``/``xref``/``xdata``/``related`` at the new keys;
* **duplicates** — ``--duplicates [doi,key,abstract,citation]`` reports,
  ``--merge first|last|combine|overwrite`` merges (:mod:`.duplicates`).

What it never does: change a comment, an ``@string`` or ``@preamble`` value, a
verbatim field (``url``, ``doi``, ``eprint``, ``file``…), an unknown entry type or
field, or a value no option applies to (apart from white space at line breaks in
text fields, which TeX reads as one space).  Entries the reader had to repair or
could not read are reported with file and line; an unreadable block is kept as
it was.  A byte-order mark, Windows line endings and a non-UTF-8 encoding are
kept.  Tidying tidy output changes nothing (tests/test_tidy.py checks it on
every test file).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError
from ..fileio import atomic_write_text
from ..model import SourceLocation
from .core import REFERENCE_FIELDS, TidyResult, rekey, tidy_bytes, tidy_text
from .duplicates import Duplicate
from .options import DEFAULT_FIELD_ORDER, OptionError, TidyOptions

__all__ = ["TidyOptions", "TidyResult", "OptionError", "Duplicate", "DEFAULT_FIELD_ORDER", "REFERENCE_FIELDS",
           "tidy_text", "tidy_bytes", "tidy_file", "write_result", "rekey"]


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", SourceLocation(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a .bib file", SourceLocation(path)) from None
    except PermissionError:
        raise InputError("permission denied", SourceLocation(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", SourceLocation(path)) from None


def tidy_file(path: str, options: TidyOptions | None = None, *, strict: bool = False) -> TidyResult:
    """Tidy one file (``-`` = standard input) without writing anything; see :func:`write_result`."""
    return tidy_bytes(_read_bytes(path), options, origin="<stdin>" if path == "-" else path, strict=strict)


def write_result(result: TidyResult, path: str, *, backup: bool = True) -> Path | None:
    """Write ``result.text`` to ``path`` atomically, in the input's encoding; ``-`` = standard output.

    With ``backup`` an existing file is first copied to ``FILE.bak`` (returned).  Nothing is written
    when ``path`` is the input itself and the text did not change.
    """
    if path != "-" and path == result.origin and not result.changed:
        return None
    if path == "-":
        data = result.text.encode(result.encoding)
        out = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
        if out is None:
            sys.stdout.write(result.text)
        else:
            sys.stdout.flush()
            out.write(data)
            out.flush()
        return None
    return atomic_write_text(path, result.text, backup=backup, encoding=result.encoding)
