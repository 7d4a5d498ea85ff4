"""What is never a paper: headings, counts, navigation, footers, notes-to-self, calls to action.

Every reader asks :func:`chatter_reason` about a line before it lets the line
become (part of) a paper, and reports the reason when it skips the line.  The
rules are about the *shape* of what people paste around papers, not about any
one page: a line with no words ("---", "⭐ 1.2k"), a count ("Total of 12
entries", "Showing 1–50 of 2,315 results"), a date alone, a Markdown heading or
a short label ending in a colon ("Papers I liked:"), a note to self ("todo:",
"read later"), a call to action ("Star us on GitHub", "PRs welcome"), site
furniture ("Privacy Policy", "© 2024"), a mail header.  A title never has
these shapes, so the checks are safe to run on every line; the few patterns
that could start a title ("Summary", "Note") only count with a colon or dash
after them.
"""

from __future__ import annotations

import enum
import re
import unicodedata

from .paperids import classify_url

__all__ = ["Chatter", "chatter_reason", "is_binary_line"]

_NOTE_TO_SELF = re.compile(
    r"^(?:(?:todo|to-?do|to read|tbd|tbr|fixme|xxx|note|notes|nb|n\.b\.|ps|p\.s\.|edit|edited|update|updated|"
    r"tl;?dr|wip|reminder|read later|must read|must-read)\s*[:：\-–—>]+"
    r"|(?:last updated|see also|related|related work|via|h/t|hat tip|cc|fyi|btw|imo|imho|lol|thanks|thank you|"
    r"remember|idea|ideas|question|questions|answer|reply|re|fwd|fw|comment|comments|summary|status|done|draft|misc|"
    r"maybe|later|skip|skipped|ignore|check|check out|look at|reading list|reading|currently reading|finished|"
    r"highlights?|bookmarks?|bookmarked|saved|sources?|tags?|keywords?|category|categories|topics?|section|chapter|"
    r"part|table of contents|contents|toc|index|overview|contact|license|licence|acknowledge?ments?|how to cite|"
    r"citation|bibtex|contributing|contributors?|star history|stargazers|changelog|news|announcement|disclaimer|"
    r"faq|q|a|pros|cons|verdict|rating|score|priority|deadline|due|assigned|owner|link|links|url|urls|papers?|refs?|"
    r"references?)\s*[:：]+)(?:\s|$)",
    re.IGNORECASE,
)
_CALL_TO_ACTION = re.compile(
    r"\b(?:star us|give (?:us|it|this repo) a (?:star|⭐)|leave a star|please star|star (?:this|the) repo|"
    r"follow (?:us|me) (?:on|at)\b|subscribe (?:to (?:our|my|the) (?:newsletter|channel|list)|now)|"
    r"join (?:us|our) (?:on|at)\b|"
    r"click here|contributions? (?:are |is )?(?:very )?welcome|prs? (?:are )?welcome|pull requests? (?:are )?welcome|"
    r"feel free to (?:open|submit|contact|reach|add|send)|"
    r"please (?:cite|open an|submit|contact us|let us know|reach out)|"
    r"if you find (?:this|our) (?:repo|repository|list|work|project) (?:useful|helpful)|open an issue|"
    r"submit an? (?:issue|pr|pull request)|all rights reserved|privacy policy|terms of (?:service|use)|"
    r"cookie (?:policy|settings)|buy me a coffee|sponsor (?:us|this project)|share this (?:post|page|list)|"
    r"this (?:list|repo|repository|page) (?:is|will be) (?:continuously|regularly|constantly|actively) "
    r"(?:updated|maintained)|"
    r"stay tuned|coming soon)\b"
    r"|^(?:posted (?:on|by|in)|last (?:updated|modified|edited)|copy link|permalink|\(c\) \d{4})\b|©",
    re.IGNORECASE,
)
#: one of these words is in every call to action (a set lookup before the long pattern)
_CTA_TRIGGERS = frozenset(
    """star stars starring follow subscribe join click welcome feel please cite find issue pull pr prs submit made
    powered built rights reserved privacy terms cookie coffee sponsor share updated maintained tuned soon posted last
    copy permalink © c""".split())
#: what separates a line's words for the trigger check: white space, ASCII punctuation and ⭐ (one
#: pattern's split: a translation table per character costs twice as much on every line of a paste)
_WORD_BREAKS = re.compile(r"[\s!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~⭐]+")
#: a page's footer line ("Powered by Jekyll", "Made with ❤ by …"): short, or it is prose that happens to start so
_FOOTER = re.compile(r"^(?:made with|powered by|built with|written by|updated on|maintained by)\b", re.IGNORECASE)
#: one-phrase lines of site furniture, compared whole (punctuation and arrows ignored)
_FURNITURE = frozenset(
    s.strip() for s in """
    read more|learn more|show more|see more|load more|view more|show less|see less|view all|see all|show all
    back to top|go to top|top|home|about|about us|blog|docs|documentation|search|menu|contact|contact us|help
    privacy|terms|cookies|login|log in|logout|sign in|sign up|register|subscribe|unsubscribe|share|tweet|like
    reply|replies|report|edit|delete|cancel|save|submit|next|previous|prev|next page|previous page|older|newer
    first|last|more|less|expand|collapse|close|open|toggle|copy|copied|download|print|cite|cite this|export
    github|twitter|linkedin|facebook|youtube|reddit|discord|slack|mastodon|bluesky|rss|email|newsletter
    all|none|filter|sort|sort by|today|yesterday|this week|this month|trending|popular|latest|new|hot|top rated
    table of contents|contents|index|overview|introduction|conclusion|appendix|footnotes|notes|references
    bibliography|works cited|literature|literature cited|references and notes|further reading|see also
    acknowledgements|acknowledgments|license|licence|contributing|contributors|citation|faq|changelog
    papers|paper list|reading list|surveys|survey papers|datasets|benchmarks|tools|code|blogs|tutorials|talks
    videos|books|courses|workshops|misc|miscellaneous|others|other|uncategorized|todo|to read|done|archive
    skip to main content|skip to content|main menu|navigation|breadcrumb|loading|please wait
    """.replace("\n", "|").split("|")
    if s.strip()
)
_COUNT = re.compile(
    r"^\W*(?:total(?: of)?|showing|displaying|found|page|results?|entries|items?)?\W*[\d,.]+\s*[kKmM]?\+?\s*"
    r"(?:(?:[-–—]|to)\s*[\d,.]+\s*)?(?:(?:of|/)\s*[\d,.]+\s*)?"
    r"(?:upvotes?|stars?|likes?|views?|comments?|citations?|cited by|forks?|downloads?|followers?|authors?|"
    r"entries|results?|papers?|items?|articles?|references?|pages?|votes?|points?|replies|reviews?|models?|"
    r"datasets?|spaces?|collections?|min read|minutes?|hours? ago|days? ago|weeks? ago|months? ago|years? ago)?"
    r"(?:\s+(?:for|in)\b.*)?\W*$",
    re.IGNORECASE,
)
_COUNT_WORDS = re.compile(  # (used with match: every alternative opens the line)
    r"\W*(?:(?:total of|showing|displaying)\s+[\d,]+|page\s+\d+\s+of\s+\d+|\d+\s*(?:[-–]|to)\s*\d+\s+of\s+[\d,]+"
    r"|(?:cited by|citations?|references?)\s*:?\s*[\d,]+\W*$)",
    re.IGNORECASE,
)
_SHOWING_ENTRIES = re.compile(r"\(showing [\d,]+ of [\d,]+ entries\s*\)", re.IGNORECASE)
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
           r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE_ONLY = re.compile(
    r"^\W*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:\d{1,2}\s+" + _MONTHS + r"(?:,?\s+\d{4})?|" + _MONTHS
    + r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?|\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    r"|(?:19|20)\d\d)\W*$",
    re.IGNORECASE,
)
#: a day in parentheses closing a line: "Reading group (Mar 17)", "Notes (2025-03-17)", "Week 11 (Fri, 14 March)"
#: (a month and year alone — "Mixtral of Experts (Jan 2024)" — dates a paper and is not this)
_DAY_IN_PARENS = re.compile(
    r"\((?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTHS + r"|" + _MONTHS
    + r"\s+\d{1,2}(?:st|nd|rd|th)?|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})(?:,?\s+\d{4})?\)\W*$",
    re.IGNORECASE,
)
_MAIL = re.compile(
    r"^(?:on\s.{4,120}\swrote:|-{2,}\s*(?:original message|forwarded message)\s*-{2,}|begin forwarded message:|"
    r"(?:from|to|cc|bcc|sent|date|subject|reply-to)\s*:\s.{0,200})$",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^#{1,6}(?:\s|$)")
_ORG_SETTING = re.compile(r"^#\+\w+:|^:[A-Z_]+:")
_RULE = re.compile(r"^(?:[-*_=~#•·.]\s*){3,}$")
#: how notes to self open, always (no title opens like this, whatever its case)
_NOTE_OPENER = re.compile(
    r"^(?:lol|lmao|btw|fyi|imo|imho|tbh|todo|pls|plz|thx|hmm+|ok|okay|yep|yup|nope|gonna|wanna|hey|hi|hello|wow|"
    r"omg|meh|ugh|argh|note to self|nb|p\.?s\.?)\b",
    re.IGNORECASE,
)
#: how remarks open (with a remark's marks after them: "Great paper list!", "I think …")
_REMARK_OPENER = re.compile(
    r"^(?:i|i'm|im|i've|i'd|i'll|nice|cool|great|awesome|interesting|amazing|love|loved|thanks|thank|"
    r"remember|reminder|must|should|need|needs|gotta)\b",
    re.IGNORECASE,
)
#: lower-case openers of notes ("read this later", "the MoE one", "also the survey")
_LOWER_OPENER = re.compile(
    r"^(?:read|reread|re-read|check|skim|look|see|try|ask|find|compare|discuss|cite|the|this|that|these|those|maybe|"
    r"also|and|but|so|then|still|not|just|really|some|more|other|another|good|bad|best|worst|very|pretty|kinda|sorta|"
    r"we|you|my|our|your|it|its|it's|there|here|what|why|how|which|who|where|when|did|does|do|is|are|was|were)\b"
)
_DANGLING = frozenset("a an the of for to in on at by with from and or but as that which who is are was were be our "
                      "their its this these those we".split())
#: what only remarks hold: the first person, a day, an exclamation
_REMARK_MARK = re.compile(
    r"\b(?:i|me|my|mine|we|us|our|you|your|lol|haha|btw|imo|tbh|later|tomorrow|tonight|today|weekend|asap|"
    r"read|reread|check|skim|paper|papers|list|one|this|these)\b|[!?]\s*$|:\)|;\)|:D",
    re.IGNORECASE,
)


def _remark(t: str, words: list[str]) -> bool:
    """A short conversational line ("Great paper list!", "read this one later", "lol this one"): it opens
    like a remark, is not in Title Case and holds a remark's marks, and no sentence ends inside it."""
    if len(words) > 14 or _SENTENCE_BREAK.search(t):
        return False
    if _NOTE_OPENER.match(t) and (len(words) == 1 or not words[1][:1].isupper() or t[:1].islower()):
        return True
    if not _REMARK_OPENER.match(t):
        # a lower-case opener is also how a wrapped line of prose starts: only short, comma-free
        # lines that do not stop mid-phrase count ("read this one later", not "this work, we propose")
        if not (t[:1].islower() and _LOWER_OPENER.match(t)) or len(words) > 9 or "," in t \
                or words[-1].casefold().strip(".") in _DANGLING:
            return False
    long_words = [w for w in words[1:] if len(w) > 3 and w[0].isalpha()]
    title_case = bool(long_words) and sum(1 for w in long_words if w[0].isupper()) >= 0.6 * len(long_words)
    return not title_case and bool(_REMARK_MARK.search(" ".join(words[1:]) or t))


#: a line that is one link, maybe with a word or two before it ("see also https://…", "code: https://…")
_LINK_LINE = re.compile(
    r"^(?:[\w'’-]+[:\s-]+){0,3}?(?P<url>(?:https?://|www\.)\S+)\s*[)\].!]*$", re.IGNORECASE)


_LETTER = re.compile(r"[^\W\d_]")
_BINARY_CHAR = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd\ue000-\uf8ff\ud800-\udfff]")


def is_binary_line(text: str) -> bool:
    """Control characters, replacement characters or private-use code points in a good part of the
    line: what a binary file looks like after decoding, never text anyone pasted."""
    if not text or (text.isascii() and text.isprintable()):
        return False
    sample = text[:2000]
    bad = len(_BINARY_CHAR.findall(sample))
    return bad >= 3 and bad >= 0.05 * len(sample)


_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_DIGIT = re.compile(r"\d")
_NOTE_MARK = re.compile(r"[:：\-–—>]")


_SENTENCE_BREAK = re.compile(r"[.;]\s+[A-Z]")
_NAME_OR_DIGIT = re.compile(r"[A-Z][a-z]+[A-Z]|\d")
_CAPS_HEADING = re.compile(r"[\W\d_]*[A-Z][A-Z &/-]{2,}[\W\d_]*")


class Chatter(enum.StrEnum):
    """Why a line is no part of any paper (the value is what the report's ``skipped_lines`` says)."""

    BINARY = "binary data"
    NO_WORDS = "no words (a separator, a number or symbols)"
    SEPARATOR = "a separator line"
    HEADING = "a heading"
    SETTING = "a document setting (org-mode, front matter)"
    NAVIGATION = "page navigation or a section name"
    COUNT = "a count"
    DATE = "a date"
    MAIL_HEADER = "a mail header"
    NOTE_TO_SELF = "a note to self"
    CALL_TO_ACTION = "a call to action or site furniture"
    NON_PAPER_LINK = "a link to a page that is not a paper"
    LABEL = "a label introducing what follows"
    REMARK = "a note or a remark, not a title"
    DATED = "a heading with a day's date"


def chatter_reason(text: str) -> Chatter | None:
    """Why a (structural) line is not part of any paper, or ``None`` when it may be.

    ``text`` is the line with white space collapsed and trimmed.  (Each rule is guarded by a cheap
    look at the line first: this runs on every line of every paste.)
    """
    t = text.strip()
    if not t:
        return None
    found = _form_reason(t)
    if found is not None:
        return found
    words = t.split()
    n = len(words)
    if n <= 8 and _EDGES.sub("", t).casefold() in _FURNITURE:
        return Chatter.NAVIGATION
    digits = bool(_DIGIT.search(t))
    if digits and (_COUNT.match(t) or _COUNT_WORDS.match(t)
                   or ("(" in t and "howing" in t.lower() and _SHOWING_ENTRIES.search(t))):
        return Chatter.COUNT
    if n <= 8 and _DATE_ONLY.match(t):
        return Chatter.DATE
    if ":" in t and _MAIL.match(t):
        return Chatter.MAIL_HEADER
    if _NOTE_MARK.search(t[:40]) and _NOTE_TO_SELF.match(t):
        return Chatter.NOTE_TO_SELF
    cta = n <= 25 and not _CTA_TRIGGERS.isdisjoint(_WORD_BREAKS.split(t.casefold())) \
        and bool(_CALL_TO_ACTION.search(t))
    if n > 14:
        # prose or a reference: of what follows, only calls to action and lone links are this long
        return Chatter.CALL_TO_ACTION if n <= 25 and cta else None
    return _short_line_reason(t, words, cta, digits)


def _form_reason(t: str) -> Chatter | None:
    """What a line's form alone says: binary data, no words, a rule, a Markdown heading, a setting."""
    if is_binary_line(t):
        return Chatter.BINARY
    if not _LETTER.search(t):
        return Chatter.NO_WORDS
    first = t[0]
    if first in "-*_=~#•·." and _RULE.match(t):
        return Chatter.SEPARATOR
    if first == "#" and _MD_HEADING.match(t):
        return Chatter.HEADING
    if first in "#:" and _ORG_SETTING.match(t):
        return Chatter.SETTING
    return None


def _label(t: str, words: list[str]) -> bool:
    """A line that introduces what follows ("Papers:", "Cited in the survey we read last week:"): a few
    words, or a remark written as a sentence (most words lower-case, a remark's marks: "we", "I",
    "these", "read"…); a title wrapped after its colon ("DeepSeekMoE:") is a name or a title."""
    if len(words) <= 5:
        return not _NAME_OR_DIGIT.search(t[:-1])
    long_words = [w for w in words[1:] if len(w) > 3 and w[0].isalpha()]
    sentence = bool(long_words) and sum(1 for w in long_words if w[0].islower()) >= 0.6 * len(long_words)
    # … and said by someone (a sentence-case title may end a line with its colon: "Towards a unified view
    # of parameter-efficient transfer learning:" goes on with its subtitle)
    return sentence and bool(_REMARK_MARK.search(t))


def _dated_heading(before: str) -> bool:
    """Whether the words before a day in parentheses are a heading's ("Papers from today's reading group",
    "Reading group notes"): a remark's marks, or a few words in sentence case — not a title in Title Case
    given with its release date ("GPT-4 Technical Report (March 15, 2023)"), nor one with a subtitle."""
    words = before.split()
    if not words or _REMARK_MARK.search(before):
        return bool(words)
    long_words = [w for w in words[1:] if len(w) > 3 and w[0].isalpha()]
    lower = sum(1 for w in long_words if w[0].islower())
    return len(words) <= 6 and ":" not in before and lower >= 0.6 * max(1, len(long_words))


def _short_line_reason(t: str, words: list[str], cta: bool, digits: bool) -> Chatter | None:
    """The rules for lines of at most 14 words: links, calls to action, labels, remarks, headings."""
    n = len(words)
    if ("http" in t or "www." in t) and (link := _LINK_LINE.match(t)):
        if classify_url(link.group("url")) is None:
            return Chatter.NON_PAPER_LINK
    if cta or n <= 5 and _FOOTER.match(t):
        return Chatter.CALL_TO_ACTION
    if t.endswith((":", "：")) and _label(t, words):
        return Chatter.LABEL
    if _remark(t, words):
        return Chatter.REMARK
    if digits and t[-1] in ").:" and (day := _DAY_IN_PARENS.search(t)) and _dated_heading(t[: day.start()]):
        return Chatter.DATED  # "Papers from today's reading group (Mar 17)"
    if n <= 6 and not digits and _CAPS_HEADING.fullmatch(t):
        return Chatter.HEADING  # "REFERENCES", "RELATED WORK"
    first = t[0]
    if n <= 5 and not first.isalnum() and unicodedata.category(first).startswith("S") and not (":" in t or "?" in t):
        return Chatter.HEADING  # "📚 Papers", "🔥 News", "⭐ Star History"
    return None
