"""The venue table: names sources use map to one venue, full ↔ short, extendable in the config file."""

from __future__ import annotations

import pytest

from bibkit.config import ConfigError, load_settings
from bibkit.enrich.venues import bundled_venues, is_workshop, load_venues, venue_key

TABLE = load_venues()


@pytest.mark.parametrize("name, short", [
    ("Proceedings of the 2023 Conference on Empirical Methods in Natural Language Processing", "EMNLP"),
    ("Conference on Empirical Methods in Natural Language Processing", "EMNLP"),
    ("EMNLP", "EMNLP"),
    ("Findings of the Association for Computational Linguistics: EMNLP 2023", "Findings of EMNLP"),
    ("EMNLP (Findings)", "Findings of EMNLP"),
    ("Findings of the Association for Computational Linguistics: NAACL 2025", "Findings of NAACL"),
    ("Proceedings of the 62nd Annual Meeting of the Association for Computational Linguistics (Volume 1: Long Papers)",
     "ACL"),
    ("ACL (1)", "ACL"),
    ("Proceedings of the 2024 Conference of the North American Chapter of the Association for Computational "
     "Linguistics: Human Language Technologies (Volume 1: Long Papers)", "NAACL"),
    ("Proceedings of the 18th Conference of the European Chapter of the Association for Computational Linguistics",
     "EACL"),
    ("Proceedings of the 29th International Conference on Computational Linguistics", "COLING"),
    ("Transactions of the Association for Computational Linguistics", "TACL"),
    ("Neural Information Processing Systems", "NeurIPS"),
    ("Advances in Neural Information Processing Systems 36", "NeurIPS"),
    ("NIPS", "NeurIPS"),
    ("International Conference on Learning Representations", "ICLR"),
    ("The Twelfth International Conference on Learning Representations", "ICLR"),
    ("Proceedings of the 40th International Conference on Machine Learning", "ICML"),
    ("Computer Vision – ECCV 2024", "ECCV"),
    ("2023 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)", "CVPR"),
    ("2023 IEEE/CVF International Conference on Computer Vision (ICCV)", "ICCV"),
    ("Proceedings of the AAAI Conference on Artificial Intelligence", "AAAI"),
    ("Proceedings of the Thirty-Second International Joint Conference on Artificial Intelligence", "IJCAI"),
    ("Proceedings of the 29th ACM SIGKDD Conference on Knowledge Discovery and Data Mining", "KDD"),
    ("Proceedings of the ACM Web Conference 2023", "WWW"),
    ("Proceedings of the 46th International ACM SIGIR Conference on Research and Development in Information "
     "Retrieval", "SIGIR"),
    ("Trans. Mach. Learn. Res.", "TMLR"),
    ("J. Mach. Learn. Res.", "JMLR"),
    ("Nature Communications", "Nat. Commun."),
    ("npj Computational Materials", "npj Comput. Mater."),
    ("Nature", "Nature"),
])
def test_names_sources_use_find_their_venue(name, short):
    venue = TABLE.find(name)
    assert venue is not None and venue.short == short, (name, venue)


def test_workshops_and_unknown_venues_are_not_mapped():
    assert TABLE.find("ICLR 2024 Workshop on Reliable and Responsible Foundation Models") is None
    assert is_workshop("Sparsity in Neural Networks Workshop 2023") and not is_workshop("Findings of ACL")
    assert TABLE.find("Journal of Obscure Results") is None
    assert TABLE.style("Journal of Obscure Results", "short") == "Journal of Obscure Results"


def test_full_and_short_names_with_the_year():
    emnlp = TABLE.find("EMNLP")
    assert emnlp.name("full", 2023) == "Proceedings of the 2023 Conference on Empirical Methods in Natural Language Processing"
    assert emnlp.name("full", None) == "Proceedings of the Conference on Empirical Methods in Natural Language Processing"
    assert emnlp.name("short", 2023) == "EMNLP"
    assert TABLE.style("Neural Information Processing Systems", "full") == "Advances in Neural Information Processing Systems"


def test_venue_key_ignores_years_ordinals_and_volume_parts():
    assert venue_key("Proceedings of the 61st Annual Meeting of the ACL (Volume 2: Short Papers)") == "meeting of the acl"
    assert venue_key("The Thirty-Seventh Annual Conference") == "conference"
    assert venue_key("") == ""


def test_hints_in_arxiv_comments():
    def hints(text):
        return [(h.venue.short, h.year, h.workshop) for h in TABLE.hints(text)]

    assert hints("Accepted at ICLR 2024") == [("ICLR", 2024, False)]
    assert hints("Published as a conference paper at ICLR 2024. Code: https://x") == [("ICLR", 2024, False)]
    assert hints("Under review at ICLR 2024") == []
    assert hints("Submitted to NeurIPS 2023") == []
    assert hints("Findings of NAACL 2025") == [("Findings of NAACL", 2025, False)]
    assert hints("Accepted to the main conference of NAACL 2024") == [("NAACL", 2024, False)]
    assert hints("To appear in EMNLP'23") == [("EMNLP", 2023, False)]
    assert hints("NeurIPS 2023 Workshop on Instruction Tuning") == [("NeurIPS", 2023, True)]
    assert hints("9 pages, 3 figures; an oracle cl") == []


def test_the_bundled_table_is_consistent():
    venues = bundled_venues()
    shorts = [v.short for v in venues]
    assert len(shorts) == len(set(shorts))
    assert {"NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "NAACL", "EACL", "COLING", "Findings of ACL", "Findings of EMNLP",
            "Findings of NAACL", "CVPR", "ICCV", "ECCV", "AAAI", "IJCAI", "KDD", "WWW", "SIGIR", "TACL", "JMLR", "TMLR",
            "Nature", "Nat. Commun.", "npj Comput. Mater."} <= set(shorts)
    keys: dict[str, str] = {}
    for venue in venues:  # no name of one venue is a name of another
        for name in venue.names():
            key = venue_key(name)
            assert keys.setdefault(key, venue.short) == venue.short, (name, keys[key], venue.short)


def test_users_extend_the_table_in_the_config_file(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[[venues]]\nshort = "MyConf"\nfull = "Proceedings of the {year} Conference on My Topic"\n'
                      'aliases = ["My Topic Conference"]\n\n[[venues]]\nshort = "NIPS"\n'
                      'full = "Neural Information Processing Systems"\n', encoding="utf-8")
    settings = load_settings(env={"BIBKIT_CONFIG": str(config)})
    assert settings.warnings == ()  # [[venues]] is a section the config file may hold (no "unknown section")
    table = load_venues(settings)
    assert table.find("Proceedings of the 2024 Conference on My Topic").short == "MyConf"
    assert table.find("My Topic Conference").name("full", 2024) == "Proceedings of the 2024 Conference on My Topic"
    assert table.find("NeurIPS") is not None and table.find("Neural Information Processing Systems").short == "NIPS"


@pytest.mark.parametrize("body, message", [
    ('[[venues]]\nshort = "X"\n', "needs 'short' and 'full'"),
    ('[[venues]]\nshort = "X"\nfull = "Y"\nkind = "magazine"\n', "kind must be"),
    ('[[venues]]\nshort = "X"\nfull = "Y"\naliases = [1]\n', "aliases must be a list of strings"),
    ('[[venues]]\nshort = "X"\nfull = "Y"\nalias = ["z"]\n', "unknown key(s) alias"),
])
def test_a_bad_venue_in_the_config_file_names_the_file_and_the_venue(tmp_path, body, message):
    config = tmp_path / "config.toml"
    config.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_venues(load_settings(env={"BIBKIT_CONFIG": str(config)}))
    assert message in str(err.value) and str(config) in str(err.value) and "#1" in str(err.value)


def test_the_venue_table_ships_in_the_package():
    """A non-editable install must carry bibkit/data/venues.toml (the table is read with importlib.resources)."""
    import fnmatch
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    patterns = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["bibkit"]
    assert any(fnmatch.fnmatch("data/venues.toml", p) for p in patterns)
    assert (root / "bibkit" / "data" / "venues.toml").is_file()


def test_a_misspelt_venues_section_is_named(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[[venue]]\nshort = "X"\nfull = "Y"\n\n[http]\ns2_delay = 2\n', encoding="utf-8")
    settings = load_settings(env={"BIBKIT_CONFIG": str(config)})
    assert settings.s2_delay == 2.0 and settings.venues == ()
    (warning,) = settings.warnings
    assert "unknown section [venue] (did you mean [venues]?)" in warning
