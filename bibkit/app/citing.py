"""``bibkit cite``: read the sources (files or Zotero collections), select what an ``.aux`` cites, write it.

Reading an ``.aux`` and choosing the entries is :mod:`bibkit.cite`; this is
the job around it, and the one place a citation source can be a Zotero
collection (``zotero:Papers/MyPaper``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from zotero_bridge.export import export_collection

from ..cite import CiteResult, Source, read_aux, select_cited
from ..config import Settings, load_settings
from ..errors import InputError
from ..model import Document
from ..normalize import normalise
from .command_options import CiteOptions
from .documents import key_formula, read_inputs, write_output
from .options import WriteOptions

__all__ = ["CiteResult", "cite", "read_source"]

ZOTERO_PREFIX = "zotero:"


def read_source(spec: str, *, strict: bool = False, key_format: str | None = None,
                settings: Settings | None = None) -> Source:
    """Read one ``--from`` source: a file bibkit reads (a ``.bib``, a listing…) or ``zotero:COLLECTION/PATH``.

    Entries without a citation key (a pasted listing) get the keys
    ``bibkit convert`` would give them.  A Zotero collection is read with its
    subcollections, through the local API.
    """
    settings = settings or load_settings()
    formula = key_formula(key_format, settings)
    if spec.startswith(ZOTERO_PREFIX):
        path = spec[len(ZOTERO_PREFIX):].strip().strip("/")
        if not path:
            raise InputError("zotero: needs a collection path, e.g. --from zotero:Papers/MyPaper")
        exported = export_collection(path, recursive=True, settings=settings, key_format=formula)
        return Source(spec, Document(blocks=list(exported.entries), metadata={"format": "zotero", "collection": path}))
    doc = read_inputs([spec], strict=strict)
    if any(not e.key for e in doc.entries):
        normalise(doc, key_format=formula)
    return Source(spec, doc)


def cite(aux_path: str | Path, sources: Sequence[str], out: str | None = None, options: CiteOptions = CiteOptions(),
         *, settings: Settings | None = None) -> CiteResult:
    """Write the entries ``aux_path`` cites, taken from ``sources``, to ``out`` (``None``: don't write, ``-``: stdout).

    The output format defaults to ``biblatex`` when the ``.aux`` is biblatex's
    (biber) and ``bibtex`` otherwise.  Cited keys no source has raise
    :class:`~bibkit.errors.MissingCitationsError` (exit 7) unless
    ``options.allow_missing``.
    """
    if not sources:
        raise InputError("no source given: name the bibliographies to take entries from with --from refs.bib")
    settings = settings or load_settings()
    formula = key_formula(options.key_format, settings)
    aux = read_aux(aux_path)
    read = [read_source(s, strict=options.strict, key_format=formula, settings=settings) for s in sources]
    fmt = options.to or ("biblatex" if aux.backend == "biber" else "bibtex")
    result = select_cited(read, aux, allow_missing=options.allow_missing, rename_aliases=fmt == "bibtex",
                          parents_ignore_case=fmt == "bibtex")
    result.format = fmt
    if out is not None:
        write_output(result.document, out, WriteOptions(to=fmt, ascii=options.ascii),
                     inputs=[s for s in sources if not s.startswith(ZOTERO_PREFIX)])
        result.output = out
    return result
