"""Config mistakes are reported: unknown sections and keys with a "did you mean", a $BIBKIT_CONFIG
that names no file, a file that is not TOML — and log lines read like the CLI's other messages."""

from __future__ import annotations

import pytest

from bibkit.cli import main
from bibkit.config import ConfigError, load_settings
from bibkit.errors import ExitCode


@pytest.fixture()
def config(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("BIBKIT_CONFIG", str(path))
    return path


def test_unknown_sections_and_keys_are_warnings_with_a_suggestion(config, monkeypatch):
    monkeypatch.delenv("BIBKIT_GITHUB_URL")
    config.write_text('[servics]\narxiv_url = "http://mirror"\n\n[services]\ngithub_url = "http://gh.local"\n'
                      'hf_ulr = "http://hf.local"\n\n[citekey]\nformat = "auth + year"\n', encoding="utf-8")
    settings = load_settings()
    assert settings.github_url == "http://gh.local" and settings.citekey_format == "auth + year"
    assert settings.warnings == (
        f"{config}:1: unknown section [servics] (did you mean [services]?); ignored "
        "(sections: services, cache, citekey, http, zotero, budget, timeout, venues)",
        f"{config}:6: unknown key 'hf_ulr' in [services] (did you mean 'hf_url'?); ignored "
        "(keys: arxiv_url, hf_url, github_url, zotero_url, s2_url, crossref_url, dblp_url, openalex_url, "
        "openreview_url, openreview_v1_url)",
    )


def test_a_misspelt_service_in_budget_or_timeout_is_named(config):
    config.write_text("[budget]\narixv = 10\ndefault = 30\n[timeout]\nhf = 5\n", encoding="utf-8")
    settings = load_settings()
    assert settings.budgets == {"default": 30.0} and settings.timeouts == {"hf": 5.0}
    (warning,) = settings.warnings
    assert warning.startswith(f"{config}:2: unknown service 'arixv' in [budget] (did you mean 'arxiv'?); ignored")


def test_the_cli_says_each_config_warning_once_and_goes_on(config, tmp_path, capsys):
    config.write_text('[http]\ncontatc = "me@example.org"\n', encoding="utf-8")
    bib = tmp_path / "a.bib"
    bib.write_text("@misc{a, title = {A}}\n", encoding="utf-8")
    assert main(["-q", "tidy", str(bib)]) == ExitCode.OK
    err = capsys.readouterr().err
    assert err == f"bibkit: warning: {config}:2: unknown key 'contatc' in [http] (did you mean 'contact'?); " \
                  "ignored (keys: contact, arxiv_delay, dblp_delay, s2_delay, crossref_delay, openreview_delay)\n"


def test_a_missing_or_broken_config_file_is_an_error(config, tmp_path, capsys):
    bib = tmp_path / "a.bib"
    bib.write_text("@misc{a, title = {A}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings()
    assert main(["tidy", str(bib)]) == ExitCode.USAGE
    assert capsys.readouterr().err == f"bibkit: error: BIBKIT_CONFIG names {config}, which does not exist " \
                                      "(unset it to use the defaults)\n"
    config.mkdir()
    assert main(["tidy", str(bib)]) == ExitCode.USAGE and "is a directory" in capsys.readouterr().err
    config.rmdir()
    config.write_text("[services\n", encoding="utf-8")
    assert main(["tidy", str(bib)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"bibkit: error: {config}: not valid TOML") and err.count("\n") == 1


def test_zotero_bridge_reports_them_the_same_way(config, capsys):
    from zotero_bridge.cli import main as bridge

    config.write_text("[zotro]\nallow_remote = true\n", encoding="utf-8")
    bridge(["status"])
    assert f"zotero-bridge: warning: {config}:1: unknown section [zotro] (did you mean [zotero]?)" \
        in capsys.readouterr().err


def test_the_tidy_rekey_formula_comes_from_the_config(config, tmp_path, capsys):
    config.write_text('[citekey]\nformat = "auth.lower + year"\n', encoding="utf-8")
    bib = tmp_path / "a.bib"
    bib.write_text("@misc{x, author = {Doe, Jane}, title = {A Title}, year = 2001}\n", encoding="utf-8")
    assert main(["-q", "tidy", "--rekey", str(bib)]) == ExitCode.OK
    assert capsys.readouterr().out.startswith("@misc{doe2001,")


def test_an_unreachable_service_is_in_the_summary_not_a_raw_log_line(capsys):
    from pathlib import Path

    listing = Path(__file__).resolve().parent.parent / "examples" / "hf-trending-papers.txt"
    assert main(["repos", str(listing)]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "WARNING" not in err and "bibkit.http" not in err
    assert "GitHub unreachable" in err
