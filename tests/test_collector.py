"""The cycle collector is paused only for a job's local stages, and always given back as the caller had it."""

from __future__ import annotations

import gc

import pytest

from bibkit.app import BuildOptions, EnrichOptions, convert
from bibkit.app import jobs
from bibkit.app.collector import collector_paused
from bibkit.errors import InputError

BIB = "@article{a2020,\n  author = {M{\\\"u}ller, J{\\\"o}rg},\n  title = {One},\n  year = {2020},\n}\n"


@pytest.fixture()
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_nested_and_reused_restore_what_they_found(collector_on):
    bulk = collector_paused()
    with bulk:
        assert not gc.isenabled()
        with bulk:
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner one found it off
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk:
            pass
        assert not gc.isenabled()  # a caller who had it off keeps it off
    finally:
        gc.enable()


def test_convert_pauses_while_reading_and_restores(tmp_path, monkeypatch, collector_on):
    src = tmp_path / "in.bib"
    src.write_text(BIB, encoding="utf-8")
    seen = []
    real = jobs.read_inputs

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs, "read_inputs", spy)
    result = convert([str(src)], str(tmp_path / "out.bib"))
    assert seen == [False]
    assert gc.isenabled()
    assert "@article{a2020," in (tmp_path / "out.bib").read_text(encoding="utf-8")
    assert result.read == 1


def test_restored_when_the_job_fails(tmp_path, collector_on):
    with pytest.raises(InputError):
        convert([str(tmp_path / "missing.bib")], str(tmp_path / "out.bib"))
    assert gc.isenabled()


def test_network_stage_runs_with_the_collector(tmp_path, monkeypatch, collector_on):
    src = tmp_path / "in.bib"
    src.write_text(BIB, encoding="utf-8")
    seen = []

    def fake_enrich(doc, *args, **kwargs):
        seen.append(gc.isenabled())
        return None

    monkeypatch.setattr(jobs, "_enrich", fake_enrich)
    jobs.build([str(src)], None, BuildOptions(enrich=EnrichOptions(offline=True), tagging=None))
    assert seen == [True]
    assert gc.isenabled()
