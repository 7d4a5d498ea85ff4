"""The tidy run: read one ``.bib`` text, apply the options, lay it out, say what changed."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..errors import InputError
from ..model import Document, Entry, Problem, RawBlock, SourceLocation
from ..normalize.citekeys import KeyChange, assign_keys, compile_formula
from ..normalize.texscan import match_brace
from ..sources.bibfile import parse_expression, raw_value, read
from .duplicates import Duplicate, find_duplicates, merge_item
from .options import TidyOptions
from .order import Block, Item, sort_blocks, sort_fields
from .values import format_value

__all__ = ["TidyResult", "tidy_text", "tidy_bytes", "rekey", "REFERENCE_FIELDS"]

#: fields whose value names other entries by key (BibTeX's crossref, BibLaTeX's xref, xdata, related, sets)
REFERENCE_FIELDS = ("crossref", "xref", "xdata", "related", "entryset", "set")


@dataclass
class TidyResult:
    """One tidied text.  ``text`` is the output; ``changed`` says whether it differs from the input.

    ``problems`` are the reader's (malformed entries, duplicate fields…, each with file and line);
    ``key_changes`` the keys ``--rekey`` (or a merge) changed; ``duplicates`` what ``--duplicates`` found.
    """

    origin: str
    original: str
    text: str
    entries: int = 0
    problems: list[Problem] = field(default_factory=list)
    key_changes: list[KeyChange] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    encoding: str = "utf-8"

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def diff(self, context: int = 3) -> Iterator[str]:
        """A unified diff from the input to the output (lines end with a newline)."""
        a = self.original.splitlines(keepends=True)
        b = self.text.splitlines(keepends=True)
        for line in difflib.unified_diff(a, b, self.origin, f"{self.origin} (tidy)", n=context):
            yield line if line.endswith("\n") else line + "\n"

    def first_difference(self) -> tuple[int, str, str] | None:
        """``(1-based line, input line, output line)`` of the first line that differs, else None."""
        a = self.original.splitlines()
        b = self.text.splitlines()
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return i + 1, x, y
        if len(a) != len(b):
            n = min(len(a), len(b))
            return n + 1, a[n] if n < len(a) else "", b[n] if n < len(b) else ""
        return None

    def as_dict(self) -> dict[str, Any]:
        first = self.first_difference()
        return {
            "file": self.origin, "entries": self.entries, "changed": self.changed,
            "first_difference": first[0] if first else None,
            "problems": [str(p) for p in self.problems],
            "key_changes": [{"old": c.old, "new": c.new} for c in self.key_changes],
            "duplicates": [d.as_dict() for d in self.duplicates],
        }


# --------------------------------------------------------------------------- keys


def _split_keys(raw: str) -> tuple[str, list[str]] | None:
    """``(delimiter kind, keys)`` of a one-part key-list value (``{a, b}``), else None."""
    parts, leftover = parse_expression(raw.strip())
    if leftover or len(parts) != 1 or parts[0][0] not in ("brace", "quote"):
        return None
    return parts[0][0], [k.strip() for k in parts[0][1].split(",") if k.strip()]


def _join_keys(kind: str, keys: list[str]) -> str:
    text = ", ".join(keys)
    return "{" + text + "}" if kind == "brace" else '"' + text + '"'


def add_alias(item: Item, old: str) -> bool:
    """Keep ``old`` as a citation key alias of ``item`` in BibLaTeX's ``ids`` field (True when added)."""
    if not old or old.casefold() == item.key.casefold():
        return False
    raw = item.get("ids")
    if raw is None:
        item.fields.append(["ids", "ids", "{" + old + "}"])
        return True
    split = _split_keys(raw)
    if split is None:
        return False
    kind, keys = split
    if old.casefold() in {k.casefold() for k in keys}:
        return False
    item.set("ids", _join_keys(kind, keys + [old]))
    return True


def _point_references(items: list[Item], renamed: dict[str, str]) -> None:
    """Fields naming entries by key follow renamed keys (``renamed``: casefolded old key → new key)."""
    if not renamed:
        return
    for item in items:
        for f in item.fields:
            if f[1] not in REFERENCE_FIELDS:
                continue
            split = _split_keys(f[2])
            if split is None:
                continue
            kind, keys = split
            new = [renamed.get(k.casefold(), k) for k in keys]
            if new != keys:
                f[2] = _join_keys(kind, new)


def rekey(items: list[Item], key_format: str | None, *, alias: bool = True) -> list[KeyChange]:
    """New citation keys from the formula for every entry (unique, position-independent).

    The one call ``--rekey`` makes, so identity rules (which old keys to keep as aliases, which keys
    Zotero/Better BibTeX own) slot in here: today every old key is kept in ``ids`` (unless
    ``alias=False``) and reported, and ``crossref``/``xref``/… fields follow the new keys.
    """
    entries = [it.entry for it in items]
    for it in items:
        it.entry.key = it.key or None
        it.entry.key_pinned = False
    changes = assign_keys(entries, key_format, recompute=True)
    counts: dict[str, int] = {}
    for it in items:
        if it.key:
            counts[it.key.casefold()] = counts.get(it.key.casefold(), 0) + 1
    renamed: dict[str, str] = {}
    by_entry = {id(it.entry): it for it in items}
    for change in changes:
        it = by_entry[id(change.entry)]
        it.key = change.new
        if change.old and counts.get(change.old.casefold()) == 1:
            renamed[change.old.casefold()] = change.new
        if alias and change.old:
            add_alias(it, change.old)
    _point_references(items, renamed)
    return changes


# --------------------------------------------------------------------------- layout


def _format_entry(item: Item, opts: TidyOptions) -> str:
    etype = item.etype.lower() if opts.lowercase else item.etype
    fields = item.fields
    if opts.keep:
        fields = [f for f in fields if f[1] in opts.keep]
    if opts.omit:
        fields = [f for f in fields if f[1] not in opts.omit]
    if opts.sort_fields:
        fields = sort_fields(fields, opts.sort_fields)
    width = max(opts.align - 1, 0)
    lines: list[str] = []
    indent = opts.indent
    for written, lname, raw in fields:
        name = lname if opts.lowercase else written
        value = format_value(lname, raw, opts, max(width, len(name)))
        if opts.remove_empty_fields and value in ("{}", '""'):
            continue
        lines.append(f"{indent}{name.ljust(width)} = {value}")
    head = f"@{etype}{{{item.key},"
    if not lines:
        return head + "\n}"
    return head + "\n" + ",\n".join(lines) + ("," if opts.trailing_commas else "") + "\n}"


_SPECIAL_HEAD = re.compile(r"@[ \t]*(comment|string|preamble)[ \t]*\{", re.IGNORECASE)


class _RawText:
    """The exact text of ``@comment``/``@string``/``@preamble`` blocks, found again in the input by their line.

    The reader keeps their values (a comment without its surrounding white space); tidy writes them
    back exactly as they were, only the command in lower case (as bibtex-tidy does).
    """

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def block(self, block: RawBlock, lowercase: bool) -> str | None:
        line = block.origin.line if block.origin is not None else None
        if line is None or not 1 <= line <= len(self.starts):
            return None
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        m = _SPECIAL_HEAD.search(self.text, start, end)
        if m is None or m.group(1).lower() != block.kind:
            return None
        close = match_brace(self.text, m.end() - 1)
        if close < 0:
            return None
        raw = self.text[m.start():close + 1]
        if lowercase:
            raw = "@" + block.kind + raw[m.end() - m.start() - 1:]
        return raw


def _format_raw(block: RawBlock, raw: _RawText, lowercase: bool) -> str:
    if block.kind in ("string", "preamble", "comment"):
        exact = raw.block(block, lowercase)
        if exact is not None:
            return exact
    if block.kind == "string":
        return f"@string{{{block.name} = {block.value}}}"
    if block.kind == "preamble":
        return f"@preamble{{{block.value}}}"
    if block.kind == "comment":
        return f"@comment{{{block.value}}}"
    return block.value.strip("\n")


def _blocks(doc: Document, opts: TidyOptions) -> list[Block]:
    out: list[Block] = []
    for block in doc.blocks:
        if isinstance(block, Entry):
            origin = block.bib
            if origin is None:  # pragma: no cover - the .bib reader always records the origin
                raise InputError("entry without its .bib text", block.origin, block.key)
            fields = [[origin.names.get(name, name), name, raw_value(origin, name)] for name in origin.fields]
            out.append(Item(block, origin.entry_type, block.key or "", fields))
        elif opts.strip_comments and block.kind in ("comment", "text"):
            continue
        else:
            out.append(block)
    return out


def _normalised(text: str) -> str:
    """The text as the reader sees it (no byte-order mark, ``\\n`` line ends), so its line numbers apply."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def tidy_text(text: str, options: TidyOptions | None = None, *, origin: str = "<stdin>",
              strict: bool = False) -> TidyResult:
    """Tidy ``.bib`` text (see :mod:`bibkit.tidy`); ``origin`` names it in problems and the diff.

    A byte-order mark and Windows line endings are kept as the input had them.  With ``strict``,
    the first malformed entry raises :class:`~bibkit.errors.InputError` (exit code 3).
    """
    opts = options or TidyOptions()
    if opts.rekey:
        compile_formula(opts.key_format)  # a bad formula stops before anything else (FormulaError)
    bom = text.startswith("\ufeff")
    crlf = text.count("\r\n") * 2 > text.count("\n")
    doc = read(text, origin, strict=strict)
    blocks = _blocks(doc, opts)
    items = [b for b in blocks if isinstance(b, Item)]
    result = TidyResult(origin, text, "", problems=doc.all_problems())

    if opts.duplicates:
        gone: set[int] = set()
        renamed: dict[str, str] = {}
        for rule, later, earlier in find_duplicates(items, opts.duplicates):
            loc = later.entry.origin
            if opts.merge is None:
                result.duplicates.append(Duplicate(rule, later.key, earlier.key, None, loc))
                continue
            old_keep, old_later = earlier.key, later.key
            merge_item(earlier, later, opts.merge)
            gone.add(id(later))
            result.duplicates.append(Duplicate(rule, old_later, old_keep, earlier.key, loc))
            lost = old_keep if earlier.key != old_keep else old_later
            if lost and lost.casefold() != earlier.key.casefold():
                renamed[lost.casefold()] = earlier.key
                if opts.alias_old_keys:
                    add_alias(earlier, lost)
        if gone:
            blocks = [b for b in blocks if id(b) not in gone]
            items = [b for b in blocks if isinstance(b, Item)]
            _point_references(items, renamed)
    if opts.rekey:
        result.key_changes = rekey(items, opts.key_format, alias=opts.alias_old_keys)
    if opts.sort:
        blocks = sort_blocks(blocks, opts.sort)

    raw = _RawText(_normalised(text))
    chunks = [_format_entry(b, opts) if isinstance(b, Item) else _format_raw(b, raw, opts.lowercase) for b in blocks]
    out = ("\n\n" if opts.blank_lines else "\n").join(c for c in chunks if c.strip())
    if out:
        out += "\n"
    if crlf:
        out = out.replace("\n", "\r\n")
    if bom:
        out = "\ufeff" + out
    result.text = out
    result.entries = len(items)
    return result


# --------------------------------------------------------------------------- bytes


def decode(data: bytes) -> tuple[str, str]:
    """``(text, encoding)`` of a ``.bib`` file, for writing it back in the same encoding.

    UTF-8 (with or without a byte-order mark, which is kept in the text), UTF-16 with a BOM, else
    Windows-1252, else Latin-1 (which decodes every byte): tidy never rewrites a file's encoding.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def tidy_bytes(data: bytes, options: TidyOptions | None = None, *, origin: str = "<stdin>",
               strict: bool = False) -> TidyResult:
    """:func:`tidy_text` for the bytes of a file; ``result.encoding`` is the encoding to write it back in."""
    text, encoding = decode(data)
    result = tidy_text(text, options, origin=origin, strict=strict)
    result.encoding = encoding
    if encoding not in ("utf-8", "utf-16"):
        line = data.count(b"\n", 0, _first_bad_utf8(data)) + 1
        result.problems.insert(0, Problem(
            "not-utf8", f"not UTF-8: read and written back as {encoding}", "warning",
            SourceLocation(origin, line)))
    return result


def _first_bad_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return len(data)  # pragma: no cover

