"""Reading, normalising and writing documents: the steps every command shares.

``bibkit convert``, ``build``, ``enrich``, ``tag``, ``collections``, ``cite``,
``repos`` and ``zotero-bridge sync`` all read their inputs with
:func:`read_inputs`, give keys with :func:`normalise_document` and (when they
write a bibliography) write with :func:`write_output` — one path, so a key
formula, a reader or a writer cannot behave differently in one command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from ..config import Settings, load_settings
from ..errors import InputError, UsageError
from ..fileio import atomic_write_text, same_file
from ..model import Document, Entry
from ..normalize import KeyChange, NormaliseResult, normalise
from ..normalize.citekeys import FormulaError, compile_formula
from ..normalize.pinning import PinnedKeyError, rekey
from ..outcomes import Severity
from ..sources import MACROS_METADATA, read_path
from ..writers import FORMATS as OUTPUT_FORMATS
from ..writers import write_chunks
from .options import ReadOptions, WriteOptions
from .prior import load_prior, pin_prior

__all__ = ["key_formula", "normalise_document", "read_inputs", "read_normalised", "rekey_entries", "render",
           "write_output"]


def read_inputs(paths: Sequence[str], fmt: str | None = None, *, strict: bool = False) -> Document:
    """Read every input (a path or ``-`` for stdin) into one document, in order.

    ``fmt`` forces a reader (``listing``, ``ids``, ``bib``, ``hf-json``) for all
    inputs; otherwise each input's format is detected.  With ``strict`` a
    malformed entry raises :class:`~bibkit.errors.InputError` (file, line, key).
    """
    if not paths:
        raise InputError("no input given")
    doc = Document()
    formats: list[str] = []
    macros: dict[str, str] = {}  # the .bib inputs' @string macros so far: BibTeX and biber share them in order
    for path in paths:
        part = read_path(path, fmt, strict=strict, macros=macros)
        macros.update(part.metadata.pop(MACROS_METADATA, None) or {})
        formats.append(str(part.metadata.get("format", fmt or "?")))
        doc.extend(part)
    doc.metadata["inputs"] = list(paths)
    doc.metadata["formats"] = formats
    if strict:
        errors = [p for p in doc.all_problems() if p.severity == Severity.ERROR]
        if errors:
            first = errors[0]
            raise InputError(first.message, first.location, first.key)
    return doc


def key_formula(key_format: str | None, settings: Settings | None = None) -> str:
    """The citation key formula to use — ``key_format``, else the configured one — checked before any work.

    A formula that does not parse is a bad option value: :class:`~bibkit.errors.UsageError`
    (exit 2) in one line naming the formula, the column and what is wrong.
    """
    formula = key_format if key_format is not None else (settings or load_settings()).citekey_format
    try:
        return compile_formula(formula).source
    except FormulaError as exc:
        where = f"column {exc.position + 1}"
        raise UsageError(f"bad citation key formula {exc.formula!r} ({where}): {exc.reason}") from None


def normalise_document(doc: Document, *, key_format: str | None = None, dedupe: bool = True,
                       recompute_keys: bool = False, merge_duplicates: bool = False) -> NormaliseResult:
    """Merge duplicates and assign unique, stable citation keys (see :mod:`bibkit.normalize`).

    ``key_format`` ``None`` is the configured formula; a bad one is a :class:`~bibkit.errors.UsageError`.
    ``merge_duplicates`` also merges look-alike ``.bib`` entries whose fields differ.
    """
    return normalise(doc, key_format=key_formula(key_format), dedupe=dedupe, recompute_keys=recompute_keys,
                     merge_curated=merge_duplicates)


def read_normalised(inputs: Sequence[str], options: ReadOptions,
                    settings: Settings) -> tuple[Document, NormaliseResult]:
    """Read and normalise as every command does; the formula is checked before any input is read.

    Keys issued before are loaded first: the papers of ``--keys-from`` files
    keep their keys there (:mod:`bibkit.app.prior`; ``bibkit build`` also
    reads its own previous output).
    """
    formula = key_formula(options.key_format, settings)
    doc = read_inputs(inputs, options.fmt, strict=options.strict)
    prior = load_prior(None, options.keys_from)
    pin_prior(doc, prior)
    result = normalise(doc, key_format=formula, dedupe=options.dedupe, merge_curated=options.merge_duplicates,
                       reserved=prior.reserved)
    if options.rekey:
        rekey_entries(doc.entries, formula, force=options.force, reserved=prior.reserved)
    return doc, result


def rekey_entries(entries: Sequence[Entry], formula: str, *, force: bool = False,
                  reserved: Iterable[str] = ()) -> list[KeyChange]:
    """Recompute every key by ``formula`` and keep each old key as an alias (``ids``); the changes, old → new.

    The one re-keying rule (``--rekey``; ``bibkit tidy --rekey`` can call it
    too): keys the user pinned — an input ``.bib``'s, ``--keys-from``,
    Zotero's, typed by hand — are refused with a :class:`~bibkit.errors.UsageError`
    unless ``force``.
    """
    try:
        return rekey(entries, formula, force=force, reserved=reserved)
    except PinnedKeyError as exc:
        raise UsageError(str(exc)) from None


def render(doc: Document, to: str | None = None, *, ascii: bool = False, code_note: bool = False) -> str:
    """The output text of a document in one of :data:`~bibkit.app.options.OUTPUT_FORMATS`; ``None``
    writes entries read from a ``.bib`` as they were written (types, fields, macros, comments) and new
    ones as BibTeX."""
    return "".join(render_pieces(doc, to, ascii=ascii, code_note=code_note))


def render_pieces(doc: Document, to: str | None = None, *, ascii: bool = False,
                  code_note: bool = False) -> Iterable[str]:
    """:func:`render`'s text in pieces (BibTeX a block at a time), for writing a big bibliography to a file
    without holding it whole in memory."""
    if to is not None and to not in OUTPUT_FORMATS:
        raise InputError(f"unknown output format {to!r} (choose from {', '.join(OUTPUT_FORMATS)})")
    return write_chunks(doc, to, ascii=ascii, code_note=code_note)


def write_output(doc: Document, out: str | None, options: WriteOptions = WriteOptions(), *,
                 inputs: Iterable[str] = ()) -> Path | None:
    """Render and write atomically to ``out`` (``None`` or ``-`` = stdout).

    If ``out`` is one of the ``inputs``, the input is first saved as
    ``<name>.bak`` (inputs are never overwritten without a backup); the backup
    path is returned.
    """
    pieces = render_pieces(doc, options.to, ascii=options.ascii, code_note=options.code_note)
    target = out or "-"
    overwrites_input = any(same_file(target, p) for p in inputs)
    return atomic_write_text(target, pieces, backup=overwrites_input)
