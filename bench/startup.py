#!/usr/bin/env python3
"""Benchmark: how fast bibkit starts — ``--help``, ``convert`` of one entry, ``tidy`` of one entry.

    python bench/startup.py [--repeat 15]

Each contender is a whole process, run ``--repeat`` times in interleaved rounds
(so a busy moment of the shared machine hits all of them alike); the median
CPU time (user + system of the child, from ``os.wait4``) and the median
wall-clock time are reported, with the ratio against the baseline measured in
the same run:

* **baseline** — ``python -c 'import bibtexparser'`` (the library bibkit
  builds on: what a script using it pays before doing anything);
* ``python -c pass`` — the interpreter alone, for scale;
* ``bibkit --help``;
* ``bibkit convert one.bib`` — one ``@article`` with accents, written to a file;
* ``bibkit tidy one.bib`` — when this bibkit has a ``tidy`` command.

Every bibkit process runs the tree this file belongs to (``python -m bibkit``
with it first on ``PYTHONPATH``), with its bytecode cached as in an installed
package (the first, untimed round writes it).  Besides the times, each bibkit command is
run once more to list the modules it imported: none of the network stack
(requests, requests_cache and its yaml/cattrs/attrs, urllib3, filelock), the
HTTP layer, the enrichers or the Zotero bridge may be among them.

Targets: ``--help`` and ``convert`` of one entry at most 2x the baseline
(CPU, median); ``tidy`` reported against the same bar; no forbidden module.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE_ENTRY = r"""@article{muller2020study,
  author  = {M{\"u}ller, J{\"o}rg and Dvo{\v{r}}{\'a}k, Anna and {DeepSeek-AI}},
  title   = {A Study of {NLP} Things in {\"U}ber-Large Models},
  journal = {Journal of Machine Learning Research},
  volume  = {21},
  pages   = {1--42},
  year    = {2020},
  month   = jun,
  doi     = {10.1234/jmlr.2020.42},
}
"""

#: modules a command that never touches the network must not import (what the issue lists, and what pulls them)
FORBIDDEN = ("requests", "requests_cache", "urllib3", "yaml", "cattrs", "attrs", "attr", "filelock",
             "bibkit.http", "bibkit.enrich", "zotero_bridge.transport", "zotero_bridge.syncing")

_PROBE = """
import atexit, json, sys
def _dump():
    with open({out!r}, "w") as fh:
        json.dump(sorted(sys.modules), fh)
atexit.register(_dump)
sys.argv = ["bibkit"] + {args!r}
import runpy
runpy.run_module("bibkit", run_name="__main__")
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    # bytecode cached, as for an installed package (pip compiles it; without it every run recompiles bibkit)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(argv: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one whole process; its output is discarded, a failure is fatal."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err.strip()[-500:]}")
    return usage.ru_utime + usage.ru_stime, wall


def imported_modules(args: list[str], env: dict[str, str], cwd: str) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    try:
        code = _PROBE.format(out=out, args=args)
        subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return list(json.loads(Path(out).read_text()))
    finally:
        os.unlink(out)


def has_tidy(env: dict[str, str]) -> bool:
    code = "import bibkit.cli as c; print('tidy' in c.COMMANDS)"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return proc.stdout.strip() == "True"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=15, help="runs per contender (median reported; default 15)")
    args = ap.parse_args(argv)
    env = _env()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.bib"
        one.write_text(ONE_ENTRY, encoding="utf-8")
        contenders: dict[str, list[str]] = {
            "baseline: python -c 'import bibtexparser'": [py, "-c", "import bibtexparser"],
            "python -c pass": [py, "-c", "pass"],
            "bibkit --help": [py, "-m", "bibkit", "--help"],
            "bibkit convert (1 entry)": [py, "-m", "bibkit", "-q", "convert", str(one), "-o",
                                         str(Path(tmp) / "out.bib")],
        }
        bibkit_args = {"bibkit --help": ["--help"],
                       "bibkit convert (1 entry)": ["-q", "convert", str(one), "-o", str(Path(tmp) / "out2.bib")]}
        if has_tidy(env):
            contenders["bibkit tidy (1 entry)"] = [py, "-m", "bibkit", "-q", "tidy", str(one), "-o",
                                                   str(Path(tmp) / "tidy.bib")]
            bibkit_args["bibkit tidy (1 entry)"] = ["-q", "tidy", str(one), "-o", str(Path(tmp) / "tidy2.bib")]
        for argv_ in contenders.values():  # warm the file cache and the bytecode cache once
            run_once(argv_, env, tmp)
        cpu: dict[str, list[float]] = {name: [] for name in contenders}
        wall: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(args.repeat):
            for name, argv_ in contenders.items():
                c, w = run_once(argv_, env, tmp)
                cpu[name].append(c)
                wall[name].append(w)
        modules = {name: imported_modules(a, env, tmp) for name, a in bibkit_args.items()}

    base_name = next(iter(contenders))
    base_cpu, base_wall = statistics.median(cpu[base_name]), statistics.median(wall[base_name])
    print(f"{args.repeat} runs each, interleaved; medians (CPU = user + system of the process)\n")
    print(f"{'contender':<44} {'CPU':>8} {'ratio':>7} {'wall':>8} {'ratio':>7} {'modules':>8}")
    ok = True
    for name in contenders:
        c, w = statistics.median(cpu[name]), statistics.median(wall[name])
        mods = str(len(modules[name])) if name in modules else ""
        print(f"{name:<44} {c * 1000:6.0f}ms {c / base_cpu:6.2f}x {w * 1000:6.0f}ms {w / base_wall:6.2f}x "
              f"{mods:>8}")
    print()
    for name in bibkit_args:
        ratio = statistics.median(cpu[name]) / base_cpu
        met = ratio <= 2.0
        ok = ok and met
        print(f"  [{'ok' if met else 'MISSED'}] {name}: {ratio:.2f}x the baseline's CPU (target <= 2x)")
        bad = sorted(m for m in modules[name] if any(m == f or m.startswith(f + ".") for f in FORBIDDEN))
        ok = ok and not bad
        print(f"  [{'ok' if not bad else 'MISSED'}] {name}: no network stack, HTTP layer, enricher or Zotero "
              f"transport imported" + (f" (imported: {', '.join(bad[:12])}{' …' if len(bad) > 12 else ''})"
                                       if bad else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
