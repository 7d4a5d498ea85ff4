"""The rules file: what it parses into, and how mistakes are reported (file, line, what is wrong)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bibkit.errors import ExitCode, InputError
from bibkit.tagging import AutoTagOptions, load_rules, parse_rules
from bibkit.tagging.auto import DEFAULT_DENY
from bibkit.tagging.rules import All, AnyOf, Author, Category, HasCode, Not, Regex, RulesError, Tagged, Words, Year
from bibkit.tagging.tags import tag_problem

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def write(tmp_path: Path, text: str, name: str = "tags.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def errors_of(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    for loc, _ in info.value.errors:
        assert loc.file == str(path)
    return [(loc.line, msg) for loc, msg in info.value.errors]


# --------------------------------------------------------------------------- what rules mean


def test_example_rules_file_is_valid_and_covers_the_listing_themes() -> None:
    rules = load_rules(EXAMPLES / "tags.toml")
    for theme in ("mixture-of-experts", "medical", "tool-use", "agents", "survey", "model-merging", "evaluation",
                  "small-language-models", "instruction-tuning", "multimodal"):
        assert theme in rules.tags
    assert rules.auto.primary_category and rules.auto.has_code and rules.auto.ai_keywords
    assert rules.auto.ai_keywords_max == 3 and rules.auto.ai_keywords_min_entries == 3
    # every rule knows where it was written: the line of its [[rule]] header
    lines = (EXAMPLES / "tags.toml").read_text().splitlines()
    for rule in rules.rules:
        assert lines[rule.location.line - 1].strip() == "[[rule]]"


def test_word_fields_and_terms(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, """
        [[rule]]
        tag = "moe"
        title = ["Mixture-of-Experts", "MoE"]
        abstract = "agent*"
        text = ["Qwen2.5"]
    """))
    cond = rules.rules[0].condition
    assert isinstance(cond, All)
    title, abstract, text = cond.children
    assert isinstance(title, Words) and title.fields == ("title",)
    assert [t.tokens for t in title.terms] == [("mixture", "of", "experts"), ("moe",)]
    assert isinstance(abstract, Words) and abstract.fields == ("abstract",)
    assert abstract.terms[0].tokens == ("agent",) and abstract.terms[0].prefix
    assert text.fields == ("title", "abstract") and text.terms[0].tokens == ("qwen2", "5")


def test_other_conditions_and_nesting(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, """
        [[rule]]
        tag = "x"
        any = [
          { category = ["cs.CL", "q-bio.*", "math"] },
          { primary-category = "cs.LG", has-code = true },
          { all = [ { year = "2020..2022" }, { not = { tagged = ["Read"] } } ] },
        ]
        author = ["LeCun"]
        regex = ['\\bGPT-\\d\\b']
        year = 2024

        [[rule]]
        tag = "y"
        year = "2023.."
        not = [ { title = ["survey"] }, { has-code = false } ]
    """))
    x, y = rules.rules
    assert isinstance(x.condition, All)
    anyof, author, regex, year = x.condition.children
    assert isinstance(anyof, AnyOf)
    cat, prim_and_code, nested = anyof.children
    assert cat == Category(frozenset({"cs.cl"}), frozenset({"q-bio", "math"}), False)
    assert isinstance(prim_and_code, All)
    assert prim_and_code.children == (Category(frozenset({"cs.lg"}), frozenset(), True), HasCode(True))
    assert nested == All((Year(2020, 2022), Not(Tagged(frozenset({"read"})))))
    assert isinstance(author, Author) and author.terms[0].tokens == ("lecun",)
    assert isinstance(regex, Regex) and regex.patterns[0].search("uses gpt-4 here")
    assert year == Year(2024, 2024)
    assert isinstance(y.condition, All)
    assert y.condition.children[0] == Year(2023, None)
    assert isinstance(y.condition.children[1], Not) and isinstance(y.condition.children[1].child, AnyOf)


def test_array_of_subtables_works_like_inline_tables(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, """
        [[rule]]
        tag = "medical"
        [[rule.any]]
        title = ["clinical"]
        [[rule.any]]
        category = ["q-bio.*"]
    """))
    cond = rules.rules[0].condition
    assert isinstance(cond, AnyOf) and len(cond.children) == 2


def test_auto_section(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, """
        [auto]
        primary-category = false
        has-code = "code"
        category-prefix = "arxiv:"
        [auto.ai-keywords]
        max-per-entry = 2
        min-entries = 4
        allow = ["Large Language Models (LLMs)"]
        deny = ["RLHF"]
        prefix = "kw:"
    """))
    assert rules.rules == []
    a = rules.auto
    assert (a.primary_category, a.has_code, a.has_code_tag, a.category_prefix) == (False, True, "code", "arxiv:")
    assert a.ai_keywords and a.ai_keywords_max == 2 and a.ai_keywords_min_entries == 4
    assert a.ai_keywords_allow == frozenset({"large-language-model"})  # normalised like keywords
    assert a.ai_keywords_deny == frozenset({"rlhf"})
    assert a.ai_keywords_prefix == "kw:"


def test_defaults_without_auto_section(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, '[[rule]]\ntag = "a"\ntitle = ["b"]\n'))
    assert rules.auto == AutoTagOptions()
    assert rules.auto.primary_category and rules.auto.has_code and not rules.auto.ai_keywords
    assert rules.auto.ai_keywords_deny == DEFAULT_DENY


# --------------------------------------------------------------------------- mistakes: file, line, what


def test_toml_syntax_error_names_line(tmp_path: Path) -> None:
    errs = errors_of(tmp_path, """
        [[rule]]
        tag = "a"
        title = ["unclosed"
        abstract = ["x"]
    """)
    assert len(errs) == 1
    line, msg = errs[0]
    assert line in (3, 4) and msg.startswith("invalid TOML")


def test_unknown_key_with_suggestion(tmp_path: Path) -> None:
    errs = errors_of(tmp_path, """
        [[rule]]
        tag = "a"
        title = ["x"]

        [[rule]]
        tag = "b"
        titel = ["y"]
    """)
    assert errs == [(7, "rule 2 (tag 'b'): unknown condition 'titel' (did you mean 'title'?)")]


def test_bad_regex_names_its_line_and_position(tmp_path: Path) -> None:
    errs = errors_of(tmp_path, """
        [[rule]]
        tag = "a"
        any = [
          { title = ["ok"] },
          { abstract-regex = "(unclosed" },
        ]
    """)
    assert len(errs) == 1
    line, msg = errs[0]
    assert line == 5
    assert "invalid regular expression '(unclosed'" in msg and "missing ), unterminated subpattern at position 0" in msg


def test_regex_matching_everything_is_refused(tmp_path: Path) -> None:
    errs = errors_of(tmp_path, '[[rule]]\ntag = "a"\nregex = "x*"\n')
    assert errs[0][0] == 3 and "matches the empty string" in errs[0][1]


@pytest.mark.parametrize("tag, fragment", [
    ("a, b", "contains a comma"),
    ("a; b", "contains a semicolon"),
    ("a{b", "contains a brace"),
    (" padded", "leading or trailing spaces"),
    ("", "must not be empty"),
    ("x" * 256, "longer than Zotero's limit of 255"),
])
def test_unusable_tags_are_refused(tmp_path: Path, tag: str, fragment: str) -> None:
    errs = errors_of(tmp_path, f"""
        [[rule]]
        tag = "ok"
        title = ["x"]

        [[rule]]
        title = ["y"]
        tag = "{tag}"
    """)
    assert len(errs) == 1
    assert errs[0][0] == 7
    assert fragment in errs[0][1]


def test_tag_problem_accepts_ordinary_tags() -> None:
    for tag in ("mixture-of-experts", "cs.CL", "Reading/MoE", "to read", "Ünïcode tag", "x" * 255):
        assert tag_problem(tag) is None


def test_missing_tag_points_at_the_rule_header(tmp_path: Path) -> None:
    errs = errors_of(tmp_path, """
        # comment
        [[rule]]
        tag = "a"
        title = ["x"]

        [[rule]]
        title = ["y"]
    """)
    assert errs == [(6, "rule 2: no 'tag' (every rule needs tag = \"...\")")]


def test_rule_without_conditions(tmp_path: Path) -> None:
    errs = errors_of(tmp_path, '[[rule]]\ntag = "lonely"\ndescription = "nothing"\n')
    assert errs == [(1, "rule 1 (tag 'lonely'): no conditions (give e.g. text = [...], category = [...], any = [...])")]


@pytest.mark.parametrize("body, line, fragment", [
    ('title = []', 3, "'title' is an empty list"),
    ('title = [1, 2]', 3, "must list strings, but has a number 1"),
    ('title = ["C++"]', 3, "'+' cannot be part of a word"),
    ('title = ["ag*ent"]', 3, "'*' is allowed only at the end"),
    ('title = ["a*"]', 3, "too short"),
    ('title = ["--"]', 3, "no letters or digits"),
    ('category = ["cs.CL", "computer science"]', 3, "'computer science' is not an arXiv category"),
    ('year = "2024..2020"', 3, "year range '2024..2020' is empty"),
    ('year = "recent"', 3, "'year' must be a year"),
    ('has-code = "yes"', 3, "'has-code' must be true or false"),
    ('any = { title = ["x"] }\nall = "x"', 4, "'all' must be a list of condition tables"),
    ('not = "x"', 3, "'not' must be a condition table"),
    ('any = []', 3, "'any' is an empty list"),
    ('any = [{}]', 3, "empty condition table"),
])
def test_condition_mistakes(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    errs = errors_of(tmp_path, f'[[rule]]\ntag = "t"\n{body}\n')
    assert len(errs) == 1, errs
    assert errs[0][0] == line
    assert fragment in errs[0][1]


def test_error_deep_inside_a_multiline_array_names_the_right_line(tmp_path: Path) -> None:
    errs = errors_of(tmp_path, """
        [[rule]]
        tag = "a"
        any = [
          { title = ["fine"] },
          { all = [
              { year = 2020 },
              { titel = ["typo"] },
          ] },
        ]
    """)
    assert errs == [(7, "rule 1 (tag 'a'): unknown condition 'titel' (did you mean 'title'?)")]


def test_error_in_array_subtable(tmp_path: Path) -> None:
    errs = errors_of(tmp_path, """
        [[rule]]
        tag = "medical"

        [[rule.any]]
        title = ["clinical"]

        [[rule.any]]
        category = ["not a category"]
    """)
    assert errs[0][0] == 8 and "not an arXiv category" in errs[0][1]


def test_every_mistake_is_reported_at_once_in_line_order(tmp_path: Path) -> None:
    path = write(tmp_path, """
        [[rule]]
        tag = "a,b"
        title = ["x"]

        [auto]
        has-cod = true

        [[rule]]
        tag = "c"
        regex = "["
    """)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    err = info.value
    assert [loc.line for loc, _ in err.errors] == [2, 6, 10]
    text = str(err)
    assert text.startswith(f"{path}:2: rule 1: tag 'a,b' contains a comma")
    assert "(3 problems)" in text
    assert f"\n  {path}:6: [auto]: unknown key 'has-cod' (did you mean 'has-code'?)" in text
    assert f"\n  {path}:10: rule 2 (tag 'c'): invalid regular expression '['" in text
    assert isinstance(err, InputError) and err.exit_code == ExitCode.INPUT


@pytest.mark.parametrize("body, line, fragment", [
    ("[auto]\nprimary-category = 1", 2, "'primary-category' must be true or false"),
    ("[auto]\nhas-code = \"a,b\"", 2, "contains a comma"),
    ("[auto.ai-keywords]\nmin-entries = 0", 2, "'min-entries' must be a whole number >= 1"),
    ("[auto.ai-keywords]\nmax-per-entry = -1", 2, "'max-per-entry' must be a whole number >= 0"),
    ("[auto.ai-keywords]\nenabled = true\nmax = 3", 3, "unknown key 'max'"),
    ("[auto.ai-keywords]\nallow = \"x\"", 2, "'allow' must be a list of strings"),
    ("[auto]\nai-keywords = 3", 2, "'ai-keywords' must be true, false or a table"),
])
def test_auto_mistakes(tmp_path: Path, body: str, line: int, fragment: str) -> None:
    errs = errors_of(tmp_path, body + "\n")
    assert len(errs) == 1, errs
    assert errs[0][0] == line and fragment in errs[0][1]


def test_top_level_typo(tmp_path: Path) -> None:
    errs = errors_of(tmp_path, '[[rules]]\ntag = "a"\ntitle = ["x"]\n')
    assert errs == [(1, "unknown top-level key 'rules' (did you mean 'rule'?)")]


def test_rule_as_plain_table_is_explained(tmp_path: Path) -> None:
    errs = errors_of(tmp_path, '[rule]\ntag = "a"\ntitle = ["x"]\n')
    assert errs == [(1, "'rule' must be an array of tables: write each rule as [[rule]]")]


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="rules file not found"):
        load_rules(tmp_path / "nope.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'[[rule]]\ntag = "caf\xe9"\ntitle = ["x"]\n')
    with pytest.raises(InputError, match="not UTF-8"):
        load_rules(bad)


def test_parse_rules_names_the_given_path() -> None:
    with pytest.raises(RulesError) as info:
        parse_rules('[[rule]]\ntag = "a"\n', "inline.toml")
    assert str(info.value).startswith("inline.toml:1: rule 1 (tag 'a'): no conditions")


def test_absurd_nesting_is_refused(tmp_path: Path) -> None:
    deep = '{ title = ["x"] }'
    for _ in range(30):
        deep = "{ not = " + deep + " }"
    errs = errors_of(tmp_path, f'[[rule]]\ntag = "deep"\nany = [{deep}]\n')
    assert len(errs) == 1 and "nested more than 24 levels" in errs[0][1] and errs[0][0] == 3
    ok = '{ title = ["x"] }'
    for _ in range(20):
        ok = "{ not = " + ok + " }"
    rules = load_rules(write(tmp_path, f'[[rule]]\ntag = "fine"\nany = [{ok}]\n', "ok.toml"))
    from bibkit.model import Entry
    from bibkit.tagging.engine import Engine

    engine = Engine(rules.rules)  # 20 negations: compiles, and means title = ["x"]
    assert engine.match(Entry(title="x")) == [0] and engine.match(Entry(title="y")) == []
