"""LaTeX in ``.bib`` field values ⇄ the plain Unicode the model holds.

Why a codec of our own: the model keeps plain Unicode so that matchers and
enrichers compare like with like, which means every ``.bib`` value is decoded
on the way in and encoded on the way out.  That happens for every field of
every entry, so it has to be fast (table and regex driven, no pylatexenc at
run time) and it has to be exact: :func:`encode` followed by :func:`decode`
gives back the text it was given (see "Round trip" below).

Decoding (:func:`decode`)
    Accents in every spelling (``{\\"a}``, ``\\"{a}``, ``\\"a``, ``{\\'\\i}``,
    ``\\v{c}``, ``{\\v c}``, ``\\H o``), letters (``{\\ss}``, ``{\\o}``, ``\\l``,
    ``\\ae``…), text symbols (``\\textendash``, ``\\texteuro``…), escaped specials
    (``\\& \\% \\$ \\# \\_ \\{ \\}``), the TeX ligatures ``--`` ``---`` ````` ``''``
    ``!``` ``?```, ``~`` (a no-break space), ``\\ensuremath{\\alpha}`` → ``α``.
    Markup is dropped (``\\textit{x}`` → ``x``, ``{\\em x}`` → ``x``), ``\\url{…}`` keeps
    its argument verbatim, ``\\href{url}{text}`` keeps the text.  Math ``$…$`` is
    kept as ``$…$`` text because plain text cannot render it.  Unknown commands
    are kept with their brace arguments (``\\noopsort{a}``).  Braces are removed,
    runs of ASCII white space collapse to one space, the result is NFC.

Encoding (:func:`encode`)
    *Plain text* (the usual case) gets every LaTeX special escaped:
    ``& % $ # _`` with a backslash; ``{ } \\ ~ ^ < > |`` as text commands
    (``\\textbraceleft{}`` etc., because BibTeX counts ``\\{`` as a brace and
    OT1 fonts print ``<`` as ``¡``); a no-break space as ``~``; ``–``/``—`` as
    ``--``/``---``; and ``{}`` between two characters TeX would fuse into a
    ligature (``-{}-``, ``'{}'``).  Inline math that clearly is TeX math
    (``$^3$Helium``, ``$\\Sigma^{0}$``: a ``$…$`` span with ``\\ ^ _`` or ``{``
    inside, balanced braces, no ``% # &``) is kept untouched.
    *Text that already is LaTeX* (it contains a known command such as ``\\"o``,
    ``\\textit{…}``, ``\\&``, or an unknown ``\\cmd{`` , with balanced braces; see
    :func:`looks_like_latex`) is not escaped a second time: only stray
    ``& % # _ $`` outside math are escaped.
    Non-ASCII: characters pdflatex's ``utf8`` input encoding typesets (with
    ``\\usepackage[T1]{fontenc}``; see :data:`PDFLATEX_SAFE`) stay UTF-8 unless
    ``ascii=True``; Greek letters and math symbols become
    ``{\\ensuremath{\\alpha}}`` in both modes (UTF-8 ``α`` stops pdflatex);
    accented letters become ``{\\"u}``, ``{\\v{c}}``, ``{\\'i}`` (never ``\\'\\i``:
    biber decodes that to a dotless i with a combining accent that pdflatex
    rejects).  Characters with no macro at all (CJK, emoji) are kept as UTF-8:
    never lose text; :func:`unencodable` lists them so callers can warn that
    pdflatex will not typeset them (xelatex/lualatex will).

Round trip
    ``decode(encode(t)) == t`` for every ``t`` that is NFC, has no ASCII white
    space runs other than single spaces, no leading/trailing white space, no
    control characters, and is not :func:`looks_like_latex` — with
    ``ascii=True`` additionally only characters in :func:`ascii_supported`
    (``’`` and ``‘`` are written as TeX's ``'`` and ````` and so read back as ASCII).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..lazyre import compile_on_first_use
from .texscan import braces_balanced as _braces_balanced
from .texscan import delimited_math_end as _delimited_math_end
from .texscan import match_brace as _match_brace
from .texscan import math_end as _math_end

__all__ = [
    "decode",
    "encode",
    "to_ascii",
    "looks_like_latex",
    "unencodable",
    "ascii_supported",
    "PDFLATEX_SAFE",
    "math_spans",
    "escape_strays",
    "verbatim_as_text",
    "verbatim_end",
    "squeeze_space",
]

NBSP = "\u00a0"

# --------------------------------------------------------------------------- tables

#: combining mark for each LaTeX accent command
ACCENTS: dict[str, str] = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306",
    ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "d": "\u0323",
    "c": "\u0327", "k": "\u0328", "b": "\u0331", "t": "\u0361",
}
#: what an accent with nothing to sit on prints (``\\~{}`` is how people write a tilde)
_SPACING_ACCENT = {
    "`": "`", "'": "\u00b4", "^": "^", "~": "~", "=": "\u00af", "u": "\u02d8", ".": "\u02d9",
    '"': "\u00a8", "r": "\u02da", "H": "\u02dd", "v": "\u02c7", "c": "\u00b8", "k": "\u02db",
    "d": "", "b": "", "t": "",
}
_ACCENT_OF_MARK = {mark: cmd for cmd, mark in ACCENTS.items() if cmd != "t"}

#: control words that stand for one character (text mode).  The first spelling of a
#: character in this list is the one :func:`encode` writes.
_TEXT_SYMBOLS: list[tuple[str, str]] = [
    ("ss", "ß"), ("SS", "ẞ"), ("o", "ø"), ("O", "Ø"), ("l", "ł"), ("L", "Ł"), ("ae", "æ"), ("AE", "Æ"),
    ("oe", "œ"), ("OE", "Œ"), ("aa", "å"), ("AA", "Å"), ("i", "ı"), ("j", "ȷ"), ("dh", "ð"), ("DH", "Ð"),
    ("th", "þ"), ("TH", "Þ"), ("ng", "ŋ"), ("NG", "Ŋ"), ("dj", "đ"), ("DJ", "Đ"), ("ij", "ĳ"), ("IJ", "Ĳ"),
    ("textendash", "–"), ("textemdash", "—"), ("textquoteleft", "‘"), ("textquoteright", "’"),
    ("textquotedblleft", "“"), ("textquotedblright", "”"), ("quotedblbase", "„"), ("quotesinglbase", "‚"),
    ("guillemotleft", "«"), ("guillemotright", "»"), ("guillemetleft", "«"), ("guillemetright", "»"),
    ("guilsinglleft", "‹"), ("guilsinglright", "›"), ("textquotesingle", "'"), ("textquotedbl", '"'),
    ("ldots", "…"), ("dots", "…"), ("textellipsis", "…"),
    ("textbackslash", "\\"), ("textasciitilde", "~"), ("textasciicircum", "^"), ("textbar", "|"),
    ("textless", "<"), ("textgreater", ">"), ("textbraceleft", "{"), ("textbraceright", "}"),
    ("textunderscore", "_"), ("textdollar", "$"), ("textnumbersign", "#"), ("textpercent", "%"),
    ("textampersand", "&"), ("textasciigrave", "`"),
    ("textexclamdown", "¡"), ("textquestiondown", "¿"), ("textsection", "§"), ("S", "§"),
    ("textparagraph", "¶"), ("P", "¶"), ("textcopyright", "©"), ("copyright", "©"),
    ("textregistered", "®"), ("texttrademark", "™"), ("textsterling", "£"), ("pounds", "£"),
    ("texteuro", "€"), ("euro", "€"), ("textyen", "¥"), ("textcent", "¢"), ("textcurrency", "¤"),
    ("textdegree", "°"), ("textdagger", "†"), ("dag", "†"), ("textdaggerdbl", "‡"), ("ddag", "‡"),
    ("textbullet", "•"), ("textperiodcentered", "·"), ("texttimes", "×"), ("textdiv", "÷"),
    ("textpm", "±"), ("textmu", "µ"), ("textonehalf", "½"), ("textonequarter", "¼"),
    ("textthreequarters", "¾"), ("textonesuperior", "¹"), ("texttwosuperior", "²"),
    ("textthreesuperior", "³"), ("textordfeminine", "ª"), ("textordmasculine", "º"),
    ("textlnot", "¬"), ("textbrokenbar", "¦"), ("textasciimacron", "¯"), ("textasciiacute", "´"),
    ("textasciidieresis", "¨"), ("textperthousand", "‰"), ("textnumero", "№"), ("textcelsius", "℃"),
    ("textleftarrow", "←"), ("textrightarrow", "→"), ("textuparrow", "↑"), ("textdownarrow", "↓"),
    ("textohm", "Ω"), ("textminus", "−"), ("textvisiblespace", "␣"), ("textreferencemark", "※"),
    ("textinterrobang", "‽"), ("textfractionsolidus", "⁄"), ("textbardbl", "‖"),
    ("textdiscount", "⁒"), ("textestimated", "℮"), ("textrecipe", "℞"), ("textservicemark", "℠"),
    ("textmho", "℧"), ("textlangle", "〈"), ("textrangle", "〉"), ("textblank", "␢"),
    ("textpertenthousand", "‱"), ("textasteriskcentered", "⁎"), ("textbaht", "฿"),
    ("textcolonmonetary", "₡"), ("textlira", "₤"), ("textnaira", "₦"), ("textwon", "₩"),
    ("textdong", "₫"), ("textpeso", "₱"), ("textcircledP", "℗"), ("textflorin", "ƒ"),
    ("textsciencedash", "―"),  # never written (no such command); decode only
    ("nobreakspace", NBSP), ("textnbsp", NBSP),
    ("enspace", "\u2002"), ("quad", "\u2003"), ("thinspace", "\u2009"),
]
# ``\textsciencedash`` is not a real command: drop it again (kept above only to document the choice)
_TEXT_SYMBOLS = [(n, c) for n, c in _TEXT_SYMBOLS if n != "textsciencedash"]

#: math-mode commands for characters pdflatex cannot take as UTF-8; written as
#: ``{\ensuremath{\cmd}}`` (which also works inside math) and read back to the character
_MATH_SYMBOLS: list[tuple[str, str]] = [
    ("alpha", "α"), ("beta", "β"), ("gamma", "γ"), ("delta", "δ"), ("varepsilon", "ε"), ("epsilon", "ϵ"),
    ("zeta", "ζ"), ("eta", "η"), ("theta", "θ"), ("vartheta", "ϑ"), ("iota", "ι"), ("kappa", "κ"),
    ("lambda", "λ"), ("mu", "μ"), ("nu", "ν"), ("xi", "ξ"), ("pi", "π"), ("varpi", "ϖ"), ("rho", "ρ"),
    ("varrho", "ϱ"), ("sigma", "σ"), ("varsigma", "ς"), ("tau", "τ"), ("upsilon", "υ"), ("phi", "ϕ"),
    ("varphi", "φ"), ("chi", "χ"), ("psi", "ψ"), ("omega", "ω"),
    ("Gamma", "Γ"), ("Delta", "Δ"), ("Theta", "Θ"), ("Lambda", "Λ"), ("Xi", "Ξ"), ("Pi", "Π"),
    ("Sigma", "Σ"), ("Upsilon", "Υ"), ("Phi", "Φ"), ("Psi", "Ψ"), ("Omega", "Ω"),
    ("leq", "≤"), ("geq", "≥"), ("neq", "≠"), ("approx", "≈"), ("equiv", "≡"), ("sim", "∼"),
    ("simeq", "≃"), ("cong", "≅"), ("propto", "∝"), ("ll", "≪"), ("gg", "≫"), ("prec", "≺"),
    ("succ", "≻"), ("preceq", "⪯"), ("succeq", "⪰"), ("asymp", "≍"), ("doteq", "≐"),
    ("infty", "∞"), ("partial", "∂"), ("nabla", "∇"), ("sum", "∑"), ("prod", "∏"), ("coprod", "∐"),
    ("int", "∫"), ("oint", "∮"), ("surd", "√"), ("in", "∈"), ("notin", "∉"), ("ni", "∋"),
    ("subset", "⊂"), ("supset", "⊃"), ("subseteq", "⊆"), ("supseteq", "⊇"), ("cup", "∪"), ("cap", "∩"),
    ("setminus", "∖"), ("emptyset", "∅"), ("forall", "∀"), ("exists", "∃"), ("neg", "¬"),
    ("wedge", "∧"), ("vee", "∨"), ("oplus", "⊕"), ("ominus", "⊖"), ("otimes", "⊗"), ("odot", "⊙"),
    ("circ", "∘"), ("cdot", "⋅"), ("bullet", "∙"), ("ast", "∗"), ("star", "⋆"), ("mp", "∓"),
    ("times", "×"), ("div", "÷"), ("pm", "±"), ("prime", "′"), ("ell", "ℓ"), ("hbar", "ℏ"),
    ("aleph", "ℵ"), ("Re", "ℜ"), ("Im", "ℑ"), ("wp", "℘"), ("perp", "⊥"), ("parallel", "∥"),
    ("mid", "∣"), ("angle", "∠"), ("triangle", "△"), ("langle", "⟨"), ("rangle", "⟩"),
    ("lceil", "⌈"), ("rceil", "⌉"), ("lfloor", "⌊"), ("rfloor", "⌋"),
    ("rightarrow", "→"), ("leftarrow", "←"), ("uparrow", "↑"), ("downarrow", "↓"),
    ("leftrightarrow", "↔"), ("Rightarrow", "⇒"), ("Leftarrow", "⇐"), ("Leftrightarrow", "⇔"),
    ("mapsto", "↦"), ("longrightarrow", "⟶"), ("longleftarrow", "⟵"), ("Longrightarrow", "⟹"),
    ("hookrightarrow", "↪"), ("nearrow", "↗"), ("searrow", "↘"), ("top", "⊤"), ("bot", "⊥"),
    ("vdash", "⊢"), ("models", "⊨"), ("cdots", "⋯"), ("vdots", "⋮"), ("ddots", "⋱"),
    ("diamond", "⋄"), ("clubsuit", "♣"), ("diamondsuit", "♢"), ("heartsuit", "♡"), ("spadesuit", "♠"),
    ("flat", "♭"), ("natural", "♮"), ("sharp", "♯"), ("dagger", "†"), ("ddagger", "‡"),
    ("bigcup", "⋃"), ("bigcap", "⋂"), ("sqcup", "⊔"), ("sqcap", "⊓"), ("uplus", "⊎"),
    ("sqsubseteq", "⊑"), ("sqsupseteq", "⊒"), ("smile", "⌣"), ("frown", "⌢"), ("lhd", "⊲"), ("rhd", "⊳"),
]

#: TeX's Greek letter macros and the characters they print — the one Greek table (title matching uses it too).
#: As TeX draws them: ``\epsilon`` is the lunate ϵ and ``\varepsilon`` the ε of running Greek text, ``\phi``
#: is ϕ and ``\varphi`` φ, so ``ε`` → ``\varepsilon`` → ``ε`` round-trips, and so does ``ϵ``.
GREEK_LETTERS: dict[str, str] = {n: c for n, c in _MATH_SYMBOLS if unicodedata.name(c, "").startswith("GREEK")}

#: commands whose only job is formatting: dropped, their argument (if any) kept
_FORMATTING = frozenset(
    """
    textit textbf textsc textsl textup textmd textrm textsf texttt textnormal emph em it bf sc sl
    rm sf tt up md itshape bfseries scshape slshape upshape mdseries rmfamily sffamily ttfamily
    normalfont mbox hbox text textsuperscript textsubscript uppercase lowercase MakeUppercase
    MakeLowercase NoCaseChange nocase protect relax ignorespaces unskip noindent hyphenation
    small large Large LARGE huge Huge tiny scriptsize footnotesize normalsize selectlanguage
    foreignlanguage textenglish ensuremath
    """.split()
)
#: formatting commands that take a first argument to drop (``\\foreignlanguage{german}{Text}``)
_DROP_FIRST_ARG = frozenset({"foreignlanguage", "selectlanguage", "hyphenation"})
_LOGOS = {"TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX", "XeTeX": "XeTeX",
          "LuaTeX": "LuaTeX", "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "XeLaTeX": "XeLaTeX",
          "LuaLaTeX": "LuaLaTeX", "BibLaTeX": "BibLaTeX", "AmS": "AmS", "AMS": "AMS"}
#: control symbols that stand for one character (or nothing)
_CONTROL_SYMBOLS = {
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", "\\": "\\", " ": " ",
    ",": "\u2009", "/": "", "-": "", "@": "", ";": " ", ":": " ", "!": "", "\n": " ", "\t": " ",
}

_WORD_SYMBOLS: dict[str, str] = {}
for _name, _char in _TEXT_SYMBOLS:
    _WORD_SYMBOLS.setdefault(_name, _char)
_MATH_WORDS: dict[str, str] = dict(_MATH_SYMBOLS)

#: control words known to :func:`looks_like_latex` (a ``\\word`` that is none of these and is
#: not followed by ``{`` is taken for plain text, e.g. a Windows path)
KNOWN_COMMANDS = frozenset(
    set(_WORD_SYMBOLS) | set(_MATH_WORDS) | _FORMATTING | set(_LOGOS)
    | {"url", "href", "ensuremath", "path", "verb", "nolinkurl"}
    | {c for c in ACCENTS if c.isalpha()}
)

# --------------------------------------------------------------------------- what pdflatex typesets

# Characters that pdflatex + ``\usepackage[utf8]{inputenc}`` (the default since 2018) +
# ``\usepackage[T1]{fontenc}`` typesets from UTF-8 input.  Measured by compiling every code point
# U+00A0..U+24FF (and a few other blocks) with TeX Live 2022 and keeping those without a
# "not set up for use with LaTeX" error.
_SAFE_RANGES = (
    "00A0-00AC 00AE-0125 0128-0137 0139-013E 0141-0148 014A-0165 0168-017E 0192 01C4-01D4 01E2-01E3 "
    "01E6-01EB 01F0 01F4-01F5 0218-021B 0232-0233 0237 02C6-02C7 02D8-02D9 02DB-02DD 0E3F 1E02-1E03 "
    "1E0D 1E1E-1E21 1E25 1E30-1E31 1E37 1E43 1E45 1E47 1E5B 1E63 1E6D 1E8E-1E91 1E9E 1EF2-1EF3 "
    "2010-2016 2018-201A 201C-201E 2020-2022 2026 2030-2031 2039-203B 203D 2044 204E 2052 20A1 20A4 "
    "20A6 20A9 20AB-20AC 20B1 2103 2116-2117 211E 2120 2122 2126-2127 212E 2190-2193 2329-232A "
    "2422-2423 FB00-FB06"
)


def _expand_ranges(spec: str) -> frozenset[str]:
    out: set[str] = set()
    for part in spec.split():
        lo, _, hi = part.partition("-")
        for cp in range(int(lo, 16), int(hi or lo, 16) + 1):
            out.add(chr(cp))
    return frozenset(out)


#: non-ASCII characters kept as UTF-8 by :func:`encode` with ``ascii=False``
PDFLATEX_SAFE: frozenset[str] = _expand_ranges(_SAFE_RANGES) - {"\u00ad"}


#: commands whose argument TeX reads verbatim (``\\url{…}``, ``\\path|…|``, ``\\verb+…+``): never decoded,
#: escaped or converted to ASCII inside — a ``%`` there is the character itself
_VERBATIM_COMMANDS = frozenset({"url", "path", "verb", "nolinkurl"})



def _verbatim_open(text: str, i: int, name: str) -> int:
    """Index of the delimiter opening the argument of ``\\name`` (the name ends at ``i``), -1 if none."""
    n = len(text)
    if name == "verb" and i < n and text[i] == "*":
        i += 1
    if name != "verb":
        while i < n and text[i] in " \t":
            i += 1
    if i >= n:
        return -1
    c = text[i]
    if c == "{":
        return i if name != "verb" else -1
    if name == "href" or c.isalnum() or c in " \t\n}\\":
        return -1
    return i


def verbatim_end(text: str, i: int, name: str) -> int:
    """Index after the verbatim argument of ``\\name`` whose name ends at ``i`` (``{…}`` with braces
    counted as TeX does, or any delimiter character up to its next occurrence; for ``\\href`` its URL),
    or -1 when there is none."""
    j = _verbatim_open(text, i, name)
    if j < 0:
        return -1
    if text[j] == "{":
        close = _match_brace(text, j, escapes=False)
        return close + 1 if close > 0 else -1
    close = text.find(text[j], j + 1)
    return close + 1 if close > 0 else -1


# --------------------------------------------------------------------------- decoding

_DECODE_SPECIAL = re.compile(r"[\\{}$~]")
_FAST_PLAIN = compile_on_first_use(__name__, r"[\\{}$~]|--|``|''|[!?]`|[\t\n\r\f\v]|  ")
_WS = re.compile(r"[ \t\n\r\f\v]+")
_LIGATURES = re.compile(r"---|--|``|''|!`|\?`")
_LIGATURE_CHARS = {"---": "—", "--": "–", "``": "“", "''": "”", "!`": "¡", "?`": "¿"}
_CONTROL_WORD = re.compile(r"[A-Za-z]+")
_SPACES = compile_on_first_use(__name__, r"[ \t\n\r\f\v]*")


def _skip_spaces(text: str, i: int) -> int:
    m = _SPACES.match(text, i)
    return m.end() if m is not None else i


def _lig(plain: str) -> str:
    if "-" in plain or "`" in plain or "''" in plain:
        return _LIGATURES.sub(lambda m: _LIGATURE_CHARS[m.group(0)], plain)
    return plain


def _combine(base: str, mark: str) -> str:
    if not base:
        return ""
    first = base[0]
    if first == "ı":
        first = "i"
    elif first == "ȷ":
        first = "j"
    return unicodedata.normalize("NFC", first + mark) + base[1:]


def _read_group(text: str, i: int) -> tuple[str, int]:
    """``(inner text, index after)`` of the brace group starting at ``i`` (unbalanced: to the end)."""
    end = _match_brace(text, i)
    if end < 0:
        return text[i + 1:], len(text)
    return text[i + 1:end], end + 1


def _accent(text: str, i: int, cmd: str) -> tuple[str, int]:
    """Apply accent ``cmd`` to the argument starting at ``i``; return the result and the index after."""
    n = len(text)
    j = i
    while j < n and text[j] in " \t\n\r":
        j += 1
    if j >= n or text[j] == "}":
        return _SPACING_ACCENT[cmd], j
    c = text[j]
    if c == "{":
        inner, after = _read_group(text, j)
        base = _decode(inner)
        if not base.strip():
            return _SPACING_ACCENT[cmd], after
        return _combine(base, ACCENTS[cmd]), after
    if c == "\\":
        m = _CONTROL_WORD.match(text, j + 1)
        if m:
            name = m.group(0)
            after = m.end()
            after = _skip_spaces(text, after)
            symbol = _WORD_SYMBOLS.get(name)
            if symbol is None:  # an accent on an unknown command: keep it as written
                return "\\" + name, after
            return _combine(symbol, ACCENTS[cmd]), after
        return _SPACING_ACCENT[cmd], j
    return _combine(c, ACCENTS[cmd]), j + 1


def _formatting(text: str, after: int, name: str) -> tuple[str, int]:
    """A formatting command (its name ends at ``after``): dropped, its argument kept."""
    n = len(text)
    after = _skip_spaces(text, after)
    if name == "ensuremath" and after < n and text[after] == "{":
        inner, end = _read_group(text, after)
        inner_s = inner.strip()
        if inner_s.startswith("\\"):
            mm = _CONTROL_WORD.match(inner_s, 1)
            if mm and mm.end() == len(inner_s) and inner_s[1:] in _MATH_WORDS:
                return _MATH_WORDS[inner_s[1:]], end
        return "\\ensuremath{" + inner + "}", end
    if name in _DROP_FIRST_ARG and after < n and text[after] == "{":
        _, after = _read_group(text, after)
    return "", after


def _command(text: str, i: int) -> tuple[str, int]:
    """Decode the command starting with the backslash at ``i``; return text and index after."""
    n = len(text)
    if i + 1 >= n:
        return "\\", n
    c = text[i + 1]
    m = _CONTROL_WORD.match(text, i + 1) if c.isascii() and c.isalpha() else None
    if m is None:  # control symbol
        if c in ACCENTS:
            return _accent(text, i + 2, c)
        sym = _CONTROL_SYMBOLS.get(c)
        if sym is not None:
            return sym, i + 2
        return "\\" + c, i + 2
    name = m.group(0)
    after = m.end()
    if name in ACCENTS and (after >= n or not text[after].isalpha()):
        return _accent(text, after, name)
    sym = _WORD_SYMBOLS.get(name)
    if sym is not None:
        after = _skip_spaces(text, after)
        if text.startswith("{}", after):
            after += 2
        return sym, after
    if name in _FORMATTING:
        return _formatting(text, after, name)
    if name in _VERBATIM_COMMANDS:
        end = verbatim_end(text, after, name)
        if end > 0:  # the argument is verbatim text: the URL, the path, the code
            return text[_verbatim_open(text, after, name) + 1:end - 1], end
    if name == "href" and after < n and text[after] == "{":
        _, end = _read_group(text, after)
        return "", end
    logo = _LOGOS.get(name)
    if logo is not None:
        after = _skip_spaces(text, after)
        if text.startswith("{}", after):
            after += 2
        return logo, after
    if name in _MATH_WORDS:  # a math command outside math: keep it, TeX would complain anyway
        return "\\" + name, after
    # unknown command: keep it and its brace arguments as written
    end = after
    while end < n and text[end] == "{":
        close = _match_brace(text, end)
        if close < 0:
            break
        end = close + 1
    return text[i:end], end


def _decode(text: str) -> str:
    out: list[str] = []
    pos = 0
    n = len(text)
    search = _DECODE_SPECIAL.search
    while pos < n:
        m = search(text, pos)
        if m is None:
            out.append(_lig(text[pos:]))
            break
        start = m.start()
        if start > pos:
            out.append(_lig(text[pos:start]))
        c = text[start]
        if c == "\\":
            piece, pos = _command(text, start)
            out.append(piece)
        elif c == "$":
            end = _math_end(text, start)
            if end < 0:
                out.append("$")
                pos = start + 1
            else:
                out.append(text[start:end + 1])
                pos = end + 1
        elif c == "~":
            out.append(NBSP)
            pos = start + 1
        else:  # a brace: grouping only
            pos = start + 1
    return "".join(out)


def squeeze_space(text: str) -> str:
    """Runs of TeX white space (`` \t\n\r\f\v``) become one space.  Most values are one line with single
    spaces: a few C-level scans find that and return ``text`` itself, instead of a regex rebuilding it."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        return _WS.sub(" ", text)
    return text


@lru_cache(maxsize=32768)
def _decode_cached(text: str) -> str:
    result = squeeze_space(_decode(text)).strip(" ")
    if not result.isascii():
        result = unicodedata.normalize("NFC", result)
    return result


def _is_plain(text: str) -> bool:
    """No LaTeX, ligature or white-space run in ``text`` (a chain of C-level scans beats one regex)."""
    return ("\\" not in text and "{" not in text and "}" not in text and "$" not in text and "~" not in text
            and "--" not in text and "  " not in text and "\n" not in text and "\t" not in text
            and "''" not in text and "`" not in text and "\r" not in text and "\f" not in text
            and "\v" not in text)


def decode(text: str) -> str:
    """LaTeX (a ``.bib`` field value without its outer delimiters) → plain Unicode text.

    Fast path: text without ``\\ { } $ ~``, ligatures or white space runs is only stripped.
    """
    if not text:
        return ""
    if _is_plain(text):
        text = text.strip(" \t\n\r\f\v")
        if text.isascii() or unicodedata.is_normalized("NFC", text):
            return text
        return unicodedata.normalize("NFC", text)
    if len(text) < 512:
        return _decode_cached(text)
    result = squeeze_space(_decode(text)).strip(" ")
    if not result.isascii():
        result = unicodedata.normalize("NFC", result)
    return result


# --------------------------------------------------------------------------- math spans and LaTeX detection


def math_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every ``$…$``, ``\\(…\\)`` or ``\\[…\\]`` span (end exclusive) that clearly is TeX math.

    A ``$…$`` span qualifies when its content is non-empty, has no ``$``, contains one of
    ``\\ ^ _ {`` or is a bare variable or small expression (``$k$``, ``$O(n)$``),
    has balanced braces, contains no ``% # &`` (they break inside
    math) and no non-ASCII character, and does not end with ``\\ ^ _``.  LaTeX's own delimiters say
    math outright: a ``\\(…\\)`` or ``\\[…\\]`` span qualifies when its braces balance.  The
    opening ``$`` or backslash must not be escaped.  Spans are found left to right; a ``$``
    that does not open a qualifying span is plain text.
    """
    spans: list[tuple[int, int]] = []
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return spans
    i = 0
    n = len(text)
    while True:
        m = _MATH_OPEN.search(text, i)
        if m is None:
            return spans
        i = m.start()
        if _escaped(text, i):
            i += 1
            continue
        if text[i] == "\\":
            end = _delimited_math_end(text, i)
            if end > 0 and _braces_balanced(text[i + 2:end - 2]):
                spans.append((i, end))
                i = end
            else:
                i += 2
            continue
        if i + 1 >= n:
            return spans
        j = text.find("$", i + 1)
        if j < 0:  # an unpaired "$" is text; a \\( after it may still open math
            i += 1
            continue
        content = text[i + 1:j]
        if _is_math(content):
            spans.append((i, j + 1))
            i = j + 1
        else:
            i += 1


_MATH_OPEN = compile_on_first_use(__name__, r"\$|\\[(\[]")


def _escaped(text: str, i: int) -> bool:
    k = i - 1
    count = 0
    while k >= 0 and text[k] == "\\":
        count += 1
        k -= 1
    return count % 2 == 1


_MATH_BAD = compile_on_first_use(__name__, r"[%#&\x00-\x1f\x7f]|[^\x00-\x7f]")


#: a bare variable or small expression between dollars ("$k$-means", "$n$", "$O(n)$", "$1$-Lipschitz")
_SIMPLE_MATH = compile_on_first_use(__name__, r"[A-Za-z0-9][A-Za-z0-9()+\-=<>*/.,'|!]{0,15}")


def _is_math(content: str) -> bool:
    if not content or content[-1] in "\\^_" or content[0] in " \t":
        return False
    if not any(c in content for c in "\\^_{"):
        return _SIMPLE_MATH.fullmatch(content) is not None and (
            any(c.isalpha() for c in content) or len(content) <= 2)
    if _MATH_BAD.search(content):
        return False
    return _braces_balanced(content) and not content.endswith("\\")


_LATEX_HINT = compile_on_first_use(__name__, r"\\(?:([A-Za-z]+)|([&%$#_{}])|([`'^\"~=.])(?=[A-Za-z{\\]))")
_ONE_LETTER_CONTEXT = compile_on_first_use(__name__, r"[{}]| [A-Za-z]")


def _outside_math(text: str) -> str:
    spans = math_spans(text)
    if not spans:
        return text
    parts = []
    pos = 0
    for s, e in spans:
        parts.append(text[pos:s])
        parts.append(" ")
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def looks_like_latex(text: str) -> bool:
    """Whether ``text`` already is LaTeX, so :func:`encode` must not escape it again.

    True when, outside math spans, it contains an escaped special (``\\&``,
    ``\\%``…), an accent command (``\\"o``, ``\\'e``), a known control word
    (``\\ss``, ``\\textit``, ``\\url``…) or any control word directly followed by
    ``{`` — and its braces are balanced.  ``C:\\Users\\me`` is plain text.
    """
    if "\\" not in text:
        return False
    outside = _outside_math(text)
    for m in _LATEX_HINT.finditer(outside):
        word = m.group(1)
        if word is None:  # an escaped special or an accent on a letter
            return _braces_balanced(outside)
        after = outside[m.end():m.end() + 2]
        if after.startswith("{"):
            return _braces_balanced(outside)
        if word not in KNOWN_COMMANDS:
            continue
        if len(word) > 1:
            return _braces_balanced(outside)
        # one-letter commands (\o, \l, \i, \v, \c…) only in a LaTeX-looking context, so that
        # "a\b" or "C:\dir\l" stay plain text
        before = outside[m.start() - 1:m.start()] if m.start() else ""
        if before == "{" or _ONE_LETTER_CONTEXT.match(after):
            return _braces_balanced(outside)
    return False


# --------------------------------------------------------------------------- encoding


def _accent_macro(cmd: str, base: str) -> str:
    if cmd.isalpha():
        return f"\\{cmd}{{{base}}}"
    return f"\\{cmd}{base}" if len(base) == 1 else f"\\{cmd}{{{base}}}"


@lru_cache(maxsize=4096)
def _letter_macro(ch: str) -> str | None:
    """``{\\"u}`` for ``ü``: a LaTeX spelling of one (possibly decomposed) letter, else None."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if not marks:
        return None
    if base in _TEXT_SYMBOL_MACRO_BASES:
        inner = "\\" + _TEXT_SYMBOL_MACRO_BASES[base]
        inner_braced = True
    elif base.isascii() and base.isalpha():
        inner = base
        inner_braced = False
    else:
        return None
    for mark in marks:
        cmd = _ACCENT_OF_MARK.get(mark)
        if cmd is None:
            return None
        if inner_braced:
            inner = f"\\{cmd}{{{inner}}}" if cmd.isalpha() else f"\\{cmd}{{{inner}}}"
        else:
            inner = _accent_macro(cmd, inner)
        inner_braced = True
    return "{" + inner + "}"


# letters other than ASCII that can carry an accent in LaTeX spelling (``{\'\o}`` for ǿ)
_TEXT_SYMBOL_MACRO_BASES = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "å": "aa", "Å": "AA"}

_PLAIN_SPECIALS = {
    "\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}",
    "&": "\\&", "%": "\\%", "$": "\\$", "#": "\\#", "_": "\\_",
    "~": "\\textasciitilde{}", "^": "\\textasciicircum{}", "<": "\\textless{}", ">": "\\textgreater{}",
    "|": "\\textbar{}", NBSP: "~", "–": "--", "—": "---",
}
# control characters (never meaningful in a bibliography) are dropped; tabs and newlines are spaces
for _cp in list(range(0, 32)) + [127]:
    _PLAIN_SPECIALS[chr(_cp)] = " " if chr(_cp) in "\t\n\r\f\v" else ""

#: character → LaTeX spelling used with ``ascii=True`` (letters with accents are added lazily)
_ASCII_MACROS: dict[str, str] = {}
for _name, _char in _TEXT_SYMBOLS:
    if len(_char) == 1 and not _char.isascii() and _char not in _ASCII_MACROS and _char != NBSP:
        _ASCII_MACROS[_char] = "{\\" + _name + "}"
_ASCII_MACROS.update({
    "“": "``", "”": "''", "‘": "`", "’": "'", "–": "--", "—": "---", "\u2009": "\\,", "ı": "{\\i}",
    "ȷ": "{\\j}",
})
#: math symbols, written as ``{\ensuremath{\cmd}}`` whatever the mode
_MATH_MACROS: dict[str, str] = {}
for _name, _char in _MATH_SYMBOLS:
    _MATH_MACROS.setdefault(_char, "{\\ensuremath{\\" + _name + "}}")


@lru_cache(maxsize=8192)
def _char_out(ch: str, ascii_: bool) -> str | None:
    """How one non-ASCII character is written (None: keep it as UTF-8)."""
    if not ascii_ and ch in PDFLATEX_SAFE:
        return None
    if ch == NBSP:
        return "~"
    if ch in _ASCII_MACROS and (ascii_ or ch not in PDFLATEX_SAFE):
        return _ASCII_MACROS[ch]
    macro = _letter_macro(ch)
    if macro is not None:
        return macro
    if ch in _MATH_MACROS:
        return _MATH_MACROS[ch]
    return None


def ascii_supported(ch: str) -> bool:
    """Whether ``encode(..., ascii=True)`` writes ``ch`` as ASCII that decodes back to ``ch`` exactly."""
    if ch.isascii():
        return True
    if ch in ("’", "‘"):
        return False
    out = _char_out(ch, True)
    return out is not None and out.isascii() and decode(out) == ch


def unencodable(text: str, *, ascii: bool = False) -> list[str]:
    """Characters of ``text`` that :func:`encode` keeps as UTF-8 although pdflatex cannot typeset them
    (``ascii=False``) or although ASCII was asked for (``ascii=True``), in order of appearance."""
    if text.isascii():
        return []
    seen: list[str] = []
    text = unicodedata.normalize("NFC", text)
    words = set("".join(m.group(0) for m in _GREEK_WORD.finditer(text))) if not ascii and _GREEK.search(text) \
        else set()
    for ch in text:
        if ch.isascii() or ch in seen:
            continue
        if ch in words:
            base_ok = False  # a Greek word is written as UTF-8 (see _translate_plain)
        elif unicodedata.combining(ch):
            base_ok = False
        elif not ascii and ch in PDFLATEX_SAFE:
            continue
        else:
            base_ok = _char_out(ch, ascii) is not None
        if not base_ok:
            seen.append(ch)
    return seen


_ENC_NEEDS = compile_on_first_use(__name__, r"[\\{}$&%#_~^<>|\x00-\x1f\x7f]|[^\x00-\x7f]|--|''|``|[!?]`|,,")
_COMBINING_RUN = compile_on_first_use(__name__, r"(.)([\u0300-\u036f]+)", re.DOTALL)
_COMBINING_MARK = compile_on_first_use(__name__, r"[\u0300-\u036f]")


def _ligature_breaks(ascii_: bool) -> re.Pattern[str]:
    hy = "-–—"
    ap = "'’”" if ascii_ else "'"
    bt = "`‘“" if ascii_ else "`"
    return re.compile(
        rf"(?<=[{hy}])(?=[{hy}])|(?<=[{ap}])(?=[{ap}])|(?<=[{bt}!?])(?=[{bt}])|(?<=,)(?=,)"
    )


_BREAKS = {False: _ligature_breaks(False), True: _ligature_breaks(True)}


_CLUSTER = compile_on_first_use(__name__, r".[\u0300-\u036f]+|.", re.DOTALL)


def _cluster_macro(cluster: str) -> str | None:
    """``{\\'b}`` for ``b`` + combining acute (a letter NFC cannot compose), else None."""
    base, marks = cluster[0], cluster[1:]
    if not (base.isascii() and base.isalpha()):
        return None
    inner = base
    braced = False
    for mark in marks:
        cmd = _ACCENT_OF_MARK.get(mark)
        if cmd is None:
            return None
        inner = f"\\{cmd}{{{inner}}}" if (braced or cmd.isalpha()) else _accent_macro(cmd, inner)
        braced = True
    return "{" + inner + "}"


_GREEK = compile_on_first_use(__name__, "[\u0370-\u03ff\u1f00-\u1fff]")
#: two or more Greek letters in a row: a word of Greek text, not a symbol ("α-divergence", "λ = 0.5")
_GREEK_WORD = compile_on_first_use(__name__, "[\u0370-\u03ff\u1f00-\u1fff]{2,}")


def _translate_plain(segment: str, ascii_: bool) -> str:
    """Escape one stretch of plain text (no math inside).

    Greek letters alone are symbols and become ``{\\ensuremath{\\alpha}}``; Greek *words* stay UTF-8
    unless ASCII was asked for (math italics inside a word are wrong; a Unicode engine typesets the
    word, and :func:`unencodable` reports it for pdflatex).
    """
    if not ascii_ and _GREEK.search(segment) and _GREEK_WORD.search(segment):
        out_g: list[str] = []
        pos = 0
        for m in _GREEK_WORD.finditer(segment):
            out_g.append(_translate_plain(segment[pos:m.start()], ascii_))
            out_g.append(m.group(0))
            pos = m.end()
        out_g.append(_translate_plain(segment[pos:], ascii_))
        return "".join(out_g)
    if _COMBINING_MARK.search(segment):
        out_c: list[str] = []
        for m in _CLUSTER.finditer(segment):
            cl = m.group(0)
            if len(cl) == 1:
                out_c.append(_translate_char(cl, ascii_))
            else:
                macro = _cluster_macro(cl)
                out_c.append(macro if macro is not None else _translate_char(cl[0], ascii_) + cl[1:])
        return "".join(out_c)
    return "".join([_translate_char(ch, ascii_) for ch in segment])


def _translate_char(ch: str, ascii_: bool) -> str:
    rep = _PLAIN_SPECIALS.get(ch)
    if rep is not None:
        return rep
    if ch.isascii():
        return ch
    alt = _char_out(ch, ascii_)
    return ch if alt is None else alt


def _encode_plain_text(text: str, ascii_: bool) -> str:
    parts = _BREAKS[ascii_].split(text)
    if len(parts) == 1:
        return _translate_plain(text, ascii_)
    return "{}".join(_translate_plain(p, ascii_) for p in parts)


def _fix_combining(text: str, ascii_: bool) -> str:
    """Write base+combining-mark sequences that did not compose as accent macros when possible."""
    def repl(m: re.Match[str]) -> str:
        base, marks = m.group(1), m.group(2)
        if not base.isascii() or not base.isalpha():
            return m.group(0)
        inner = base
        braced = False
        for mark in marks:
            cmd = _ACCENT_OF_MARK.get(mark)
            if cmd is None:
                return m.group(0)
            inner = f"\\{cmd}{{{inner}}}" if (braced or cmd.isalpha()) else _accent_macro(cmd, inner)
            braced = True
        return "{" + inner + "}"

    return _COMBINING_RUN.sub(repl, text)


_LATEX_STRAY = compile_on_first_use(__name__, r"\\[A-Za-z]+\*?|\\.|[&%#_$^]", re.DOTALL)
_VERBATIM_ARGS = frozenset({"url", "href", "path", "verb", "verb*", "nolinkurl"})


def _encode_latex_text(text: str, ascii_: bool) -> str:
    """Text that already is LaTeX: escape only stray ``& % # _ $`` outside math and url arguments."""
    spans = math_spans(text)
    out: list[str] = []
    pos = 0
    span_iter = iter(spans)
    nxt = next(span_iter, None)
    n = len(text)
    while pos < n:
        if nxt is not None and pos == nxt[0]:
            out.append(text[nxt[0]:nxt[1]])
            pos = nxt[1]
            nxt = next(span_iter, None)
            continue
        limit = nxt[0] if nxt is not None else n
        m = _LATEX_STRAY.search(text, pos, limit)
        if m is None:
            out.append(text[pos:limit])
            pos = limit
            continue
        out.append(text[pos:m.start()])
        tok = m.group(0)
        end = verbatim_end(text, m.end(), tok[1:].rstrip("*")) if tok[1:] in _VERBATIM_ARGS else -1
        if end > 0:
            out.append(text[m.start():end])
            pos = end
            # a verbatim argument may have swallowed a math span start: skip spans inside it
            while nxt is not None and nxt[0] < pos:
                nxt = next(span_iter, None)
            continue
        if tok == "\\{" or tok == "\\}":  # BibTeX counts \{ as a brace: use the text commands
            out.append("\\textbraceleft{}" if tok == "\\{" else "\\textbraceright{}")
        elif tok[0] == "\\":
            out.append(tok)
        elif tok == "^":
            out.append("\\textasciicircum{}")
        else:
            out.append("\\" + tok)
        pos = m.end()
    result = "".join(out)
    if not result.isascii():
        greek = {i for m in _GREEK_WORD.finditer(result) for i in range(m.start(), m.end())} \
            if not ascii_ and _GREEK.search(result) else set()
        result = "".join(c if c.isascii() or i in greek else (_char_out(c, ascii_) or c) for i, c in enumerate(result))
    return result


_STRAY_NEEDS = compile_on_first_use(__name__, r"[%&#_$^]")


def escape_strays(latex: str) -> str:
    """Escape what TeX cannot take in a text field value that otherwise already is LaTeX.

    For raw ``.bib`` values copied to the output: BibTeX passes ``%``, ``&``, ``#``, ``_``, ``^`` and
    an unmatched ``$`` inside braces on to LaTeX untouched, where they stop the document (``%`` even
    comments out the rest of the line).  Escaped characters, math (``$…$`` pairs, as TeX pairs them)
    and the arguments of ``\\url``/``\\href`` are left alone; the result decodes to the same text and
    ``escape_strays(escape_strays(t)) == escape_strays(t)``.
    """
    if _STRAY_NEEDS.search(latex) is None:
        return latex
    out: list[str] = []
    pos = 0
    n = len(latex)
    while pos < n:
        m = _STRAY_SCAN.search(latex, pos)
        if m is None:
            out.append(latex[pos:])
            break
        out.append(latex[pos:m.start()])
        tok = m.group(0)
        end = verbatim_end(latex, m.end(), tok[1:].rstrip("*")) if tok[1:] in _VERBATIM_ARGS else -1
        if end > 0:  # \\url{…}, \\path|…|, \\verb+…+, \\href's URL: verbatim, the link text is scanned
            out.append(latex[m.start():end])
            pos = end
            continue
        if tok == "\\(" or tok == "\\[":  # LaTeX's math delimiters: nothing inside is a stray
            end = _delimited_math_end(latex, m.start())
            if end > 0:
                out.append(latex[m.start():end])
                pos = end
                continue
        if tok[0] == "\\":
            out.append(tok)
        elif tok == "$":
            end = _math_end(latex, m.start())
            if end > 0:
                out.append(latex[m.start():end + 1])
                pos = end + 1
                continue
            out.append("\\$")
        elif tok == "^":
            out.append("\\textasciicircum{}")
        else:
            out.append("\\" + tok)
        pos = m.end()
    return "".join(out)


_STRAY_SCAN = compile_on_first_use(__name__, r"\\[A-Za-z]+\*?|\\.|[%&#_$^]", re.DOTALL)


_IN_ARGUMENT_SPECIAL = compile_on_first_use(__name__, r"(?<!\\)[%#]")


def verbatim_as_text(latex: str) -> str:
    """The verbatim commands of a text value rewritten so that they work inside a macro argument, the rest
    of the value unchanged.

    biber hands every field to LaTeX as a macro argument (``\\field{note}{…}``), where ``\\verb`` cannot
    work and ``\\url``/``\\path``/``\\nolinkurl`` cannot read ``%`` or ``#`` (url.sty shows ``\\%``
    literally): those become their text, escaped.  ``\\href`` keeps its link, with ``%`` and ``#`` in its
    URL escaped, which hyperref reads back.  Math, formatting and every other command stay as written.
    """
    out: list[str] = []
    pos = 0
    for m in _VERBATIM_COMMAND.finditer(latex):
        if m.start() < pos or _escaped(latex, m.start()):
            continue
        name = m.group(1).rstrip("*")
        end = verbatim_end(latex, m.end(), name)
        if end < 0:
            continue
        opener = _verbatim_open(latex, m.end(), name) if name != "href" else latex.index("{", m.end())
        content = latex[opener + 1:end - 1]
        if name == "href":
            if _IN_ARGUMENT_SPECIAL.search(content):
                out.append(latex[pos:opener + 1] + _IN_ARGUMENT_SPECIAL.sub(r"\\\g<0>", content) + "}")
                pos = end
        elif name == "verb" or _IN_ARGUMENT_SPECIAL.search(content):
            out.append(latex[pos:m.start()] + _encode_plain_text(content, False))
            pos = end
    out.append(latex[pos:])
    return "".join(out)


_VERBATIM_COMMAND = compile_on_first_use(__name__, r"\\(verb\*?|url|path|nolinkurl|href)(?![A-Za-z])")


def encode(text: str, *, ascii: bool = False) -> str:  # noqa: A002 (the CLI's name for it)
    """Plain Unicode → LaTeX for a ``.bib`` text field (see the module docstring for the rules).

    Verbatim fields (``url``, ``doi``, ``eprint``, ``file``) must never pass through here.
    """
    if not text:
        return ""
    if _ENC_NEEDS.search(text) is None:
        return text
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if looks_like_latex(text):
        if _COMBINING_MARK.search(text):
            text = _fix_combining(text, ascii)
        return _encode_latex_text(text, ascii)
    spans = math_spans(text)
    if not spans:
        return _encode_plain_text(text, ascii)
    out: list[str] = []
    pos = 0
    for s, e in spans:
        out.append(_encode_plain_text(text[pos:s], ascii))
        out.append(text[s:e])
        pos = e
    out.append(_encode_plain_text(text[pos:], ascii))
    return "".join(out)


def to_ascii(latex: str) -> str:
    """Rewrite the non-ASCII characters of a LaTeX string (already escaped) as macros.

    Used on raw values copied verbatim from an input ``.bib`` when ``--ascii`` is asked
    for: nothing but the non-ASCII characters changes.  Characters without a macro stay.
    """
    if latex.isascii():
        return latex
    latex = unicodedata.normalize("NFC", latex)
    if _COMBINING_RUN.search(latex):
        latex = _fix_combining(latex, True)
    out = []
    k = 0
    n = len(latex)
    while k < n:
        c = latex[k]
        if c == "$" and not _escaped(latex, k):
            end = _math_end(latex, k)
            if end > 0:  # math is copied as it is: decoding keeps it verbatim too
                out.append(latex[k:end + 1])
                k = end + 1
                continue
        if c == "\\":
            m = _CONTROL_WORD.match(latex, k + 1)
            if m is not None and m.group(0) in _VERBATIM_ARGS:
                end = verbatim_end(latex, m.end(), m.group(0))
                if end > 0:  # a URL or path is copied as it is (a character there is not text)
                    out.append(latex[k:end])
                    k = end
                    continue
        if c.isascii():
            out.append(c)
        elif c == NBSP:
            out.append("~")
        else:
            out.append(_char_out(c, True) or c)
        k += 1
    return "".join(out)
