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

step "corpus check (labels against the rubric, extraction, LFS storage)"
corpus check

step "git commit (pre-commit runs the corpus hooks; Git LFS stores the resources)"
git add -A
git commit -q -m "Demo corpus: 36 samples split 60/20/20"
git log --oneline -1
git lfs ls-files | wc -l | xargs echo "LFS files:"

step "corpus import: bring an existing Fathom samples tree into a new corpus, names and sets kept"
corpus init "$work/imported" >/dev/null
cp "$here/rubric.md" "$work/imported/samples/rubric.md"
corpus -C "$work/imported" import "$work/corpus/samples"

step "corpus vectorize (Python ruleset over the DOM, Fathom vector format)"
corpus vectorize training validation testing --trainee new-password

step "corpus train training -a validation (logistic regression, as fathom-train)"
corpus train samples/training -a samples/validation --trainee new-password -i 200 -q

step "corpus test on the testing set with the trained model"
corpus test samples/testing models/new-password.json --trainee new-password

step "corpus crops: element images of labeled buttons and of other links (headless Chromium)"
corpus crops training validation testing --types button --candidates a --other link -o "$work/crops"

step "corpus train-images: the button-or-link CNN (small and quick for the demo)"
corpus train-images "$work/crops" -o "$work/image-model" --size 64 --epochs 4 --batch-size 16

step "corpus predict-images"
corpus predict-images "$work/image-model" $(ls "$work"/crops/button/*.png | head -n 2) $(ls "$work"/crops/link/*.png | head -n 2)
