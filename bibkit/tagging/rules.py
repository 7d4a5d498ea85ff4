r'''The tagging rules file: TOML in, a validated :class:`RuleSet` of condition trees out.

## Tagging rules (`--rules RULES.toml`)

A rules file is TOML.  Each `[[rule]]` gives one `tag` and the conditions an
entry must meet to get it; `[auto]` switches the automatic tags.  The whole
file is checked before anything is tagged: mistakes stop the run with file,
line and what is wrong (all of them at once).  See `examples/tags.toml`.

```toml
[[rule]]
tag = "mixture-of-experts"
description = "MoE architectures and routing"        # optional, for people
text = ["mixture of expert*", "MoE", "expert routing"]

[[rule]]
tag = "medical"
any = [
  { title = ["medical", "clinical", "patient*"] },
  { category = ["q-bio.*", "physics.med-ph"] },
]

[[rule]]
tag = "survey"
title = ["survey", "review", "primer"]
not = { tagged = ["not-a-survey"] }
```

All keys of one table must hold; a list of words or patterns holds when *any*
of them does.  Conditions:

| key | holds when |
|---|---|
| `title`, `abstract`, `text` = ["word", "a phrase", "prefix*"] | a whole word or phrase occurs (case-insensitive) in the title, the abstract, or either. A word is a run of letters and digits; anything else separates words, so `"mixture of experts"` also matches "Mixture-of-Experts", and `"MoE"` does not match "DeepSeekMoE". A trailing `*` is a prefix (`"agent*"`: agent, agents, agentic). `+ # @ $ % = < > ~ ^ \|` are refused: use a regex. |
| `regex`, `title-regex`, `abstract-regex` = "…" or [...] | a Python regex is found (case-insensitive; `(?-i:…)` for case-sensitive parts). Faster when it has no upper-case letters, and when a word in it is preceded by `\b` (`\bbenchmark`): the regex then runs only on texts with a word starting so. |
| `author` = ["LeCun", "Yann LeCun"] | a word or phrase occurs in an author's name ("given family"). |
| `category` = ["cs.CL", "cs.*", "q-bio"] | any arXiv category of the entry (primary or cross-list) matches; `cs.*` and `cs` mean the whole archive. |
| `primary-category` = [...] | the same, for the primary category only. |
| `has-code` = true / false | the paper has (not) a code repository: its primary GitHub repo, or any GitHub repository link not judged "mentioned" and not dead. |
| `year` = 2024 / "2020..2024" / "2023.." / "..2019" | the year is in the inclusive range; an unknown year never matches. |
| `tagged` = ["to-read"] | the entry had one of these tags before this run (case-insensitive). |
| `all` / `any` = [ {…}, {…} ] | every / at least one nested table holds (`[[rule.any]]` sub-tables work too). |
| `not` = {…} or [ {…}, … ] | none of them holds. |

Tags may not be empty or contain `,` or `;` (BibTeX `keywords` and Zotero's
import split on them), braces, backslashes or control characters, and are at
most 255 characters (Zotero's limit).  A tag the entry already has, in any
letter case, is not added again; new tags follow the existing ones, in rule
order, then the automatic ones.  Several rules may give the same tag.

Automatic tags (each also switchable on the command line: `--[no-]category-tags`,
`--[no-]code-tags`, `--[no-]keyword-tags`, `--no-auto`):

```toml
[auto]
primary-category = true     # the arXiv primary category, e.g. "cs.CL" (default: on)
category-prefix = ""        # e.g. "arxiv:" gives "arxiv:cs.CL"
has-code = true             # "has-code" on papers with code; a string picks the tag name (default: on)
ai-keywords = false         # Hugging Face ai_keywords (default: off); true, or a table:

[auto.ai-keywords]
enabled = true
max-per-entry = 3           # at most this many keyword tags per entry, the most shared first
min-entries = 2             # a keyword becomes a tag only if this many entries of the run have it
allow = ["rlhf"]            # always allowed, whatever min-entries says
allow-only = false          # true: only the allow list
deny = ["llm"]              # never; replaces the built-in list of over-generic keywords
prefix = ""                 # e.g. "kw:" to keep them apart from your own tags
```

Keywords are normalised first: lower case, words joined by hyphens,
parenthesised acronyms dropped, the head noun singular ("Large Language Models
(LLMs)" → `large-language-model`, "Mixtures of Experts" → `mixture-of-experts`);
keywords of more than 5 words or 50 characters are dropped.
'''

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import SourceLocation
from .auto import DEFAULT_DENY, AutoTagOptions, normalize_keyword, normalize_keyword_list
from .tags import tag_problem
from .tokens import WORD, phrase_regex

# --------------------------------------------------------------------------- condition trees

FIELDS = ("title", "abstract")


@dataclass(frozen=True)
class Term:
    """One word or phrase pattern: its words (lower case) and whether the last is a prefix."""

    text: str  # as the user wrote it
    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def regex(self) -> re.Pattern[str]:
        """The regex that finds the term in lower-cased text, with :func:`~.tokens.find_phrase`."""
        return phrase_regex(self.tokens, self.prefix)


@dataclass(frozen=True)
class Words:
    """Any of ``terms`` occurs as whole words in any of ``fields``."""

    fields: tuple[str, ...]
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Regex:
    """Any of ``patterns`` is found in any of ``fields`` (compiled case-insensitive)."""

    fields: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Author:
    """Any of ``terms`` occurs as whole words in one author's name."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Category:
    """Any of the entry's arXiv categories (or only the primary one) matches a pattern.

    Patterns are lower case; ``exact`` ones compare whole, ``archives`` match
    ``archive`` itself and ``archive.*``.
    """

    exact: frozenset[str]
    archives: frozenset[str]
    primary_only: bool = False

    def matches(self, category: str) -> bool:
        cat = category.strip().lower()
        if cat in self.exact:
            return True
        archive = cat.split(".", 1)[0]
        return archive in self.archives


@dataclass(frozen=True)
class HasCode:
    value: bool


@dataclass(frozen=True)
class Year:
    low: int | None
    high: int | None

    def matches(self, year: int | None) -> bool:
        if year is None:
            return False
        return (self.low is None or year >= self.low) and (self.high is None or year <= self.high)


@dataclass(frozen=True)
class Tagged:
    """The entry had one of ``tags`` (case-folded) before this run."""

    tags: frozenset[str]


@dataclass(frozen=True)
class All:
    children: tuple["Condition", ...]


@dataclass(frozen=True)
class AnyOf:
    children: tuple["Condition", ...]


@dataclass(frozen=True)
class Not:
    child: "Condition"


Condition = Words | Regex | Author | Category | HasCode | Year | Tagged | All | AnyOf | Not


@dataclass(frozen=True)
class Rule:
    """One ``[[rule]]``: the tag, its condition tree, and where it was written."""

    tag: str
    condition: Condition
    index: int  # 0-based position in the file
    location: SourceLocation | None = None
    description: str | None = None

    @property
    def name(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"rule {self.index + 1}{where}"


@dataclass
class RuleSet:
    """A validated rules file: rules in file order, the automatic-tag options, and its path."""

    rules: list[Rule] = field(default_factory=list)
    auto: AutoTagOptions = field(default_factory=AutoTagOptions)
    path: str | None = None

    @property
    def tags(self) -> list[str]:
        """The tags the rules can give, in file order, without repeats."""
        out: list[str] = []
        for rule in self.rules:
            if rule.tag not in out:
                out.append(rule.tag)
        return out

    def __len__(self) -> int:
        return len(self.rules)


class RulesError(InputError):
    """An invalid rules file; ``errors`` lists every ``(location, message)`` found."""

    def __init__(self, errors: list[tuple[SourceLocation, str]]):
        self.errors = errors
        first_loc, first_msg = errors[0]
        rest = "".join(f"\n  {loc}: {msg}" for loc, msg in errors[1:])
        more = f" ({len(errors)} problems)" if len(errors) > 1 else ""
        super().__init__(f"{first_msg}{more}{rest}", first_loc)


# --------------------------------------------------------------------------- public entry points


def load_rules(path: str | Path) -> RuleSet:
    """Read and validate a rules file; raise :class:`RulesError` (an ``InputError``) naming file and line."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("rules file not found", SourceLocation(str(path))) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"rules file is not UTF-8 ({exc.reason} at byte {exc.start})", SourceLocation(str(path))) from None
    except OSError as exc:
        raise InputError(f"cannot read rules file: {exc.strerror}", SourceLocation(str(path))) from None
    return parse_rules(text, str(path))


def parse_rules(text: str, path: str = "<rules>") -> RuleSet:
    """Validate rules given as TOML text (``path`` names it in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(m.group(1)) if m else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        message = re.sub(r"\s*\(at end of document\)", " (at end of file)", message)
        raise RulesError([(SourceLocation(path, line), f"invalid TOML: {message}")]) from None
    parser = _Parser(path, _Locator(text))
    return parser.parse(data)


# --------------------------------------------------------------------------- finding lines

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _key_regex(key: str) -> re.Pattern[str]:
    k = re.escape(key)
    return re.compile(rf'(?:^\s*|[{{,]\s*)(?:{k}|"{k}"|\'{k}\')\s*=')


class _Locator:
    """Finds the line of a key or value in the TOML text.

    ``tomllib`` reports line numbers only for syntax errors; for a semantic
    error (an unknown key, a bad regex) the parser knows the *path* of the
    offending value (``rule[3].any[1].title``), and this class maps it back to
    a line by scanning table headers and ``key =`` lines.
    """

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers: list[tuple[int, tuple[str, ...], bool]] = []  # (0-based line, dotted path, is array)
        for i, line in enumerate(self.lines):
            m = _HEADER.match(line)
            if m and not line.lstrip().startswith(("#",)):
                names = tuple(part.strip().strip("\"'") for part in m.group(2).split("."))
                self.headers.append((i, names, m.group(1) == "[["))

    def _next_header(self, after: int, within: tuple[str, ...] = ()) -> int:
        """First header line after ``after`` that is not a sub-table of ``within``."""
        for line, names, _ in self.headers:
            if line > after and not (within and names[: len(within)] == within and len(names) > len(within)):
                return line
        return len(self.lines)

    def line(self, path: tuple[Any, ...], needle: str | None = None) -> int | None:
        """1-based line for ``path`` (keys and list indexes); ``needle`` is text to prefer within it."""
        start, end = 0, len(self.lines)
        table: tuple[str, ...] = ()
        first_header = self.headers[0][0] if self.headers else len(self.lines)
        best: int | None = None
        i = 0
        if path and isinstance(path[0], str):
            # top-level table or array of tables
            name = path[0]
            matches = [(ln, arr) for ln, names, arr in self.headers if names == (name,)]
            if matches:
                index = path[1] if len(path) > 1 and isinstance(path[1], int) else 0
                if index < len(matches):
                    start = matches[index][0]
                    table = (name,)
                    end = self._next_header(start, table)
                    best = start
                    i = 2 if len(path) > 1 and isinstance(path[1], int) else 1
                else:
                    i = 0
            elif any(names[:1] == (name,) for _, names, _ in self.headers):
                # only sub-tables are written ([auto.ai-keywords] without [auto]): search them
                table, i = (name,), 1
            else:
                end = first_header
        while i < len(path):
            key = path[i]
            if isinstance(key, int):
                i += 1
                continue
            sub = table + (key,)
            subs = [ln for ln, names, _ in self.headers if names == sub and start <= ln < end]
            if subs:
                index = path[i + 1] if i + 1 < len(path) and isinstance(path[i + 1], int) else 0
                if index < len(subs):
                    start = subs[index]
                    end = self._next_header(start, sub)
                    best = start
                    table = sub
                    i += 1
                    continue
            rx = _key_regex(key)
            for ln in range(start, end):
                if rx.search(self.lines[ln]):
                    start, best = ln, ln
                    break
            i += 1
        if needle:
            for ln in range(best if best is not None else start, end):
                if needle in self.lines[ln]:
                    return ln + 1
        return best + 1 if best is not None else None


# --------------------------------------------------------------------------- validation

_RULE_KEYS = ("tag", "description")
_WORD_KEYS = {"title": ("title",), "abstract": ("abstract",), "text": FIELDS}
_REGEX_KEYS = {"regex": FIELDS, "title-regex": ("title",), "abstract-regex": ("abstract",)}
_OTHER_KEYS = ("author", "category", "primary-category", "has-code", "year", "tagged", "all", "any", "not")
CONDITION_KEYS = tuple(_WORD_KEYS) + tuple(_REGEX_KEYS) + _OTHER_KEYS
_AUTO_KEYS = ("primary-category", "category-prefix", "has-code", "ai-keywords")
_AI_KEYS = ("enabled", "max-per-entry", "min-entries", "allow", "allow-only", "deny", "prefix")
_TOP_KEYS = ("rule", "auto")

#: How deep all/any/not may nest (the compiled expression must stay within Python's parser limits,
#: and no sensible rule comes close).
MAX_DEPTH = 24

_BAD_WORD_CHARS = re.compile(r"[+#@$%=<>~^|\\]")
_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[a-z][a-z-]*)?$")
_ARCHIVE_WILDCARD = re.compile(r"^([a-z][a-z-]*)(?:\.\*)?$")
_YEAR_RANGE = re.compile(r"^\s*(\d{4})?\s*\.\.\s*(\d{4})?\s*$")


def _kind(value: Any) -> str:
    return {str: "a string", bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _suggest(key: str, known: tuple[str, ...]) -> str:
    close = get_close_matches(key, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(known)})"


class _Parser:
    def __init__(self, path: str, locator: _Locator):
        self.path = path
        self.locator = locator
        self.errors: list[tuple[SourceLocation, str]] = []

    # -- error helpers ------------------------------------------------------------------

    def error(self, where: tuple[Any, ...], message: str, needle: str | None = None) -> None:
        line = self.locator.line(where, needle)
        self.errors.append((SourceLocation(self.path, line), message))

    # -- top level ------------------------------------------------------------------------

    def parse(self, data: dict[str, Any]) -> RuleSet:
        for key in data:
            if key not in _TOP_KEYS:
                self.error((key,), f"unknown top-level key {key!r}{_suggest(key, _TOP_KEYS)}")
        auto = self.parse_auto(data.get("auto", {}))
        rules: list[Rule] = []
        raw_rules = data.get("rule", [])
        if not isinstance(raw_rules, list):
            self.error(("rule",), "'rule' must be an array of tables: write each rule as [[rule]]")
            raw_rules = []
        for i, raw in enumerate(raw_rules):
            rule = self.parse_rule(i, raw)
            if rule is not None:
                rules.append(rule)
        if self.errors:
            self.errors.sort(key=lambda e: (e[0].line or 0))
            raise RulesError(self.errors)
        return RuleSet(rules, auto, self.path)

    def parse_rule(self, index: int, raw: Any) -> Rule | None:
        where = ("rule", index)
        label = f"rule {index + 1}"
        if not isinstance(raw, dict):
            self.error(where, f"{label}: a rule must be a table ([[rule]]), not {_kind(raw)}")
            return None
        tag = raw.get("tag")
        if tag is None:
            self.error(where, f"{label}: no 'tag' (every rule needs tag = \"...\")")
        else:
            problem = tag_problem(tag)
            if problem:
                self.error(where + ("tag",), f"{label}: {problem}")
                tag = None
            else:
                label = f"rule {index + 1} (tag {tag!r})"
        description = raw.get("description")
        if description is not None and not isinstance(description, str):
            self.error(where + ("description",), f"{label}: 'description' must be a string, not {_kind(description)}")
        conditions = {k: v for k, v in raw.items() if k not in _RULE_KEYS}
        if not conditions:
            self.error(where, f"{label}: no conditions (give e.g. text = [...], category = [...], any = [...])")
            return None
        before = len(self.errors)
        condition = self.parse_table(conditions, where, label, allowed_extra=_RULE_KEYS)
        if condition is None or tag is None or len(self.errors) > before:
            return None
        line = self.locator.line(where)
        return Rule(tag, condition, index, SourceLocation(self.path, line), description)

    # -- conditions -------------------------------------------------------------------------

    def parse_table(self, table: dict[str, Any], where: tuple[Any, ...], label: str,
                    allowed_extra: tuple[str, ...] = ()) -> Condition | None:
        """A condition table: every key is one condition, all must hold."""
        depth = sum(1 for k in where if k in ("all", "any", "not"))
        if depth > MAX_DEPTH:
            self.error(where, f"{label}: conditions nested more than {MAX_DEPTH} levels deep (all/any/not)")
            return None
        parts: list[Condition] = []
        for key, value in table.items():
            here = where + (key,)
            cond: Condition | None
            if key in _WORD_KEYS:
                cond = self.parse_words(value, here, label, key, _WORD_KEYS[key])
            elif key in _REGEX_KEYS:
                cond = self.parse_regex(value, here, label, key, _REGEX_KEYS[key])
            elif key == "author":
                words = self.parse_words(value, here, label, key, ("author",))
                cond = Author(words.terms) if words else None
            elif key in ("category", "primary-category"):
                cond = self.parse_category(value, here, label, key)
            elif key == "has-code":
                if isinstance(value, bool):
                    cond = HasCode(value)
                else:
                    self.error(here, f"{label}: 'has-code' must be true or false, not {_kind(value)}")
                    cond = None
            elif key == "year":
                cond = self.parse_year(value, here, label)
            elif key == "tagged":
                cond = self.parse_tagged(value, here, label)
            elif key in ("all", "any"):
                cond = self.parse_group(value, here, label, key)
            elif key == "not":
                cond = self.parse_not(value, here, label)
            else:
                self.error(here, f"{label}: unknown condition {key!r}{_suggest(key, CONDITION_KEYS + allowed_extra)}")
                cond = None
            if cond is not None:
                parts.append(cond)
        if not table:
            self.error(where, f"{label}: empty condition table {{}} (it would match everything)")
            return None
        if len(parts) != len(table):
            return None
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def _string_list(self, value: Any, where: tuple[Any, ...], label: str, key: str) -> list[str] | None:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(where, f"{label}: {key!r} must be a string or a list of strings, not {_kind(value)}")
            return None
        if not value:
            self.error(where, f"{label}: {key!r} is an empty list (it could never match)")
            return None
        bad = [v for v in value if not isinstance(v, str)]
        if bad:
            self.error(where, f"{label}: {key!r} must list strings, but has {_kind(bad[0])} {bad[0]!r}")
            return None
        return value

    def parse_words(self, value: Any, where: tuple[Any, ...], label: str, key: str,
                    fields: tuple[str, ...]) -> Words | None:
        items = self._string_list(value, where, label, key)
        if items is None:
            return None
        terms: list[Term] = []
        ok = True
        for item in items:
            term, problem = make_term(item)
            if problem:
                self.error(where, f"{label}: {key} pattern {item!r}: {problem}", needle=item or None)
                ok = False
            elif term is not None:
                terms.append(term)
        return Words(fields, tuple(terms)) if ok else None

    def parse_regex(self, value: Any, where: tuple[Any, ...], label: str, key: str,
                    fields: tuple[str, ...]) -> Regex | None:
        items = self._string_list(value, where, label, key)
        if items is None:
            return None
        patterns: list[re.Pattern[str]] = []
        for item in items:
            try:
                rx = re.compile(item, re.IGNORECASE)
            except re.error as exc:
                pos = f" at position {exc.pos}" if exc.pos is not None else ""
                self.error(where, f"{label}: invalid regular expression {item!r}: {exc.msg}{pos}", needle=item)
                continue
            if rx.search(""):
                self.error(where, f"{label}: regular expression {item!r} matches the empty string (it would match every entry)", needle=item)
                continue
            patterns.append(rx)
        if len(patterns) != len(items):
            return None
        return Regex(fields, tuple(patterns))

    def parse_category(self, value: Any, where: tuple[Any, ...], label: str, key: str) -> Category | None:
        items = self._string_list(value, where, label, key)
        if items is None:
            return None
        exact: set[str] = set()
        archives: set[str] = set()
        ok = True
        for item in items:
            pat = item.strip().lower()
            wild = _ARCHIVE_WILDCARD.match(pat)
            if wild and "." not in pat.replace(".*", ""):
                archives.add(wild.group(1))
            elif _CATEGORY.match(pat):
                exact.add(pat)
            else:
                self.error(where, f"{label}: {key} {item!r} is not an arXiv category (like 'cs.CL'), archive ('cs') or 'cs.*'", needle=item)
                ok = False
        if not ok:
            return None
        return Category(frozenset(exact), frozenset(archives), key == "primary-category")

    def parse_year(self, value: Any, where: tuple[Any, ...], label: str) -> Year | None:
        if isinstance(value, bool):
            value = None
        if isinstance(value, int):
            return Year(value, value)
        if isinstance(value, str):
            m = _YEAR_RANGE.match(value)
            if m and (m.group(1) or m.group(2)):
                low = int(m.group(1)) if m.group(1) else None
                high = int(m.group(2)) if m.group(2) else None
                if low is not None and high is not None and low > high:
                    self.error(where, f"{label}: year range {value!r} is empty ({low} is after {high})")
                    return None
                return Year(low, high)
            if value.strip().isdigit() and len(value.strip()) == 4:
                return Year(int(value), int(value))
        self.error(where, f"{label}: 'year' must be a year (2024) or a range (\"2020..2024\", \"2023..\", \"..2019\"), not {value!r}")
        return None

    def parse_tagged(self, value: Any, where: tuple[Any, ...], label: str) -> Tagged | None:
        items = self._string_list(value, where, label, "tagged")
        if items is None:
            return None
        return Tagged(frozenset(t.strip().casefold() for t in items))

    def parse_group(self, value: Any, where: tuple[Any, ...], label: str, key: str) -> Condition | None:
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(where, f"{label}: {key!r} must be a list of condition tables, e.g. {key} = [{{ title = [\"x\"] }}, {{ category = [\"cs.CL\"] }}]")
            return None
        if not value:
            self.error(where, f"{label}: {key!r} is an empty list")
            return None
        children = [self.parse_table(v, where + (i,), label) for i, v in enumerate(value)]
        if any(c is None for c in children):
            return None
        kids = tuple(c for c in children if c is not None)
        if len(kids) == 1:
            return kids[0]
        return All(kids) if key == "all" else AnyOf(kids)

    def parse_not(self, value: Any, where: tuple[Any, ...], label: str) -> Condition | None:
        if isinstance(value, dict):
            inner = self.parse_table(value, where, label)
            return Not(inner) if inner is not None else None
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            children = [self.parse_table(v, where + (i,), label) for i, v in enumerate(value)]
            if any(c is None for c in children):
                return None
            kids = tuple(c for c in children if c is not None)
            return Not(kids[0] if len(kids) == 1 else AnyOf(kids))
        self.error(where, f"{label}: 'not' must be a condition table (not = {{ title = [\"x\"] }}) or a list of them")
        return None

    # -- [auto] ---------------------------------------------------------------------------

    def parse_auto(self, raw: Any) -> AutoTagOptions:
        opts = AutoTagOptions()
        where: tuple[Any, ...] = ("auto",)
        if not isinstance(raw, dict):
            self.error(where, f"'auto' must be a table ([auto]), not {_kind(raw)}")
            return opts
        changes: dict[str, Any] = {}
        for key, value in raw.items():
            here = where + (key,)
            if key not in _AUTO_KEYS:
                self.error(here, f"[auto]: unknown key {key!r}{_suggest(key, _AUTO_KEYS)}")
            elif key == "primary-category":
                if isinstance(value, bool):
                    changes["primary_category"] = value
                else:
                    self.error(here, f"[auto]: 'primary-category' must be true or false, not {_kind(value)}")
            elif key == "category-prefix":
                if isinstance(value, str) and (value == "" or not tag_problem(value + "cs.CL")):
                    changes["category_prefix"] = value
                else:
                    self.error(here, f"[auto]: 'category-prefix' must be a string usable in a tag, not {value!r}")
            elif key == "has-code":
                if isinstance(value, bool):
                    changes["has_code"] = value
                elif isinstance(value, str) and not tag_problem(value):
                    changes["has_code"], changes["has_code_tag"] = True, value
                else:
                    problem = tag_problem(value) if isinstance(value, str) else f"not {_kind(value)}"
                    self.error(here, f"[auto]: 'has-code' must be true, false or a tag name ({problem})")
            elif key == "ai-keywords":
                if isinstance(value, bool):
                    changes["ai_keywords"] = value
                elif isinstance(value, dict):
                    changes.update(self.parse_ai_keywords(value, here))
                else:
                    self.error(here, f"[auto]: 'ai-keywords' must be true, false or a table ([auto.ai-keywords]), not {_kind(value)}")
        return opts.with_overrides(**changes)

    def parse_ai_keywords(self, raw: dict[str, Any], where: tuple[Any, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {"ai_keywords": True}
        label = "[auto.ai-keywords]"
        for key, value in raw.items():
            here = where + (key,)
            if key not in _AI_KEYS:
                self.error(here, f"{label}: unknown key {key!r}{_suggest(key, _AI_KEYS)}")
            elif key in ("enabled", "allow-only"):
                if isinstance(value, bool):
                    out["ai_keywords" if key == "enabled" else "ai_keywords_allow_only"] = value
                else:
                    self.error(here, f"{label}: {key!r} must be true or false, not {_kind(value)}")
            elif key in ("max-per-entry", "min-entries"):
                if isinstance(value, int) and not isinstance(value, bool) and value >= (0 if key == "max-per-entry" else 1):
                    out["ai_keywords_max" if key == "max-per-entry" else "ai_keywords_min_entries"] = value
                else:
                    floor = 0 if key == "max-per-entry" else 1
                    self.error(here, f"{label}: {key!r} must be a whole number >= {floor}, not {value!r}")
            elif key in ("allow", "deny"):
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    values = normalize_keyword_list(value)
                    out["ai_keywords_allow" if key == "allow" else "ai_keywords_deny"] = values
                else:
                    self.error(here, f"{label}: {key!r} must be a list of strings")
            elif key == "prefix":
                if isinstance(value, str) and (value == "" or not tag_problem(value + "x")):
                    out["ai_keywords_prefix"] = value
                else:
                    self.error(here, f"{label}: 'prefix' must be a string usable in a tag, not {value!r}")
        return out


def make_term(pattern: str) -> tuple[Term | None, str | None]:
    """Turn one word/phrase pattern into a :class:`Term`, or say what is wrong with it."""
    text = pattern.strip()
    if not text:
        return None, "empty pattern"
    bad = _BAD_WORD_CHARS.search(text)
    if bad:
        return None, f"{bad.group(0)!r} cannot be part of a word (words are letters and digits); use a regex"
    prefix = text.endswith("*")
    body = text[:-1] if prefix else text
    if "*" in body:
        return None, "'*' is allowed only at the end (a prefix: 'agent*')"
    if prefix and body and not WORD.match(body[-1]):
        return None, "'*' must directly follow a word ('agent*', not 'agent *')"
    tokens = tuple(WORD.findall(body.lower()))
    if not tokens:
        return None, "no letters or digits in it"
    if prefix and len(tokens) == 1 and len(tokens[0]) < 3:
        return None, f"prefix {text!r} is too short (at least 3 letters before '*')"
    return Term(pattern, tokens, prefix), None


__all__ = [
    "All", "AnyOf", "Author", "Category", "Condition", "DEFAULT_DENY", "HasCode", "Not", "Regex", "Rule",
    "RuleSet", "RulesError", "Tagged", "Term", "Words", "Year", "load_rules", "make_term", "parse_rules",
    "normalize_keyword",
]
