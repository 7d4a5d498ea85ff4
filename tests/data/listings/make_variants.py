"""Build realistic variant pastes of the seed listing, each with its known expectation.

Run ``python tests/data/listings/make_variants.py`` to (re)write ``<name>.txt`` and
``<name>.expected.json`` beside this file.  The expectation of every variant is
derived from the seed's (title, abstract) pairs — split on blank lines, which is
a sound oracle for the seed because it is perfectly regular — and from the
deterministic changes each variant makes, never from bibkit's own reader.
``tests/test_sources_listing.py`` checks that the files on disk equal what this
script generates, so the expectations cannot drift from the recipe.

What each variant imitates is written in its ``make_*`` function; all of them
are shapes people produce when copying the Hugging Face papers page from a
browser into an editor or a mail.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = HERE / "seed-hf-trending-papers.txt"
HEADER = ["new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community", "Mar 17"]

FIRST = "Wei Li Anna Schmidt Juan García Yuki Tanaka Olga Ivanova Kwame Mensah Priya Sharma Liam O'Brien".split()
NAMES = [" ".join(FIRST[i : i + 2]) for i in range(0, len(FIRST), 2)]


def seed_pairs() -> list[tuple[str, str]]:
    """(title, abstract) of every paper of the seed: its blank-line paragraphs after the 5 header lines."""
    paras = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    assert paras[:5] == HEADER, paras[:5]
    body = paras[5:]
    assert len(body) % 2 == 0
    return list(zip(body[::2], body[1::2]))


def authors_for(i: int) -> list[str]:
    n = 2 + i % 4
    return [NAMES[(i + k) % len(NAMES)] for k in range(n)]


def expected(pairs, *, no_abstract=(), authors=None):
    out = []
    for i, (t, a) in enumerate(pairs):
        item = {"title": t, "abstract": None if i in no_abstract else a}
        if authors is not None and i in authors:
            item["authors"] = authors[i]
        out.append(item)
    return out


def regular(pairs, *, sep="\n\n", title_sep="\n\n", header=HEADER, skip=()):
    parts = list(header)
    for i, (t, a) in enumerate(pairs):
        parts.append(t if i in skip else t + title_sep + a)
    return sep.join(parts)


# --------------------------------------------------------------------------- variants


def make_crlf(pairs):
    """Windows line ends everywhere, and a final line end (editors on Windows)."""
    return regular(pairs).replace("\n", "\r\n") + "\r\n", expected(pairs)


def make_lone_cr(pairs):
    """Classic Mac line ends (lone CR), as some clipboard bridges still produce."""
    return regular(pairs).replace("\n", "\r"), expected(pairs)


def make_no_blank_lines(pairs):
    """Every blank line lost (pasted through a form that collapses empty lines)."""
    return regular(pairs, sep="\n", title_sep="\n"), expected(pairs)


def make_messy_spacing(pairs):
    """Doubled and tripled blank lines, trailing spaces and tabs, indented lines, whitespace-only
    lines, and a few papers with no blank line between title and abstract."""
    parts = []
    for h in HEADER:
        parts.append(h + "  \n\n\n")
    for i, (t, a) in enumerate(pairs):
        indent = "\t" if i % 5 == 0 else "   " if i % 7 == 0 else ""
        gap = "\n" if i % 4 == 1 else "\n \n\t\n" if i % 4 == 2 else "\n\n\n"
        parts.append(indent + t + " \t" + gap + a + "   \n" + ("\n\n" if i % 3 else "\n \n\n\n"))
    return "".join(parts), expected(pairs)


def _wrap(text, width, **kw):
    return "\n".join(textwrap.wrap(text, width=width, **kw))


def make_wrapped_72(pairs):
    """Abstracts hard-wrapped at 72 columns at spaces only (mail clients, `fmt`), blank lines kept."""
    parts = list(HEADER)
    for t, a in pairs:
        parts += [t, _wrap(a, 72, break_long_words=False, break_on_hyphens=False)]
    return "\n\n".join(parts), expected(pairs)


def make_wrapped_everything_no_blanks(pairs):
    """Titles and abstracts wrapped at 80 columns with Python's default wrapper (which also breaks
    after hyphens and inside words longer than a line, such as long URLs) and no blank lines at all."""
    lines = list(HEADER)
    for t, a in pairs:
        lines += [_wrap(t, 80), _wrap(a, 80)]
    return "\n".join(lines), expected(pairs)


def make_wrapped_title_gap(pairs):
    """Wrapped at 66 columns; blank line between papers but none between title and abstract."""
    parts = list(HEADER)
    for t, a in pairs:
        parts.append(_wrap(t, 66, break_on_hyphens=False) + "\n" + _wrap(a, 66, break_on_hyphens=False))
    return "\n\n".join(parts), expected(pairs)


def make_hf_daily_page(pairs):
    """The daily page's chrome around each card: header and navigation, upvote counts, "Submitted by",
    "Published on", author lines, "·" separators, GitHub star counts, comment counts, footer."""
    out = ["Hugging Face", "Models", "Datasets", "Spaces", "Posts", "Docs", "Pricing", "Log In", "Sign Up", "",
           "Daily Papers", "byAK and the research community", "", "Mar 17", "Previous", "Mar 14", "Next", "Mar 18",
           "", "Search", "Daily", "Weekly", "Monthly", ""]
    authors = {}
    for i, (t, a) in enumerate(pairs):
        names = authors_for(i)
        authors[i] = names
        card = []
        if i % 3 == 0:
            card += ["Submitted by", "akhaliq", "", str(10 + i), "Upvote"]
        card += [t]
        if i % 2 == 0:
            card += ["Authors: " + ", ".join(names)]
        else:
            card += [", ".join(names[:-1]) + " and " + names[-1]]
        card += ["·", f"Published on Mar {1 + i % 28}", ""]
        card += [a, ""]
        card += [f"· {i + 3} upvotes", "·", f"{1 + i % 9}.{i % 10}k", "· 3 comments" if i % 2 else "Comments"]
        if i % 4 == 0:
            card += ["Follow", "View all"]
        out += card + [""]
    out += ["Previous", "Next", "System theme", "Company", "TOS", "Privacy", "About", "Jobs", "Website", "Models"]
    return "\n".join(out), expected(pairs, authors=authors)


def make_missing_abstracts(pairs):
    """Some papers pasted without their abstract (two titles in a row), including the first and last."""
    skip = {0, 7, 8, 40, len(pairs) - 1}
    return regular(pairs, skip=skip), expected(pairs, no_abstract=skip)


def make_unicode(pairs):
    """Typographic punctuation kept exactly (curly quotes, en/em dashes, ellipsis, non-breaking and
    zero-width spaces inside text), plus 'blank' lines that hold only NBSP or zero-width characters."""
    new_pairs = []
    for i, (t, a) in enumerate(pairs):
        if i % 5 == 0:
            t = t.replace("'", "’").replace(" -- ", " — ")
            t = "“" + t + "”" if i % 10 == 0 else t
        if i % 5 == 1:
            a = a.replace(" ", "\u00a0", 3)
        if i % 5 == 2:
            a = a.replace("-", "–", 2).replace("...", "…")
            t = t.replace(" ", "\u00a0", 1)
        if i % 5 == 3:
            w = a.split(" ")
            w[4] = w[4][:2] + "\u200b" + w[4][2:]
            a = " ".join(w)
        new_pairs.append((t, a))
    parts = list(HEADER)
    for i, (t, a) in enumerate(new_pairs):
        blank = "\u00a0" if i % 3 == 0 else "\u200b" if i % 3 == 1 else " \u00a0\t"
        parts.append(t + "\n" + blank + "\n" + a)
    return "\n\n".join(parts), expected(new_pairs)


def make_bare_author_lines(pairs):
    """Comma-separated author names on the line after each title (no "Authors:" label), as a
    paste of a paper card that lists names shows them; no blank line between them."""
    authors = {i: authors_for(i) for i in range(len(pairs))}
    parts = list(HEADER)
    for i, (t, a) in enumerate(pairs):
        parts.append(t + "\n" + ", ".join(authors[i]) + "\n\n" + a)
    return "\n\n".join(parts), expected(pairs, authors=authors)


def make_mixed_mess(pairs):
    """Everything at once on a slice: CRLF, a wrapped abstract, a missing abstract, tabs, no header."""
    sub = pairs[10:30]
    parts = []
    for i, (t, a) in enumerate(sub):
        if i == 4:
            parts.append(t)
            continue
        body = _wrap(a, 70, break_on_hyphens=False) if i % 6 == 0 else a
        sep = "\n" if i % 2 else "\n\n"
        parts.append("\t" + t + sep + body + "  ")
    text = "\n\n\n".join(parts).replace("\n", "\r\n")
    return text, expected(sub, no_abstract={4})


def make_hf_daily_titles_chrome(pairs):
    """The daily page as Chrome copies it in 2025: titles only (the daily page shows no abstracts),
    each card with "Submitted by" / submitter, the first author, "· N authors" (so the author list
    ends with "others"), an upvote count and "Upvote", organisation names, image alt text is absent."""
    out = ["Hugging Face's logo", "Hugging Face", "Models", "Datasets", "Spaces", "Community", "Docs",
           "Enterprise", "Pricing", "Log In", "Sign Up", "Daily Papers", "by AK and the research community",
           "Search any paper with AI", "Mar 17", "Previous", "Daily", "Weekly", "Monthly", "Next", ""]
    authors = {}
    for i, (t, _a) in enumerate(pairs):
        first = NAMES[i % len(NAMES)]
        authors[i] = [first, "others"]
        out += ["Submitted by", "akhaliq" if i % 2 else "nielsr", " ", t, first, " · ", f"{3 + i % 9} authors",
                " ", str(178 - i), "Upvote"]
        if i % 4 == 0:
            out += ["deepseek-ai"]
        out += [""]
    out += ["Previous", "Next", "System theme", "TOS", "Privacy", "About", "Jobs"]
    return "\n".join(out), expected(pairs, no_abstract=set(range(len(pairs))), authors=authors)


def make_hf_trending_chrome(pairs):
    """The trending page as Chrome copies it: no blank lines, each card's title, "Published on"
    with a year, "Submitted by X on Mar 17" on one line, "Upvote" and a count, a GitHub badge with
    a star count ("GitHub", "1.2k"), then the abstract; "·" separators on lines of their own."""
    out = ["Trending Papers", "by AK and the research community", "Search any paper with AI", "Trending"]
    for i, (t, a) in enumerate(pairs):
        out += [t, f"Published on Mar {1 + i % 28}, 2025", " · ", f"Submitted by akhaliq on Mar {1 + i % 28}",
                "Upvote", str(181 - i), "GitHub", f"{1 + i % 9}.{i % 10}k", a]
    out += ["Load more"]
    return "\n".join(out), expected(pairs)


def make_firefox_alt_text(pairs):
    """Firefox copies image alt text: the thumbnail and the submitter's avatar appear as lines;
    tabs between inline items; upvote arrows and comment counts with symbols."""
    out = ["Daily Papers", "Monday, Mar 17, 2025", ""]
    for i, (t, a) in enumerate(pairs):
        out += ["paper thumbnail", t, "akhaliq's avatar", "Submitted by akhaliq", f"\t▲ {10 + i}",
                "Published on Mar 17", f"· {i % 7} comments", "", a, ""]
    return "\n".join(out), expected(pairs)


def make_email_quoted(pairs):
    """The listing forwarded in a plain-text mail and quoted in the reply: every line starts with
    "> ", abstracts and long titles hard-wrapped at 72 columns (quote marker included)."""
    lines = ["> " + h for h in HEADER]
    for t, a in pairs:
        lines += [">"] + ["> " + ln for ln in textwrap.wrap(t, 70, break_on_hyphens=False)]
        lines += [">"] + ["> " + ln for ln in textwrap.wrap(a, 70, break_on_hyphens=False)]
    return "On Mon, Mar 17, 2025 at 9:00 AM Alice wrote:\n" + "\n".join(lines) + "\n", expected(pairs)


def make_markdown_notes(pairs):
    """Pasted into a Markdown note: titles as "## Title" headings, some as "**Title**" bold lines,
    abstracts as paragraphs."""
    parts = ["# Daily Papers — Mar 17"]
    for i, (t, a) in enumerate(pairs):
        head = f"**{t}**" if i % 3 == 1 else f"## {t}"
        parts.append(head + "\n\n" + a)
    return "\n\n".join(parts) + "\n", expected(pairs)


def make_numbered_list(pairs):
    """A numbered list of titles ("1. Title", "2) Title", "- Title") each followed by its abstract."""
    parts = []
    for i, (t, a) in enumerate(pairs):
        marker = f"{i + 1}." if i % 3 == 0 else f"{i + 1})" if i % 3 == 1 else "-"
        parts.append(f"{marker} {t}\n{a}")
    return "\n\n".join(parts), expected(pairs)


def make_phone_safari(pairs):
    """Safari on a phone: weekday and date picker lines, counts glued to their words ("Upvote 42",
    "GitHub 1.2k", "💬 3"), "Organization: …" lines, NBSP instead of spaces around "·"."""
    out = ["Papers", "Monday", "Mar 17", "Previous\tNext"]
    for i, (t, a) in enumerate(pairs):
        out += [f"{40 + i}\tUpvote", t, "Published on Mar 14\u00a0·\u00a0Submitted by akhaliq", a,
                "Upvote 42", "💬 3", "GitHub 1.2k", "Organization: deepseek-ai", ""]
    return "\n".join(out), expected(pairs)


#: hand-picked titles and abstracts that stress the title/abstract decision (written for these tests)
ODD_PAIRS = [
    ("Qwen2.5 Technical Report", "In this report, we introduce Qwen2.5, a comprehensive series of large language "
     "models (LLMs) designed to meet diverse needs. Compared to previous iterations, Qwen 2.5 has been "
     "significantly improved during both the pre-training and post-training stages."),
    ("$\\pi_0$: A Vision-Language-Action Flow Model for General Robot Control", "Robot learning holds tremendous "
     "promise to unlock the full potential of flexible, general, and dexterous robot systems. In this paper, we "
     "discuss how generalist robot policies (i.e., robot foundation models) can address these challenges."),
    ("Mamba", "We present a one-sentence abstract that nonetheless describes a selective state space model for "
     "sequence modeling with linear-time complexity."),
    ("Is Attention All You Need?", "We revisit the question of whether attention is necessary. Our experiments "
     "show that it is not always. Code is at https://github.com/foo/bar."),
    ("Scaling Laws Are Not Enough!", "Scaling laws predict loss well. They do not predict downstream abilities. "
     "We show 12 counterexamples across 3 model families."),
    ("A Very Long Title About Large Language Models That Keeps Going With More Words Than Any Reasonable Author "
     "Would Ever Put Into A Title Because It Needs To Describe Everything", "We study long titles. They are "
     "common in some fields. This abstract is short but has three sentences."),
    ("Titles Ending With A Period Are Rare.", "Some authors end titles with a period. We show it is rare but "
     "happens. Our parser must cope."),
    ("DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning 🚀", "We introduce our "
     "first-generation reasoning models, DeepSeek-R1-Zero and DeepSeek-R1. DeepSeek-R1-Zero, a model trained via "
     "large-scale reinforcement learning (RL) without supervised fine-tuning (SFT), demonstrates remarkable "
     "reasoning capabilities."),
    ("“Quoted” Titles — With Dashes and ﬁ Ligatures", "We test typography: “smart quotes”, ‘single quotes’, the "
     "ﬁ ligature and an em dash — all kept. It works. It really does."),
    ("GPT-4 Technical Report", "We report the development of GPT-4, a large-scale, multimodal model which can "
     "accept image and text inputs and produce text outputs."),
    ("Benchmarks For Everything", "We introduce a benchmark.\nOur Key Contributions Are Listed Below\nFirst, we "
     "build data. Second, we train models. Third, we evaluate them."),
    ("Large Motion Model for Unified Multi-Modal Motion Generation", "LMM tackles these challenges from three "
     "principled aspects:\n1) Data: We consolidate datasets into a unified dataset.\n2) Architecture: We design "
     "an articulated attention mechanism.\n3) Pre-Training: We propose a novel pre-training strategy."),
    ("GPT-4 Technical Report", "A second paper with the very same title as an earlier one. It must stay a paper "
     "of its own."),
    ("Cosmos", "World models are the future of physical AI. We release open models, tokenizers and data for "
     "everyone."),
]


def make_odd_titles(pairs):
    """Titles that are hard to tell from text (one word, a question, an exclamation, a final period,
    math, emoji, typographic quotes, a very long one, two identical ones) and abstracts that are one
    sentence, hold list items on lines of their own, or a line that looks like a title — mixed into
    the seed's papers, blank lines between paragraphs, no blank line inside an abstract."""
    mixed = []
    for i, pair in enumerate(ODD_PAIRS):
        mixed += [pairs[2 * i], pair, pairs[2 * i + 1]]
    parts = list(HEADER) + [t + "\n\n" + a for t, a in mixed]
    flat = [(t, a.replace("\n", " ")) for t, a in mixed]
    return "\n\n".join(parts), expected(flat)


def make_odd_titles_only(pairs):
    """The odd titles alone, one per line, no abstracts and no blank lines (a reading list)."""
    titles = [t for t, _ in ODD_PAIRS]
    return "\n".join(titles) + "\n", expected([(t, None) for t in titles], no_abstract=set(range(len(titles))))


VARIANTS = {
    "crlf": make_crlf,
    "lone-cr": make_lone_cr,
    "no-blank-lines": make_no_blank_lines,
    "messy-spacing": make_messy_spacing,
    "wrapped-72": make_wrapped_72,
    "wrapped-80-no-blanks": make_wrapped_everything_no_blanks,
    "wrapped-66-title-gap": make_wrapped_title_gap,
    "hf-daily-page": make_hf_daily_page,
    "missing-abstracts": make_missing_abstracts,
    "unicode-punctuation": make_unicode,
    "bare-author-lines": make_bare_author_lines,
    "mixed-mess": make_mixed_mess,
    "hf-daily-titles-chrome": make_hf_daily_titles_chrome,
    "hf-trending-chrome": make_hf_trending_chrome,
    "firefox-alt-text": make_firefox_alt_text,
    "email-quoted": make_email_quoted,
    "markdown-notes": make_markdown_notes,
    "numbered-list": make_numbered_list,
    "phone-safari": make_phone_safari,
    "odd-titles": make_odd_titles,
    "odd-titles-only": make_odd_titles_only,
}


def build(name: str) -> tuple[bytes, str]:
    text, exp = VARIANTS[name](seed_pairs())
    return text.encode("utf-8"), json.dumps(exp, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    for name in VARIANTS:
        data, exp = build(name)
        (HERE / f"{name}.txt").write_bytes(data)
        (HERE / f"{name}.expected.json").write_text(exp, encoding="utf-8", newline="\n")
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
