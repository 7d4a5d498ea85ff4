"""What an input is when it is no list of papers: a binary, an image, a config file, source code.

``bibkit build notes.toml`` by mistake must not turn ``[section]`` lines into papers, and an
executable must not become 29 entries of mojibake: such inputs are refused before anything
is written (exit 3), with what they look like and how to force a reader anyway.  The checks
look at the bytes' magic numbers and at the shape of the text's lines; a real paste of
papers has none of these shapes, so the checks never refuse one.
"""

from __future__ import annotations

import re

from ..lazyre import compile_on_first_use

__all__ = ["binary_kind", "text_kind", "is_comment_only_bib", "utf16_without_bom"]

_MAGIC: tuple[tuple[bytes, str | None], ...] = (
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xfe\xed\xfa", "a Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "a Java class or Mach-O file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF file (WebP image, WAV audio, AVI video)"),
    (b"BM", None),  # too short to trust alone
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF-", "a PDF document (copy its reference list or page as text instead)"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.epub file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x00\x00\x01\x00", "an icon image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"OggS", "an Ogg audio/video file"),
    (b"ID3", "an MP3 audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x00asm", "a WebAssembly module"),
)


def binary_kind(data: bytes) -> str | None:
    """What a binary input is ("a PNG image"), or ``None`` when the bytes may be text."""
    head = data[:16]
    for magic, kind in _MAGIC:
        if kind and head.startswith(magic):
            if magic == b"RIFF" and data[8:12] not in (b"WEBP", b"WAVE", b"AVI "):
                continue
            return kind
    if data[4:12] in (b"ftypisom", b"ftypmp42", b"ftypheic", b"ftypavif", b"ftypM4A ") or data[4:8] == b"ftyp":
        return "an MP4/HEIC media file"
    sample = data[:8192]
    if not sample:
        return None
    if utf16_without_bom(data) is not None or sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    nul = sample.count(b"\x00")
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if nul >= 0.1 * len(sample) or control >= max(8, 0.1 * len(sample)):
        return "binary data"
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the bytes are UTF-16 text without a byte order mark (mostly
    ASCII: every other byte zero, on the odd positions for little-endian), else ``None``."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    sample = sample[: len(sample) // 2 * 2]
    even, odd = sample[0::2], sample[1::2]
    zero_even, zero_odd = even.count(0), odd.count(0)
    half = len(even)
    if zero_odd >= 0.6 * half and zero_even <= 0.05 * half:
        return "utf-16-le"
    if zero_even >= 0.6 * half and zero_odd <= 0.05 * half:
        return "utf-16-be"
    return None


_TOML_TABLE = compile_on_first_use(__name__, r"^\s*\[\[?\s*[\w.\"' -]+\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = compile_on_first_use(__name__, r"""^\s*[\w."'-]+\s*=\s*"""
                                            r"""(?:".*"|'.*'|\[.*|\{.*|[-+]?\d[\w.:+-]*|true|false|\"\"\"|'''|[\w.-]+)\s*(?:#.*)?$""")
_INI_KEY = compile_on_first_use(__name__, r"^\s*[\w.-]+\s*[=:]\s*\S")
_CODE = compile_on_first_use(
    __name__,
    r"^\s*(?:def |class |import |from \S+ import |return\b|elif |else:|try:|except\b|finally:|with .+:$|for .+ in .+:$|"
    r"while .+:$|if .+:$|@\w+|#include\b|#define\b|#ifn?def\b|#pragma\b|(?:public|private|protected|static|final) |"
    r"(?:int|void|char|float|double|bool|auto|const|let|var|fn|func|function|package|use|impl|struct|enum|"
    r"typedef|namespace|template|interface|module|export|async) |\}\s*(?:else)?\s*\{?\s*$|\{\s*$|\};?\s*$|.*;\s*$|"
    r".*\)\s*\{\s*$|.*=>\s*\{?\s*$|#!\s*/|<\?php|package \w|<\/?[a-z][\w-]*[ >])"
)
_MARKUP = compile_on_first_use(
    __name__, r"^\s*<(?:!DOCTYPE|html|\?xml|head|body|div|span|p|a|meta|script|style|svg|table|tr|td)\b",
    re.IGNORECASE)
_PAPERISH = compile_on_first_use(__name__, r"arxiv|doi|https?://|\b(?:19|20)\d\d\b|et al", re.IGNORECASE)


def _toml_tables(text: str) -> int:
    """How many keys and tables a text holds when it is valid TOML (0 when it is not)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return 0
    return len(data)


def _json_records(text: str) -> bool:
    """Whether a text is a JSON object, or an array holding objects (a config, an API's answer): data,
    not a paste.  (An array of strings — links or ids — is left to the listing reader.)"""
    import json

    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) or isinstance(data, list) and any(isinstance(x, dict) for x in data)


def text_kind(text: str) -> str | None:
    """What a text input is when it is a config file, source code or markup, else ``None``."""
    lines = [ln for ln in text.splitlines()[:400] if ln.strip()]
    if not lines:
        return None
    if len(text) <= 2_000_000 and any(_TOML_TABLE.match(ln) or _TOML_KEY.match(ln) for ln in lines[:50]) \
            and _toml_tables(text) >= 1:
        return "a TOML configuration file"
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "[") and len(text) <= 2_000_000 and _json_records(stripped):
        return "JSON data that is not Hugging Face papers JSON"
    if _MARKUP.match(stripped) and sum(1 for ln in lines if ln.lstrip().startswith("<")) >= 0.4 * len(lines):
        return "HTML or XML source (copy the page's text from the browser instead)"
    content = [ln for ln in lines if not ln.lstrip().startswith(("#", ";", "//"))]
    if not content:
        return None
    tables = sum(1 for ln in content if _TOML_TABLE.match(ln))
    keys = sum(1 for ln in content if _TOML_KEY.match(ln))
    if keys >= 2 and tables + keys >= 0.7 * len(content):
        return "a TOML or INI configuration file"
    if tables >= 1 and sum(1 for ln in content if _INI_KEY.match(ln)) + tables >= 0.7 * len(content):
        return "a TOML or INI configuration file"
    code = sum(1 for ln in content if _CODE.match(ln))
    paperish = sum(1 for ln in content if _PAPERISH.search(ln))
    if code >= 3 and code >= 0.4 * len(content) and paperish <= 0.2 * len(content):
        return "source code"
    return None


_BIB_COMMENT_BLOCK = compile_on_first_use(__name__, r"@\s*comment\s*[{(]", re.IGNORECASE)


def is_comment_only_bib(text: str) -> bool:
    """A ``.bib`` file with no entries but only what BibTeX treats as comments that a person
    writes in one: ``%`` lines and ``@comment`` blocks (and blank lines)."""
    depth = 0
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if depth > 0 or _BIB_COMMENT_BLOCK.match(s):
            depth = max(0, depth + s.count("{") + s.count("(") - s.count("}") - s.count(")"))
            continue
        if not s.startswith("%"):
            return False
    return True
