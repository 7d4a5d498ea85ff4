"""The tidy run: read one ``.bib`` text, apply the options, lay it out, say what changed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ..bibsyntax import parse_expression, raw_value
from ..errors import InputError
from ..model import REFERENCE_FIELDS, Document, Entry, Problem, RawBlock, SourceLocation
from ..normalize.citekeys import KeyChange, assign_keys, compile_formula, keyed_by_formula
from ..normalize.pinning import merge_aliases
from ..normalize.texscan import match_brace
from ..sources.bibfile import read
from .duplicates import Duplicate, find_duplicates, merge_item
from .options import TidyOptions
from .order import Block, Item, sort_blocks, sort_fields
from .values import format_value

__all__ = ["TidyResult", "tidy_text", "tidy_bytes", "rekey", "REFERENCE_FIELDS"]



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
        import difflib  # only for a diff (start-up time: 5 ms to import)

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
    """Keep ``old`` as a citation key alias of ``item`` in BibLaTeX's ``ids`` field (True when added), by the
    alias rule every stage shares (:func:`bibkit.normalize.pinning.merge_aliases`)."""
    raw = item.get("ids")
    split = _split_keys(raw) if raw is not None else ("brace", [])
    if split is None:
        return False
    kind, keys = split
    merged = merge_aliases(keys, [old], item.key)
    if merged == keys:
        return False
    if raw is None:
        item.fields.append(["ids", "ids", _join_keys(kind, merged)])
    else:
        item.set("ids", _join_keys(kind, merged))
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
    # Who gets a postfix (foo2020 / foo2020a) is decided by content; aliases and references to other keys
    # are not content (re-keying changes them), so they are set aside, and entries whose content is the
    # same are ordered by their first key (the first alias once re-keyed) instead of their position:
    # re-keying a re-keyed file, however sorted, then changes nothing.
    set_aside: dict[int, dict[str, str]] = {}
    for it in items:
        it.entry.key = it.key or None
        it.entry.key_pinned = bool(it.key) and not keyed_by_formula(it.entry)  # a @set or @xdata keeps its key
        moved = {name: it.entry.extra.pop(name) for name in ("ids",) + REFERENCE_FIELDS if name in it.entry.extra}
        if moved:
            set_aside[id(it.entry)] = moved

    def first_key(it: Item) -> str:
        split = _split_keys(it.get("ids") or "")
        return (split[1][0] if split and split[1] else it.key).casefold()

    entries = [it.entry for it in sorted(items, key=first_key)]
    try:
        changes = assign_keys(entries, key_format, recompute=True)
    finally:
        for it in items:
            it.entry.extra.update(set_aside.get(id(it.entry), {}))
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


#: the fields through which an entry inherits another's fields (BibTeX's crossref; biber's xdata too)
_INHERIT_FROM = ("crossref", "xdata")
_EMPTY = ("{}", '""')


def inherited_names(items: list[Item]) -> dict[int, frozenset[str]]:
    """For each entry with a ``crossref``/``xdata`` parent (by ``id`` of its item): the names of the fields its
    parents, and theirs, give a value.  An empty field of those names is not nothing: it is how a ``.bib``
    stops BibTeX and biber from handing the entry the parent's value (xampl.bib's ``key = ""`` keeps plain
    from printing "In GAJ" for an article of the journal entry whose key is GAJ), so
    ``--remove-empty-fields`` keeps it."""
    by_key = {it.key.casefold(): it for it in reversed(items) if it.key}

    def parents(it: Item) -> list[str]:
        out: list[str] = []
        for name in _INHERIT_FROM:
            raw = it.get(name)
            split = _split_keys(raw) if raw is not None else None
            if split is not None:
                out.extend(split[1])
        return out

    found: dict[int, frozenset[str]] = {}
    for it in items:
        todo = parents(it)
        if not todo:
            continue
        names: set[str] = set()
        seen = {id(it)}
        while todo:
            parent = by_key.get(todo.pop().casefold())
            if parent is None or id(parent) in seen:
                continue
            seen.add(id(parent))
            names.update(f[1] for f in parent.fields if f[2].strip() not in _EMPTY)
            todo.extend(parents(parent))
        found[id(it)] = frozenset(names)
    return found


# --------------------------------------------------------------------------- layout


def _format_entry(item: Item, opts: TidyOptions, blocking: frozenset[str] = frozenset()) -> str:
    """The entry laid out; ``blocking``: names of empty fields kept by ``--remove-empty-fields`` (see
    :func:`inherited_names`)."""
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
        if opts.remove_empty_fields and value in _EMPTY and lname not in blocking:
            continue
        lines.append(f"{indent}{name.ljust(width)} = {value}")
    head = f"@{etype}{{{item.key},"
    if not lines:
        return head + "\n}"
    return head + "\n" + ",\n".join(lines) + ("," if opts.trailing_commas else "") + "\n}"


_SPECIAL_HEAD = re.compile(r"@[ \t]*(comment|string|preamble)[ \t]*\{", re.IGNORECASE)


class _RawText:
    """The input text (as the reader saw it), for finding blocks in it again.

    The reader keeps values, not the text around them (a comment without its surrounding white space, a
    text block without its first line's indentation), and its line numbers are a hint only (they can be
    off in files it had to recover).  So a block is looked for near its line and accepted only where the
    text there is the block: its command and name, its key, its value.
    """

    _WINDOW = 20_000  # characters searched on either side of the line a block is said to start on

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def _hint(self, block: Entry | RawBlock) -> int:
        line = block.origin.line if block.origin is not None else None
        if line is None or not 1 <= line <= len(self.starts):
            return 0
        return self.starts[line - 1]

    def _nearest(self, pattern: re.Pattern[str], hint: int,
                 accept: Callable[[re.Match[str]], bool] | None = None) -> re.Match[str] | None:
        best: re.Match[str] | None = None
        for lo, hi in ((max(0, hint - self._WINDOW), hint + self._WINDOW), (0, len(self.text))):
            for m in pattern.finditer(self.text, lo, min(hi, len(self.text))):
                if accept is not None and not accept(m):
                    continue
                if best is None or abs(m.start() - hint) < abs(best.start() - hint):
                    best = m
            if best is not None:
                return best
        return None

    def locate(self, block: Entry | RawBlock) -> int | None:
        """Offset of the block's first character in the text, or None when it cannot be found for sure."""
        hint = self._hint(block)
        if isinstance(block, Entry):
            written = block.bib.entry_type if block.bib is not None else block.entry_type
            key = re.escape(block.key or "")
            pat = re.compile(r"@[ \t]*" + re.escape(written) + r"[ \t]*[{(]\s*" + key + r"\s*[,})]", re.IGNORECASE)
            m = self._nearest(pat, hint)
            return m.start() if m else None
        if block.kind == "text":
            probe = block.value.lstrip()[:60]
            if not probe:
                return None
            m = self._nearest(re.compile(re.escape(probe)), hint)
            return m.start() if m else None
        found = self._special(block, hint)
        return found[0] if found else None

    def _special(self, block: RawBlock, hint: int) -> tuple[int, int, int] | None:
        """``(start, end of the command word, end)`` of an @string/@preamble/@comment block."""
        pat = re.compile(r"@[ \t]*" + block.kind + r"[ \t]*\{", re.IGNORECASE)

        def matches(m: re.Match[str]) -> bool:
            close = match_brace(self.text, m.end() - 1)
            if close < 0:
                return False
            body = self.text[m.end():close]
            if block.kind == "string":
                name, _, value = body.partition("=")
                return name.strip() == (block.name or "").strip() and value.strip() == block.value.strip()
            return body.strip() == block.value.strip()

        m = self._nearest(pat, hint, matches)
        if m is None:
            return None
        return m.start(), m.end() - 1, match_brace(self.text, m.end() - 1) + 1

    def block(self, block: RawBlock, lowercase: bool) -> str | None:
        """An @string/@preamble/@comment block exactly as written (the command lower-cased if asked)."""
        found = self._special(block, self._hint(block))
        if found is None:
            return None
        start, brace, end = found
        return ("@" + block.kind if lowercase else self.text[start:brace].rstrip()) + self.text[brace:end]

    def line_start(self, offset: int) -> int:
        """The start of the line holding ``offset`` when only blanks precede it there, else ``offset``."""
        begin = self.text.rfind("\n", 0, offset) + 1
        return begin if not self.text[begin:offset].strip() else offset

    def indented(self, block: RawBlock) -> str:
        """A text block with the indentation its first line had."""
        offset = self.locate(block)
        if offset is None:
            return block.value
        return self.text[self.line_start(offset):offset] + block.value


def _format_raw(block: RawBlock, raw: _RawText, lowercase: bool) -> str:
    if block.kind in ("string", "preamble", "comment"):
        exact = raw.block(block, lowercase)
        if exact is not None:
            return exact
    if block.kind == "text":
        return raw.indented(block).strip("\n")
    if block.kind == "string":
        return f"@string{{{block.name} = {block.value}}}"
    if block.kind == "preamble":
        return f"@preamble{{{block.value}}}"
    if block.kind == "comment":
        return f"@comment{{{block.value}}}"
    return block.value.strip("\n")


#: reader problems meaning "this block could not be read as written": tidy keeps such text as it was
BROKEN = frozenset({"malformed-entry", "repaired-entry", "malformed-field", "stray-text", "malformed-string"})


def _line(block: Entry | RawBlock) -> int | None:
    return block.origin.line if block.origin is not None else None


def _verbatim_regions(doc: Document, raw: _RawText) -> list[Entry | RawBlock]:
    """The document's blocks, with every stretch of input the reader could not read cleanly — a malformed
    or repaired entry, an unparseable block, the stray text after it — replaced by that input text, byte
    for byte, up to the next block read cleanly.  Tidy never guesses at a repair, and a second run reads
    the same text the same way (idempotence).  A stretch that cannot be found in the text for sure is left
    as the reader read it (and reported by it)."""
    broken_lines = {p.location.line for p in doc.problems if p.code in BROKEN and p.location is not None}

    def broken(b: Entry | RawBlock) -> bool:
        if isinstance(b, Entry):
            return any(p.code in BROKEN for p in b.problems)
        return _line(b) in broken_lines or (b.kind == "text" and b.value.lstrip().startswith("@"))

    blocks = doc.blocks
    if not broken_lines and not any(broken(b) for b in blocks):
        return blocks
    out: list[Entry | RawBlock] = []
    i, n = 0, len(blocks)
    while i < n:
        block = blocks[i]
        start = raw.locate(block) if broken(block) else None
        if start is None:
            out.append(block)
            i += 1
            continue
        head = block
        mid_line = raw.line_start(start) != raw.text.rfind("\n", 0, start) + 1
        if isinstance(block, RawBlock) and mid_line and out:
            # the stray text begins in the middle of a line (after a "}" too many): the entry before it is
            # part of the trouble, and the verbatim text starts with it
            prev = raw.locate(out[-1])
            if prev is not None and prev < start:
                head = out.pop()
                start = prev
        start = raw.line_start(start)
        j, end = i + 1, len(raw.text)
        while j < n:  # up to the next block that was read cleanly (and is found after the stretch)
            nxt = blocks[j]
            if not broken(nxt) and (isinstance(nxt, Entry) or nxt.kind != "text"):
                found = raw.locate(nxt)
                if found is not None and found > start:
                    end = raw.line_start(found)
                    break
            j += 1
        text = raw.text[start:end].rstrip()
        if isinstance(head, Entry):
            head.problems.append(Problem("kept-as-written", "malformed entry kept exactly as written (tidy does "
                                         "not guess at repairs): fix it by hand", "warning", head.origin, head.key))
        out.append(RawBlock("text", text, origin=head.origin))
        i = j
    return out


def _blocks(doc: Document, opts: TidyOptions, raw: _RawText) -> list[Block]:
    out: list[Block] = []
    for block in _verbatim_regions(doc, raw):
        if isinstance(block, Entry):
            origin = block.bib
            if origin is None:  # pragma: no cover - the .bib reader always records the origin
                raise InputError("entry without its .bib text", block.origin, block.key)
            fields = [[origin.names.get(name, name), name, raw_value(origin, name)] for name in origin.fields]
            out.append(Item(block, origin.entry_type, block.key or "", fields))
        elif opts.strip_comments and block.kind in ("comment", "text") and not block.value.lstrip().startswith("@"):
            continue
        else:
            out.append(block)
    return out


def _refresh_models(items: list[Item], blocks: list[Block], raw: _RawText, origin: str) -> None:
    """Read merged entries again, so that sorting and re-keying see the fields they have now (with the
    file's @string macros), exactly as a second run reading the output would."""
    if not items:
        return
    strings = "\n".join(_format_raw(b, raw, True) for b in blocks if isinstance(b, RawBlock) and b.kind == "string")
    plain = TidyOptions(escape=False, page_ranges=False, lowercase=False)
    for it in items:
        doc = read(strings + "\n" + _format_entry(it, plain) + "\n", origin)
        fresh = doc.entries
        if len(fresh) == 1:
            fresh[0].origin, fresh[0].problems = it.entry.origin, it.entry.problems
            it.entry = fresh[0]


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
    raw = _RawText(_normalised(text))
    blocks = _blocks(doc, opts, raw)
    items = [b for b in blocks if isinstance(b, Item)]
    result = TidyResult(origin, text, "", problems=doc.all_problems())
    if not items and "@" not in text and any(ln.strip() and not ln.lstrip().startswith("%")
                                             for ln in text.splitlines()):
        # not a .bib at all (notes, a listing, a reference list): left as it is, and the user told why
        result.problems.append(Problem(
            "no-entries", "no BibTeX entries: tidy lays out .bib files and left this text as it is (to read "
            "a listing, a reference list or links: bibkit convert FILE -o refs.bib)", "warning",
            SourceLocation(origin, 1)))

    if opts.duplicates:
        gone: set[int] = set()
        merged_into: set[int] = set()
        renamed: dict[str, str] = {}
        for rule, later, earlier in find_duplicates(items, opts.duplicates):
            loc = later.entry.origin
            if opts.merge is None:
                result.duplicates.append(Duplicate(rule, later.key, earlier.key, None, loc))
                continue
            old_keep, old_later = earlier.key, later.key
            merge_item(earlier, later, opts.merge)
            merged_into.add(id(earlier))
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
            _refresh_models([it for it in items if id(it) in merged_into], blocks, raw, origin)
    if opts.rekey:
        result.key_changes = rekey(items, opts.key_format, alias=opts.alias_old_keys)
    if opts.sort:
        blocks = sort_blocks(blocks, opts.sort)

    blocking = inherited_names(items) if opts.remove_empty_fields else {}
    chunks = [_format_entry(b, opts, blocking.get(id(b), frozenset())) if isinstance(b, Item)
              else _format_raw(b, raw, opts.lowercase) for b in blocks]
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

