"""Tagging: what rules match, automatic tags, how tags are added, the fast engine = the naive reference,
and the ``bibkit tag`` / ``bibkit collections`` commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibkit.cli import main
from bibkit.errors import ExitCode
from bibkit.model import Document, Entry, Link, LinkKind, PartialDate, Person, RepoInfo
from bibkit.pipeline import normalise_document, read_inputs
from bibkit.tagging import AutoTagOptions, load_rules, parse_rules, tag_document, tag_entries
from bibkit.tagging.auto import normalize_keyword, plan_keywords, singular
from bibkit.tagging.engine import Engine
from bibkit.tagging.naive import NaiveTagger
from bibkit.tagging.rules import All, AnyOf, Category, HasCode, Not, Regex, Rule, Words, Year, make_term

ROOT = Path(__file__).resolve().parent.parent
LISTING = ROOT / "examples" / "hf-trending-papers.txt"
TAGS = ROOT / "examples" / "tags.toml"

NO_AUTO = AutoTagOptions(primary_category=False, has_code=False, ai_keywords=False)


def rules_from(text: str):
    return parse_rules(text, "test.toml")


def entry(title: str = "", abstract: str = "", **kw) -> Entry:
    return Entry(title=title, abstract=abstract, **kw)


def tags_for(rules_text: str, *entries: Entry, auto: AutoTagOptions = NO_AUTO) -> list[list[str]]:
    result = tag_entries(entries, rules_from(rules_text), auto=auto)
    return [list(e.entry.tags) for e in result.entries]


@pytest.fixture(scope="module")
def listing() -> Document:
    doc = read_inputs([str(LISTING)])
    normalise_document(doc)
    return doc


# --------------------------------------------------------------------------- the example listing, hand-checked

#: Titles of the example listing and the tags examples/tags.toml must give them (checked by reading
#: each title and abstract; "has-code" where the abstract links the paper's repository).
EXPECTED = {
    "A Survey on Mixture of Experts": {"mixture-of-experts", "moe-with-code", "survey", "has-code"},
    "MedAgents: Large Language Models as Collaborators for Zero-shot Medical Reasoning":
        {"medical", "agents", "reasoning", "has-code"},
    "Small LLMs Are Weak Tool Learners: A Multi-LLM Agent": {"small-language-models", "tool-use", "agents"},
    "What Matters for Model Merging at Scale?": {"model-merging"},
    "DeepSeekMoE: Towards Ultimate Expert Specialization in Mixture-of-Experts Language Models":
        {"mixture-of-experts", "domain-specialization"},
    "Specialist vision-language models for clinical ophthalmology": {"domain-specialization", "medical", "multimodal"},
    "INSTRUCTEVAL: Towards Holistic Evaluation of Instruction-Tuned Large Language Models":
        {"instruction-tuning", "evaluation", "has-code"},
    "Dolma: an Open Corpus of Three Trillion Tokens for Language Model Pretraining Research": {"datasets"},
    "Toward a traceable, explainable, and fairJD/Resume recommendation system": set(),
    "Granite Code Models: A Family of Open Foundation Models for Code Intelligence": {"code"},
    "Beyond the Imitation Game: Quantifying and extrapolating the capabilities of language models": {"evaluation"},
    "Pitfalls in Language Models for Code Intelligence: A Taxonomy and Survey": {"code", "survey"},
    "Tool Learning with Foundation Models": {"tool-use"},
    "The Butterfly Effect of Model Editing: Few Edits Can Trigger Large Language Models Collapse": {"model-editing"},
    "Composition of Experts: A Modular Compound AI System Leveraging Large Language Models": {"mixture-of-experts"},
    "SUPER: Evaluating Agents on Setting Up and Executing Tasks from Research Repositories":
        {"agents", "ai-for-science", "evaluation"},
}


def test_example_listing_gets_the_hand_checked_tags(listing: Document) -> None:
    rules = load_rules(TAGS)
    result = tag_document(listing, rules)
    by_title = {e.entry.title: e for e in result.entries}
    for title, expected in EXPECTED.items():
        assert set(by_title[title].added) == expected, title
    # rule tags come in file order, automatic tags after them
    survey = by_title["A Survey on Mixture of Experts"].entry
    assert survey.tags == ["mixture-of-experts", "moe-with-code", "survey", "has-code"]
    counts = {c.tag: c.matched for c in result.counts()}
    assert counts["mixture-of-experts"] >= 20 and counts["medical"] >= 12
    assert counts["foundational"] == 0  # no years before enrichment: a year condition never guesses


def test_engine_agrees_with_naive_on_the_example_listing(listing: Document) -> None:
    rules = load_rules(TAGS)
    engine, naive = Engine(rules.rules), NaiveTagger(rules.rules)
    for e in listing.entries:
        assert engine.match(e) == naive.match(e), e.title


# --------------------------------------------------------------------------- matching semantics


def test_whole_words_hyphens_and_case() -> None:
    rules = '[[rule]]\ntag = "moe"\ntext = ["mixture of experts", "MoE"]\n'
    got = tags_for(rules,
                   entry("Efficient Mixture-of-Experts Inference"),
                   entry("DeepSeekMoE goes big"),           # MoE glued to a name: not a whole word
                   entry("MOE in caps", ""),
                   entry("", "we use a mixture\nof   experts layer"),
                   entry("Experts mixture of", ""),
                   entry("moes are not moe"))                # the second word is
    assert got == [["moe"], [], ["moe"], ["moe"], [], ["moe"]]


def test_fields_are_scoped() -> None:
    rules = '[[rule]]\ntag = "t"\ntitle = ["survey"]\n[[rule]]\ntag = "a"\nabstract = ["survey"]\n'
    assert tags_for(rules, entry("A Survey", "nothing"), entry("Nothing", "we survey")) == [["t"], ["a"]]


def test_prefixes_and_phrases_ending_in_a_prefix() -> None:
    rules = '[[rule]]\ntag = "agents"\ntext = ["agent*", "tool learn*"]\n'
    got = tags_for(rules, entry("Agentic workflows"), entry("Reagents in chemistry"), entry("", "tool learners"),
                   entry("", "tool-learning"), entry("", "learn tools"))
    assert got == [["agents"], [], ["agents"], ["agents"], []]


def test_unicode_text_uses_the_same_word_rules() -> None:
    rules = ('[[rule]]\ntag = "moe"\ntext = ["mixture of experts"]\n'
             '[[rule]]\ntag = "naive"\ntext = ["naïve bayes"]\n'
             '[[rule]]\ntag = "muller"\nauthor = ["Müller"]\n')
    got = tags_for(rules,
                   entry("Mixture\u2011of\u2011Experts — “sparse”"),      # non-breaking hyphens, typographic quotes
                   entry("A NAÏVE Bayes baseline"),
                   entry("x", authors=[Person(family="Müller", given="Jörg")]),
                   entry("x", authors=[Person(family="Mullerova")]))
    assert got == [["moe"], ["naive"], ["muller"], []]


def test_regex_conditions_are_case_insensitive_unless_asked() -> None:
    rules = ("[[rule]]\ntag = \"gpt\"\nregex = '\\bgpt-\\d'\n"
             "[[rule]]\ntag = \"Named\"\ntitle-regex = '(?-i:[A-Z][a-z]+MoE)'\n")
    got = tags_for(rules, entry("Beyond GPT-4"), entry("DeepseekMoE"), entry("deepseekmoe"))
    assert got == [["gpt"], ["Named"], []]


def test_categories_years_code_and_combinations() -> None:
    rules = """
        [[rule]]
        tag = "nlp"
        category = ["cs.CL"]
        [[rule]]
        tag = "primary-lg"
        primary-category = ["cs.LG"]
        [[rule]]
        tag = "bio"
        category = ["q-bio.*", "math"]
        [[rule]]
        tag = "recent-with-code"
        all = [ { year = "2023.." }, { has-code = true } ]
        [[rule]]
        tag = "no-code-or-old"
        any = [ { has-code = false }, { year = "..2019" } ]
        [[rule]]
        tag = "not-survey"
        not = { title = ["survey"] }
        year = 2024
    """
    code = Link(LinkKind.GITHUB, "https://github.com/a/b", "a/b", role="primary")
    e1 = entry("Survey", primary_class="cs.LG", categories=["cs.LG", "cs.CL"], date=PartialDate(2024), links=[code])
    e2 = entry("Paper", primary_class="q-bio.GN", date=PartialDate(2018))
    e3 = entry("Paper", categories=["math.CO"], date=PartialDate(2024))
    e4 = entry("Paper")  # nothing known: a year never matches, has-code is false
    got = tags_for(rules, e1, e2, e3, e4)
    assert got == [["nlp", "primary-lg", "recent-with-code"], ["bio", "no-code-or-old"],
                   ["bio", "no-code-or-old", "not-survey"], ["no-code-or-old"]]


def test_tagged_condition_sees_tags_from_before_the_run() -> None:
    rules = ('[[rule]]\ntag = "moe"\ntitle = ["moe"]\n'
             '[[rule]]\ntag = "priority"\ntagged = ["MoE", "to-read"]\n')
    e1 = entry("MoE paper")                     # gets "moe" in this run, but was not tagged before
    e2 = entry("other", tags=["To-Read"])
    assert tags_for(rules, e1, e2) == [["moe"], ["To-Read", "priority"]]


def test_existing_tags_stay_first_and_nothing_is_added_twice_in_any_case() -> None:
    rules = ('[[rule]]\ntag = "moe"\ntitle = ["moe"]\n'
             '[[rule]]\ntag = "MoE"\ntitle = ["experts"]\n'
             '[[rule]]\ntag = "sparse"\ntitle = ["sparse"]\n')
    e = entry("Sparse MoE experts", tags=["zeta", "MOE"])
    result = tag_entries([e], rules_from(rules), auto=NO_AUTO)
    assert e.tags == ["zeta", "MOE", "sparse"]
    assert result.entries[0].added == ["sparse"]
    assert [t for t, _ in result.entries[0].decided] == ["moe", "MoE", "sparse"]


def test_dry_run_changes_nothing_but_reports_the_same() -> None:
    rules = rules_from('[[rule]]\ntag = "moe"\ntitle = ["moe"]\n')
    e = entry("MoE", tags=["x"])
    dry = tag_entries([e], rules, auto=NO_AUTO, apply=False)
    assert e.tags == ["x"] and dry.entries[0].added == ["moe"] and not dry.applied
    wet = tag_entries([e], rules, auto=NO_AUTO)
    assert e.tags == ["x", "moe"] and wet.entries[0].added == dry.entries[0].added


def test_several_rules_for_one_tag_count_once_per_entry() -> None:
    rules = rules_from('[[rule]]\ntag = "t"\ntitle = ["a"]\n[[rule]]\ntag = "t"\ntitle = ["b"]\n')
    result = tag_entries([entry("a b"), entry("b")], rules, auto=NO_AUTO)
    (row,) = result.counts()
    assert (row.tag, row.matched, row.added) == ("t", 2, 2)
    assert row.sources == ["rule 1 (test.toml:1)", "rule 2 (test.toml:4)"]


# --------------------------------------------------------------------------- automatic tags


def test_primary_category_and_has_code() -> None:
    primary = Link(LinkKind.GITHUB, "https://github.com/a/b", "a/b", role="primary")
    unjudged = Link(LinkKind.GITHUB, "https://github.com/c/d", "c/d")
    mentioned = Link(LinkKind.GITHUB, "https://github.com/e/f", "e/f", role="mentioned")
    dead = Link(LinkKind.GITHUB, "https://github.com/g/h", "g/h", repo=RepoInfo("g/h", status="dead"))
    hf = Link(LinkKind.HF_MODEL, "https://huggingface.co/x/y", "x/y")
    entries = [entry("a", primary_class="cs.CL", links=[primary]), entry("b", links=[unjudged]),
               entry("c", links=[mentioned]), entry("d", links=[dead, hf]), entry("e", primary_class="hep-th")]
    result = tag_entries(entries, None)  # defaults: category and has-code on
    assert [e.tags for e in entries] == [["cs.CL", "has-code"], ["has-code"], [], [], ["hep-th"]]
    assert {c.tag: c.sources for c in result.counts()} == {"has-code": ["auto:has-code"],
                                                           "cs.CL": ["auto:primary-category"],
                                                           "hep-th": ["auto:primary-category"]}


def test_auto_options_from_rules_file_and_overrides() -> None:
    rules = rules_from('[auto]\nprimary-category = false\nhas-code = "code"\ncategory-prefix = "arxiv:"\n')
    code = Link(LinkKind.GITHUB, "https://github.com/a/b", "a/b", role="primary")
    e = entry("x", primary_class="cs.CL", links=[code])
    tag_entries([e], rules)
    assert e.tags == ["code"]
    e2 = entry("x", primary_class="cs.CL", links=[code])
    tag_entries([e2], rules, auto=rules.auto.with_overrides(primary_category=True, has_code=None))
    assert e2.tags == ["arxiv:cs.CL", "code"]


def test_an_unusable_category_is_skipped_and_reported() -> None:
    e = entry("x", primary_class="cs.CL, cs.AI")
    result = tag_entries([e], None)
    assert e.tags == [] and result.skipped[0][1] == "cs.CL, cs.AI"
    assert "comma" in result.skipped[0][2]


@pytest.mark.parametrize("raw, norm", [
    ("Large Language Models (LLMs)", "large-language-model"),
    ("Mixtures of Experts", "mixture-of-experts"),
    ("Mixture-of-Experts", "mixture-of-experts"),
    ("mixture_of_experts", "mixture-of-experts"),
    ("LLMs", "llm"),
    ("Vision-Language Models", "vision-language-model"),
    ("reinforcement learning from human feedback", "reinforcement-learning-from-human-feedback"),
    ("training strategies", "training-strategy"),
    ("Qwen2.5", "qwen2.5"),
    ("GPT-4", "gpt-4"),
    ("robotics", "robotics"),
    ("analysis", "analysis"),
    ("routing, gating; experts", "routing-gating-expert"),
    ("{braces} \\and", "braces-and"),
    ("  ", None),
    ("a b c d e f", None),  # a sentence, not a topic
])
def test_keyword_normalisation(raw: str, norm: str | None) -> None:
    assert normalize_keyword(raw) == norm


def test_singular_is_cautious() -> None:
    assert [singular(w) for w in ("models", "agents", "strategies", "processes", "boxes", "bias", "gas",
                                  "physics", "corpus", "llms", "its", "data")] == \
        ["model", "agent", "strategy", "process", "box", "bias", "gas", "physics", "corpus", "llm", "its", "data"]


def kw_entry(*keywords: str) -> Entry:
    return entry("x", meta={"ai_keywords": list(keywords)})


def test_keywords_are_shared_limited_and_filtered() -> None:
    opts = AutoTagOptions(primary_category=False, has_code=False, ai_keywords=True, ai_keywords_max=2,
                          ai_keywords_min_entries=2)
    entries = [
        kw_entry("Mixture of Experts", "routing", "LLMs", "Expert Pruning", "load balancing"),
        kw_entry("mixture-of-experts", "Routing", "expert pruning", "load balancing"),
        kw_entry("Mixtures of Experts", "one-off keyword"),
        kw_entry("large language models", "LLM"),
    ]
    plan = plan_keywords(entries, opts)
    # "llm"/"large-language-model" are denied by default; "one-off-keyword" is on one entry only
    assert plan.counts["mixture-of-experts"] == 3 and "llm" not in plan.counts
    tag_entries(entries, None, auto=opts)
    assert entries[0].tags == ["mixture-of-experts", "routing"]        # the two most shared, ties in HF order
    assert entries[1].tags == ["mixture-of-experts", "routing"]
    assert entries[2].tags == ["mixture-of-experts"]
    assert entries[3].tags == []


def test_keyword_allow_deny_allow_only_and_prefix() -> None:
    base = AutoTagOptions(primary_category=False, has_code=False, ai_keywords=True, ai_keywords_max=5,
                          ai_keywords_min_entries=2, ai_keywords_prefix="kw:")
    entries = [kw_entry("RLHF", "routing", "LLMs"), kw_entry("routing", "LLM")]
    tag_entries(entries, None, auto=base)     # "llm" is denied by default, "rlhf" is on one entry only
    assert [e.tags for e in entries] == [["kw:routing"], ["kw:routing"]]
    entries = [kw_entry("RLHF", "routing", "LLMs"), kw_entry("routing", "LLM")]
    allow = base.with_overrides(ai_keywords_allow=frozenset({"rlhf"}), ai_keywords_deny=frozenset())
    tag_entries(entries, None, auto=allow)
    assert [e.tags for e in entries] == [["kw:routing", "kw:llm", "kw:rlhf"], ["kw:routing", "kw:llm"]]
    entries = [kw_entry("RLHF", "routing"), kw_entry("routing", "LLM")]
    only = allow.with_overrides(ai_keywords_allow_only=True)
    tag_entries(entries, None, auto=only)
    assert [e.tags for e in entries] == [["kw:rlhf"], []]


def test_keywords_off_by_default() -> None:
    e = kw_entry("routing")
    e2 = kw_entry("routing")
    tag_entries([e, e2], None)
    assert e.tags == [] and e2.tags == []


# --------------------------------------------------------------------------- the engine is the naive evaluator, fast

WORDS = ["moe", "mixture", "of", "the", "experts", "agent", "agents", "agentic", "tool", "use", "survey", "medical",
         "clinical", "model", "models", "merging", "small", "language", "vision", "naïve", "Ünïcode", "x"]
SEPS = [" ", " ", " ", "-", ", ", ". ", "\u2011", " (", ") ", "_", "\n", "/"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 14))
    out = []
    for _ in range(n):
        word = draw(st.sampled_from(WORDS))
        if draw(st.booleans()):
            word = word.upper() if draw(st.booleans()) else word.capitalize()
        out.append(word + draw(st.sampled_from(SEPS)))
    return "".join(out)


PATTERNS = ["moe", "mixture of experts", "agent*", "tool use", "survey", "medical", "clinical model*",
            "small language model*", "naïve", "ünïcode", "x", "of experts", "model merging", "vision-language",
            "language agent*", "model merg*", "of the mod*"]  # the last three: phrases of common words + a prefix


@st.composite
def conditions(draw: st.DrawFn, depth: int = 0):
    kinds = ["words", "regex", "category", "code", "year"] + (["all", "any", "not"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "words":
        fields = draw(st.sampled_from([("title",), ("abstract",), ("title", "abstract")]))
        terms = draw(st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=3))
        return Words(fields, tuple(make_term(t)[0] for t in terms))
    if kind == "regex":
        patterns = [r"\bmoe", "experts?$", "^a", r"tool\W", r"\b(?:mixture|tool)s?\b", r"\bnaïve\b", r"\b\w+ts\b",
                    r"(?-i:[A-Z]\w+E)", r"\bof experts", r"medical|clinical", r"[^a-z ]+s\b", r"Tool\W", r"(.)\1"]
        return Regex(("title", "abstract"), (re.compile(draw(st.sampled_from(patterns)), re.I),))
    if kind == "category":
        return Category(frozenset({"cs.cl"}), frozenset({"q-bio"}), draw(st.booleans()))
    if kind == "code":
        return HasCode(draw(st.booleans()))
    if kind == "year":
        return Year(2020, None)
    children = tuple(draw(st.lists(conditions(depth + 1), min_size=1, max_size=3)))
    if kind == "all":
        return All(children)
    if kind == "any":
        return AnyOf(children)
    return Not(children[0])


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    links = [Link(LinkKind.GITHUB, "https://github.com/a/b", "a/b")] if draw(st.booleans()) else []
    return Entry(title=draw(texts()), abstract=draw(texts()), links=links,
                 primary_class=draw(st.sampled_from([None, "cs.CL", "q-bio.GN", "cs.LG"])),
                 date=draw(st.sampled_from([None, PartialDate(2019), PartialDate(2024)])))


@settings(max_examples=300, deadline=None)
@given(st.lists(conditions(), min_size=1, max_size=6), st.lists(entries(), min_size=1, max_size=8))
def test_engine_equals_naive_reference(conds, items) -> None:
    rules = [Rule(f"t{i}", c, i) for i, c in enumerate(conds)]
    engine, naive = Engine(rules), NaiveTagger(rules)
    for e in items:
        assert engine.match(e) == naive.match(e)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=80) | texts())
def test_fast_tokeniser_gives_the_defined_words(text: str) -> None:
    from bibkit.tagging.tokens import WORD, words

    assert words(text) == WORD.findall(text.lower())


def test_regex_shortcuts_are_sound() -> None:
    from bibkit.tagging.regexes import required_literals, strip_leading_boundary

    def req(p: str) -> list[tuple[str, ...]]:
        return required_literals(re.compile(p, re.I))

    assert req(r"\bwe (?:release|introduce)\b[^.]{0,60}\b(?:dataset|corpus)\b") == [
        ("introduce", "release"), ("corpus", "dataset"), ("we ",)]
    assert req(r"(?-i:[A-Z][a-z]+MoE)") == [("moe",)]
    assert req("a|b") == [] and req("(?:abcd|e)x") == [] and req("(abc)+") == [("abc",)]
    assert req(r"(?:foo)?bar") == [("bar",)]  # an optional group is not required
    stripped = strip_leading_boundary(re.compile(r"\b(?:we|this) (?:show)", re.I))
    assert stripped is not None and stripped.pattern == "(?:we|this) (?:show)"
    for p in (r"\b|x", r"\b\.x", r"\b[^a]x", r"x\b", r"\b(?:a|\.)"):
        assert strip_leading_boundary(re.compile(p)) is None, p
    assert strip_leading_boundary(re.compile(r"\bx", re.ASCII)) is None
    from bibkit.tagging.regexes import case_folded

    folded = case_folded(re.compile(r"we (?:show|find)\b[^.]*\bbenchmark", re.I))
    assert folded is not None and not folded.flags & re.I
    for p in (r"GPT-\d", r"[^A-Z]", r"(?-i:moe)", r"naïve", r"\u0041"):   # upper case, scoped flags, non-ASCII
        assert case_folded(re.compile(p, re.I)) is None, p
    assert case_folded(re.compile("abc")) is None  # already case-sensitive: nothing to do


def test_engine_code_orders_cheap_tests_first_and_never_contains_user_text() -> None:
    rules = rules_from("""
        [[rule]]
        tag = 'a") or __import__("os") or ("'
        all = [ { regex = '"\\) or __import__\\("os' }, { text = ["moe"] }, { year = "2020.." } ]
        [[rule]]
        tag = "b"
        any = [ { title-regex = "x" }, { category = ["cs.CL"] }, { not = { title = ["z"] } } ]
    """)
    engine = Engine(rules.rules)
    assert "import" not in engine.source and "cs.cl" not in engine.source.lower()
    lines = [line.strip() for line in engine.source.splitlines() if line.strip().startswith("if ")]
    # atoms and years before categories before regexes; and/or short-circuit left to right
    assert lines[0].startswith("if ((0 in hits) and (y is not None and y >= 2020) and (((ati and (R")
    assert re.match(r"if \(\(not E\d+\.isdisjoint\(cl\)\) or \(not \(1 in hits\)\) or ", lines[1])
    # a case-insensitive regex with nothing upper-case runs case-sensitively on the lower-cased ASCII text
    assert ".search((lti or (lti := ti.lower()))) is not None)) or (not ati and (R" in lines[1]
    assert engine.stats()["atoms"] == 2 and engine.stats()["regex_conditions"] == 2
    e = entry("MoE models", date=PartialDate(2021), abstract='x ") or __import__("os y')
    assert engine.match(e) == [0, 1]


# --------------------------------------------------------------------------- the commands


def test_tag_command_writes_keywords_and_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tagged.bib"
    report = tmp_path / "report.json"
    code = main(["tag", str(LISTING), "--rules", str(TAGS), "-o", str(out), "--report", str(report)])
    assert code == ExitCode.OK
    err = capsys.readouterr().err
    assert re.search(r"mixture-of-experts\s+24\s+24\s+rule 1 \(.*tags.toml:\d+\)", err)
    assert "entries changed" in err
    text = out.read_text()
    assert "keywords = {mixture-of-experts, moe-with-code, survey, has-code}" in text
    data = json.loads(report.read_text())
    assert data["totals"]["entries"] == 86 and data["totals"]["changed"] == 85
    survey = next(e for e in data["entries"] if e["title"] == "A Survey on Mixture of Experts")
    assert survey["tags_added"] == ["mixture-of-experts", "moe-with-code", "survey", "has-code"]
    assert {"tag": "survey", "by": survey["matched"][2]["by"]} in survey["matched"]
    # the keywords survive the .bib round trip exactly, and a second run changes nothing
    back = read_inputs([str(out)])
    assert [e.tags for e in back.entries][:1] == [["instruction-tuning", "domain-specialization", "has-code"]]
    again = tmp_path / "again.bib"
    assert main(["tag", str(out), "--rules", str(TAGS), "-o", str(again)]) == ExitCode.OK
    assert "0 of 86 entries changed" in capsys.readouterr().err
    assert again.read_text() == text


def key_of(doc: Document, title: str) -> str:
    """The citation key bibkit gives the entry with this title (keys are the normaliser's business)."""
    return next(e.key for e in doc.entries if e.title == title)


def test_tag_dry_run_prints_the_table_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         listing: Document) -> None:
    out = tmp_path / "never.bib"
    assert main(["tag", str(LISTING), "--rules", str(TAGS), "-o", str(out), "--dry-run", "--no-code-tags"]) == 0
    captured = capsys.readouterr()
    assert not out.exists()
    assert "85 of 86 entries would change:" in captured.out
    key = key_of(listing, "A Survey on Mixture of Experts")
    assert re.search(re.escape(key) + r"\s+mixture-of-experts, moe-with-code, survey\s", captured.out)
    assert "has-code" not in captured.out.split("entries would change")[1]
    assert "dry run: nothing written" in captured.err


def test_bad_rules_stop_before_anything_is_read_or_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text('[[rule]]\ntag = "x"\ntitle = ["ok"]\n\n[[rule]]\ntag = "moe, sparse"\ntitle = ["moe"]\n')
    out = tmp_path / "out.bib"
    code = main(["tag", str(LISTING), "--rules", str(rules), "-o", str(out)])
    assert code == ExitCode.INPUT
    assert not out.exists()
    err = capsys.readouterr().err
    assert f"{rules}:6: rule 2: tag 'moe, sparse' contains a comma" in err


def test_tag_needs_something_to_tag_with(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tag", str(LISTING), "--no-auto", "-o", str(tmp_path / "x.bib")]) == ExitCode.INPUT
    assert "nothing to tag with" in capsys.readouterr().err


EXPECTED_FIRST_MEDICAL = "Can Generalist Foundation Models Outcompete Special-Purpose Tuning? Case Study in Medicine"


def test_collections_command(tmp_path: Path, capsys: pytest.CaptureFixture[str], listing: Document) -> None:
    assert main(["collections", str(LISTING), "--rules", str(TAGS), "--parent", "Reading", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = [c["name"] for c in data["collections"]]
    assert names[0] == "Reading/mixture-of-experts"                      # the largest first
    medical = next(c for c in data["collections"] if c["tag"] == "medical")
    assert medical["count"] == len(medical["keys"]) and medical["keys"][0] == key_of(listing, EXPECTED_FIRST_MEDICAL)
    assert "foundational" not in [c["tag"] for c in data["collections"]]  # an empty tag makes no collection
    assert data["untagged"] == [key_of(listing, "Toward a traceable, explainable, and fairJD/Resume recommendation system")]
    assert main(["collections", str(LISTING), "--rules", str(TAGS), "--tag", "survey", "--tag", "Tool-Use"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^survey\s+13\s", out, re.M) and re.search(r"^tool-use\s+4\s", out, re.M)
    assert "medical" not in out and "would go into no collection" in out
