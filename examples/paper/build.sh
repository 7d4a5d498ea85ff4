#!/usr/bin/env bash
# Build the example paper's bibliography with bibkit, then compile the paper twice:
#
#   paper.tex           classic BibTeX (\bibliographystyle{plain})          -> paper.pdf
#   paper-biblatex.tex  biblatex + biber, bibliography split by bibkit tags -> paper-biblatex.pdf
#
# The steps a user follows for their own paper:
#   1. a library .bib of everything they read   (here: the example listing, tagged with ../tags.toml,
#                                                 its keys pinned to the ones the paper cites: keys.bib)
#   2. pdflatex paper                            (writes paper.aux: what the paper cites)
#   3. bibkit cite paper.aux --from refs.bib -o paper.bib   (only the cited entries)
#   4. bibtex paper (or biber), pdflatex twice
#
# The keys body.tex cites are pinned: keys.bib names them (the keys an offline build gave), and
# `bibkit build --keys-from keys.bib` keeps them for the same papers whether the run is offline or
# enriches every paper on arXiv (which would otherwise put authors and years into new keys).  Run it
# again and refs.bib keeps its keys (its lock file, refs.bib.lock.json, remembers them).  Ends by
# checking the logs: exit status 1 if any citation is undefined or LaTeX, BibTeX or biber warned.
#
# Usage: ./build.sh [clean]      Environment: BIBKIT (default "bibkit"), LISTING, RULES.
set -euo pipefail
cd "$(dirname "$0")"

BIBKIT=${BIBKIT:-bibkit}
LISTING=${LISTING:-../hf-trending-papers.txt}
RULES=${RULES:-../tags.toml}
LATEX=(pdflatex -interaction=nonstopmode -halt-on-error -file-line-error)

clean() {
  rm -f refs.bib refs-biblatex.bib ./*.lock.json ./*.bib.bak paper.bib paper-biblatex.bib ./*.aux ./*.bbl \
        ./*.blg ./*.bcf ./*.run.xml ./*.log ./*.out ./*.toc paper.pdf paper-biblatex.pdf
}
if [[ "${1:-}" == "clean" ]]; then clean; exit 0; fi
clean

quiet() {  # run a TeX program, show its output only when it fails
  local out
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out" | tail -40 >&2
    echo "build.sh: '$*' failed" >&2
    exit 1
  fi
}

echo "== 1. the library: every paper of the listing, enriched when the network allows, tagged, keys pinned"
$BIBKIT -q build "$LISTING" --rules "$RULES" --keys-from keys.bib -o refs.bib
$BIBKIT -q build "$LISTING" --rules "$RULES" --keys-from keys.bib --to biblatex -o refs-biblatex.bib

echo "== 2. paper.tex with BibTeX"
quiet "${LATEX[@]}" paper
$BIBKIT cite paper.aux --from refs.bib -o paper.bib
quiet bibtex paper
quiet "${LATEX[@]}" paper
quiet "${LATEX[@]}" paper

echo "== 3. paper-biblatex.tex with biblatex + biber"
quiet "${LATEX[@]}" paper-biblatex
$BIBKIT cite paper-biblatex.aux --from refs-biblatex.bib -o paper-biblatex.bib
quiet biber paper-biblatex
quiet "${LATEX[@]}" paper-biblatex
quiet "${LATEX[@]}" paper-biblatex

echo "== 4. checking the logs"
problems=$(
  grep -H -E "Warning|undefined" paper.log paper-biblatex.log || true
  grep -H -E "^Warning--|error message" paper.blg || true
  grep -H -E " (WARN|ERROR) - " paper-biblatex.blg || true
)
if [[ -n "$problems" ]]; then
  printf '%s\n' "$problems" >&2
  echo "build.sh: the paper compiled with warnings (above)" >&2
  exit 1
fi
echo "OK: paper.pdf and paper-biblatex.pdf, no undefined citations, no warnings"
