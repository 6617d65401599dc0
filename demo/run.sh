#!/usr/bin/env bash
# The main job on a bundled demo corpus: generate saved pages, build a corpus in git,
# split it, commit through the hooks, vectorize, train and test, and train an image model.
# Everything happens in demo/work/ (regenerated on each run; git ignores it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export PATH="$here/../.venv/bin:$PATH"
work="$here/work"
rm -rf "$work"
mkdir -p "$work"
step() { printf '\n== %s\n' "$*"; }

# A private git identity and hook cache, so the demo never touches the user's own.
export GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_CONFIG_NOSYSTEM=1 PRE_COMMIT_HOME="$work/pre-commit-cache"
git config --global user.name "Corpus Demo"
git config --global user.email "demo@corpus.invalid"
git config --global init.defaultBranch main

step "generate 36 saved pages (freeze-dry style, inline data: URLs)"
python "$here/make_pages.py" "$work/pages" --count 36 --seed 1

step "corpus init"
corpus init "$work/corpus"
cp "$here/rubric.md" "$work/corpus/samples/rubric.md"
cd "$work/corpus"
git add samples/rubric.md

step "corpus add (labels decide positive/negative; data: URLs move into LFS resources)"
corpus add "$work/pages" | tail -n 3

step "corpus split --seed 1"
corpus split --seed 1 | tail -n 2

step "corpus status"
corpus status
